-- ARGV: task id, queue score, limit, lease (ms), tenant, tenant weights ('tenant=weight,...')
-- Returns {own token or '', place in its tenant's queue or -1, limit in force, id, token, ...grants
-- to other tasks}
-- the score stays a string: microseconds exceed what Lua passes on as an integer
local id, score, limit, lease = ARGV[1], ARGV[2], effective_limit(ARGV[3]), tonumber(ARGV[4])
local tenant = ARGV[5] or ''
weights_given = ARGV[6] or ''
redis.call('HSET', state, 'limit', limit)
if redis.call('HGET', tokens, id) then
  -- a repeated request from a holder: it keeps its slot, with a fresh lease
  redis.call('ZADD', holders, now + lease, id)
else
  join(id, tenant, score) -- a waiter asking again keeps its place
  redis.call('HSET', leases, id, lease)
end
drop_expired()
local result = {'', -1, limit}
local handed = grant(limit)
for i = 1, #handed, 2 do
  if handed[i] ~= id then -- the caller's own grant is its answer, not a signal
    table.insert(result, handed[i])
    table.insert(result, handed[i + 1])
  end
end
local own = redis.call('HGET', tokens, id)
if own then
  redis.call('ZREM', granted, id) -- the answer itself tells the caller: nothing to signal again
  result[1] = own
else
  result[2] = place_in_queue(id)
end
return result
