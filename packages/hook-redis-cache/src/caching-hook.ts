import {
  type ConfigIssue,
  type Hook,
  type HookContext,
  type HookMetadata,
  HookResult,
  isAfterPoint,
  isBeforePoint,
  isErrorPoint,
  MAX_TIMER_MS,
  Priority,
} from '@llmspell/core';
import { decodeEntry, encodeEntry } from './cache-entry.js';
import { cacheKey, defaultKeyPrefix } from './cache-key.js';
import type { CacheStore } from './cache-store.js';
import { MemoryCacheStore } from './memory-cache-store.js';
import { type Flight, SingleFlight } from './single-flight.js';
import { validateOptions } from './validate-options.js';

/** Options of `new CachingHook()`. */
export interface CachingHookOptions {
  /** Where entries live. Default: a new `MemoryCacheStore()` that the hook owns. */
  store?: CacheStore;
  /** How long an entry lives. Default 300_000 (5 minutes). */
  ttlMs?: number;
  /** Each entry's TTL is moved by a random amount within ± this, so entries written together expire apart. Default 0. */
  ttlJitterMs?: number;
  /** Put before every key; a version segment in it ('app:cache:v2:') invalidates everything when bumped. Default 'llmspell:cache:'. */
  keyPrefix?: string;
  /** Longest time identical concurrent misses wait for the first call's result before running the operation themselves; 0 turns single-flight off. Default 2_000. */
  singleFlightWaitMs?: number;
  /** Close the store in `onUnregister`. Default: true when the hook made its own store (no `store` given), else false. */
  closeStoreOnUnregister?: boolean;
  /**
   * The `context.metadata` keys whose values (those present on a call) are part of the cache key and the
   * single-flight key, so one caller is never answered with what was computed for another. `[]` shares answers
   * between all callers. Default `['tenantId', 'userId']`.
   */
  scope?: string[];
}

/** The payload of a `cache.error` event. */
export interface CacheErrorEvent {
  /** What failed: `get`, `set` (the store), `decode` (a stored value that is not ours), `encode` or `key` (a value JSON cannot hold). */
  operation: 'get' | 'set' | 'decode' | 'encode' | 'key';
  /** The cache key involved, when there is one. */
  key?: string;
  message: string;
  /** For a store failure: its real cause in one line (WRONGPASS …, NOPERM …, a TLS error, a timeout …). */
  error?: string;
}

/** The JSON Schema of `CachingHookOptions`. */
export const cachingHookSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    store: { type: 'object' },
    ttlMs: { type: 'integer', minimum: 1 },
    ttlJitterMs: { type: 'integer', minimum: 0 },
    keyPrefix: { type: 'string' },
    singleFlightWaitMs: { type: 'integer', minimum: 0, maximum: MAX_TIMER_MS - 1_000 },
    closeStoreOnUnregister: { type: 'boolean' },
    scope: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true, maxItems: 16 },
  },
};

const defaultScope: readonly string[] = ['tenantId', 'userId'];

/** `context.state` entries shared by the Before and After points of one operation. */
const keyState = 'redis-cache:key';
const flightState = 'redis-cache:flight';
const lookupFailedState = 'redis-cache:lookup-failed';

function storeIssues(options: CachingHookOptions | null): ConfigIssue[] {
  const { store } = options ?? {};
  if (store === undefined || store === null || typeof store !== 'object') return [];
  const missing = (['get', 'set', 'delete', 'close'] as const).filter(
    (method) => typeof store[method] !== 'function',
  );
  return missing.length === 0
    ? []
    : [{ path: '/store', message: `must be a CacheStore; it has no ${missing.join(', ')} method` }];
}

function jitterIssues(options: CachingHookOptions | null): ConfigIssue[] {
  const { ttlMs = 300_000, ttlJitterMs = 0 } = options ?? {};
  return Number.isInteger(ttlMs) && ttlMs >= 1 && Number.isInteger(ttlJitterMs) && ttlJitterMs >= ttlMs
    ? [{ path: '/ttlJitterMs', message: `must be less than ttlMs (${ttlMs}), got ${ttlJitterMs}` }]
    : [];
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Response caching: at a Before point a stored result answers `cache` and the operation is skipped; at the
 * After point the operation's `data.output` is stored. Register the same hook at a Before, an After and (for
 * single-flight) an Error point. Every store failure is a miss: the hook never fails the operation.
 */
export class CachingHook implements Hook {
  readonly id = 'redis-cache';
  /** The store the entries live in. */
  readonly store: CacheStore;
  readonly #ttlMs: number;
  readonly #ttlJitterMs: number;
  readonly #keyPrefix: string;
  readonly #singleFlightWaitMs: number;
  readonly #closeStore: boolean;
  readonly #scope: readonly string[];
  readonly #flights: SingleFlight;

  constructor(options: CachingHookOptions = {}) {
    validateOptions('CachingHook', cachingHookSchema, options, [
      ...storeIssues(options),
      ...jitterIssues(options),
    ]);
    const {
      store,
      ttlMs = 300_000,
      ttlJitterMs = 0,
      keyPrefix = defaultKeyPrefix,
      singleFlightWaitMs = 2_000,
      closeStoreOnUnregister = store === undefined,
      scope = defaultScope,
    } = options;
    this.store = store ?? new MemoryCacheStore();
    this.#ttlMs = ttlMs;
    this.#ttlJitterMs = ttlJitterMs;
    this.#keyPrefix = keyPrefix;
    this.#singleFlightWaitMs = singleFlightWaitMs;
    this.#closeStore = closeStoreOnUnregister;
    this.#scope = Object.freeze([...scope]);
    this.#flights = new SingleFlight(singleFlightWaitMs);
  }

  metadata(): HookMetadata {
    return {
      name: 'CachingHook',
      description: 'Answers repeated requests from a cache and stores new results',
      tags: ['cache'],
      priority: Priority.Normal,
      // Waiting for a single-flight result is expected: the executor must neither abandon the wait early
      // nor count it as a slow call that opens the circuit breaker (every store command is bounded anyway).
      timeoutMs: this.#singleFlightWaitMs + 1_000,
      slowCallMs: this.#singleFlightWaitMs + 1_000,
      failurePolicy: 'open',
    };
  }

  /** The cache key of the request in `context`: component, `data.input` and the `scope` metadata values. */
  keyFor(context: HookContext): string {
    return cacheKey(context.componentId, context.data.input, this.#keyPrefix, this.#scopeOf(context));
  }

  execute(context: HookContext): HookResult | Promise<HookResult> {
    const point = context.hookPoint;
    if (isBeforePoint(point)) return this.#before(context);
    if (isAfterPoint(point)) return this.#after(context);
    if (isErrorPoint(point)) this.#release(context);
    return HookResult.continue();
  }

  /** Ends every single-flight wait and, when the hook owns it, closes the store. */
  async onUnregister(): Promise<void> {
    this.#flights.clear();
    if (this.#closeStore) await this.store.close();
  }

  #before(context: HookContext): HookResult | Promise<HookResult> {
    const key = this.#key(context);
    if (key === undefined) return HookResult.continue();
    context.state.set(keyState, key);

    let flight: Flight | undefined;
    if (this.#singleFlightWaitMs > 0) {
      const running = this.#flights.get(key);
      if (running !== undefined) return this.#waitForFlight(context, key, running);
      // Marked before the lookup, so identical requests arriving during it wait instead of missing too.
      flight = this.#flights.start(key);
      context.state.set(flightState, flight);
    }

    let lookup: ReturnType<CacheStore['get']>;
    try {
      lookup = this.store.get(key);
    } catch (error) {
      return this.#lookupFailed(context, key, error);
    }
    // A synchronous store (MemoryCacheStore) answers here without a promise.
    if (!isPromiseLike(lookup)) return this.#found(context, key, flight, lookup);
    return Promise.resolve(lookup).then(
      (entry) => this.#found(context, key, flight, entry),
      (error: unknown) => this.#lookupFailed(context, key, error),
    );
  }

  async #waitForFlight(context: HookContext, key: string, running: Flight): Promise<HookResult> {
    const entry = await this.#flights.wait(running, context.signal);
    const result = entry === undefined ? undefined : this.#decode(context, key, entry);
    if (result !== undefined) return this.#hit(context, key, result.value);
    context.metrics.increment('cache_misses');
    return HookResult.continue();
  }

  #found(
    context: HookContext,
    key: string,
    flight: Flight | undefined,
    entry: string | undefined,
  ): HookResult {
    const result = entry === undefined ? undefined : this.#decode(context, key, entry);
    if (result === undefined) {
      context.metrics.increment('cache_misses');
      return HookResult.continue();
    }
    if (flight !== undefined) {
      context.state.delete(flightState);
      this.#flights.settle(flight, entry);
    }
    return this.#hit(context, key, result.value);
  }

  #lookupFailed(context: HookContext, key: string, error: unknown): HookResult {
    context.state.set(lookupFailedState, true);
    const message = messageOf(error);
    this.#storeFailed(context, { operation: 'get', key, message, error: message });
    context.metrics.increment('cache_misses');
    return HookResult.continue();
  }

  #after(context: HookContext): HookResult | Promise<HookResult> {
    const { data, state } = context;
    const flight = state.get(flightState) as Flight | undefined;
    state.delete(flightState);
    const settle = (entry: string | undefined) => {
      if (flight !== undefined) this.#flights.settle(flight, entry);
    };
    if (data.cached === true || data.error !== undefined || data.output === undefined) {
      settle(undefined);
      return HookResult.continue();
    }
    const key = state.has(keyState) ? (state.get(keyState) as string | undefined) : this.#key(context);
    if (key === undefined) {
      settle(undefined);
      return HookResult.continue();
    }
    let entry: string;
    try {
      entry = encodeEntry(data.output);
    } catch (error) {
      settle(undefined);
      this.#storeFailed(context, { operation: 'encode', key, message: messageOf(error) });
      return HookResult.continue();
    }
    // Waiters get the result now, not after the write.
    settle(entry);
    // The lookup of this operation already failed: a write would most likely cost a second timeout.
    if (state.get(lookupFailedState) === true) return HookResult.continue();
    let write: ReturnType<CacheStore['set']>;
    try {
      write = this.store.set(key, entry, this.#entryTtlMs());
    } catch (error) {
      return this.#writeFailed(context, key, error);
    }
    if (!isPromiseLike(write)) return this.#written(context);
    return Promise.resolve(write).then(
      () => this.#written(context),
      (error: unknown) => this.#writeFailed(context, key, error),
    );
  }

  #written(context: HookContext): HookResult {
    context.metrics.increment('cache_writes');
    return HookResult.continue();
  }

  #writeFailed(context: HookContext, key: string, error: unknown): HookResult {
    const message = messageOf(error);
    this.#storeFailed(context, { operation: 'set', key, message, error: message });
    return HookResult.continue();
  }

  /** The first call failed: release whoever waits for it, they run the operation themselves. */
  #release(context: HookContext): void {
    const flight = context.state.get(flightState) as Flight | undefined;
    if (flight === undefined) return;
    context.state.delete(flightState);
    this.#flights.settle(flight, undefined);
  }

  #hit(context: HookContext, key: string, result: unknown): HookResult {
    context.metrics.increment('cache_hits');
    return HookResult.cache({ result, ttlMs: this.#ttlMs, key });
  }

  /** The key, or `undefined` when there is no input or it cannot be serialized (then reported once). */
  #key(context: HookContext): string | undefined {
    if (context.data.input === undefined) return undefined;
    try {
      return this.keyFor(context);
    } catch (error) {
      context.state.set(keyState, undefined);
      this.#storeFailed(context, { operation: 'key', message: messageOf(error) });
      return undefined;
    }
  }

  #decode(context: HookContext, key: string, entry: string): { value: unknown } | undefined {
    const result = decodeEntry(entry);
    if (result === undefined) {
      this.#storeFailed(context, {
        operation: 'decode',
        key,
        message: 'the stored value is not a cache entry this hook wrote; treated as a miss',
      });
    }
    return result;
  }

  #storeFailed(context: HookContext, event: CacheErrorEvent): void {
    context.metrics.increment('cache_errors');
    context.emitEvent('cache.error', event);
  }

  /** The scope values present on this call (strings only: metadata is caller data). */
  #scopeOf(context: HookContext): Record<string, string> {
    // No prototype: a scope name such as '__proto__' is a key like any other.
    const values: Record<string, string> = Object.create(null);
    const metadata = context.metadata;
    for (const name of this.#scope) {
      const value = metadata[name];
      if (typeof value === 'string') values[name] = value;
    }
    return values;
  }

  #entryTtlMs(): number {
    if (this.#ttlJitterMs === 0) return this.#ttlMs;
    return Math.max(1, this.#ttlMs + Math.round((Math.random() * 2 - 1) * this.#ttlJitterMs));
  }
}
