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
