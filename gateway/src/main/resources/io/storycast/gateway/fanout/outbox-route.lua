-- Routes the fan-out of a story to one platform (the hybrid fan-out): a push into every member's tray
-- while the audience has at most the threshold of members, otherwise one write into the author's outbox,
-- which the trays of the audience's members merge when they are read. All keys share the hash tag
-- {<prefix>:aud:<platform>:<author>}, so this works on Redis Cluster.
--
-- KEYS[1]  the audience: a sorted set
-- KEYS[2]  the audience's outbox: a sorted set, member and score as in trays
-- KEYS[3]  the outbox's link state: absent, "linking" or "linked"
-- ARGV[1]  the threshold: an audience with more members than this goes through the outbox
-- ARGV[2]  the story's tray member
-- ARGV[3]  its score (createdAt, epoch ms)
-- ARGV[4]  when it expires, epoch ms: the outbox key lives at least that long
-- ARGV[5]  now, epoch ms
-- ARGV[6]  the oldest a story can be and still live, ms: older outbox entries are trimmed
-- ARGV[7]  the outbox's cap
-- ARGV[8]  "push" or "outbox" to keep the route an earlier delivery of the story took, "" to choose
--
-- Returns {"push", size} or {"outbox", size, linkState}, size being the audience's member count. The state
-- "linking" means the members may not all be linked to the outbox yet: the caller links every member, then
-- sets the state to "linked". Setting "linking" here, in the same script that reads the size, is what makes
-- the audience API link the members it adds from now on (it reads the state atomically with its ZADD).
local size = redis.call('ZCARD', KEYS[1])
if ARGV[8] == 'push' or (ARGV[8] == '' and size <= tonumber(ARGV[1])) then
  return {'push', size}
end
local state = redis.call('GET', KEYS[3])
if not state then
  state = 'linking'
  redis.call('SET', KEYS[3], state)
end
local now = tonumber(ARGV[5])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. string.format('%d', now - tonumber(ARGV[6])))
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -tonumber(ARGV[7]) - 1)
-- The outbox outlives its newest story, so an author who stops posting leaves no outbox behind.
local ttl = redis.call('PTTL', KEYS[2])
local expiresAt = tonumber(ARGV[4])
if ttl < 0 or now + ttl < expiresAt then
  redis.call('PEXPIREAT', KEYS[2], ARGV[4])
end
return {'outbox', size, state}
