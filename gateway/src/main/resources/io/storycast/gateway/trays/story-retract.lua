-- Retracts a story: marks its hash so tray reads never show it again and a fan-out still running (or a
-- later delivery) stops. The hash keeps its expiry, so the mark lasts exactly as long as the story would.
--
-- KEYS[1]  the story's hash
-- ARGV[1]  now, epoch milliseconds
--
-- Returns 0 when there is no such story (unknown, expired, or not yet begun by the fan-out), 1 when this
-- call retracted it, 2 when it was retracted before.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
if redis.call('HSETNX', KEYS[1], 'retracted', ARGV[1]) == 1 then
  return 1
end
return 2
