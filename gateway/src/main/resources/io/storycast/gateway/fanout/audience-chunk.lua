-- Reads the next chunk of an author's audience on one platform and (for a push into trays) drops the
-- subscribers who muted the author: one round trip per chunk, however large the audience. Both keys share the hash tag
-- {<prefix>:aud:<platform>:<author>}, so this works on Redis Cluster.
--
-- KEYS[1]  the audience: a sorted set with every score 0, so members are in id order
-- KEYS[2]  the set of subscribers who muted the author on this platform
-- ARGV[1]  the last member of the previous chunk, or "" to start at the first member
-- ARGV[2]  the chunk size: most members to read
-- ARGV[3]  "1" to drop the subscribers who muted the author, "0" to keep every member
--
-- Returns {scanned, last, {m1, m2, ...}}: how many members were read (fewer than the chunk size means the
-- audience ends here), the last member read (the next chunk's ARGV[1]; false when none was read), and the
-- members read that did not mute the author (every member read with ARGV[3] "0"), in id order. With no
-- mutes to drop (the common case) the members go back as ZRANGE gave them, without a copy.
local CHUNK = 1000 -- stays far below Lua's limit on unpack() arguments
local from = '-'
if ARGV[1] ~= '' then
  from = '(' .. ARGV[1]
end
local members = redis.call('ZRANGE', KEYS[1], from, '+', 'BYLEX', 'LIMIT', 0, tonumber(ARGV[2]))
if #members == 0 or ARGV[3] ~= '1' or redis.call('SCARD', KEYS[2]) == 0 then
  return {#members, members[#members] or false, members}
end
local kept = {}
for first = 1, #members, CHUNK do
  local last = math.min(first + CHUNK - 1, #members)
  local muted = redis.call('SMISMEMBER', KEYS[2], unpack(members, first, last))
  for i = first, last do
    if muted[i - first + 1] == 0 then
      kept[#kept + 1] = members[i]
    end
  end
end
return {#members, members[#members], kept}
