/**
 * Where a caching hook keeps its entries. Values are JSON strings written by the hook; a store only keeps them
 * for `ttlMs`. Every method may reject (or throw): the hook treats a failure as a miss (fail-open). `get` and
 * `set` may answer synchronously, as `MemoryCacheStore` does; the hook then answers without a promise and the
 * executor takes its synchronous fast path.
 */
export interface CacheStore {
  /** The value stored under `key`, or `undefined` when there is none (or it has expired). */
  get(key: string): Promise<string | undefined> | string | undefined;
  /** Stores `value` under `key` for `ttlMs` milliseconds, replacing any earlier value. */
  set(key: string, value: string, ttlMs: number): Promise<void> | void;
  /** Removes `key`; true when something was removed. */
  delete(key: string): Promise<boolean>;
  /** Releases what the store holds open (connections, memory). */
  close(): Promise<void>;
}
