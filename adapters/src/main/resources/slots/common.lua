-- Shared by every slot script (prepended to each). All keys of one algorithm share a hash tag,
-- so a script touches one Redis Cluster slot. Time comes from Redis, never from a caller's clock.
local holders = KEYS[1] -- zset: task id -> lease expiry (ms)
local tokens = KEYS[2]  -- hash: task id -> fencing token of the slot it holds
local waiters = KEYS[3] -- zset: task id -> arrival + (priority - 1) * step (ms): aged priority order
local leases = KEYS[4]  -- hash: waiting task id -> how long it may hold a slot once granted (ms)
local state = KEYS[5]   -- hash: epoch, counter, limit, rebuilt (the epoch last rebuilt from records)
local granted = KEYS[6] -- zset: task id -> when a slot was handed to it (ms), until it claims it

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local now = now_ms()

-- A new epoch whenever Redis has lost the state: tokens of the old one never match again.
local function epoch()
  local e = redis.call('HGET', state, 'epoch')
  if not e then
    e = string.format('%x', now)
    redis.call('HSET', state, 'epoch', e)
  end
  return e
end

local function new_token()
  return epoch() .. ':' .. redis.call('HINCRBY', state, 'counter', 1)
end

-- Every operation fixes the epoch first, so a loss of state shows at the next one.
local current_epoch = epoch()

local function forget_holder(id)
  redis.call('ZREM', holders, id)
  redis.call('HDEL', tokens, id)
  redis.call('ZREM', granted, id)
end

-- Frees the slots whose lease ran out (their holder died or lost track of them).
local function drop_expired()
  local expired = redis.call('ZRANGEBYSCORE', holders, '-inf', now)
  for _, id in ipairs(expired) do
    forget_holder(id)
  end
  if #expired > 0 then -- a repair: the reconciler reports it
    redis.call('HINCRBY', state, 'expired', #expired)
  end
end

-- Hands free slots to the head of the queue; returns {id, token, id, token, ...} of the grants.
-- Each stays in `granted` until its task claims it, so the reconciler can signal it again.
local function grant(limit)
  local handed = {}
  while redis.call('ZCARD', holders) < limit do
    local head = redis.call('ZPOPMIN', waiters)
    if #head == 0 then
      break
    end
    local id = head[1]
    local lease = tonumber(redis.call('HGET', leases, id) or '600000')
    local token = new_token()
    redis.call('ZADD', holders, now + lease, id)
    redis.call('HSET', tokens, id, token)
    redis.call('HDEL', leases, id)
    redis.call('ZADD', granted, now, id)
    table.insert(handed, id)
    table.insert(handed, token)
  end
  return handed
end

-- Frees expired leases, hands the free slots on, and appends the grants to the reply.
local function hand_on(limit, reply)
  drop_expired()
  for _, v in ipairs(grant(limit)) do
    table.insert(reply, v)
  end
  return reply
end
