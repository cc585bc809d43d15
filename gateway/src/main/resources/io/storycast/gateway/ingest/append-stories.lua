-- Appends story events to one partition's stream, at most once per (platform, storyId), as ONE stream
-- entry holding every new event of the call (NDJSON in the field "events"). Atomic: a crash never leaves
-- a dedupe marker without its entry or the reverse.
--
-- Dedupe markers are fields of per-minute bucket hashes ({prefix:pN}:seen:<minute of expiry>): field
-- "<platform>:<storyId>", value "<entryId>#<index in the entry>". A retry carries the same expiry, so it
-- meets its marker in the same bucket; a bucket expires when its minute ends, after all its stories.
--
-- Why this shape: the arguments are laid out for Redis's C code to do the per-event work, and Lua touches a
-- payload only when a call holds a duplicate: the fields of a bucket are contiguous (one HMGET over a slice
-- of ARGV), the payloads come joined as the entry's NDJSON (XADDed as they are when nothing is a
-- duplicate), and the answer lists only the duplicates. Measured in docs/PERFORMANCE.md.
--
-- KEYS[1]       the partition's stream
-- KEYS[1 + b]   bucket b's hash, b = 1..B
-- ARGV[1]       the producer's name, stored with the entry
-- then per bucket b, in order: its expiry (epoch milliseconds), its number of events n, its n marker fields
-- then every event's canonical JSON (no newline inside), in the order of the fields, joined by "\n"
-- then the byte length of each of those events, comma-separated
-- The caller sends each (platform, storyId) at most once per call.
--
-- Returns {entryId, p1, m1, p2, m2, ...}: the new entry's id (false when every event was a duplicate), then
-- for each duplicate its position among the call's events (from 1) and its marker "<entryId>#<index>".
-- The events not listed were appended in the order sent: the k-th of them has index k - 1 in the entry.
local CHUNK = 1000 -- stays far below Lua's limit on unpack() arguments
local buckets = #KEYS - 1
local expiry, fieldsFrom, fieldsTo = {}, {}, {}
local at = 2
local events = 0
for b = 1, buckets do
  local n = tonumber(ARGV[at + 1])
  expiry[b] = ARGV[at]
  fieldsFrom[b] = at + 2
  fieldsTo[b] = at + 1 + n
  at = fieldsTo[b] + 1
  events = events + n
end
local joined = ARGV[at]
local lengths = ARGV[at + 1]

-- 1. the markers that already exist, one HMGET per bucket
local duplicates = {} -- position among the call's events -> existing marker
local duplicateCount = 0
local position = 0
for b = 1, buckets do
  for from = fieldsFrom[b], fieldsTo[b], CHUNK do
    local to = math.min(from + CHUNK - 1, fieldsTo[b])
    local values = redis.call('HMGET', KEYS[1 + b], unpack(ARGV, from, to))
    for k = 1, to - from + 1 do
      if values[k] then
        duplicates[position + k] = values[k]
        duplicateCount = duplicateCount + 1
      end
    end
    position = position + to - from + 1
  end
end
if duplicateCount == events then
  local result = {false}
  for e = 1, events do
    result[#result + 1] = e
    result[#result + 1] = duplicates[e]
  end
  return result
end

-- 2. one entry for the new events
if duplicateCount > 0 then
  local payloads = {}
  local e, from = 0, 1
  for length in string.gmatch(lengths, '%d+') do
    e = e + 1
    if not duplicates[e] then
      payloads[#payloads + 1] = string.sub(joined, from, from + length - 1)
    end
    from = from + length + 1
  end
  joined = table.concat(payloads, '\n')
end
local id = redis.call('XADD', KEYS[1], '*', 'events', joined, 'producer', ARGV[1])

-- 3. their markers, one HSET per bucket and chunk
local index = 0
position = 0
for b = 1, buckets do
  local pending = {}
  for field = fieldsFrom[b], fieldsTo[b] do
    position = position + 1
    if not duplicates[position] then
      pending[#pending + 1] = ARGV[field]
      pending[#pending + 1] = id .. '#' .. index
      index = index + 1
    end
  end
  if #pending > 0 then
    for from = 1, #pending, 2 * CHUNK do
      redis.call('HSET', KEYS[1 + b], unpack(pending, from, math.min(from + 2 * CHUNK - 1, #pending)))
    end
    redis.call('PEXPIREAT', KEYS[1 + b], expiry[b])
  end
end

-- 4. the answer: the entry, then the duplicates
local result = {id}
if duplicateCount > 0 then
  for e = 1, events do
    if duplicates[e] then
      result[#result + 1] = e
      result[#result + 1] = duplicates[e]
    end
  end
end
return result
