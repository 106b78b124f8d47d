import { describe, expect, it } from 'vitest';
import { decimalToUnits, formatUsd, PICO_PER_USD, picoToUsd, usdToPico } from './money.js';

describe('money', () => {
  it('converts numbers and decimal strings to exact integer units', () => {
    expect(usdToPico(0.03)).toBe(30_000_000_000n);
    expect(usdToPico('0.001')).toBe(1_000_000_000n);
    expect(usdToPico(1e-7)).toBe(100_000n);
    expect(usdToPico(1.5e-10)).toBe(150n);
    expect(decimalToUnits('2.50', 6)).toBe(2_500_000n);
    expect(decimalToUnits(12, 0)).toBe(12n);
  });

  it('refuses values it cannot hold exactly, negative values and non-numbers', () => {
    expect(usdToPico(1e-13)).toBeUndefined();
    expect(usdToPico('0.0000000000001')).toBeUndefined();
    expect(usdToPico(-1)).toBeUndefined();
    expect(usdToPico(Number.NaN)).toBeUndefined();
    expect(usdToPico(Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(usdToPico('abc')).toBeUndefined();
    expect(usdToPico('-0.5')).toBeUndefined();
  });

  it('formats pico-dollars as exact USD decimals and converts to the nearest number once', () => {
    expect(formatUsd(300_000_000_000n)).toBe('0.3');
    expect(formatUsd(1n)).toBe('0.000000000001');
    expect(formatUsd(12n * PICO_PER_USD + 5n)).toBe('12.000000000005');
    expect(formatUsd(-1_500_000_000_000n)).toBe('-1.5');
    expect(picoToUsd(300_000_000_000n)).toBe(0.3);
    expect(picoToUsd(123_456_789_012_345_678_901n)).toBe(Number('123456789.012345678901'));
  });

  it('adds a million per-call costs with no drift, where float addition drifts', () => {
    const perCall = usdToPico(0.0003)!; // 10 gpt-4 input tokens
    let exact = 0n;
    let float = 0;
    for (let call = 0; call < 1_000_000; call++) {
      exact += perCall;
      float += 0.0003;
    }
    expect(exact).toBe(300n * PICO_PER_USD);
    expect(picoToUsd(exact)).toBe(300);
    expect(float).not.toBe(300);
  });
});
