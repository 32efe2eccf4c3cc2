-- ARGV: task id, queue score, limit, lease (ms)
-- Returns {own token or '', place in the queue or -1, id, token, ...grants to other tasks}
local id, score, limit, lease = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('HSET', state, 'limit', limit)
if redis.call('HGET', tokens, id) then
  -- a repeated request from a holder: it keeps its slot, with a fresh lease
  redis.call('ZADD', holders, now + lease, id)
else
  -- a waiter asking again keeps its place (NX)
  redis.call('ZADD', waiters, 'NX', score, id)
  redis.call('HSET', leases, id, lease)
end
drop_expired()
local result = {'', -1}
local granted = grant(limit)
for i = 1, #granted, 2 do
  if granted[i] ~= id then -- the caller's own grant is its answer, not a signal
    table.insert(result, granted[i])
    table.insert(result, granted[i + 1])
  end
end
local own = redis.call('HGET', tokens, id)
if own then
  result[1] = own
else
  result[2] = redis.call('ZRANK', waiters, id)
end
return result
