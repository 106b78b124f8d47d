import type { Logger } from '@llmspell/core';
import { MAX_TIMER_MS } from '@llmspell/core';
import { isRedisClient, type RedisClient, RedisConnection } from '@llmspell/redis';
import type { CacheStore } from './cache-store.js';
import { CacheStoreError } from './errors/cache-store-error.js';
import { validateOptions } from './validate-options.js';

/** Options of `new RedisCacheStore()`. */
export interface RedisCacheStoreOptions {
  /** The ioredis `Redis` or `Cluster` client (ioredis 5 or 6) to talk to. Required. */
  client: RedisClient;
  /** Longest wait for one Redis command, connecting included; past it the command counts as failed. Default 100. */
  commandTimeoutMs?: number;
  /** Close the client in `close()`. Default false: a client you pass in stays yours to close. */
  closeClient?: boolean;
  /** Where Redis failures are logged, at most once a minute per cause (a new cause at once). Default `consoleLogger('warn')`. */
  logger?: Logger;
}

const schema = {
  type: 'object',
  required: ['client'],
  properties: {
    client: { type: 'object' },
    commandTimeoutMs: { type: 'integer', minimum: 1, maximum: MAX_TIMER_MS },
    closeClient: { type: 'boolean' },
    logger: { type: 'object' },
  },
  additionalProperties: false,
};

/**
 * A cache store on Redis (ioredis). Every command, waiting for a connection included, ends within
 * `commandTimeoutMs`, and a client that is not connected fails the command at once with its real cause
 * instead of queueing it, so a slow or absent Redis never holds a caller. Keys are single: any Cluster works.
 */
export class RedisCacheStore implements CacheStore {
  /** The ioredis client this store uses. */
  readonly client: RedisClient;
  readonly #connection: RedisConnection;

  constructor(options: RedisCacheStoreOptions) {
    const client: unknown = options?.client;
    validateOptions(
      'RedisCacheStore',
      schema,
      options,
      client === undefined || isRedisClient(client)
        ? []
        : [{ path: '/client', message: 'must be an ioredis client (new Redis(url) or new Cluster(nodes))' }],
    );
    const { commandTimeoutMs = 100, closeClient = false, logger } = options;
    this.client = options.client;
    this.#connection = new RedisConnection(this.client, {
      name: 'RedisCachingHook',
      commandTimeoutMs,
      closeClient,
      ...(logger === undefined ? {} : { logger }),
    });
  }

  async get(key: string): Promise<string | undefined> {
    const value = await this.#command('get', 'GET', [key]);
    return typeof value === 'string' ? value : value instanceof Buffer ? value.toString() : undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.#command('set', 'SET', [key, value, 'PX', Math.max(1, Math.round(ttlMs))]);
  }

  async delete(key: string): Promise<boolean> {
    return ((await this.#command('delete', 'DEL', [key])) as number) > 0;
  }

  /** Closes the client when `closeClient` is set (QUIT, or a hard disconnect when Redis is unreachable). */
  close(): Promise<void> {
    return this.#connection.close();
  }

  /** Waits until the client is ready, at most `timeoutMs`; never rejects. */
  waitUntilReady(timeoutMs: number): Promise<boolean> {
    return this.#connection.waitUntilReady(timeoutMs);
  }

  async #command(operation: string, command: string, args: (string | number)[]): Promise<unknown> {
    try {
      return await this.#connection.command(operation, command, args);
    } catch (error) {
      throw new CacheStoreError(operation, (error as Error).message, { cause: error });
    }
  }
}
