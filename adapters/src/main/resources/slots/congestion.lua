-- ARGV: limit
-- The algorithm showed congestion (it answered 429 or 503, or an attempt ran out of time).
-- Multiplicative decrease of an adaptive limit: to max(min, floor(limit * backoff)), at most once
-- per window, and only while the holders are within the limit: a busy answer to a task admitted
-- under a higher limit is the echo of what the last cut answered already. Every signal holds off
-- the next increase for a window. A lowering takes no slot from a holder.
-- Returns {limit in force, 'CUT' | 'HELD' | 'FIXED'}.
local spec = ARGV[1]
local limit = effective_limit(spec)
redis.call('HSET', state, 'limit', limit)
local adaptive = adaptive_settings(spec)
if adaptive == nil then
  return {limit, 'FIXED'}
end
redis.call('HSET', state, 'adaptive_calm_since', now)
local cut_at = tonumber(redis.call('HGET', state, 'adaptive_cut_at') or '0')
if limit <= adaptive.min or now - cut_at < adaptive.window
    or redis.call('ZCARD', holders) > limit then
  return {limit, 'HELD'}
end
limit = math.max(adaptive.min, math.floor(limit * adaptive.backoff))
redis.call('HSET', state, 'adaptive', limit, 'limit', limit, 'adaptive_cut_at', now)
return {limit, 'CUT'}
