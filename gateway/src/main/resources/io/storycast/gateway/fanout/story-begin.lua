-- Begins a story's fan-out: writes its record once, or answers the record an earlier delivery wrote (with
-- that delivery's progress, so the fan-out resumes), or a retraction's tombstone.
--
-- KEYS[1]  the story's hash
-- ARGV[1]  when the story expires, epoch milliseconds: the hash expires with it
-- ARGV[2..] the record's fields and values, flattened
--
-- Returns the hash's fields and values as they were (HGETALL), or an empty array when this call wrote them.
-- A hash without the record's targets (only a stray progress or failure write) counts as not begun.
if redis.call('HEXISTS', KEYS[1], 'targets') == 1 then
  return redis.call('HGETALL', KEYS[1])
end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
return {}
