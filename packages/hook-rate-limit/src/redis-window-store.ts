import type { Logger } from '@llmspell/core';
import { defineScript, RedisConnection, type RedisConnectionInput, type RedisScript } from '@llmspell/redis';
import { RateLimitStoreError } from './errors/rate-limit-store-error.js';
import type { WindowEntry } from './window-entry.js';

/**
 * One atomic round trip per decision: count the call and, for a new window, set its expiry in
 * milliseconds. Returns { count, ms until the window ends }.
 */
const TAKE_SCRIPT = defineScript(`local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`);

/**
 * One atomic round trip per decision with a token limit. KEYS[1]: the key's window, a hash of `count`, `tokens`
 * and `window` (an id from the server's clock, so a late settlement cannot touch the next window). ARGV:
 * windowMs, requestsPerWindow, tokensPerWindow, the call's estimate. Counts the call; refuses it for the window
 * (status 0), or for tokens (status 1: the call is uncounted again), or reserves the estimate (status 2).
 * Returns { status, count, ms until the window ends, tokens held, window id }.
 */
const TAKE_TOKENS_SCRIPT = defineScript(`local key = KEYS[1]
local count = redis.call('HINCRBY', key, 'count', 1)
local ttl = redis.call('PTTL', key)
local window
if ttl < 0 then
  local now = redis.call('TIME')
  window = now[1] .. '.' .. now[2]
  redis.call('HSET', key, 'window', window)
  redis.call('PEXPIRE', key, ARGV[1])
  ttl = tonumber(ARGV[1])
else
  window = redis.call('HGET', key, 'window')
end
local tokens = tonumber(redis.call('HGET', key, 'tokens') or '0')
if count > tonumber(ARGV[2]) then return {0, count, ttl, tokens, window} end
if tokens + tonumber(ARGV[4]) > tonumber(ARGV[3]) then
  count = redis.call('HINCRBY', key, 'count', -1)
  return {1, count, ttl, tokens, window}
end
tokens = redis.call('HINCRBY', key, 'tokens', ARGV[4])
return {2, count, ttl, tokens, window}`);

/**
 * Settles a reservation: adds ARGV[2] (used minus reserved, may be negative) to the tokens of KEYS[1] when its
 * window is still ARGV[1]; never below 0. Returns 1 when applied, 0 when the window had ended.
 */
const SETTLE_TOKENS_SCRIPT =
  defineScript(`if redis.call('HGET', KEYS[1], 'window') ~= ARGV[1] then return 0 end
local tokens = redis.call('HINCRBY', KEYS[1], 'tokens', ARGV[2])
if tokens < 0 then redis.call('HSET', KEYS[1], 'tokens', 0) end
return 1`);

/** A window entry as a token decision on Redis left it. */
export interface TokenWindowEntry extends WindowEntry {
  /** Whether the estimate was reserved; false when the call was refused (for the window or for tokens). */
  reserved: boolean;
  /** The window's id, which a settlement must name. */
  windowId: string;
}

export interface RedisWindowStoreOptions {
  /** A URL or ioredis options (the store owns that client) or the caller's ioredis client (never closed). */
  connection: RedisConnectionInput;
  windowMs: number;
  /** Prepended to the hash-tagged limiter key. */
  keyPrefix: string;
  /** The longest a decision waits for Redis, connecting included. */
  timeoutMs: number;
  /** Where Redis failures are logged, throttled per cause. */
  logger?: Logger | undefined;
}

/** Fixed windows shared by every process through Redis: one Lua round trip per call. */
export class RedisWindowStore {
  readonly #connection: RedisConnection;
  readonly #windowArgument: string;
  readonly #keyPrefix: string;

  constructor(options: RedisWindowStoreOptions) {
    const { connection, windowMs, keyPrefix, timeoutMs, logger } = options;
    this.#windowArgument = String(windowMs);
    this.#keyPrefix = `${keyPrefix}{`;
    this.#connection = new RedisConnection(connection, {
      name: 'RateLimitingHook',
      commandTimeoutMs: timeoutMs,
      ...(logger === undefined ? {} : { logger }),
    });
  }

  /** The Redis key of a limiter key: the limiter key is a hash tag, so each key's window has its own slot. */
  redisKey(limiterKey: string): string {
    return `${this.#keyPrefix}${limiterKey}}`;
  }

  /** Starts connecting an owned client that is idle. */
  connect(): void {
    if (this.#connection.ownsClient) this.#connection.connect();
  }

  /** Counts one call for `limiterKey`; rejects with `RateLimitStoreError` (the real cause) within the timeout. */
  async take(limiterKey: string): Promise<WindowEntry> {
    const startedAt = performance.now();
    let reply: unknown;
    try {
      reply = await this.#connection.script(
        'take',
        TAKE_SCRIPT,
        [this.redisKey(limiterKey)],
        [this.#windowArgument],
      );
    } catch (error) {
      throw new RateLimitStoreError((error as Error).message, { cause: error });
    }
    if (!Array.isArray(reply) || typeof reply[0] !== 'number' || typeof reply[1] !== 'number') {
      throw new RateLimitStoreError(`Unexpected reply from Redis: ${JSON.stringify(reply)}`);
    }
    return { count: reply[0], resetAt: startedAt + reply[1], tokens: 0 };
  }

  /**
   * Counts one call for `limiterKey` and reserves `estimate` tokens when the window has room for both, in one
   * script; rejects with `RateLimitStoreError` within the timeout.
   */
  async takeTokens(
    limiterKey: string,
    requestsPerWindow: number,
    tokensPerWindow: number,
    estimate: number,
  ): Promise<TokenWindowEntry> {
    const startedAt = performance.now();
    const reply = await this.#run('take', TAKE_TOKENS_SCRIPT, this.tokenKey(limiterKey), [
      this.#windowArgument,
      String(requestsPerWindow),
      String(tokensPerWindow),
      String(estimate),
    ]);
    if (
      !Array.isArray(reply) ||
      reply.length !== 5 ||
      !reply.slice(0, 4).every((value) => typeof value === 'number') ||
      typeof reply[4] !== 'string'
    ) {
      throw new RateLimitStoreError(`Unexpected reply from Redis: ${JSON.stringify(reply)}`);
    }
    const [status, count, ttl, tokens, windowId] = reply as [number, number, number, number, string];
    return { count, resetAt: startedAt + ttl, tokens, reserved: status === 2, windowId };
  }

  /** Adds `delta` tokens (used minus reserved) to the window `windowId` of `limiterKey`, if it is still current. */
  async settleTokens(limiterKey: string, windowId: string, delta: number): Promise<void> {
    await this.#run('settle', SETTLE_TOKENS_SCRIPT, this.tokenKey(limiterKey), [windowId, String(delta)]);
  }

  /** The Redis key of a limiter key's token window (the same hash tag, so the same Cluster slot). */
  tokenKey(limiterKey: string): string {
    return `${this.redisKey(limiterKey)}:tokens`;
  }

  async #run(operation: string, script: RedisScript, key: string, args: string[]): Promise<unknown> {
    try {
      return await this.#connection.script(operation, script, [key], args);
    } catch (error) {
      throw new RateLimitStoreError((error as Error).message, { cause: error });
    }
  }

  /** Closes an owned client; a caller's client is left alone. */
  close(): Promise<void> {
    return this.#connection.close();
  }
}
