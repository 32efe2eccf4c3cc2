-- ARGV: claim timeout (ms)
-- What the reconciler needs in one round trip, after freeing expired leases.
-- Returns {epoch, epoch last rebuilt or '', leases expired so far, slots adopted so far,
--          number of holders, {id, token, ...} of the holders,
--          {id, token, ...} of the grants handed on longer ago than the claim timeout and unclaimed}.
local claim_timeout = tonumber(ARGV[1])
drop_expired()
local all_holders = {}
for _, id in ipairs(redis.call('ZRANGE', holders, 0, -1)) do
  table.insert(all_holders, id)
  table.insert(all_holders, redis.call('HGET', tokens, id) or '')
end
local unclaimed = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', granted, '-inf', now - claim_timeout)) do
  local token = redis.call('HGET', tokens, id)
  if token then
    table.insert(unclaimed, id)
    table.insert(unclaimed, token)
  else
    redis.call('ZREM', granted, id) -- its slot is gone already
  end
end
return {
  current_epoch,
  redis.call('HGET', state, 'rebuilt') or '',
  tonumber(redis.call('HGET', state, 'expired') or '0'),
  tonumber(redis.call('HGET', state, 'adopted') or '0'),
  #all_holders / 2,
  all_holders,
  unclaimed
}
