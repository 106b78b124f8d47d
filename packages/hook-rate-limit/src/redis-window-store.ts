import { createHash } from 'node:crypto';
import { type Cluster, Redis } from 'ioredis';
import { RateLimitStoreError } from './errors/rate-limit-store-error.js';
import type { WindowEntry } from './window-entry.js';

/** An ioredis client: a single node or a Cluster. */
export type RedisClient = Redis | Cluster;

/**
 * One atomic round trip per decision: count the call and, for a new window, set its expiry in
 * milliseconds. Returns { count, ms until the window ends }.
 */
const TAKE_SCRIPT = `local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`;

const TAKE_SCRIPT_SHA = createHash('sha1').update(TAKE_SCRIPT).digest('hex');

/** Statuses in which a command cannot reach Redis now: decide at once instead of waiting. */
const UNREACHABLE = new Set(['reconnecting', 'close', 'end']);

export interface RedisWindowStoreOptions {
  /** A URL (the store owns the client) or the caller's ioredis client (never closed by the store). */
  connection: string | RedisClient;
  windowMs: number;
  /** Prepended to the hash-tagged limiter key. */
  keyPrefix: string;
  /** A reply later than this is a store error. */
  timeoutMs: number;
}

function isNoScriptError(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Fixed windows shared by every process through Redis: one Lua round trip per call. */
export class RedisWindowStore {
  readonly #client: RedisClient;
  readonly #ownsClient: boolean;
  readonly #windowArgument: string;
  readonly #keyPrefix: string;
  readonly #timeoutMs: number;
  #readyWait: Promise<void> | undefined;

  constructor(options: RedisWindowStoreOptions) {
    const { connection, windowMs, keyPrefix, timeoutMs } = options;
    this.#windowArgument = String(windowMs);
    this.#keyPrefix = `${keyPrefix}{`;
    this.#timeoutMs = timeoutMs;
    if (typeof connection === 'string') {
      const client = new Redis(connection, {
        lazyConnect: true,
        // Nothing waits for a dead Redis: a command either goes out now or fails now.
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        // A command resent after a reconnect would count a call that was already decided.
        autoResendUnfulfilledCommands: false,
        connectTimeout: Math.max(timeoutMs, 1_000),
        retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
      });
      // Failures surface per call as store errors; without a listener ioredis would print each one.
      client.on('error', () => {});
      // An idle connection must not keep the process alive; an in-flight call's deadline timer does.
      client.on('connect', () => client.stream?.unref?.());
      this.#client = client;
      this.#ownsClient = true;
    } else {
      this.#client = connection;
      this.#ownsClient = false;
    }
  }

  /** The Redis key of a limiter key: the limiter key is a hash tag, so its state lives in one Cluster slot. */
  redisKey(limiterKey: string): string {
    return `${this.#keyPrefix}${limiterKey}}`;
  }

  /** Starts connecting an owned client that is idle; no-op for a caller's client. */
  connect(): void {
    if (this.#ownsClient) this.#whenReady().catch(() => {});
  }

  /** Counts one call for `limiterKey`; rejects with `RateLimitStoreError` within `timeoutMs`. */
  take(limiterKey: string): Promise<WindowEntry> {
    const client = this.#client;
    const status = client.status;
    if (status !== 'ready') {
      if (UNREACHABLE.has(status) && !(this.#ownsClient && status === 'end')) {
        return Promise.reject(
          new RateLimitStoreError(`Redis is not connected (status '${status}'); check that it is running`),
        );
      }
      // An owned client has no offline queue: wait (within the deadline) for the connection to be ready.
      if (this.#ownsClient) {
        const startedAt = performance.now();
        return this.#withDeadline(
          this.#whenReady().then(() => {
            // Past the deadline the caller has been answered: counting the call now would be a phantom.
            if (performance.now() - startedAt >= this.#timeoutMs) {
              throw new RateLimitStoreError('Redis became ready after the decision deadline');
            }
            return this.#send(limiterKey, startedAt);
          }),
          startedAt,
        );
      }
    }
    const startedAt = performance.now();
    return this.#withDeadline(this.#send(limiterKey, startedAt), startedAt);
  }

  /** Closes an owned client; a caller's client is left alone. */
  async close(): Promise<void> {
    if (this.#ownsClient) this.#client.disconnect();
  }

  async #send(limiterKey: string, startedAt: number): Promise<WindowEntry> {
    const key = this.redisKey(limiterKey);
    let reply: unknown;
    try {
      reply = await this.#client.evalsha(TAKE_SCRIPT_SHA, 1, key, this.#windowArgument);
    } catch (error) {
      // After a Redis restart the script cache is empty: EVAL runs it and caches it again.
      if (!isNoScriptError(error)) throw error;
      reply = await this.#client.eval(TAKE_SCRIPT, 1, key, this.#windowArgument);
    }
    if (!Array.isArray(reply) || typeof reply[0] !== 'number' || typeof reply[1] !== 'number') {
      throw new RateLimitStoreError(`Unexpected reply from Redis: ${JSON.stringify(reply)}`);
    }
    return { count: reply[0], resetAt: startedAt + reply[1] };
  }

  #withDeadline(work: Promise<WindowEntry>, startedAt: number): Promise<WindowEntry> {
    return new Promise((resolve, reject) => {
      // Not unref'd: the caller's decision is waiting on it.
      const timer = setTimeout(() => {
        reject(
          new RateLimitStoreError(
            `Redis did not answer within ${this.#timeoutMs} ms (storeTimeoutMs); check its health or raise the timeout`,
          ),
        );
      }, this.#timeoutMs);
      work.then(
        (entry) => {
          clearTimeout(timer);
          resolve(entry);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(
            error instanceof RateLimitStoreError
              ? error
              : new RateLimitStoreError(
                  `Redis rate-limit command failed after ${Math.round(performance.now() - startedAt)} ms: ${describe(error)}`,
                  { cause: error },
                ),
          );
        },
      );
    });
  }

  #whenReady(): Promise<void> {
    const client = this.#client;
    if (client.status === 'ready') return Promise.resolve();
    if (this.#readyWait) return this.#readyWait;
    const wait = new Promise<void>((resolve, reject) => {
      const settle = () => {
        client.off('ready', onReady);
        client.off('close', onClose);
        this.#readyWait = undefined;
      };
      const onReady = () => {
        settle();
        resolve();
      };
      const onClose = () => {
        settle();
        reject(new RateLimitStoreError('Redis closed the connection before it was ready'));
      };
      client.on('ready', onReady);
      client.on('close', onClose);
    });
    // Every caller observes it through #withDeadline; this keeps an unobserved failure from being unhandled.
    wait.catch(() => {});
    this.#readyWait = wait;
    if (client.status === 'wait' || client.status === 'end') client.connect().catch(() => {});
    return wait;
  }
}
