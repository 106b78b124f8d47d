import type { TokenCounts } from './token-rates.js';

/** A non-negative safe integer: the only token count the hook accepts. */
export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

const PARTS = ['cachedInput', 'cacheWrite', 'cacheWrite1h', 'reasoning'] as const;

/**
 * `data.tokensUsed` as token counts, or undefined when `input` or `output` is not a count. A part
 * (`cachedInput`, `cacheWrite`, `cacheWrite1h`, `reasoning`) that is not a count is left out.
 */
export function readTokens(value: unknown): TokenCounts | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const reported = value as Record<string, unknown>;
  const { input = 0, output = 0 } = reported;
  if (!isCount(input) || !isCount(output)) return undefined;
  const tokens: TokenCounts = { input, output };
  for (const part of PARTS) {
    const count = reported[part];
    if (isCount(count) && count > 0) tokens[part] = count;
  }
  return tokens;
}

/** A non-empty string field of `data` (`model`, `provider`, `serviceTier`), or undefined. */
export function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
