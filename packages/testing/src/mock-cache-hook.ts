import { canonicalJson, type Hook, type HookContext, HookResult } from '@llmspell/core';

/** A cache stand-in: answers `cache` at any point for a stored key, `continue` otherwise. */
export class MockCacheHook implements Hook {
  readonly id: string;
  readonly #entries = new Map<string, unknown>();
  readonly #ttlMs: number;
  /** How many times it answered from the cache. */
  hits = 0;
  /** How many times it found nothing. */
  misses = 0;

  constructor(options: { id?: string; ttlMs?: number } = {}) {
    const { id = 'mock-cache', ttlMs = 60_000 } = options;
    this.id = id;
    this.#ttlMs = ttlMs;
  }

  /** The key a context maps to: component name and type, and the canonical JSON of `data.input`. */
  keyFor(context: HookContext): string {
    return canonicalJson([
      context.componentId.name,
      context.componentId.componentType,
      context.data.input ?? null,
    ]);
  }

  /** Stores `value` under `key` (use `keyFor(context)` to build one). */
  set(key: string, value: unknown): this {
    this.#entries.set(key, value);
    return this;
  }

  execute(context: HookContext): HookResult {
    const key = this.keyFor(context);
    if (this.#entries.has(key)) {
      this.hits++;
      return HookResult.cache({ result: this.#entries.get(key), ttlMs: this.#ttlMs, key });
    }
    this.misses++;
    return HookResult.continue();
  }
}
