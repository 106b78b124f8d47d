import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

function shuffleKeys(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((item) => shuffleKeys(item, seed));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  const rotated = keys
    .slice(seed % Math.max(keys.length, 1))
    .concat(keys.slice(0, seed % Math.max(keys.length, 1)));
  return Object.fromEntries(
    rotated.reverse().map((key) => [key, shuffleKeys((value as Record<string, unknown>)[key], seed)]),
  );
}

describe('canonicalJson', () => {
  it('sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[1,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('drops undefined members like JSON.stringify and honours toJSON', () => {
    expect(canonicalJson({ a: undefined, b: [undefined], c: new Date(0) })).toBe(
      '{"b":[null],"c":"1970-01-01T00:00:00.000Z"}',
    );
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('gives equal strings for equal values whatever the key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), (value, seed) => {
        expect(canonicalJson(shuffleKeys(value, seed))).toBe(canonicalJson(value));
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value) ?? 'null'));
      }),
    );
  });

  it('throws a clear error on cycles, naming the path', () => {
    const cyclic: Record<string, unknown> = { a: { b: {} } };
    (cyclic.a as { b: Record<string, unknown> }).b.back = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cyclic structure at \$\.a\.b\.back/);
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });

  it('refuses BigInt with advice', () => {
    expect(() => canonicalJson({ n: 1n })).toThrow(/BigInt at \$\.n/);
  });
  it('refuses an input that reuses one sub-object 22 levels deep within milliseconds, not seconds (shared-reference attack)', () => {
    let shared: Record<string, unknown> = { leaf: 'x' };
    for (let level = 0; level < 22; level++) shared = { left: shared, right: shared };
    const started = performance.now();
    expect(() => canonicalJson({ input: shared })).toThrow(/more than 100000 nodes/);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('writes a shared sub-object in full while the node count allows it', () => {
    let shared: Record<string, unknown> = { leaf: 1 };
    for (let level = 0; level < 10; level++) shared = { a: shared, b: shared };
    expect(canonicalJson(shared).match(/"leaf"/g)).toHaveLength(1024);
    expect(() => canonicalJson(shared, { maxNodes: 1_000 })).toThrow(RangeError);
  });

  it('refuses nesting deeper than maxDepth instead of overflowing the stack', () => {
    let deep: unknown = 'leaf';
    for (let level = 0; level < 50_000; level++) deep = [deep];
    expect(() => canonicalJson(deep, { maxNodes: 1_000_000 })).toThrow(/nested deeper than 1000 levels/);
  });

  it('keeps error paths short when keys are huge', () => {
    const key = 'k'.repeat(100_000);
    const cyclic: Record<string, unknown> = {};
    cyclic[key] = { [key]: cyclic };
    expect(() => canonicalJson(cyclic)).toThrow(TypeError);
    try {
      canonicalJson(cyclic);
    } catch (error) {
      expect((error as Error).message.length).toBeLessThan(600);
    }
  });

  it('writes holes of sparse arrays as null, like JSON.stringify', () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point of the test
    const sparse = [, 1];
    expect(canonicalJson(sparse)).toBe(JSON.stringify(sparse));
  });

  it('reads each member of a sub-object reused at all 40 levels a bounded number of times before refusing it (shared-reference attack)', () => {
    let reads = 0;
    const level = (below: unknown): Record<string, unknown> => ({
      get left() {
        reads++;
        return below;
      },
      get right() {
        reads++;
        return below;
      },
    });
    let shared: unknown = { leaf: 'x' };
    for (let depth = 0; depth < 40; depth++) shared = level(shared);
    expect(() => canonicalJson({ text: 'hello', context: shared })).toThrow(/more than 100000 nodes/);
    // Each level is written at most twice (two reads each time); walking its paths read them 100,000 times.
    expect(reads).toBeLessThanOrEqual(4 * 40);
  });

  it('writes a value with shared sub-objects exactly as the same value without sharing', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (inner, other) => {
        const twice = { a: inner, b: [inner, { c: inner, d: other }], e: { f: { g: inner } } };
        const copied = JSON.parse(JSON.stringify(twice)) as unknown;
        expect(canonicalJson(twice)).toBe(canonicalJson(copied));
      }),
    );
    const date = new Date(0);
    let shared: Record<string, unknown> = { when: date, list: [date, { date }] };
    for (let level = 0; level < 8; level++) shared = { z: shared, a: [shared, level], m: shared };
    expect(canonicalJson(shared)).toBe(canonicalJson(JSON.parse(JSON.stringify(shared))));
  });

  it('counts a reused sub-object in full against maxNodes and maxDepth', () => {
    const shared = { a: [1, 2, 3], b: { c: 'x' } };
    const value = { one: shared, two: shared, three: [shared] };
    // The outer object, the array and three times the shared object's 7 values.
    const nodes = 1 + 1 + 3 * 7;
    expect(() => canonicalJson(value, { maxNodes: nodes })).not.toThrow();
    expect(() => canonicalJson(value, { maxNodes: nodes - 1 })).toThrow(/more than/);
    let deep: unknown = 'leaf';
    for (let level = 0; level < 600; level++) deep = [deep];
    expect(() => canonicalJson({ first: deep, later: [[[deep]]] }, { maxDepth: 603 })).toThrow(
      /nested deeper than 603 levels at \$\.later\[0\]\[0\]\[0\]/,
    );
    expect(() => canonicalJson({ first: deep, later: [[[deep]]] }, { maxDepth: 604 })).not.toThrow();
  });
});
