import { describe, expect, it } from 'vitest';
import { applyMergePatch } from './merge-patch.js';

describe('applyMergePatch (RFC 7386)', () => {
  it('follows the RFC examples', () => {
    const target = { a: 'b', c: { d: 'e', f: 'g' } };
    expect(applyMergePatch(target, { a: 'z', c: { f: null } })).toEqual({ a: 'z', c: { d: 'e' } });
    expect(applyMergePatch({ a: ['b'] }, { a: 'c' })).toEqual({ a: 'c' });
    expect(applyMergePatch({ a: 'foo' }, { a: null })).toEqual({});
    expect(applyMergePatch({ a: [{ b: 'c' }] }, { a: [1] })).toEqual({ a: [1] });
    expect(applyMergePatch({ e: null } as Record<string, unknown>, { a: 1 })).toEqual({ e: null, a: 1 });
  });

  it('does not mutate nested objects of the target that other holders share', () => {
    const nested = { text: 'original', keep: true };
    const target = { input: nested };
    applyMergePatch(target, { input: { text: 'patched' } });
    expect(target.input).toEqual({ text: 'patched', keep: true });
    expect(nested.text).toBe('original');
  });

  it('ignores __proto__ keys', () => {
    const target: Record<string, unknown> = {};
    applyMergePatch(target, JSON.parse('{"__proto__": {"polluted": true}}'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('applyMergePatch keeps values that are not plain objects', () => {
  it('keeps Dates, Maps, Sets, typed arrays and class instances as they are (patch-erases-types attack)', () => {
    class Money {
      constructor(readonly cents: number) {}
    }
    const when = new Date(0);
    const map = new Map([['a', 1]]);
    const set = new Set([1]);
    const bytes = new Uint8Array([1, 2, 3]);
    const money = new Money(5);
    const target: Record<string, unknown> = { when: { old: true } };
    applyMergePatch(target, { when, map, set, bytes, money, nested: { money } });
    expect(target.when).toBe(when);
    expect(target.map).toBe(map);
    expect(target.set).toBe(set);
    expect(target.bytes).toBe(bytes);
    expect(target.money).toBe(money);
    expect((target.nested as { money: unknown }).money).toBe(money);
  });

  it('replaces a class instance in the target instead of merging into a copy that lost its prototype', () => {
    const target: Record<string, unknown> = { when: new Date(0) };
    applyMergePatch(target, { when: { iso: 'x' } });
    expect(target.when).toEqual({ iso: 'x' });
  });

  it('merges a patch nested 100,000 deep without overflowing the stack', () => {
    let patch: Record<string, unknown> = { leaf: 1 };
    for (let depth = 0; depth < 99_000; depth++) patch = { next: patch };
    const target: Record<string, unknown> = {};
    expect(() => applyMergePatch(target, patch)).not.toThrow();
    expect(Object.keys(target)).toEqual(['next']);
  });

  it('refuses a patch that refers back to itself instead of looping', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => applyMergePatch({}, cyclic)).toThrow(RangeError);
  });
});
