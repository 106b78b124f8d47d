import { describe, expect, it } from 'vitest';
import { callContext, recordingLogger } from './__fixtures__/contexts.js';
import { CostTrackingHook } from './cost-tracking-hook.js';
import { usdToPico } from './money.js';

/**
 * 1,000 calls of each kind, recorded through the hook, against totals worked out by hand from the prices the
 * providers publish (and the catalog lists, `@pydantic/genai-prices` 0.1.8), in USD per 1M tokens:
 * gpt-4o 2.50 in / 10 out; claude-sonnet-4-5 3 in / 15 out, cache read 0.30, 5-minute cache write 3.75,
 * 1-hour cache write 6, and above 200K input 6 / 22.50; o3 (since 2025-06-10) 2 / 8, reasoning billed as
 * output; Perplexity sonar-deep-research 2 in / 8 out / 3 reasoning; gemini-2.5-pro above 200K input 2.50 / 15.
 */
const kinds = [
  {
    kind: 'plain',
    model: 'gpt-4o-2024-08-06',
    tokensUsed: { input: 1_234, output: 567 },
    // 1,234 × 2.50 + 567 × 10 = 3,085 + 5,670 = 8,755 USD per 1M → $0.008755 a call.
    totalUsd: '8.755',
  },
  {
    kind: 'cached read',
    model: 'claude-sonnet-4-5',
    tokensUsed: { input: 10_000, cachedInput: 8_000, output: 300 },
    // 2,000 × 3 + 8,000 × 0.30 + 300 × 15 = 6,000 + 2,400 + 4,500 = 12,900 → $0.0129 a call.
    totalUsd: '12.9',
  },
  {
    kind: 'cache write',
    model: 'claude-sonnet-4-5-20250929',
    tokensUsed: { input: 5_000, cacheWrite: 4_000, cacheWrite1h: 1_000, output: 200 },
    // 1,000 × 3 + 3,000 × 3.75 + 1,000 × 6 + 200 × 15 = 3,000 + 11,250 + 6,000 + 3,000 = 23,250 → $0.02325.
    totalUsd: '23.25',
  },
  {
    kind: 'reasoning',
    model: 'o3',
    tokensUsed: { input: 1_500, output: 6_000, reasoning: 5_000 },
    // 1,500 × 2 + 6,000 × 8 = 3,000 + 48,000 = 51,000 → $0.051 a call.
    totalUsd: '51',
  },
  {
    kind: 'reasoning at its own rate',
    model: 'sonar-deep-research',
    provider: 'perplexity',
    tokensUsed: { input: 1_000, output: 3_000, reasoning: 2_000 },
    // 1,000 × 2 + 1,000 × 8 + 2,000 × 3 = 2,000 + 8,000 + 6,000 = 16,000 → $0.016 a call.
    totalUsd: '16',
  },
  {
    kind: 'long context',
    model: 'gemini-2.5-pro',
    tokensUsed: { input: 250_000, output: 2_000 },
    // 250,000 × 2.50 + 2,000 × 15 = 625,000 + 30,000 = 655,000 → $0.655 a call.
    totalUsd: '655',
  },
  {
    kind: 'long context with a cache read',
    model: 'claude-sonnet-4-5',
    tokensUsed: { input: 210_000, cachedInput: 10_000, output: 1_000 },
    // 200,000 × 6 + 10,000 × 0.60 + 1,000 × 22.50 = 1,200,000 + 6,000 + 22,500 = 1,228,500 → $1.2285.
    totalUsd: '1228.5',
  },
];

describe('cost of recorded calls against the published prices', () => {
  it.each(kinds)(
    '1,000 $kind calls total exactly $totalUsd',
    async ({ model, provider, tokensUsed, totalUsd }) => {
      const hook = new CostTrackingHook({ logger: recordingLogger().logger });
      for (let call = 0; call < 1_000; call++) {
        const data = provider === undefined ? {} : { provider };
        await hook.execute(callContext({ component: 'agent', model, tokensUsed, data }));
      }
      const totals = await hook.totals('agent');
      expect(totals.calls).toBe(1_000);
      expect(totals.unpricedCalls).toBe(0);
      // Exact to the pico-dollar (so to the nano-dollar): no remainder was dropped anywhere.
      expect(totals.costPicoUsd).toBe(usdToPico(totalUsd));
      expect(totals.costUsd).toBe(Number(totalUsd));
    },
  );
});
