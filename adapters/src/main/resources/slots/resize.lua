-- ARGV: limit, tenant weights ('tenant=weight,...')
-- Applies a changed limit: a raise hands the new slots to waiters at once; a lowering takes no slot
-- from a holder, it only grants nothing until the holders are below it.
-- Returns {id, token, ...} of the grants.
local limit = effective_limit(ARGV[1])
weights_given = ARGV[2] or ''
redis.call('HSET', state, 'limit', limit)
return hand_on(limit, {})
