-- Appends story events to one partition's stream, at most once per (platform, storyId).
-- Runs atomically, so a crash can never leave a dedupe marker without its stream entry or the reverse.
--
-- KEYS[1]      the partition's stream            {prefix:pN}:stories
-- KEYS[1 + i]  event i's dedupe marker           {prefix:pN}:seen:<platform>:<storyId>
-- ARGV[1]      the producer's name (stored with every entry)
-- ARGV[2i]     event i's expiry, epoch milliseconds (the marker lives exactly as long as the story)
-- ARGV[2i + 1] event i's canonical JSON
--
-- Returns, per event, {1, entryId} when appended or {0, entryIdOfTheFirstCopy} when a duplicate.
-- Needs Redis >= 6.2 (SET ... PXAT).
local results = {}
local stream = KEYS[1]
local producer = ARGV[1]
for i = 2, #KEYS do
  local marker = KEYS[i]
  local first = redis.call('GET', marker)
  if first then
    results[i - 1] = {0, first}
  else
    local id = redis.call('XADD', stream, '*', 'event', ARGV[2 * i - 1], 'producer', producer)
    redis.call('SET', marker, id, 'PXAT', ARGV[2 * i - 2])
    results[i - 1] = {1, id}
  end
end
return results
