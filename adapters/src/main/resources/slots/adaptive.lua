-- Adaptive limits (prepended to each slot script after common.lua). A script's limit argument is
-- 'max' for a fixed limit, or 'max/min/window/backoff' for an adaptive one (window in ms, backoff
-- the factor of a decrease). The adaptive limit lives in the state hash beside the slots:
--   adaptive: the limit in force; adaptive_cut_at: when the last decrease began its window (ms);
--   adaptive_calm_since: the last congestion signal (ms): an increase waits a window after it;
--   adaptive_acks: saturated releases since the last change.
local function adaptive_settings(spec)
  local max, min, window, backoff = string.match(spec, '^(%d+)/(%d+)/(%d+)/([%d.]+)$')
  if not max then
    return nil
  end
  return {max = tonumber(max), min = tonumber(min), window = tonumber(window),
          backoff = tonumber(backoff)}
end

-- The limit in force: the fixed limit, or the adaptive one kept between min and max. A newly
-- adaptive algorithm starts at max, where its fixed limit had it, and learns downwards.
local function effective_limit(spec)
  local adaptive = adaptive_settings(spec)
  if adaptive == nil then
    redis.call('HDEL', state, 'adaptive')
    return tonumber(spec)
  end
  local limit = tonumber(redis.call('HGET', state, 'adaptive') or adaptive.max)
  limit = math.max(adaptive.min, math.min(adaptive.max, limit))
  redis.call('HSET', state, 'adaptive', limit)
  return limit
end

-- Additive increase, run by a release before it frees its slot: one more slot per round trip
-- (a limit's worth of releases that found every slot held and tasks waiting), once a window has
-- passed without a congestion signal. The caller hands the new slot on in the same script, as a
-- manual raise does. Counted in adaptive_acks, reset by each change.
local function raise_if_saturated(spec, limit)
  local adaptive = adaptive_settings(spec)
  if adaptive == nil or limit >= adaptive.max then
    return limit
  end
  if redis.call('ZCARD', holders) < limit or redis.call('ZCARD', waiters) == 0 then
    return limit
  end
  if now - tonumber(redis.call('HGET', state, 'adaptive_calm_since') or '0') < adaptive.window then
    return limit
  end
  if redis.call('HINCRBY', state, 'adaptive_acks', 1) < limit then
    return limit
  end
  limit = limit + 1
  redis.call('HSET', state, 'adaptive', limit, 'limit', limit, 'adaptive_acks', 0)
  return limit
end
