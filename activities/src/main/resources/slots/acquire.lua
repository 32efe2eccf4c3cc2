-- ARGV: task id, queue score, limit, lease (ms)
-- Returns {own token or '', place in the queue or -1, id, token, ...grants to others}
local id, score, limit, lease = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('HSET', state, 'limit', limit)
local held = redis.call('HGET', tokens, id)
if held then
  -- a repeated request from a holder: it keeps its slot, with a fresh lease
  redis.call('ZADD', holders, now + lease, id)
  return {held, -1}
end
drop_expired()
redis.call('ZADD', waiters, 'NX', score, id)
redis.call('HSET', leases, id, lease)
local result = {'', -1}
for i, v in ipairs(grant(limit)) do
  result[i + 2] = v
end
local own = redis.call('HGET', tokens, id)
if own then
  result[1] = own
else
  result[2] = redis.call('ZRANK', waiters, id)
end
return result
