import type { Usage } from './model-types.js';

/** `data.tokensUsed`: what the model reported, as the cost hook reads it. */
export interface TokensUsed {
  input: number;
  output: number;
  /** Input tokens read from the provider's prompt cache (part of `input`). */
  cachedInput?: number;
  /** Input tokens written to the provider's prompt cache (part of `input`). */
  cacheWrite?: number;
  /** Output tokens spent on reasoning (part of `output`). */
  reasoning?: number;
}

/**
 * `data.tokensUsed`: the totals a model reported, with the cache and reasoning parts it reported above zero, or
 * `undefined` when it reported neither total.
 */
export function tokensUsedOf(usage: Usage | undefined): TokensUsed | undefined {
  const input = usage?.inputTokens.total;
  const output = usage?.outputTokens.total;
  if (input === undefined && output === undefined) return undefined;
  const tokens: TokensUsed = { input: input ?? 0, output: output ?? 0 };
  const { cacheRead, cacheWrite } = usage!.inputTokens;
  const reasoning = usage!.outputTokens.reasoning;
  if (cacheRead !== undefined && cacheRead > 0) tokens.cachedInput = cacheRead;
  if (cacheWrite !== undefined && cacheWrite > 0) tokens.cacheWrite = cacheWrite;
  if (reasoning !== undefined && reasoning > 0) tokens.reasoning = reasoning;
  return tokens;
}

/** The usage of an answer no model produced (a cache hit, a hook's replacement): nothing spent. */
export function noUsage(): Usage {
  return {
    inputTokens: { total: 0, noCache: 0, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: 0, text: 0, reasoning: 0 },
  };
}
