import type { Logger } from '@llmspell/core';
import { defineScript, RedisConnection, type RedisConnectionInput } from '@llmspell/redis';
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
    return { count: reply[0], resetAt: startedAt + reply[1] };
  }

  /** Closes an owned client; a caller's client is left alone. */
  close(): Promise<void> {
    return this.#connection.close();
  }
}
