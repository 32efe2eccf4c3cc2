-- ARGV: limit, the task whose invocation the algorithm refused ('' for a signal that is no refusal)
-- The algorithm showed congestion: it refused an invocation (429, 503), an attempt ran out of time,
-- or it reported a long queue. An adaptive limit decreases, one episode per window:
-- * the first signal cuts the limit to max(min, floor(limit * backoff)); a refusal of a holder cuts
--   it lower, to the holders not refused, if they are fewer: what the algorithm has shown it takes.
--   Only while the holders are within the limit: a refusal of a task admitted under a higher limit
--   is the echo of a cut already made.
-- * within the window, each holder refused for the first time takes the limit down to that count
--   again: a burst sent beyond the capacity is measured by its refusals, not by one cut of backoff
--   per window. A holder refused again counts once; one taken on a resend, or released, no longer
--   counts (the 'refused' hash).
-- Every signal holds off the next increase for a window. A lowering takes no slot from a holder.
-- Returns {limit in force, 'CUT' | 'HELD' | 'FIXED'}.
local spec, refused_id = ARGV[1], ARGV[2] or ''
local limit = effective_limit(spec)
redis.call('HSET', state, 'limit', limit)
local adaptive = adaptive_settings(spec)
if adaptive == nil then
  return {limit, 'FIXED'}
end
redis.call('HSET', state, 'adaptive_calm_since', now)
local newly_refused = refused_id ~= '' and redis.call('ZSCORE', holders, refused_id)
    and redis.call('HSETNX', refused, refused_id, '1') == 1
local holding = redis.call('ZCARD', holders)
local taken = math.max(adaptive.min, holding - redis.call('HLEN', refused))
local cut_at = tonumber(redis.call('HGET', state, 'adaptive_cut_at') or '0')
local target
if now - cut_at < adaptive.window then
  if not newly_refused then
    return {limit, 'HELD'}
  end
  target = taken
else
  if holding > limit then
    return {limit, 'HELD'}
  end
  target = math.floor(limit * adaptive.backoff)
  if refused_id ~= '' and redis.call('HEXISTS', refused, refused_id) == 1 then
    target = math.min(target, taken)
  end
  redis.call('HSET', state, 'adaptive_cut_at', now)
end
target = math.max(adaptive.min, target)
if target >= limit then
  return {limit, 'HELD'}
end
redis.call('HSET', state, 'adaptive', target, 'limit', target, 'adaptive_acks', 0)
return {target, 'CUT'}
