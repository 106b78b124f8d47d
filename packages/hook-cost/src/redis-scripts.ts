import { createHash } from 'node:crypto';

/** A Lua script and its SHA-1, for EVALSHA with an EVAL fallback. */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

function script(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

// Money is two hash fields: whole micro-dollars (HINCRBY, 64-bit) and the pico-dollar remainder below one
// micro-dollar (0..999999). Lua numbers are doubles, so only the remainder and budget comparisons (exact
// below 2^53 micro-dollars, about $9 billion) are done in Lua; micro-dollar strings go to HINCRBY as they are.
const MONEY = `
local M = 1000000
local function adjust(key, microField, remField, micro, rem)
  if micro ~= '0' and micro ~= '-0' then redis.call('HINCRBY', key, microField, micro) end
  if rem ~= 0 then
    local r = redis.call('HINCRBY', key, remField, rem)
    if r >= M then
      redis.call('HINCRBY', key, remField, -M)
      redis.call('HINCRBY', key, microField, 1)
    elseif r < 0 then
      redis.call('HINCRBY', key, remField, M)
      redis.call('HINCRBY', key, microField, -1)
    end
  end
end
local function settle(totalsKey, amountsKey, expiryKey, id)
  local held = redis.call('HGET', amountsKey, id)
  if held then
    local micro, rem = string.match(held, '^(%d+):(%d+)$')
    adjust(totalsKey, 'reservedMicroUsd', 'reservedPicoRemainder', '-' .. micro, -tonumber(rem))
    redis.call('HDEL', amountsKey, id)
  end
  redis.call('ZREM', expiryKey, id)
end
`;

/** The fields `totals` reads, in order. */
export const TOTALS_FIELDS = [
  'calls',
  'inputTokens',
  'outputTokens',
  'unpricedCalls',
  'costMicroUsd',
  'costPicoRemainder',
] as const;

const READ = `
local function read(key)
  return redis.call('HMGET', key, ${TOTALS_FIELDS.map((field) => `'${field}'`).join(', ')})
end
`;

/**
 * KEYS: record-id marker, then per scope (component, then user when ARGV[10] == '1'): totals, reservation
 * amounts, reservation expiry, names set.
 * ARGV: marker TTL ms, component, user, input tokens, output tokens, priced '1'|'0', cost micro-dollars,
 * cost pico remainder, reservation id or '', has user '1'|'0'.
 * Returns { applied 1|0, component totals, user totals }.
 */
export const recordScript = script(`${MONEY}${READ}
local function apply(totalsKey, amountsKey, expiryKey, namesKey, name)
  if ARGV[9] ~= '' then settle(totalsKey, amountsKey, expiryKey, ARGV[9]) end
  redis.call('HINCRBY', totalsKey, 'calls', 1)
  redis.call('HINCRBY', totalsKey, 'inputTokens', ARGV[4])
  redis.call('HINCRBY', totalsKey, 'outputTokens', ARGV[5])
  if ARGV[6] == '1' then
    adjust(totalsKey, 'costMicroUsd', 'costPicoRemainder', ARGV[7], tonumber(ARGV[8]))
  else
    redis.call('HINCRBY', totalsKey, 'unpricedCalls', 1)
  end
  redis.call('SADD', namesKey, name)
end
local applied = 0
if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then
  applied = 1
  apply(KEYS[2], KEYS[3], KEYS[4], KEYS[5], ARGV[2])
  if ARGV[10] == '1' then apply(KEYS[6], KEYS[7], KEYS[8], KEYS[9], ARGV[3]) end
end
if ARGV[10] == '1' then return { applied, read(KEYS[2]), read(KEYS[6]) } end
return { applied, read(KEYS[2]) }
`);

/**
 * KEYS: per budget check: totals, reservation amounts, reservation expiry.
 * ARGV: reservation id, amount micro-dollars, amount pico remainder, TTL ms, then per check: budget
 * micro-dollars, budget pico remainder.
 * Returns { 1 } when admitted (and reserved), else { 0, check index (1-based), committed micro, committed rem }.
 */
export const reserveScript = script(`${MONEY}
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local checks = #KEYS / 3
for i = 1, checks do
  local totalsKey, amountsKey, expiryKey = KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i]
  local expired = redis.call('ZRANGEBYSCORE', expiryKey, '-inf', now)
  for _, id in ipairs(expired) do settle(totalsKey, amountsKey, expiryKey, id) end
  local v = redis.call('HMGET', totalsKey, 'costMicroUsd', 'costPicoRemainder', 'reservedMicroUsd', 'reservedPicoRemainder')
  local micro = tonumber(v[1] or '0') + tonumber(v[3] or '0')
  local rem = tonumber(v[2] or '0') + tonumber(v[4] or '0')
  if rem >= M then
    rem = rem - M
    micro = micro + 1
  end
  local budgetMicro, budgetRem = tonumber(ARGV[3 + 2 * i]), tonumber(ARGV[4 + 2 * i])
  if micro > budgetMicro or (micro == budgetMicro and rem >= budgetRem) then
    return { 0, i, string.format('%.0f', micro), rem }
  end
end
if ARGV[2] ~= '0' or ARGV[3] ~= '0' then
  for i = 1, checks do
    local totalsKey, amountsKey, expiryKey = KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i]
    redis.call('ZADD', expiryKey, now + tonumber(ARGV[4]), ARGV[1])
    redis.call('HSET', amountsKey, ARGV[1], ARGV[2] .. ':' .. ARGV[3])
    adjust(totalsKey, 'reservedMicroUsd', 'reservedPicoRemainder', ARGV[2], tonumber(ARGV[3]))
  end
end
return { 1 }
`);

/** KEYS: per scope: totals, reservation amounts, reservation expiry. ARGV: reservation id. */
export const releaseScript = script(`${MONEY}
for i = 1, #KEYS / 3 do
  settle(KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i], ARGV[1])
end
return 1
`);
