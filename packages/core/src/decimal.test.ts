import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalToUnits, parseDecimal } from './decimal.js';

function units(input: unknown, scale = 12): bigint | string {
  const parsed = decimalToUnits(input, scale);
  return parsed.ok ? parsed.value : parsed.problem;
}

describe('parseDecimal', () => {
  it('reads ordinary decimals exactly', () => {
    expect(units('0.05')).toBe(50_000_000_000n);
    expect(units('1.5e-3')).toBe(1_500_000_000n);
    expect(units(' 12 ')).toBe(12_000_000_000_000n);
    expect(units('.5')).toBe(500_000_000_000n);
    expect(units('00.0010')).toBe(1_000_000_000n);
    expect(units(0.03, 6)).toBe(30_000n);
    expect(units(1e21, 0)).toBe(10n ** 21n);
    expect(units('0e999999999')).toBe(0n);
    expect(units('1.000000000000000000000000000000000000000')).toBe(1_000_000_000_000n);
  });

  it('refuses huge exponents at once instead of computing 10 ** 99999999999 (maxCostUsd attack)', () => {
    for (const attack of ['1e99999999999', '1e999999999', '1e100000000', '1e31', '1e-31', '9'.repeat(40)]) {
      const started = performance.now();
      const parsed = parseDecimal(attack);
      // Microseconds; computing the power would take minutes. The bound leaves room for a busy CI machine.
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(parsed.ok, attack).toBe(false);
    }
    expect(units('1e99999999999')).toMatch(/out of range/);
    expect(units('1e30')).toBe(10n ** 42n);
  });

  it('refuses a megabyte of digits without reading it (long-input attack)', () => {
    expect(units(`0.${'0'.repeat(1_000_000)}1`)).toMatch(/at most 128 characters/);
    expect(units(`1${'0'.repeat(100)}`)).toMatch(/out of range/);
    expect(units(`1.${'1'.repeat(40)}`)).toMatch(/41 significant digits/);
  });

  it('refuses what is not a non-negative decimal with a message that says why', () => {
    expect(units('-1')).toMatch(/must not be negative/);
    expect(units('0x10')).toMatch(/decimal number such as/);
    expect(units('1e')).toMatch(/exponent without digits/);
    expect(units('')).toMatch(/decimal number such as/);
    expect(units(Number.NaN)).toMatch(/finite number/);
    expect(units(Number.POSITIVE_INFINITY)).toMatch(/finite number/);
    expect(units({ valueOf: () => 1 })).toMatch(/got object/);
    expect(units('0.0000000000001')).toMatch(/more than 12 decimal places/);
  });

  it('round-trips every value within the bounds', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 30n - 1n }),
        fc.integer({ min: -30, max: 0 }),
        fc.boolean(),
        (coefficient, exponent, scientific) => {
          const digits = coefficient.toString();
          const leading = digits.length - 1 + exponent;
          fc.pre(leading <= 30 && leading >= -30);
          const text = scientific
            ? `${digits}e${exponent}`
            : exponent === 0
              ? digits
              : digits.length > -exponent
                ? `${digits.slice(0, exponent)}.${digits.slice(exponent)}`
                : `0.${'0'.repeat(-exponent - digits.length)}${digits}`;
          const parsed = decimalToUnits(text, 60);
          expect(parsed).toEqual({ ok: true, value: coefficient * 10n ** BigInt(60 + exponent) });
        },
      ),
    );
  });
});
