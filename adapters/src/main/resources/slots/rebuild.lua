-- ARGV: limit, epoch the records were read for, whether this is the last chunk ('1' or '0'), tenant
-- weights ('tenant=weight,...'), then entries of five values each:
--   'H', task id, token, lease (ms), '': a task the records show running with that slot
--   'W', task id, queue score, lease (ms), tenant: a task the records show waiting
-- Puts back what Redis lost, without touching what is there: a task already holding or waiting
-- stays as it is. A long rebuild comes in chunks (one call for every task would block Redis), holders
-- first: only the last chunk marks the epoch rebuilt and grants the slots left over, so the queue is
-- granted only what the holders leave. Nothing is done if the epoch changed since the records were
-- read. Returns {'REBUILT' | 'PUT_BACK' | 'STALE', holders put back, waiters put back, id, token,
-- ...grants}.
local limit, for_epoch, last = effective_limit(ARGV[1]), ARGV[2], ARGV[3] == '1'
weights_given = ARGV[4]
if for_epoch ~= current_epoch then
  return {'STALE', 0, 0}
end
redis.call('HSET', state, 'limit', limit)
local holders_back, waiters_back = 0, 0
for i = 5, #ARGV, 5 do
  local kind, id, value, lease = ARGV[i], ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3])
  local present = redis.call('HEXISTS', tokens, id) == 1 or redis.call('ZSCORE', waiters, id)
  if not present then
    if kind == 'H' then
      redis.call('ZADD', holders, now + lease, id)
      redis.call('HSET', tokens, id, value)
      holders_back = holders_back + 1
    else
      join(id, ARGV[i + 4], value)
      redis.call('HSET', leases, id, lease)
      waiters_back = waiters_back + 1
    end
  end
end
if not last then
  return {'PUT_BACK', holders_back, waiters_back}
end
redis.call('HSET', state, 'rebuilt', current_epoch)
return hand_on(limit, {'REBUILT', holders_back, waiters_back})
