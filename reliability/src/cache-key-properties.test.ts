import { canonicalJson, componentId, HookContext, HookPoint } from '@llmspell/core';
import { CachingHook, cacheKey } from '@llmspell/hook-redis-cache';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seed } from './__fixtures__/arbitraries.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const json = fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>;
const component = fc.record({
  name: fc.string({ maxLength: 8 }),
  componentType: fc.string({ maxLength: 8 }),
});

/** The same value with every object's keys inserted in another order (decided by `order`). */
function reorder(value: Json, order: number): Json {
  if (Array.isArray(value)) return value.map((item) => reorder(item, order));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  const shuffled = keys
    .map((key, index) => ({ key, rank: Math.sin(order * 7919 + index * 104_729) }))
    .sort((a, b) => a.rank - b.rank)
    .map(({ key }) => key);
  const copy: { [key: string]: Json } = {};
  // defineProperty keeps a '__proto__' key an own property, as JSON.parse makes it.
  for (const key of shuffled) {
    Object.defineProperty(copy, key, {
      value: reorder(value[key]!, order),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

/** Objects somewhere inside `value` (the value itself included), to hang a cycle on. */
function objectsIn(value: Json): { [key: string]: Json }[] {
  if (value === null || typeof value !== 'object') return [];
  const inner = (Array.isArray(value) ? value : Object.values(value)).flatMap(objectsIn);
  return Array.isArray(value) ? inner : [value, ...inner];
}

const contextFor = (input: unknown) =>
  new HookContext({
    hookPoint: HookPoint.BeforeAgentExecution,
    componentId: componentId('writer', 'agent'),
    data: { input },
  });

describe('canonicalJson and the cache key', () => {
  it('give equal strings and keys for equal values whatever their key order', () => {
    const hook = new CachingHook();
    fc.assert(
      fc.property(json, fc.integer(), component, (value, order, where) => {
        const shuffled = reorder(value, order);
        expect(canonicalJson(shuffled)).toBe(canonicalJson(value));
        expect(cacheKey(where, shuffled)).toBe(cacheKey(where, value));
        expect(hook.keyFor(contextFor(shuffled))).toBe(hook.keyFor(contextFor(value)));
      }),
      { seed, numRuns: 500 },
    );
  });

  it('canonicalJson is JSON that parses back to the same value', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { seed, numRuns: 500 },
    );
  });

  it('gives different keys to different values and to different components', () => {
    fc.assert(
      fc.property(json, json, component, (first, second, where) => {
        fc.pre(canonicalJson(first) !== canonicalJson(second));
        expect(cacheKey(where, first)).not.toBe(cacheKey(where, second));
      }),
      { seed, numRuns: 500 },
    );
    // Moving characters between the name and the type never lands on the same key.
    fc.assert(
      fc.property(
        fc.string({ maxLength: 6 }),
        fc.string({ minLength: 1, maxLength: 6 }),
        fc.string({ maxLength: 6 }),
        json,
        (head, middle, tail, value) => {
          const joinedToName = cacheKey({ name: head + middle, componentType: tail }, value);
          const joinedToType = cacheKey({ name: head, componentType: middle + tail }, value);
          expect(joinedToName).not.toBe(joinedToType);
        },
      ),
      { seed, numRuns: 300 },
    );
  });

  it('is a fixed prefix and a SHA-256 hex digest', () => {
    fc.assert(
      fc.property(json, component, fc.string({ maxLength: 10 }), (value, where, prefix) => {
        const key = cacheKey(where, value, prefix);
        expect(key.startsWith(prefix)).toBe(true);
        expect(key.slice(prefix.length)).toMatch(/^[0-9a-f]{64}$/);
      }),
      { seed, numRuns: 200 },
    );
  });

  it('ignores undefined members and treats shared (acyclic) references as copies', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 4 }), json, { maxKeys: 4 }), (record) => {
        const withUndefined = { ...record, 'extra-undefined-member': undefined };
        expect(canonicalJson(withUndefined)).toBe(canonicalJson(record));
        const shared = { left: record, right: record };
        const copies = { left: structuredClone(record), right: structuredClone(record) };
        expect(canonicalJson(shared)).toBe(canonicalJson(copies));
      }),
      { seed, numRuns: 300 },
    );
  });

  it('refuses cyclic input with a TypeError that says where the cycle is', async () => {
    const hook = new CachingHook();
    const cycle = fc.tuple(json, fc.nat(), fc.nat(), fc.string({ minLength: 1, maxLength: 4 }));
    await fc.assert(
      fc.asyncProperty(cycle, async ([value, at, to, key]) => {
        const holder = { root: structuredClone(value) } as { [key: string]: Json };
        const objects = objectsIn(holder);
        const target = objects[at % objects.length]!;
        // The cycle points from `target` back to itself or to one of its ancestors.
        const ancestors = objects.filter((candidate) => objectsIn(candidate).includes(target));
        (target as Record<string, unknown>)[`cycle-${key}`] = ancestors[to % ancestors.length];
        expect(() => canonicalJson(holder)).toThrow(TypeError);
        expect(() => canonicalJson(holder)).toThrow(/cyclic structure at \$/);
        expect(() => cacheKey({ name: 'writer', componentType: 'agent' }, holder)).toThrow(/cyclic/);
        // The hook itself treats an input it cannot key as a miss: it answers continue instead of throwing.
        const context = contextFor(holder);
        expect(() => hook.keyFor(context)).toThrow(/cyclic/);
        expect((await hook.execute(context)).type).toBe('continue');
      }),
      { seed, numRuns: 300 },
    );
  });
});
