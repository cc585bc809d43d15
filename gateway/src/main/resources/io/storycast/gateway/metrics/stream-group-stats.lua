-- Reads one stream's consumer group numbers for the stream gauges: its pending entries, its lag and the stream's
-- length. A script because it carries the stream as its key: the cluster client routes XINFO, which it knows no
-- key of, to any master, and each wrong one answers MOVED, which makes the client drop its whole slot map.
--
-- KEYS[1]  the stream
-- ARGV[1]  the group
--
-- Returns {pending, lag, length}: lag is -1 when Redis does not report it (6.2 never does; 7 answers nil after a
-- trim past unread entries); {} when the group does not exist.
for _, group in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
  local fields = {}
  for i = 1, #group, 2 do
    fields[group[i]] = group[i + 1]
  end
  if fields['name'] == ARGV[1] then
    local lag = fields['lag']
    if type(lag) ~= 'number' then
      lag = -1
    end
    return {fields['pending'], lag, redis.call('XLEN', KEYS[1])}
  end
end
return {}
