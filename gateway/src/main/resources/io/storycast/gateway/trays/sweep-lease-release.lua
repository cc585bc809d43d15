-- Gives the tray janitor's lease up, if the caller holds it (another process may have taken it since).
--
-- KEYS[1]  the lease's string
-- ARGV[1]  the holder giving it up
--
-- Returns 1 when the lease was given up, 0 when the caller did not hold it.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
