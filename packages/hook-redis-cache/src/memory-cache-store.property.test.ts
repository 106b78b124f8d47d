import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryCacheStore } from './memory-cache-store.js';

/** The obvious LRU: an array in use order, oldest first. */
class ReferenceLru {
  readonly keys: string[] = [];
  readonly values = new Map<string, string>();
  constructor(readonly maxEntries: number) {}
  get(key: string): string | undefined {
    if (!this.values.has(key)) return undefined;
    this.keys.splice(this.keys.indexOf(key), 1);
    this.keys.push(key);
    return this.values.get(key);
  }
  set(key: string, value: string): void {
    if (this.values.has(key)) this.keys.splice(this.keys.indexOf(key), 1);
    this.keys.push(key);
    this.values.set(key, value);
    while (this.keys.length > this.maxEntries) this.values.delete(this.keys.shift()!);
  }
  delete(key: string): void {
    if (!this.values.has(key)) return;
    this.keys.splice(this.keys.indexOf(key), 1);
    this.values.delete(key);
  }
}

describe('MemoryCacheStore eviction (property)', () => {
  it('keeps exactly what a reference LRU keeps, for any sequence of gets, sets and deletes', async () => {
    const key = fc.integer({ min: 0, max: 12 }).map((n) => `k${n}`);
    const operation = fc.oneof(
      fc.record({ kind: fc.constant('get' as const), key }),
      fc.record({ kind: fc.constant('set' as const), key, value: fc.string({ maxLength: 4 }) }),
      fc.record({ kind: fc.constant('delete' as const), key }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.array(operation, { maxLength: 200 }),
        async (max, ops) => {
          const store = new MemoryCacheStore({ maxEntries: max });
          const reference = new ReferenceLru(max);
          for (const op of ops) {
            if (op.kind === 'get') expect(store.get(op.key)).toBe(reference.get(op.key));
            else if (op.kind === 'set') {
              store.set(op.key, op.value, 60_000);
              reference.set(op.key, op.value);
            } else {
              await store.delete(op.key);
              reference.delete(op.key);
            }
            expect(store.size).toBe(reference.keys.length);
          }
          for (const live of reference.keys) expect(store.get(live)).toBe(reference.values.get(live));
        },
      ),
      { numRuns: 300 },
    );
  });
});
