-- Appends story events to one partition's stream, at most once per (platform, storyId).
-- Runs atomically: a crash never leaves a dedupe marker without its stream entry or the reverse, and no
-- reader can see an entry the script takes back.
--
-- KEYS[1]      the partition's stream            {prefix:pN}:stories
-- KEYS[1 + i]  event i's dedupe marker           {prefix:pN}:seen:<platform>:<storyId>
-- ARGV[1]      the producer's name (stored with every entry)
-- ARGV[2i]     event i's expiry, epoch milliseconds (the marker lives exactly as long as the story)
-- ARGV[2i + 1] event i's canonical JSON
--
-- Returns, per event, {1, entryId} when appended or {0, entryIdOfTheFirstCopy} when a duplicate.
-- Needs Redis >= 6.2 (SET ... PXAT).
--
-- Why append first: in Redis 6.2 every redis.call costs about as much again as the command itself, and
-- new events are the common case. Appending, then setting the marker only if absent (holding the new
-- entry id), takes two calls per new event; checking first would take three (measured in
-- docs/PERFORMANCE.md). A duplicate costs four: its entry is deleted again before anyone can read it.
local results = {}
local stream = KEYS[1]
local producer = ARGV[1]
for i = 2, #KEYS do
  local id = redis.call('XADD', stream, '*', 'event', ARGV[2 * i - 1], 'producer', producer)
  if redis.call('SET', KEYS[i], id, 'NX', 'PXAT', ARGV[2 * i - 2]) then
    results[i - 1] = {1, id}
  else
    redis.call('XDEL', stream, id)
    results[i - 1] = {0, redis.call('GET', KEYS[i])}
  end
end
return results
