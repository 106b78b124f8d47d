import type { Usage } from './model-types.js';

/** `data.tokensUsed`: the totals a model reported, or `undefined` when it reported neither. */
export function tokensUsedOf(usage: Usage | undefined): { input: number; output: number } | undefined {
  const input = usage?.inputTokens.total;
  const output = usage?.outputTokens.total;
  if (input === undefined && output === undefined) return undefined;
  return { input: input ?? 0, output: output ?? 0 };
}

/** The usage of an answer no model produced (a cache hit, a hook's replacement): nothing spent. */
export function noUsage(): Usage {
  return {
    inputTokens: { total: 0, noCache: 0, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: 0, text: 0, reasoning: 0 },
  };
}
