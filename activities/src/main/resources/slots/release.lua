-- ARGV: task id, token, limit
-- Frees the slot only if the token names it (a late or repeated release frees nothing else),
-- then hands free slots on. Returns {id, token, ...} of the grants.
local id, token, limit = ARGV[1], ARGV[2], tonumber(ARGV[3])
redis.call('HSET', state, 'limit', limit)
if redis.call('HGET', tokens, id) == token then
  redis.call('ZREM', holders, id)
  redis.call('HDEL', tokens, id)
end
drop_expired()
return grant(limit)
