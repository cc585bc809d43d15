-- Trims a stream of the entries its group is done with: those before both the oldest pending entry and the
-- group's last delivered one (XTRIM MINID, exact). In one script, so no read can deliver an entry between the
-- look and the trim: with the look (XPENDING, XINFO GROUPS) and the trim sent apart, an XREADGROUP served in
-- between would deliver an entry that the trim then deletes while it is pending.
--
-- KEYS[1]  the stream
-- ARGV[1]  the group
--
-- Returns the number of entries trimmed (0 when the group does not exist yet).
local lastDelivered
for _, group in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
  local fields = {}
  for i = 1, #group, 2 do
    fields[group[i]] = group[i + 1]
  end
  if fields['name'] == ARGV[1] then
    lastDelivered = fields['last-delivered-id']
  end
end
if not lastDelivered then
  return 0
end
local keepFrom
local oldestPending = redis.call('XPENDING', KEYS[1], ARGV[1])[2]
if oldestPending then
  keepFrom = oldestPending
else
  -- Just after the last delivered entry: every entry up to it is acknowledged. A sequence too large for Lua's
  -- numbers (never seen: it counts entries within one millisecond) keeps that one entry instead.
  local ms, seq = string.match(lastDelivered, '^(%d+)-(%d+)$')
  if #seq < 15 then
    keepFrom = ms .. '-' .. string.format('%d', tonumber(seq) + 1)
  else
    keepFrom = lastDelivered
  end
end
return redis.call('XTRIM', KEYS[1], 'MINID', keepFrom)
