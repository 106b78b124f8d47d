import { HookConfigError, type HookMetadata } from '@llmspell/core';
import { Redis, type RedisOptions } from 'ioredis';
import { CachingHook, type CachingHookOptions, cachingHookSchema } from './caching-hook.js';
import { RedisCacheStore } from './redis-cache-store.js';
import { validateOptions } from './validate-options.js';

/** What `RedisCachingHook.create` connects with: a URL, an ioredis client (stays yours), or ioredis options. */
export type RedisConnection = string | Redis | RedisOptions;

/** Options of `RedisCachingHook.create()`. */
export interface RedisCachingHookOptions
  extends Omit<CachingHookOptions, 'store' | 'closeStoreOnUnregister'> {
  /** Longest wait for one Redis command; past it the call misses (fails open). Default 100. */
  commandTimeoutMs?: number;
  /** How long `create()` waits for a first connection; it resolves anyway and the hook misses until Redis answers. Default 2_000. */
  connectTimeoutMs?: number;
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
    commandTimeoutMs: { type: 'integer', minimum: 1 },
    connectTimeoutMs: { type: 'integer', minimum: 0 },
  },
};

function isRedisClient(value: object): value is Redis {
  const client = value as Record<string, unknown>;
  return typeof client.get === 'function' && typeof client.set === 'function' && 'status' in client;
}

/** Resolves when `client` is ready or `timeoutMs` has passed, whichever comes first; never rejects. */
async function waitForConnection(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return;
  let timer: NodeJS.Timeout | undefined;
  let onReady: (() => void) | undefined;
  const waited = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
    onReady = resolve;
    client.once('ready', onReady);
  });
  if (client.status === 'wait') {
    client.connect().catch(() => {
      // Refused or unreachable: the client keeps reconnecting in the background.
    });
  }
  await waited;
  clearTimeout(timer);
  client.off('ready', onReady!);
}

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
    const { commandTimeoutMs = 100, connectTimeoutMs = 2_000, ...cachingOptions } = options;
    if (connection === null || (typeof connection !== 'string' && typeof connection !== 'object')) {
      throw new HookConfigError('RedisCachingHook', [
        {
          path: '/connection',
          message: `must be a redis:// URL, an ioredis client or ioredis options, got ${connection === null ? 'null' : typeof connection}`,
        },
      ]);
    }
    if (typeof connection === 'object' && isRedisClient(connection)) {
      await waitForConnection(connection, connectTimeoutMs);
      const store = new RedisCacheStore({ client: connection, commandTimeoutMs });
      return new RedisCachingHook({ ...cachingOptions, store, closeStoreOnUnregister: false });
    }
    const clientOptions: RedisOptions = {
      // Fail fast while disconnected instead of queueing commands that callers would wait on.
      enableOfflineQueue: false,
      commandTimeout: commandTimeoutMs,
      maxRetriesPerRequest: 0,
      retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
      lazyConnect: true,
    };
    const client =
      typeof connection === 'string'
        ? new Redis(connection, clientOptions)
        : new Redis({ ...connection, ...clientOptions });
    // Outages surface as cache.error events on each call; without a listener ioredis would print them all.
    client.on('error', () => {});
    await waitForConnection(client, connectTimeoutMs);
    const store = new RedisCacheStore({ client, commandTimeoutMs, closeClient: true });
    return new RedisCachingHook({ ...cachingOptions, store, closeStoreOnUnregister: true });
  }

  override metadata(): HookMetadata {
    return {
      ...super.metadata(),
      name: 'RedisCachingHook',
      description: 'Answers repeated requests from Redis and stores new results',
    };
  }
}
