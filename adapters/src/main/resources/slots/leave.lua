-- ARGV: task id, limit, tenant weights ('tenant=weight,...')
-- A waiter leaves the queue; if it was granted a slot meanwhile it gives it back in the same step.
-- Either way free slots are handed on (the limit may have been raised since the last operation).
-- Returns {'LEFT' | 'GAVE_BACK' | 'ABSENT', id, token, ...grants to other tasks}.
local id, limit = ARGV[1], effective_limit(ARGV[2])
weights_given = ARGV[3] or ''
redis.call('HSET', state, 'limit', limit)
local result = {'ABSENT'}
if remove_waiter(id) then
  result[1] = 'LEFT'
elseif redis.call('HGET', tokens, id) then
  forget_holder(id)
  result[1] = 'GAVE_BACK'
end
return hand_on(limit, result)
