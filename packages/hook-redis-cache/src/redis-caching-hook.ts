import type { HookMetadata, Logger } from '@llmspell/core';
import { MAX_TIMER_MS } from '@llmspell/core';
import { createRedisClient, isRedisClient, type RedisConnectionInput } from '@llmspell/redis';
import { CachingHook, type CachingHookOptions, cachingHookSchema } from './caching-hook.js';
import { RedisCacheStore } from './redis-cache-store.js';
import { validateOptions } from './validate-options.js';

/**
 * What `RedisCachingHook.create` connects with: a URL, ioredis options (TLS, Sentinel) or your ioredis `Redis`
 * or `Cluster` client of ioredis 5 or 6 (stays yours).
 */
export type RedisConnection = RedisConnectionInput;

/** Options of `RedisCachingHook.create()`. */
export interface RedisCachingHookOptions
  extends Omit<CachingHookOptions, 'store' | 'closeStoreOnUnregister'> {
  /** Longest wait for one Redis command, connecting included; past it the call misses (fails open). Default 100. */
  commandTimeoutMs?: number;
  /** How long `create()` waits for a first connection; it resolves anyway and the hook misses until Redis answers. Default 2_000. */
  connectTimeoutMs?: number;
  /** Where Redis failures are logged, at most once a minute per cause (a new cause at once). Default `consoleLogger('warn')`. */
  logger?: Logger;
}

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...Object.fromEntries(
      Object.entries(cachingHookSchema.properties).filter(
        ([name]) => name !== 'store' && name !== 'closeStoreOnUnregister',
      ),
    ),
    commandTimeoutMs: { type: 'integer', minimum: 1, maximum: MAX_TIMER_MS },
    connectTimeoutMs: { type: 'integer', minimum: 0, maximum: MAX_TIMER_MS },
    logger: { type: 'object' },
  },
};

/**
 * The caching hook on Redis. `await RedisCachingHook.create(connection, options)` builds a `CachingHook` on a
 * `RedisCacheStore`. A client it creates never queues commands while disconnected, bounds every command by
 * `commandTimeoutMs`, reconnects in the background, and is closed in `onUnregister`; a client you pass in is
 * used as it is and never closed.
 */
export class RedisCachingHook extends CachingHook {
  /** Connects to Redis (waiting at most `connectTimeoutMs`) and returns the hook. Never rejects on a Redis outage. */
  static async create(
    connection: RedisConnection,
    options: RedisCachingHookOptions = {},
  ): Promise<RedisCachingHook> {
    validateOptions('RedisCachingHook', schema, options);
    const { commandTimeoutMs = 100, connectTimeoutMs = 2_000, logger, ...cachingOptions } = options;
    const owned = !isRedisClient(connection);
    const client = isRedisClient(connection)
      ? connection
      : createRedisClient(connection, {
          name: 'RedisCachingHook',
          connectTimeoutMs: Math.max(commandTimeoutMs, 1_000),
        });
    const store = new RedisCacheStore({
      client,
      commandTimeoutMs,
      closeClient: owned,
      ...(logger === undefined ? {} : { logger }),
    });
    await store.waitUntilReady(connectTimeoutMs);
    return new RedisCachingHook({ ...cachingOptions, store, closeStoreOnUnregister: owned });
  }

  override metadata(): HookMetadata {
    return {
      ...super.metadata(),
      name: 'RedisCachingHook',
      description: 'Answers repeated requests from Redis and stores new results',
    };
  }
}
