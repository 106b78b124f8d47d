import type { CacheStore } from './cache-store.js';
import { validateOptions } from './validate-options.js';

/** Options of `new MemoryCacheStore()`. */
export interface MemoryCacheStoreOptions {
  /** Most entries kept; past it the least recently used entry is dropped. Default 10_000. */
  maxEntries?: number;
  /** Most bytes kept (UTF-8 size of keys plus values); past it the least recently used entries are dropped. Default 67_108_864 (64 MiB). */
  maxBytes?: number;
}

interface MemoryEntry {
  value: string;
  bytes: number;
  expiresAt: number;
}

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    maxEntries: { type: 'integer', minimum: 1 },
    maxBytes: { type: 'integer', minimum: 1 },
  },
};

/**
 * The embedded cache store: an in-process LRU bounded by entry count and by total bytes, with a TTL per entry.
 * Expired entries are dropped when read or when they reach the end of the LRU order; no timer runs.
 */
export class MemoryCacheStore implements CacheStore {
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  /** Map order is the LRU order: the first entry is the least recently used. */
  readonly #entries = new Map<string, MemoryEntry>();
  /**
   * Where eviction resumes. A fresh `keys().next()` would rescan every hole that earlier deletions left at the
   * front of the Map (V8 compacts it only now and then): at 10,000 entries that made each write cost ~10 µs.
   * A persistent iterator passes each hole once; Map iterators stay valid while the Map changes.
   */
  #evictionCursor: MapIterator<string> | undefined;
  #bytes = 0;

  constructor(options: MemoryCacheStoreOptions = {}) {
    validateOptions('MemoryCacheStore', schema, options);
    const { maxEntries = 10_000, maxBytes = 64 * 1024 * 1024 } = options;
    this.#maxEntries = maxEntries;
    this.#maxBytes = maxBytes;
  }

  /** How many entries are held (expired ones included until they are dropped). */
  get size(): number {
    return this.#entries.size;
  }

  /** The UTF-8 size of every key and value held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Synchronous: an in-memory lookup needs no promise. */
  get(key: string): string | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAt <= Date.now()) {
      this.#bytes -= entry.bytes;
      return undefined;
    }
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** Synchronous: an in-memory write needs no promise. */
  set(key: string, value: string, ttlMs: number): void {
    this.#remove(key);
    const bytes = Buffer.byteLength(key) + Buffer.byteLength(value);
    // An entry bigger than the whole budget would evict everything and still not fit.
    if (bytes > this.#maxBytes) return;
    this.#entries.set(key, { value, bytes, expiresAt: Date.now() + ttlMs });
    this.#bytes += bytes;
    while (this.#entries.size > this.#maxEntries || this.#bytes > this.#maxBytes) {
      const oldest = this.#leastRecentlyUsed();
      if (oldest === undefined) break;
      this.#remove(oldest);
    }
  }

  async delete(key: string): Promise<boolean> {
    return this.#remove(key);
  }

  /** Drops every entry. The store stays usable. */
  async close(): Promise<void> {
    this.#entries.clear();
    this.#evictionCursor = undefined;
    this.#bytes = 0;
  }

  #leastRecentlyUsed(): string | undefined {
    let next = this.#evictionCursor?.next();
    if (next === undefined || next.done) {
      // Exhausted (it has passed the newest entry): start again from the front, once.
      this.#evictionCursor = this.#entries.keys();
      next = this.#evictionCursor.next();
    }
    return next.done ? undefined : next.value;
  }

  #remove(key: string): boolean {
    const entry = this.#entries.get(key);
    if (entry === undefined) return false;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
    return true;
  }
}
