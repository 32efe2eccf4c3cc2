-- Shared by every slot script (prepended to each). All keys of one algorithm share a hash tag,
-- so a script touches one Redis Cluster slot. Time comes from Redis, never from a caller's clock.
local holders = KEYS[1] -- zset: task id -> lease expiry (ms)
local tokens = KEYS[2]  -- hash: task id -> fencing token of the slot it holds
local waiters = KEYS[3] -- zset: task id -> arrival + (priority - 1) * step (ms): aged priority order
local leases = KEYS[4]  -- hash: waiting task id -> how long it may hold a slot once granted (ms)
local state = KEYS[5]   -- hash: epoch, counter, limit, rebuilt (the epoch last rebuilt from records)
local granted = KEYS[6] -- zset: task id -> when a slot was handed to it (ms), until it claims it
-- Weighted fair share between tenants (start-time fair queuing): every waiter is in `waiters` and in
-- its tenant's queue, `waiters .. ':' .. tenant` (the same order; built here, under the same hash
-- tag). A grant goes to the head of the backlogged tenant with the smallest start tag.
local tenant_of = KEYS[7] -- hash: waiting task id -> its tenant
local backlog = KEYS[8]   -- zset: tenant with waiters -> start tag of its next grant
local finish = KEYS[9]    -- zset: tenant without waiters -> the start tag its next grant would get,
                          -- kept while above the virtual time (state 'vtime')
local refused = KEYS[10]  -- hash: holder whose last invocation the algorithm refused -> '1'

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
  redis.call('HDEL', refused, id)
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

-- One grant advances its tenant's tag by SHARE / weight: a tenant of weight 3 gets three grants for
-- one of a tenant of weight 1. Whole numbers, so tags stay exact however long Redis keeps them.
local SHARE = 1000000

-- 'tenant=weight,...' of the tenants not of weight 1, from the registry: set by each script that
-- grants, read only when it does.
local weights_given = ''
local weights

local function cost_of(tenant)
  if not weights then
    weights = {}
    for t, w in string.gmatch(weights_given, '([^,=]+)=(%d+)') do
      weights[t] = tonumber(w)
    end
  end
  return math.floor(SHARE / (weights[tenant] or 1))
end

local function queue_of(tenant)
  return waiters .. ':' .. tenant
end

local function virtual_time()
  return tonumber(redis.call('HGET', state, 'vtime') or '0')
end

-- After a change of the tenant's queue: backlogged at `tag` while it has waiters; else its tag is
-- kept (while ahead of the virtual time) for when it has waiters again.
local function settle(tenant, tag)
  if redis.call('ZCARD', queue_of(tenant)) > 0 then
    redis.call('ZADD', backlog, tag, tenant)
    return
  end
  redis.call('ZREM', backlog, tenant)
  if tag > virtual_time() then
    redis.call('ZADD', finish, tag, tenant)
  end
end

-- A task joins the queue of its tenant with its score; a waiter asking again keeps its place. A
-- tenant that had no waiters starts at the virtual time, or at its unused tag if later: an idle
-- tenant banks no credit.
local function join(id, tenant, score)
  if redis.call('ZADD', waiters, 'NX', score, id) == 0 then
    if redis.call('HEXISTS', tenant_of, id) == 1 then
      return
    end
    score = redis.call('ZSCORE', waiters, id) -- queued by an earlier version: its tenant now known
  end
  redis.call('HSET', tenant_of, id, tenant)
  redis.call('ZADD', queue_of(tenant), score, id)
  if not redis.call('ZSCORE', backlog, tenant) then
    local unused = tonumber(redis.call('ZSCORE', finish, tenant) or '0')
    redis.call('ZREM', finish, tenant)
    redis.call('ZADD', backlog, math.max(virtual_time(), unused), tenant)
  end
end

-- Takes the task out of its tenant's queue (its tenant keeps its tag).
local function untrack(id, tenant)
  redis.call('HDEL', tenant_of, id)
  redis.call('ZREM', queue_of(tenant), id)
  local tag = redis.call('ZSCORE', backlog, tenant)
  if tag then
    settle(tenant, tonumber(tag))
  end
end

-- A waiter leaves the queue without a grant; returns whether it was waiting.
local function remove_waiter(id)
  if redis.call('ZREM', waiters, id) == 0 then
    return false
  end
  redis.call('HDEL', leases, id)
  local tenant = redis.call('HGET', tenant_of, id)
  if tenant then
    untrack(id, tenant)
  end
  return true
end

-- The task's place in its tenant's queue (0 = next of its tenant), or nil when it is not waiting.
local function place_in_queue(id)
  local tenant = redis.call('HGET', tenant_of, id)
  if tenant then
    return redis.call('ZRANK', queue_of(tenant), id)
  end
  return redis.call('ZRANK', waiters, id)
end

-- Waiters queued by an earlier version of these scripts have no tenant: they join the tenant-less
-- queue '' in their order; tenants kept for tasks an earlier version took out are forgotten. Found
-- by counting (two reads), once per call; the scan runs only when the counts differ.
local tracking_checked = false
local function track_untracked_waiters()
  if tracking_checked then
    return
  end
  tracking_checked = true
  if redis.call('HLEN', tenant_of) == redis.call('ZCARD', waiters) then
    return
  end
  local queued = redis.call('ZRANGE', waiters, 0, -1, 'WITHSCORES')
  for i = 1, #queued, 2 do
    join(queued[i], '', queued[i + 1])
  end
  local kept = redis.call('HGETALL', tenant_of)
  for i = 1, #kept, 2 do
    if not redis.call('ZSCORE', waiters, kept[i]) then
      untrack(kept[i], kept[i + 1])
    end
  end
end

-- The next waiter to grant, taken out of the queue: the head of the backlogged tenant with the
-- smallest start tag. That tag becomes the virtual time; the tenant's next is one share later.
local function pop_next_waiter()
  track_untracked_waiters()
  while true do
    local head = redis.call('ZRANGE', backlog, 0, 0, 'WITHSCORES')
    if #head == 0 then
      return nil
    end
    local tenant, start = head[1], tonumber(head[2])
    local id = redis.call('ZPOPMIN', queue_of(tenant))[1]
    if id then
      redis.call('HDEL', tenant_of, id)
    end
    if id and redis.call('ZREM', waiters, id) == 1 then
      redis.call('HSET', state, 'vtime', start)
      redis.call('ZREMRANGEBYSCORE', finish, '-inf', start)
      settle(tenant, start + cost_of(tenant))
      return id
    end
    settle(tenant, start) -- an empty queue, or a task an earlier version took out: no grant
  end
end

-- Hands free slots to the head of the queue; returns {id, token, id, token, ...} of the grants.
-- Each stays in `granted` until its task claims it, so the reconciler can signal it again.
local function grant(limit)
  local handed = {}
  while redis.call('ZCARD', holders) < limit do
    local id = pop_next_waiter()
    if not id then
      break
    end
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
