/**
 * The Lua scripts behind shared limits: Redis runs each atomically, so instances admitting at
 * the same moment cannot both take the last slot. Per subject (`key:alice`, `alias:smart`) the
 * keys are, in this order:
 *
 * - `req`: sorted set of admitted tickets by admission time (the requests-per-minute log);
 * - `tok`: hash of epoch second -> settled tokens (the tokens-per-minute window);
 * - `fly`: sorted set of in-flight tickets by lease expiry (an instance that died mid-request
 *   frees its slots when the lease ends);
 * - `res`: hash of ticket -> "tokens nano-USD" reserved, with the totals in `#t` and `#n`;
 * - `bud`: the nano-USD spent in the budget period the request began in.
 *
 * Amounts travel as decimal strings: Lua numbers print large integers in exponent notation,
 * which INCRBY refuses.
 */

export const KEYS_PER_SUBJECT = 5;
export const ADMIT_ARGS_PER_SUBJECT = 5;
export const SETTLE_ARGS_PER_SUBJECT = 2;

const RELEASE = `
local function release(fly, res, ticket)
  local held = redis.call('HGET', res, ticket)
  if held then
    local space = string.find(held, ' ')
    redis.call('HINCRBY', res, '#t', '-' .. string.sub(held, 1, space - 1))
    redis.call('HINCRBY', res, '#n', '-' .. string.sub(held, space + 1))
    redis.call('HDEL', res, ticket)
  end
  redis.call('ZREM', fly, ticket)
end
`;

/**
 * ARGV: now, ticket, reserved tokens, reserved nano-USD, lease ms, subject count, then per
 * subject: requests/min, tokens/min, max concurrent, budget nano-USD, budget end (0: never).
 * Returns {1} or {0, subject index, reason, retry-after ms (-1: never)}, followed by per subject
 * {requests in window, ms until one leaves, tokens used or reserved, ms until some leave}.
 */
export const ADMIT_LUA = RELEASE + `
local now = tonumber(ARGV[1])
local ticket, reserveTokens, reserveNano = ARGV[2], ARGV[3], ARGV[4]
local lease = tonumber(ARGV[5])
local n = tonumber(ARGV[6])
local stats = {}
local refusal = nil
for i = 0, n - 1 do
  local req, tok, fly, res, bud = KEYS[i*5+1], KEYS[i*5+2], KEYS[i*5+3], KEYS[i*5+4], KEYS[i*5+5]
  local a = 7 + i * 5
  local rpm, tpm, maxc = tonumber(ARGV[a]), tonumber(ARGV[a+1]), tonumber(ARGV[a+2])
  local budget, budgetEnd = tonumber(ARGV[a+3]), tonumber(ARGV[a+4])
  for _, stale in ipairs(redis.call('ZRANGEBYSCORE', fly, '-inf', now)) do
    release(fly, res, stale)
  end
  local reqCount, reqReset, tokUsed, tokReset = 0, 0, 0, 0
  if rpm > 0 then
    redis.call('ZREMRANGEBYSCORE', req, '-inf', now - 60000)
    reqCount = redis.call('ZCARD', req)
    if reqCount > 0 then
      local first = redis.call('ZRANGE', req, 0, 0, 'WITHSCORES')
      reqReset = tonumber(first[2]) + 60000 - now
    end
  end
  if tpm > 0 then
    local from = math.floor((now - 60000) / 1000)
    local buckets = redis.call('HGETALL', tok)
    local oldest = nil
    for j = 1, #buckets, 2 do
      local second = tonumber(buckets[j])
      if second <= from then
        redis.call('HDEL', tok, buckets[j])
      else
        tokUsed = tokUsed + tonumber(buckets[j + 1])
        if oldest == nil or second < oldest then oldest = second end
      end
    end
    tokUsed = tokUsed + tonumber(redis.call('HGET', res, '#t') or '0')
    if oldest ~= nil then tokReset = (oldest + 1) * 1000 + 60000 - now end
  end
  table.insert(stats, reqCount)
  table.insert(stats, reqReset)
  table.insert(stats, tokUsed)
  table.insert(stats, tokReset)
  if refusal == nil then
    if budget > 0 then
      local spent = tonumber(redis.call('GET', bud) or '0') + tonumber(redis.call('HGET', res, '#n') or '0')
      if spent >= budget then
        local wait = -1
        if budgetEnd > 0 then wait = budgetEnd - now end
        refusal = {0, i, 'budget', wait}
      end
    end
    if refusal == nil and maxc > 0 and redis.call('ZCARD', fly) >= maxc then
      refusal = {0, i, 'concurrency', 1000}
    end
    if refusal == nil and rpm > 0 and reqCount >= rpm then
      refusal = {0, i, 'requests', math.max(1, reqReset)}
    end
    if refusal == nil and tpm > 0 and tokUsed >= tpm then
      refusal = {0, i, 'tokens', math.max(1000, tokReset)}
    end
  end
end
if refusal ~= nil then
  for _, v in ipairs(stats) do table.insert(refusal, v) end
  return refusal
end
for i = 0, n - 1 do
  local req, fly, res = KEYS[i*5+1], KEYS[i*5+3], KEYS[i*5+4]
  local a = 7 + i * 5
  local rpm, tpm, maxc, budget = tonumber(ARGV[a]), tonumber(ARGV[a+1]), tonumber(ARGV[a+2]), tonumber(ARGV[a+3])
  if rpm > 0 then
    redis.call('ZADD', req, now, ticket)
    redis.call('PEXPIRE', req, 61000)
  end
  if maxc > 0 or tpm > 0 or budget > 0 then
    redis.call('ZADD', fly, now + lease, ticket)
    redis.call('HSET', res, ticket, reserveTokens .. ' ' .. reserveNano)
    redis.call('HINCRBY', res, '#t', reserveTokens)
    redis.call('HINCRBY', res, '#n', reserveNano)
    redis.call('PEXPIRE', fly, lease + 60000)
    redis.call('PEXPIRE', res, lease + 60000)
  end
end
local ok = {1, 0, '', 0}
for _, v in ipairs(stats) do table.insert(ok, v) end
return ok
`;

/**
 * ARGV: ticket, now, used tokens, used nano-USD, subject count, then per subject: counts tokens
 * (1/0), budget key lifetime ms (0: no budget, -1: never expires).
 */
export const SETTLE_LUA = RELEASE + `
local ticket, now, usedTokens, usedNano = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
local n = tonumber(ARGV[5])
for i = 0, n - 1 do
  local tok, fly, res, bud = KEYS[i*5+2], KEYS[i*5+3], KEYS[i*5+4], KEYS[i*5+5]
  local countsTokens, budgetTtl = tonumber(ARGV[6 + i*2]), tonumber(ARGV[7 + i*2])
  release(fly, res, ticket)
  if countsTokens == 1 and usedTokens ~= '0' then
    redis.call('HINCRBY', tok, tostring(math.floor(now / 1000)), usedTokens)
    redis.call('PEXPIRE', tok, 120000)
  end
  if budgetTtl ~= 0 and usedNano ~= '0' then
    redis.call('INCRBY', bud, usedNano)
    if budgetTtl > 0 then redis.call('PEXPIRE', bud, budgetTtl) end
  end
end
return 1
`;

/**
 * ARGV: now. Returns {requests in the last minute, tokens in the last minute, in flight,
 * reserved tokens, reserved nano-USD, spent nano-USD} for the subject of KEYS.
 */
export const USAGE_LUA = `
local req, tok, fly, res, bud = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local now = tonumber(ARGV[1])
local from = math.floor((now - 60000) / 1000)
local tokens = 0
local buckets = redis.call('HGETALL', tok)
for j = 1, #buckets, 2 do
  if tonumber(buckets[j]) > from then tokens = tokens + tonumber(buckets[j + 1]) end
end
return {
  redis.call('ZCOUNT', req, now - 60000, '+inf'),
  tokens,
  redis.call('ZCOUNT', fly, now, '+inf'),
  tonumber(redis.call('HGET', res, '#t') or '0'),
  redis.call('HGET', res, '#n') or '0',
  redis.call('GET', bud) or '0'
}
`;
