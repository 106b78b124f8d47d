import type { TokenCounts } from './price-book.js';

/** A non-negative safe integer: the only token count the hook accepts. */
export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** `data.tokensUsed` as token counts, or undefined when it is not `{ input, output }` of counts. */
export function readTokens(value: unknown): TokenCounts | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const { input = 0, output = 0, cachedInput } = value as Record<string, unknown>;
  if (!isCount(input) || !isCount(output)) return undefined;
  return isCount(cachedInput) ? { input, output, cachedInput } : { input, output };
}
