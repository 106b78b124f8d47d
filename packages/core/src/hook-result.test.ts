import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HookResult } from './hook-result.js';

describe('HookResult', () => {
  it('constructors return plain objects with exactly the variant fields', () => {
    expect(HookResult.continue()).toEqual({ type: 'continue' });
    expect(HookResult.modified({ a: 1 })).toEqual({ type: 'modified', data: { a: 1 } });
    expect(HookResult.cancel('no')).toEqual({ type: 'cancel', reason: 'no' });
    expect(HookResult.redirect('other')).toEqual({ type: 'redirect', target: 'other' });
    expect(HookResult.replace(42)).toEqual({ type: 'replace', result: 42 });
    expect(HookResult.retry({ delayMs: 10, maxAttempts: 3 })).toEqual({
      type: 'retry',
      delayMs: 10,
      maxAttempts: 3,
    });
    const operations = [{ id: 'a', operationType: 'search', parameters: { q: 1 } }];
    expect(HookResult.fork(operations)).toEqual({ type: 'fork', operations });
    expect(HookResult.cache({ result: 'x', ttlMs: 5 })).toStrictEqual({
      type: 'cache',
      result: 'x',
      ttlMs: 5,
    });
    expect(HookResult.cache({ result: 'x', ttlMs: 5, key: 'k' })).toEqual({
      type: 'cache',
      result: 'x',
      ttlMs: 5,
      key: 'k',
    });
    expect(HookResult.skipped('off')).toEqual({ type: 'skipped', reason: 'off' });
  });

  it('refuses malformed constructor arguments with a TypeError that names the field', () => {
    expect(() => HookResult.retry({ delayMs: -1, maxAttempts: 1 })).toThrow(/delayMs/);
    expect(() => HookResult.retry({ delayMs: 0, maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => HookResult.cache({ result: 1, ttlMs: Number.NaN })).toThrow(/ttlMs/);
    expect(() => HookResult.modified([] as never)).toThrow(/plain object/);
    expect(() => HookResult.cancel(5 as never)).toThrow(/reason/);
  });

  it('refuses a retry delay longer than a timer can wait, which setTimeout would fire after 1 ms (retry 3e9 attack)', () => {
    expect(() => HookResult.retry({ delayMs: 3e9, maxAttempts: 2 })).toThrow(
      /delayMs must be a number of milliseconds from 0 to 2147483647/,
    );
    expect(HookResult.retry({ delayMs: 2_147_483_647, maxAttempts: 2 })).toMatchObject({
      delayMs: 2_147_483_647,
    });
    expect(HookResult.isHookResult({ type: 'retry', delayMs: 3e9, maxAttempts: 2 })).toBe(false);
  });

  it('isHookResult accepts every constructed variant', () => {
    const all = [
      HookResult.continue(),
      HookResult.modified({}),
      HookResult.cancel(''),
      HookResult.redirect('t'),
      HookResult.replace(undefined),
      HookResult.retry({ delayMs: 0, maxAttempts: 1 }),
      HookResult.fork([]),
      HookResult.cache({ result: null, ttlMs: 0 }),
      HookResult.skipped(''),
    ];
    for (const result of all) expect(HookResult.isHookResult(result)).toBe(true);
  });

  it('isHookResult rejects garbage without throwing', () => {
    const garbage = [
      null,
      undefined,
      42,
      'continue',
      {},
      { type: 'cancel' },
      { type: 'modified', data: [1] },
      { type: 'retry', delayMs: 1, maxAttempts: 0.5 },
      { type: 'cache', ttlMs: 1 },
      { type: 'fork', operations: [{ id: 1 }] },
      { type: 'explode' },
    ];
    for (const value of garbage) expect(HookResult.isHookResult(value)).toBe(false);
    fc.assert(
      fc.property(fc.anything(), (value) => {
        expect(typeof HookResult.isHookResult(value)).toBe('boolean');
      }),
    );
  });
});
