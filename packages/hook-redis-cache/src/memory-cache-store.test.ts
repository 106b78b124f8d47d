import { HookConfigError } from '@llmspell/core';
import { describe, expect, it } from 'vitest';
import { MemoryCacheStore } from './memory-cache-store.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('MemoryCacheStore', () => {
  it('returns what was set and undefined for unknown keys', async () => {
    const store = new MemoryCacheStore();
    await store.set('a', '"one"', 60_000);
    expect(await store.get('a')).toBe('"one"');
    expect(await store.get('b')).toBeUndefined();
  });

  it('forgets an entry once its TTL has passed', async () => {
    const store = new MemoryCacheStore();
    await store.set('short', '1', 50);
    await store.set('long', '2', 60_000);
    await sleep(120);
    expect(await store.get('short')).toBeUndefined();
    expect(await store.get('long')).toBe('2');
    expect(store.size).toBe(1);
  });

  it('keeps at most maxEntries, dropping the least recently used first', async () => {
    const store = new MemoryCacheStore({ maxEntries: 3 });
    await store.set('a', '1', 60_000);
    await store.set('b', '2', 60_000);
    await store.set('c', '3', 60_000);
    await store.get('a');
    await store.set('d', '4', 60_000);
    expect(store.size).toBe(3);
    expect(await store.get('b')).toBeUndefined();
    expect(await store.get('a')).toBe('1');
    expect(await store.get('c')).toBe('3');
    expect(await store.get('d')).toBe('4');
  });

  it('keeps total key and value bytes within maxBytes, counting UTF-8 bytes', async () => {
    const store = new MemoryCacheStore({ maxBytes: 100 });
    for (let index = 0; index < 10; index++) await store.set(`k${index}`, 'x'.repeat(28), 60_000);
    expect(store.bytes).toBeLessThanOrEqual(100);
    expect(store.size).toBe(3);
    expect(await store.get('k9')).toBe('x'.repeat(28));
    expect(await store.get('k6')).toBeUndefined();
    await store.set('euro', '€'.repeat(10), 60_000);
    expect(store.bytes).toBeLessThanOrEqual(100);
    expect(await store.get('euro')).toBe('€'.repeat(10));
  });

  it('does not store an entry larger than maxBytes, and drops what was under its key', async () => {
    const store = new MemoryCacheStore({ maxBytes: 50 });
    await store.set('small', '1', 60_000);
    await store.set('big', 'y'.repeat(60), 60_000);
    expect(await store.get('big')).toBeUndefined();
    expect(await store.get('small')).toBe('1');
  });

  it('replacing a key keeps the byte count exact', async () => {
    const store = new MemoryCacheStore();
    await store.set('a', '12345', 60_000);
    await store.set('a', '1', 60_000);
    expect(store.bytes).toBe(2);
    expect(await store.delete('a')).toBe(true);
    expect(await store.delete('a')).toBe(false);
    expect(store.bytes).toBe(0);
  });

  it('close() drops every entry', async () => {
    const store = new MemoryCacheStore();
    await store.set('a', '1', 60_000);
    await store.close();
    expect(store.size).toBe(0);
    expect(await store.get('a')).toBeUndefined();
  });

  it('rejects bad options with a HookConfigError listing every bad field', () => {
    let thrown: unknown;
    try {
      new MemoryCacheStore({ maxEntries: 0, maxBytes: 1.5, maxItems: 3 } as never);
    } catch (error) {
      thrown = error;
    }
    expect(HookConfigError.isInstance(thrown)).toBe(true);
    const paths = (thrown as HookConfigError).issues.map((issue) => issue.path).sort();
    expect(paths).toEqual(['/maxBytes', '/maxEntries', '/maxItems']);
  });
});
