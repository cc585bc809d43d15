-- Reads a page of one outbox for one reader's tray (the pull half of the hybrid fan-out), checking on the
-- way that the reader may see it: still in the audience, and not muting the author. All keys share the
-- hash tag {<prefix>:aud:<platform>:<author>}, so this works on Redis Cluster.
--
-- KEYS[1]  the audience: a sorted set
-- KEYS[2]  the set of subscribers who muted the author on this platform
-- KEYS[3]  the audience's outbox: a sorted set, member and score as in trays
-- ARGV[1]  the reader
-- ARGV[2]  the score of the cursor (the previous page's last story), or "" for the newest stories
-- ARGV[3]  unused (the cursor's member; the caller filters the cursor's score group)
-- ARGV[4]  most stories to return after the cursor
-- ARGV[5]  the lowest score worth returning (older stories have expired)
--
-- Returns {0} when the reader is no longer in the audience (the caller drops the link), {1} when the
-- reader muted the author, else {1, member, score, member, score, ...}: every story with the cursor's
-- score (the caller keeps those whose member sorts below the cursor's: Lua compares strings by the
-- server's locale, not bytewise as sorted sets and Java do), then up to ARGV[4] with lower scores,
-- newest first.
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  return {0}
end
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then
  return {1}
end
local out = {1}
local max = '+inf'
if ARGV[2] ~= '' then
  for _, member in ipairs(redis.call('ZRANGE', KEYS[3], ARGV[2], ARGV[2], 'BYSCORE', 'REV')) do
    out[#out + 1] = member
    out[#out + 1] = ARGV[2]
  end
  max = '(' .. ARGV[2]
end
local page = redis.call('ZRANGE', KEYS[3], max, ARGV[5], 'BYSCORE', 'REV', 'LIMIT', 0, tonumber(ARGV[4]), 'WITHSCORES')
for _, value in ipairs(page) do
  out[#out + 1] = value
end
return out
