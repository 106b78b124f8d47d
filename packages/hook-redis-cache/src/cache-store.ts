/**
 * Where a caching hook keeps its entries. Values are JSON strings written by the hook; a store only keeps them
 * for `ttlMs`. Every method may reject: the hook treats a rejection as a miss (fail-open).
 */
export interface CacheStore {
  /** The value stored under `key`, or `undefined` when there is none (or it has expired). */
  get(key: string): Promise<string | undefined>;
  /** Stores `value` under `key` for `ttlMs` milliseconds, replacing any earlier value. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Removes `key`; true when something was removed. */
  delete(key: string): Promise<boolean>;
  /** Releases what the store holds open (connections, memory). */
  close(): Promise<void>;
}
