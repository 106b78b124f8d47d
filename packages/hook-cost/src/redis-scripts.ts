import { defineScript } from '@llmspell/redis';

// Every script works on the keys of ONE scope (a component or a user), which share a Redis Cluster hash tag: a
// record or a reservation touching a component and a user is one script per scope, so the scopes spread over
// the cluster's slots. Each script checks every argument before its first write and, for records, writes the
// record marker last: a script that fails leaves nothing behind, and a replayed record is applied once per scope.
//
// Money is two hash fields: whole micro-dollars (HINCRBY, 64-bit) and the pico-dollar remainder below one
// micro-dollar (0..999999). An amount has at most 15 digits of micro-dollars ($1e9) and a total at most 18
// before an update, so no HINCRBY can overflow; Lua compares budgets in doubles (exact below 2^53 micro-dollars).
const CHECKS = `
local M = 1000000
local function digits(value, most, what)
  if type(value) ~= 'string' or not string.match(value, '^%d+$') or #value > most then
    return redis.error_reply('ERR llmspell: ' .. what .. ' must be an integer of at most ' .. most .. ' digits, got ' .. string.sub(tostring(value), 1, 40))
  end
end
local function room(key, field)
  local current = redis.call('HGET', key, field)
  if current and #current > 18 then
    return redis.error_reply('ERR llmspell: ' .. field .. ' of ' .. key .. ' is too large to add to')
  end
end
`;

const MONEY = `
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
local function now()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
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
 * One scope's share of a record. KEYS: totals, reservation amounts, reservation expiry, record-id bucket prefix,
 * and with a renewing budget the period's totals, reservation amounts and reservation expiry.
 * ARGV: record id, record-id window ms, input tokens, output tokens, priced '1'|'0', cost micro-dollars, cost
 * pico remainder, reservation id or '', and with a period the ms (epoch) until which its keys are kept.
 * Record ids live in hashes per window (`<prefix><window>`), kept two windows: one key per window, not per call.
 * The call is added to the lifetime totals and to the period's; its reservation is settled where it is held (the
 * period's keys when there is a period). Returns { applied 1|0, lifetime totals }.
 */
export const recordScript = defineScript(`${CHECKS}${MONEY}${READ}
local failure = digits(ARGV[2], 12, 'record-id window') or digits(ARGV[3], 15, 'input tokens')
  or digits(ARGV[4], 15, 'output tokens') or digits(ARGV[6], 15, 'cost micro-dollars')
  or digits(ARGV[7], 6, 'cost pico remainder')
if failure then return failure end
if ARGV[5] ~= '1' and ARGV[5] ~= '0' then return redis.error_reply('ERR llmspell: priced must be 1 or 0') end
local periodic = #KEYS > 4
if periodic then
  failure = digits(ARGV[9], 15, 'period keep-until ms')
  if failure then return failure end
end
for _, field in ipairs({ 'calls', 'inputTokens', 'outputTokens', 'costMicroUsd' }) do
  failure = room(KEYS[1], field) or (periodic and room(KEYS[5], field))
  if failure then return failure end
end
local windowMs = tonumber(ARGV[2])
local window = math.floor(now() / windowMs)
local current, previous = KEYS[4] .. window, KEYS[4] .. (window - 1)
if redis.call('HEXISTS', current, ARGV[1]) == 1 or redis.call('HEXISTS', previous, ARGV[1]) == 1 then
  return { 0, read(KEYS[1]) }
end
if ARGV[8] ~= '' then
  if periodic then settle(KEYS[5], KEYS[6], KEYS[7], ARGV[8]) else settle(KEYS[1], KEYS[2], KEYS[3], ARGV[8]) end
end
local function add(key)
  redis.call('HINCRBY', key, 'calls', 1)
  redis.call('HINCRBY', key, 'inputTokens', ARGV[3])
  redis.call('HINCRBY', key, 'outputTokens', ARGV[4])
  if ARGV[5] == '1' then
    adjust(key, 'costMicroUsd', 'costPicoRemainder', ARGV[6], tonumber(ARGV[7]))
  else
    redis.call('HINCRBY', key, 'unpricedCalls', 1)
  end
end
add(KEYS[1])
if periodic then
  add(KEYS[5])
  for index = 5, 7 do redis.call('PEXPIREAT', KEYS[index], ARGV[9]) end
end
-- The marker last: a record is marked applied only once all of it is.
if redis.call('HSET', current, ARGV[1], '1') == 1 and redis.call('PTTL', current) < 0 then
  redis.call('PEXPIRE', current, 2 * windowMs)
end
return { 1, read(KEYS[1]) }
`);

/**
 * One scope's budget check and reservation. KEYS: totals, reservation amounts, reservation expiry (a period's,
 * with a renewing budget). ARGV: reservation id, amount micro-dollars, amount pico remainder, TTL ms, budget
 * micro-dollars, budget pico remainder, and for a period the ms (epoch) until which its keys are kept.
 * Returns { 1 } when admitted (and reserved), else { 0, committed micro, committed remainder }.
 */
export const reserveScript = defineScript(`${CHECKS}${MONEY}
local failure = digits(ARGV[2], 15, 'reservation micro-dollars') or digits(ARGV[3], 6, 'reservation pico remainder')
  or digits(ARGV[4], 12, 'reservation TTL') or digits(ARGV[5], 18, 'budget micro-dollars')
  or digits(ARGV[6], 6, 'budget pico remainder') or room(KEYS[1], 'reservedMicroUsd')
  or (ARGV[7] and digits(ARGV[7], 15, 'period keep-until ms'))
if failure then return failure end
local time = now()
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', time)
for _, id in ipairs(expired) do settle(KEYS[1], KEYS[2], KEYS[3], id) end
local v = redis.call('HMGET', KEYS[1], 'costMicroUsd', 'costPicoRemainder', 'reservedMicroUsd', 'reservedPicoRemainder')
local micro = tonumber(v[1] or '0') + tonumber(v[3] or '0')
local rem = tonumber(v[2] or '0') + tonumber(v[4] or '0')
if rem >= M then
  rem = rem - M
  micro = micro + 1
end
local budgetMicro, budgetRem = tonumber(ARGV[5]), tonumber(ARGV[6])
if micro > budgetMicro or (micro == budgetMicro and rem >= budgetRem) then
  return { 0, string.format('%.0f', micro), rem }
end
if ARGV[2] ~= '0' or ARGV[3] ~= '0' then
  redis.call('ZADD', KEYS[3], time + tonumber(ARGV[4]), ARGV[1])
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2] .. ':' .. ARGV[3])
  adjust(KEYS[1], 'reservedMicroUsd', 'reservedPicoRemainder', ARGV[2], tonumber(ARGV[3]))
  if ARGV[7] then
    for index = 1, 3 do redis.call('PEXPIREAT', KEYS[index], ARGV[7]) end
  end
end
return { 1 }
`);

/** One scope's release. KEYS: totals, reservation amounts, reservation expiry. ARGV: reservation id. */
export const releaseScript = defineScript(`local M = 1000000
${MONEY}
settle(KEYS[1], KEYS[2], KEYS[3], ARGV[1])
return 1
`);
