-- Adds members to an audience or removes them, and says whether the audience's members are linked to
-- its outbox (hybrid fan-out): then the caller links (or unlinks) the members it changed. Reading the link
-- state in the same script as the change is what keeps links complete while the fan-out links an audience
-- that just became large: a member added before the state was set is in the fan-out's scan, one added
-- after is linked by the caller. Both keys share the hash tag {<prefix>:aud:<platform>:<author>}.
--
-- KEYS[1]  the audience: a sorted set, every score 0
-- KEYS[2]  its outbox's link state: absent, "linking" or "linked"
-- ARGV[1]  "add" or "remove"
-- ARGV[2..] the members
--
-- Returns {changed, linked}: how many members were added (not members before) or removed (members
-- before), and 1 when the caller must change the members' links, else 0.
local CHUNK = 1000 -- stays far below Lua's limit on unpack() arguments
local changed = 0
for first = 2, #ARGV, CHUNK do
  local last = math.min(first + CHUNK - 1, #ARGV)
  if ARGV[1] == 'add' then
    local scored = {}
    for i = first, last do
      scored[#scored + 1] = 0
      scored[#scored + 1] = ARGV[i]
    end
    changed = changed + redis.call('ZADD', KEYS[1], unpack(scored))
  else
    changed = changed + redis.call('ZREM', KEYS[1], unpack(ARGV, first, last))
  end
end
return {changed, redis.call('EXISTS', KEYS[2])}
