import { describe, expect, it } from 'vitest';
import { describeValue } from './describe-value.js';

describe('describeValue', () => {
  it('describes ordinary values briefly', () => {
    expect(describeValue(-5)).toBe('-5');
    expect(describeValue('abc')).toBe('"abc"');
    expect(describeValue(null)).toBe('null');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue([1])).toBe('an array');
    expect(describeValue({})).toBe('an object');
    expect(describeValue(() => 1)).toBe('a function');
    expect(describeValue(1n)).toBe('1');
    expect(describeValue(Symbol('s'))).toBe('Symbol(s)');
  });

  it('never throws, whatever the value', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(describeValue(Object.create(null))).toBe('an object without a prototype');
    expect(describeValue(proxy)).toBe('an unreadable value');
  });

  it('names regular expressions, errors, dates and collections', () => {
    expect(describeValue(/a+b/i)).toBe('/a+b/i');
    expect(describeValue(new TypeError('bad'))).toBe('an Error ("bad")');
    expect(describeValue(new Date(0))).toBe('a Date (1970-01-01T00:00:00.000Z)');
    expect(describeValue(new Date(Number.NaN))).toBe('a Date (invalid)');
    expect(describeValue(new Map())).toBe('a Map');
    expect(describeValue(new Set())).toBe('a Set');
  });

  it('stays short whatever the size of the value', () => {
    expect(describeValue('x'.repeat(100_000)).length).toBeLessThan(70);
    expect(describeValue(new Error('y'.repeat(100_000))).length).toBeLessThan(80);
    expect(describeValue(new RegExp('z'.repeat(100_000))).length).toBeLessThanOrEqual(60);
  });
});
