-- ARGV: task id, token, limit, tenant weights ('tenant=weight,...')
-- Frees the slot only if the token names it (a late or repeated release frees nothing else),
-- then hands free slots on; an adaptive limit may grow by one first.
-- Returns {'FREED' | 'NOT_HELD', id, token, ...grants}.
local id, token, limit = ARGV[1], ARGV[2], effective_limit(ARGV[3])
weights_given = ARGV[4] or ''
redis.call('HSET', state, 'limit', limit)
local result = {'NOT_HELD'}
if redis.call('HGET', tokens, id) == token then
  limit = raise_if_saturated(ARGV[3], limit) -- saturated while this slot is still held
  forget_holder(id)
  result[1] = 'FREED'
end
return hand_on(limit, result)
