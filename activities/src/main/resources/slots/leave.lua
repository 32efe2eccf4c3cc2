-- ARGV: task id, limit
-- A waiter leaves the queue; if it was granted a slot meanwhile it gives it back in the same step.
-- Returns {'LEFT'}, {'ABSENT'} or {'GAVE_BACK', id, token, ...grants to others}.
local id, limit = ARGV[1], tonumber(ARGV[2])
redis.call('HSET', state, 'limit', limit)
if redis.call('ZREM', waiters, id) == 1 then
  redis.call('HDEL', leases, id)
  return {'LEFT'}
end
if redis.call('HGET', tokens, id) then
  redis.call('ZREM', holders, id)
  redis.call('HDEL', tokens, id)
  drop_expired()
  local result = {'GAVE_BACK'}
  for i, v in ipairs(grant(limit)) do
    result[i + 1] = v
  end
  return result
end
return {'ABSENT'}
