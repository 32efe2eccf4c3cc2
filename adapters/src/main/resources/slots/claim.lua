-- ARGV: task id, token, lease (ms)
-- The holder is using its slot (it is sending the invocation): its lease moves to now + lease, and
-- a slot handed on to it counts as claimed. A token of an earlier epoch names a slot granted before
-- Redis lost its state: the slot is taken back under it (out of the queue, if the records put the
-- task there), since the task is running and must be counted.
-- Returns {'HELD' | 'ADOPTED' | 'LOST', ms since the grant when it was handed on, else -1}.
local id, token, lease = ARGV[1], ARGV[2], tonumber(ARGV[3])
local held = redis.call('HGET', tokens, id)
if held == token then
  local handed_at = redis.call('ZSCORE', granted, id)
  redis.call('ZREM', granted, id)
  redis.call('ZADD', holders, 'XX', now + lease, id)
  return {'HELD', handed_at and (now - tonumber(handed_at)) or -1}
end
-- Epochs are the hex Redis time they began: only a token of an earlier one can be brought back.
local token_epoch = tonumber(string.match(token, '^(%x+):') or '', 16)
if token_epoch == nil or token_epoch >= tonumber(current_epoch, 16) then
  return {'LOST', -1} -- its lease ran out, or another grant replaced it: not to be taken back
end
remove_waiter(id)
redis.call('HDEL', leases, id)
redis.call('ZREM', granted, id)
redis.call('ZADD', holders, now + lease, id)
redis.call('HSET', tokens, id, token)
redis.call('HINCRBY', state, 'adopted', 1)
return {'ADOPTED', -1}
