-- Records an upload's outcome, only while the claim that made the record still holds it: an upload whose
-- record was taken over after its lease ran out must not overwrite the upload that took it.
-- KEYS[1]  the media record (a hash)
-- ARGV[1]  the claim's token (the startedAt that media-begin.lua wrote and returned)
-- ARGV[2]  the record's lifetime, milliseconds
-- ARGV[3…] field, value, field, value…
-- Returns 1 when written, 0 when the claim no longer holds the record.
if redis.call('HGET', KEYS[1], 'status') ~= 'processing' or redis.call('HGET', KEYS[1], 'startedAt') ~= ARGV[1] then
  return 0
end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
