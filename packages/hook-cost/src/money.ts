import { type DecimalParse, decimalToUnits as exactUnits } from '@llmspell/core';

/**
 * Money is kept in integer pico-dollars (1e-12 USD) as `bigint`: exact for every list price down to
 * $0.000001 per 1M tokens, with no float drift however many calls are added up.
 */
export const PICO_PER_USD = 1_000_000_000_000n;

/**
 * The exact value of a non-negative decimal (a number, by its shortest round-trip form, or a decimal
 * string) times `10 ** scale`, or `undefined` when it is negative, not finite, out of core's decimal bounds
 * (30 significant digits, exponent within ±30) or has finer digits than the scale can hold. Linear in the
 * input's length (see `parseDecimal` in @llmspell/core).
 */
export function decimalToUnits(value: unknown, scale: number): bigint | undefined {
  const parsed = exactUnits(value, scale);
  return parsed.ok ? parsed.value : undefined;
}

/** `pico` pico-dollars as an exact decimal string of USD, e.g. `300000000000n` → `'0.3'`. */
export function formatUsd(pico: bigint): string {
  const negative = pico < 0n;
  const magnitude = negative ? -pico : pico;
  const whole = magnitude / PICO_PER_USD;
  const fraction = (magnitude % PICO_PER_USD).toString().padStart(12, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** `pico` pico-dollars as a USD number: the double nearest the exact value (one rounding, at the end). */
export function picoToUsd(pico: bigint): number {
  // Below 2^53 pico (~$9,007) the BigInt converts exactly, and IEEE division by 1e12 (itself exact) rounds
  // once: the same double as parsing the exact decimal, ten times cheaper. Larger totals take the decimal path.
  if (pico <= MAX_EXACT_PICO && pico >= -MAX_EXACT_PICO) return Number(pico) / 1e12;
  return Number(formatUsd(pico));
}

const MAX_EXACT_PICO = BigInt(Number.MAX_SAFE_INTEGER);

/** A USD amount (number or decimal string) in pico-dollars, or `undefined` when not exactly representable. */
export function usdToPico(usd: unknown): bigint | undefined {
  return decimalToUnits(usd, 12);
}

/** A USD amount from outside (a caller's `metadata.maxCostUsd`) in pico-dollars, or what is wrong with it. */
export function parseUsd(usd: unknown): DecimalParse<bigint> {
  return exactUnits(usd, 12);
}
