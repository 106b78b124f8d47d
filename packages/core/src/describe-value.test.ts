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
});
