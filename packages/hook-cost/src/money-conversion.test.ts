import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatUsd, picoToUsd } from './money.js';

describe('picoToUsd', () => {
  it('gives the double nearest the exact decimal, for small and huge totals alike', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), (pico) => {
        expect(picoToUsd(pico)).toBe(Number(formatUsd(pico)));
      }),
      { numRuns: 5_000 },
    );
    expect(picoToUsd(300_000_000_000n)).toBe(0.3);
    expect(picoToUsd(BigInt(Number.MAX_SAFE_INTEGER) + 1n)).toBe(
      Number(formatUsd(BigInt(Number.MAX_SAFE_INTEGER) + 1n)),
    );
  });
});
