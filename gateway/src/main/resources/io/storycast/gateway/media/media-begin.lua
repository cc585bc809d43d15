-- Claims a media id for a new upload, in one step so two uploads of the same id cannot both win.
-- KEYS[1]  the media record (a hash)
-- ARGV[1]  the record's lifetime, milliseconds
-- ARGV[2]  the processing lease, milliseconds: a record still 'processing' this long after its last start
--          was left by a process that died mid-job, and may be taken over
-- Returns the claim's token (its startedAt, milliseconds of Redis's clock) when claimed, 0 when the id is taken.
local now = redis.call('TIME')
local nowMillis = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local status = redis.call('HGET', KEYS[1], 'status')
if status == 'ready' then
  return 0
end
if status == 'processing' then
  local started = tonumber(redis.call('HGET', KEYS[1], 'startedAt') or '0') or 0
  if nowMillis - started < tonumber(ARGV[2]) then
    return 0
  end
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'status', 'processing', 'startedAt', nowMillis)
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return nowMillis
