-- ARGV: task id, token, lease (ms)
-- Moves the lease of the slot the token names to now + lease, if it is still that task's.
-- Returns {1} when renewed, {0} when the token no longer names the task's slot.
local id, token, lease = ARGV[1], ARGV[2], tonumber(ARGV[3])
if redis.call('HGET', tokens, id) ~= token then
  return {0}
end
redis.call('ZADD', holders, 'XX', now + lease, id)
return {1}
