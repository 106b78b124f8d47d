/** The largest number of significant digits `parseDecimal` accepts. */
export const MAX_DECIMAL_DIGITS = 30;
/** The largest decimal exponent (of the leading digit) `parseDecimal` accepts, either way. */
export const MAX_DECIMAL_EXPONENT = 30;
/** Longer text is refused before it is read: no accepted decimal needs more. */
const MAX_DECIMAL_LENGTH = 128;

/** A decimal read from outside input: exactly `coefficient × 10 ** exponent`. */
export interface Decimal {
  readonly negative: boolean;
  /** The significant digits, without leading or trailing zeros (0n for zero). */
  readonly coefficient: bigint;
  readonly exponent: number;
}

/** A parse that succeeded, with its value, or failed, with what was wrong (ready for a message). */
export type DecimalParse<T> = { ok: true; value: T } | { ok: false; problem: string };

function refuse(problem: string): { ok: false; problem: string } {
  return { ok: false, problem };
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * Reads a decimal written by someone else (`'0.05'`, `'1.5e-3'`, `12`) in time linear in its length and
 * never computing with more than 30 significant digits or an exponent beyond ±30, so a value like
 * `'1e999999999'` is a quick refusal rather than seconds of big-integer arithmetic. Numbers are read by
 * their shortest round-trip form. Surrounding whitespace is allowed; anything else is refused with a
 * `problem` that says what was wrong. Never throws.
 */
export function parseDecimal(input: unknown): DecimalParse<Decimal> {
  let text: string;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return refuse(`must be a finite number, got ${input}`);
    text = String(input);
  } else if (typeof input === 'string') {
    if (input.length > MAX_DECIMAL_LENGTH) {
      return refuse(`must be a decimal of at most ${MAX_DECIMAL_LENGTH} characters, got ${input.length}`);
    }
    text = input.trim();
  } else {
    return refuse(`must be a decimal number or string, got ${typeof input}`);
  }
  const end = text.length;
  let at = 0;
  let negative = false;
  if (text[at] === '-' || text[at] === '+') negative = text[at++] === '-';
  // Significant digits without leading zeros; `integerDigits` counts those read before the decimal point.
  let digits = '';
  let integerDigits = 0;
  let leadingFractionZeros = 0;
  let sawDigit = false;
  let sawPoint = false;
  for (; at < end; at++) {
    const code = text.charCodeAt(at);
    if (isDigit(code)) {
      sawDigit = true;
      if (digits === '' && code === 48) {
        if (sawPoint) leadingFractionZeros++;
        continue;
      }
      digits += text[at];
      if (!sawPoint) integerDigits++;
    } else if (code === 46 && !sawPoint) {
      sawPoint = true;
    } else {
      break;
    }
  }
  if (!sawDigit) return refuse(`must be a decimal number such as '0.05', got '${text.slice(0, 40)}'`);
  let writtenExponent = 0;
  if (at < end && (text[at] === 'e' || text[at] === 'E')) {
    at++;
    let exponentNegative = false;
    if (text[at] === '-' || text[at] === '+') exponentNegative = text[at++] === '-';
    const start = at;
    while (at < end && isDigit(text.charCodeAt(at))) {
      // Past four digits the exponent is out of range whatever follows; keep reading only to validate.
      if (writtenExponent < 10_000) writtenExponent = writtenExponent * 10 + (text.charCodeAt(at) - 48);
      at++;
    }
    if (at === start) return refuse(`has an exponent without digits: '${text.slice(0, 40)}'`);
    if (exponentNegative) writtenExponent = -writtenExponent;
  }
  if (at !== end) return refuse(`must be a decimal number such as '0.05', got '${text.slice(0, 40)}'`);
  // Trailing zeros do not change the value: drop them so they do not count as significant.
  let kept = digits.length;
  while (kept > 0 && digits.charCodeAt(kept - 1) === 48) kept--;
  if (kept === 0) return { ok: true, value: { negative, coefficient: 0n, exponent: 0 } };
  if (kept > MAX_DECIMAL_DIGITS) {
    return refuse(`has ${kept} significant digits; at most ${MAX_DECIMAL_DIGITS} are accepted`);
  }
  // The value is 0.d1d2… × 10^(integerDigits - leadingFractionZeros + writtenExponent).
  const leadingExponent = integerDigits - leadingFractionZeros + writtenExponent - 1;
  if (leadingExponent > MAX_DECIMAL_EXPONENT || leadingExponent < -MAX_DECIMAL_EXPONENT) {
    return refuse(
      `is out of range: decimals between 1e-${MAX_DECIMAL_EXPONENT} and 1e${MAX_DECIMAL_EXPONENT} are accepted`,
    );
  }
  return {
    ok: true,
    value: {
      negative,
      coefficient: BigInt(digits.slice(0, kept)),
      exponent: leadingExponent - (kept - 1),
    },
  };
}

/**
 * A non-negative decimal from outside input as an exact integer count of `10 ** -scale` units (money in
 * pico-dollars is scale 12), or a refusal when it is negative, out of the bounds of `parseDecimal`, or finer
 * than one unit. Linear in the input's length; never throws.
 */
export function decimalToUnits(input: unknown, scale: number): DecimalParse<bigint> {
  const parsed = parseDecimal(input);
  if (!parsed.ok) return parsed;
  const { negative, coefficient, exponent } = parsed.value;
  if (coefficient === 0n) return { ok: true, value: 0n };
  if (negative) return refuse(`must not be negative, got '${String(input).trim().slice(0, 40)}'`);
  const shift = exponent + scale;
  // The coefficient has no trailing zeros, so a negative shift always leaves a fraction of a unit.
  if (shift < 0) return refuse(`has more than ${scale} decimal places, finer than this value can hold`);
  return { ok: true, value: coefficient * 10n ** BigInt(shift) };
}
