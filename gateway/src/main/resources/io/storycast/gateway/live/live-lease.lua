-- Renews (or gives up) one gateway process's registrations in the live registry: for each subscriber it holds a
-- live connection of, which processes hold one. A process renews every registration it holds every third of the
-- lease, so one whose process died is gone within a lease: each entry carries its own lease end, and the key
-- expires with the latest. All keys share one hash tag (a shard of the registry), so this works on Redis Cluster.
--
-- KEYS[1..n]  the subscribers' registry keys: strings "<instance>=<lease end, epoch ms>,..." (instance ids hold
--             neither '=' nor ',')
-- KEYS[n+1]   the shard's set of the subscribers (of this platform) registered anywhere: what the fan-out probes
-- ARGV[1]     the process's instance id
-- ARGV[2]     now, epoch ms (the process's clock; a lease is tens of seconds, so clocks need only agree to seconds)
-- ARGV[3]     the lease, ms: the process's entries end at now + lease; 0 gives them up
-- ARGV[4..]   the subscriber ids of KEYS[1..n], in order
--
-- Returns how many keys now name the process. Entries of other processes whose lease ended are dropped on the
-- way; a key left with no entry is deleted, and its subscriber leaves the set.
local now = tonumber(ARGV[2])
local lease = tonumber(ARGV[3])
local online = KEYS[#KEYS]
local held = 0
for i = 1, #KEYS - 1 do
  local key = KEYS[i]
  local value = redis.call('GET', key)
  local entries = {}
  local latest = 0
  if value then
    for instance, ends in string.gmatch(value, '([^=,]+)=(%d+)') do
      local at = tonumber(ends)
      if instance ~= ARGV[1] and at > now then
        entries[#entries + 1] = instance .. '=' .. ends
        if at > latest then
          latest = at
        end
      end
    end
  end
  if lease > 0 then
    local ends = now + lease
    entries[#entries + 1] = ARGV[1] .. '=' .. string.format('%d', ends)
    if ends > latest then
      latest = ends
    end
    held = held + 1
  end
  if #entries == 0 then
    redis.call('DEL', key)
    redis.call('SREM', online, ARGV[3 + i])
  else
    redis.call('SET', key, table.concat(entries, ','), 'PXAT', string.format('%d', latest))
    redis.call('SADD', online, ARGV[3 + i])
  end
end
return held
