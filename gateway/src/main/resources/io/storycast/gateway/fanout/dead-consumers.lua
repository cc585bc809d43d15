-- Removes the consumers of a stream's group that hold no pending entry and have been idle longer than a
-- bound: those of gateway processes gone for good (each process has a consumer name of its own, so the
-- group would otherwise keep every process that ever ran). In one script, so no consumer can take an
-- entry between the look and the removal (XGROUP DELCONSUMER drops a consumer's pending entries).
--
-- KEYS[1]  the stream
-- ARGV[1]  the group
-- ARGV[2]  the idle bound, milliseconds: a consumer idle longer (and with nothing pending) is removed
-- ARGV[3]  the caller's own consumer name, never removed
--
-- Returns the names of the consumers removed.
local bound = tonumber(ARGV[2])
local removed = {}
for _, consumer in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
  local fields = {}
  for i = 1, #consumer, 2 do
    fields[consumer[i]] = consumer[i + 1]
  end
  if fields['name'] ~= ARGV[3] and fields['pending'] == 0 and fields['idle'] > bound then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], fields['name'])
    removed[#removed + 1] = fields['name']
  end
end
return removed
