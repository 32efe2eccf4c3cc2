-- KEYS[1]: the lease; ARGV: holder, time to live (ms)
-- Takes the lease, or renews it when the caller holds it. Returns 1 when the caller holds it now.
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
