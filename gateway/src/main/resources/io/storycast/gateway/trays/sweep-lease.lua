-- The tray janitor's lease: only the gateway process holding it sweeps, so several processes do not walk
-- the same trays at once. Taken when free (SET NX PX), renewed by its holder, left alone otherwise.
--
-- KEYS[1]  the lease's string
-- ARGV[1]  the would-be holder: its process's fan-out consumer name, unique across processes
-- ARGV[2]  how long the lease lasts unless renewed, milliseconds
--
-- Returns 1 when the caller holds the lease now (taken or renewed), 0 when another process holds it.
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return 1
end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
