-- Takes subscribers out of a registry shard's set when no process holds them any more: their registry key expired
-- (the processes that held them died) without a release. The fan-out calls this for the subscribers its probe of the
-- set found but whose keys it then found empty. A subscriber registered again meanwhile has its key back and stays.
--
-- KEYS[1..n]  the subscribers' registry keys
-- KEYS[n+1]   the shard's set
-- ARGV[1..n]  the subscriber ids of KEYS[1..n]
--
-- Returns how many left the set.
local online = KEYS[#KEYS]
local removed = 0
for i = 1, #KEYS - 1 do
  if redis.call('EXISTS', KEYS[i]) == 0 then
    removed = removed + redis.call('SREM', online, ARGV[i])
  end
end
return removed
