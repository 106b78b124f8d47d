import type { Redis } from 'ioredis';
import type { CacheStore } from './cache-store.js';
import { CacheStoreError } from './errors/cache-store-error.js';
import { validateOptions } from './validate-options.js';

/** Options of `new RedisCacheStore()`. */
export interface RedisCacheStoreOptions {
  /** The ioredis client to talk to. Required. */
  client: Redis;
  /** Longest wait for one Redis command; past it the command counts as failed. Default 100. */
  commandTimeoutMs?: number;
  /** Close the client in `close()`. Default false: a client you pass in stays yours to close. */
  closeClient?: boolean;
}

const schema = {
  type: 'object',
  required: ['client'],
  properties: {
    client: { type: 'object' },
    commandTimeoutMs: { type: 'integer', minimum: 1 },
    closeClient: { type: 'boolean' },
  },
  additionalProperties: false,
};

function isRedisClient(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const client = value as Record<string, unknown>;
  return typeof client.get === 'function' && typeof client.set === 'function' && 'status' in client;
}

/**
 * A cache store on Redis (ioredis). Every command is bounded by `commandTimeoutMs` (by the client's own
 * `commandTimeout` when it is at most that, else by a timer of the store's), and a client that is not
 * connected fails the command at once instead of queueing it, so a slow or absent Redis never holds a caller.
 */
export class RedisCacheStore implements CacheStore {
  /** The ioredis client this store uses. */
  readonly client: Redis;
  readonly #commandTimeoutMs: number;
  readonly #closeClient: boolean;
  /** The client itself times commands out within `commandTimeoutMs`: no second timer per command needed. */
  readonly #clientBoundsCommands: boolean;

  constructor(options: RedisCacheStoreOptions) {
    const client: unknown = options?.client;
    validateOptions(
      'RedisCacheStore',
      schema,
      options,
      client === undefined || isRedisClient(client)
        ? []
        : [{ path: '/client', message: 'must be an ioredis client (new Redis(url) from ioredis)' }],
    );
    const { commandTimeoutMs = 100, closeClient = false } = options;
    this.client = options.client;
    this.#commandTimeoutMs = commandTimeoutMs;
    this.#closeClient = closeClient;
    const clientTimeoutMs = (this.client as { options?: { commandTimeout?: unknown } }).options
      ?.commandTimeout;
    this.#clientBoundsCommands = typeof clientTimeoutMs === 'number' && clientTimeoutMs <= commandTimeoutMs;
  }

  async get(key: string): Promise<string | undefined> {
    const value = await this.#command('get', () => this.client.get(key));
    return value ?? undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.#command('set', () => this.client.set(key, value, 'PX', Math.max(1, Math.round(ttlMs))));
  }

  async delete(key: string): Promise<boolean> {
    return (await this.#command('delete', () => this.client.del(key))) > 0;
  }

  /** Closes the client when `closeClient` is set (QUIT, or a hard disconnect when Redis is unreachable). */
  async close(): Promise<void> {
    if (!this.#closeClient) return;
    const { client } = this;
    if (client.status === 'ready') {
      try {
        await this.#command('close', () => client.quit());
      } catch {
        // Unreachable or slow: the disconnect below ends the connection anyway.
      }
    }
    // Between reconnect attempts there is no socket: disconnect() only cancels the next attempt.
    if (client.status === 'end' || client.status === 'reconnecting' || client.status === 'wait') {
      client.disconnect();
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const ended = new Promise<void>((resolve) => {
      client.once('end', resolve);
      // Bounded: close() must return even if the socket never reports its end.
      timer = setTimeout(resolve, 1_000);
    });
    client.disconnect();
    await ended;
    clearTimeout(timer);
  }

  async #command<T>(operation: string, run: () => Promise<T>): Promise<T> {
    const { client } = this;
    if (client.status !== 'ready') {
      // A lazy client that was never connected would otherwise stay disconnected for good.
      if (client.status === 'wait') client.connect().catch(() => {});
      throw new CacheStoreError(
        operation,
        `Redis is not connected (status '${client.status}'); the cache misses until it reconnects`,
      );
    }
    if (this.#clientBoundsCommands) {
      try {
        return await run();
      } catch (error) {
        throw this.#failure(operation, error);
      }
    }
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new CacheStoreError(
              operation,
              `Redis did not answer ${operation} within ${this.#commandTimeoutMs} ms; ` +
                'check the server load or raise commandTimeoutMs',
            ),
          ),
        this.#commandTimeoutMs,
      );
    });
    try {
      return await Promise.race([run(), deadline]);
    } catch (error) {
      throw this.#failure(operation, error);
    } finally {
      clearTimeout(timer);
    }
  }

  #failure(operation: string, error: unknown): CacheStoreError {
    if (CacheStoreError.isInstance(error)) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new CacheStoreError(operation, `Redis ${operation} failed: ${message}`, { cause: error });
  }
}
