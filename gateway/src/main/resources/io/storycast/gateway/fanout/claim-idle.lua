-- Takes over the entries of a stream's group idle for a bound (those of a consumer that died, and the caller's
-- own failed ones) and acknowledges those deleted from the stream while pending, in one script.
--
-- Why a script: Redis 6.2's XAUTOCLAIM answers a deleted entry as nil, with no id, and keeps it pending, so
-- the caller could never acknowledge it: it would stay pending for good, re-claimed on every pass, and hold
-- the stream's trimming at its id. Here XAUTOCLAIM ... JUSTID names every claimed id (deleted or not) without
-- counting a delivery; each one still in the stream is then claimed again with XCLAIM, which counts the
-- delivery (as a plain XAUTOCLAIM would) and returns the entry; each one gone is acknowledged. Redis 7 drops
-- deleted entries from the pending list itself and names them in a third element of its answer: they are
-- reported the same way, so the caller logs them on either version.
--
-- KEYS[1]  the stream
-- ARGV[1]  the group
-- ARGV[2]  the caller's consumer name
-- ARGV[3]  the idle bound, milliseconds
-- ARGV[4]  the cursor to start from ("0-0" for the start)
-- ARGV[5]  the most entries to take over
--
-- Returns {next cursor, entries, deleted}: the entries as XAUTOCLAIM returns them ({id, {field, value, ...}}
-- each), and the ids acknowledged because they were deleted.
local claimed = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], 'COUNT', ARGV[5], 'JUSTID')
local entries, deleted = {}, {}
for _, id in ipairs(claimed[2]) do
  if #redis.call('XRANGE', KEYS[1], id, id) == 0 then
    redis.call('XACK', KEYS[1], ARGV[1], id)
    deleted[#deleted + 1] = id
  else
    local again = redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, id)
    if again[1] then
      entries[#entries + 1] = again[1]
    end
  end
end
for _, id in ipairs(claimed[3] or {}) do
  deleted[#deleted + 1] = id
end
return {claimed[1], entries, deleted}
