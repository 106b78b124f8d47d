import { describe, expect, it } from 'vitest';
import { copyPlainData } from './copy-plain-data.js';

describe('copyPlainData', () => {
  it('copies plain objects and arrays deeply and shares everything else', () => {
    const when = new Date(0);
    const error = new Error('boom');
    const bytes = new Uint8Array([1, 2]);
    const data = { input: { text: 'hi', list: [{ n: 1 }] }, when, error, bytes, bare: Object.create(null) };
    const copy = copyPlainData(data);
    expect(copy).toEqual(data);
    expect(copy.input).not.toBe(data.input);
    expect(copy.input.list).not.toBe(data.input.list);
    expect(copy.input.list[0]).not.toBe(data.input.list[0]);
    expect(Object.getPrototypeOf(copy.bare)).toBeNull();
    expect(copy.when).toBe(when);
    expect(copy.error).toBe(error);
    expect(copy.bytes).toBe(bytes);
  });

  it('keeps shared sub-objects shared and cycles cyclic', () => {
    const shared = { n: 1 };
    const data: Record<string, unknown> = { a: shared, b: shared };
    data.self = data;
    const copy = copyPlainData(data);
    expect(copy.a).toBe(copy.b);
    expect(copy.a).not.toBe(shared);
    expect(copy.self).toBe(copy);
  });

  it('shares an object whose property cannot be read instead of throwing', () => {
    const hostile = {
      get text(): string {
        throw new Error('getter refuses');
      },
    };
    const copy = copyPlainData({ input: hostile, other: { n: 1 } });
    expect(copy.input).toBe(hostile);
    expect(copy.other).toEqual({ n: 1 });
  });
});
