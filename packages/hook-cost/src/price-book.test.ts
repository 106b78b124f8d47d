import { describe, expect, it } from 'vitest';
import { ratesAt } from './model-pricing.js';
import { decimalToUnits } from './money.js';
import { PriceBook } from './price-book.js';
import { defaultPriceTable } from './price-table.js';
import { callCost } from './service-tiers.js';
import type { TokenCounts } from './token-rates.js';

const NOW = Date.parse('2026-09-01T12:00:00Z');

function cost(
  book: PriceBook,
  model: string,
  tokens: TokenCounts,
  atMs = NOW,
  serviceTier?: string,
  provider?: string,
) {
  const pricing = book.resolve(model, provider);
  if (!pricing) throw new Error(`${model} is not priced`);
  return callCost(pricing, tokens, { atMs, serviceTier });
}

describe('PriceBook', () => {
  const book = new PriceBook();

  it('prices gpt-4 at exactly 0.03/0.06 and gpt-3.5-turbo at 0.001/0.002 USD per 1K tokens', () => {
    expect(cost(book, 'gpt-4', { input: 1000, output: 0 })).toBe(30_000_000_000n);
    expect(cost(book, 'gpt-4', { input: 0, output: 1000 })).toBe(60_000_000_000n);
    expect(cost(book, 'gpt-3.5-turbo', { input: 1000, output: 0 })).toBe(1_000_000_000n);
    expect(cost(book, 'gpt-3.5-turbo', { input: 0, output: 1000 })).toBe(2_000_000_000n);
  });

  it('ships pinned entries with a price date, a source, a reason, and prices it converts exactly', () => {
    for (const [model, price] of Object.entries(defaultPriceTable)) {
      expect(price.priceDate, model).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(price.source, model).toMatch(/^https:\/\//);
      expect(price.note.length, model).toBeGreaterThan(20);
      for (const value of [price.inputUsdPer1M, price.outputUsdPer1M, price.cachedInputUsdPer1M]) {
        if (value !== undefined) expect(decimalToUnits(value, 6), `${model} ${value}`).toBeDefined();
      }
      expect(book.resolve(model)).toMatchObject({ model, source: 'table' });
    }
    expect(Object.isFrozen(defaultPriceTable)).toBe(true);
    expect(Object.isFrozen(defaultPriceTable['gpt-3.5-turbo'])).toBe(true);
  });

  it('prices every other model from the catalog, snapshots and provider prefixes included', () => {
    expect(book.resolve('gpt-4o')).toMatchObject({ model: 'gpt-4o', provider: 'openai', source: 'catalog' });
    expect(book.resolve('gpt-4o-2024-08-06')?.provider).toBe('openai');
    expect(book.resolve('claude-3-5-sonnet-20241022')?.provider).toBe('anthropic');
    expect(book.resolve('claude-sonnet-4-5-20250929')?.model).toBe('claude-sonnet-4-5');
    expect(book.resolve('openai/gpt-4o-mini')).toMatchObject({ model: 'gpt-4o-mini', provider: 'openai' });
    expect(book.resolve('google/gemini-2.5-pro')).toMatchObject({
      model: 'gemini-2.5-pro',
      provider: 'google',
    });
    // gpt-4o-2024-05-13 kept its launch price of 5/15.
    expect(cost(book, 'gpt-4o-2024-05-13', { input: 1_000_000, output: 0 })).toBe(5_000_000_000_000n);
    expect(cost(book, 'gpt-3.5-turbo-0125', { input: 1_000_000, output: 0 })).toBe(500_000_000_000n);
  });

  it('narrows the catalog search to the call’s provider (data.provider, e.g. an AI SDK provider id)', () => {
    expect(book.resolve('llama-3.1-8b-instant')).toBeUndefined();
    expect(book.resolve('llama-3.1-8b-instant', 'groq.chat')).toMatchObject({
      provider: 'groq',
      source: 'catalog',
    });
  });

  it('leaves names nothing knows unresolved', () => {
    expect(book.resolve('my-finetune')).toBeUndefined();
    expect(book.resolve('acme/my-finetune')).toBeUndefined();
    expect(book.resolve('')).toBeUndefined();
  });

  it('lets modelRates override the catalog and add models, per 1K tokens, with every token kind', () => {
    const custom = new PriceBook({
      'gpt-4o': { inputPer1k: 0.001, outputPer1k: '0.004' },
      'my-model': {
        inputPer1k: 0.5,
        outputPer1k: 1,
        cachedInputPer1k: 0.05,
        cacheWritePer1k: '0.625',
        cacheWrite1hPer1k: '1',
        reasoningPer1k: '2',
      },
    });
    expect(custom.resolve('gpt-4o-2024-11-20')).toMatchObject({ model: 'gpt-4o', source: 'modelRates' });
    expect(cost(custom, 'gpt-4o', { input: 1000, output: 1000 })).toBe(5_000_000_000n);
    // 10 fresh × 0.5 + 20 read × 0.05 + 30 five-minute writes × 0.625 + 40 one-hour writes × 1, per 1K;
    // 50 text × 1 + 60 reasoning × 2, per 1K.
    const tokens = {
      input: 100,
      cachedInput: 20,
      cacheWrite: 70,
      cacheWrite1h: 40,
      output: 110,
      reasoning: 60,
    };
    const expected = (10 * 0.5 + 20 * 0.05 + 30 * 0.625 + 40 * 1 + 50 * 1 + 60 * 2) * 1e9;
    expect(cost(custom, 'my-model', tokens)).toBe(BigInt(expected));
    expect(custom.resolve('gpt-4')?.source).toBe('catalog');
  });

  it('charges cache reads, 5-minute and 1-hour cache writes at Anthropic’s rates (0.1×, 1.25×, 2× input)', () => {
    // claude-sonnet-4-5 per 1M: input 3, cache read 0.30, 5-minute write 3.75, 1-hour write 6, output 15.
    const tokens = { input: 10_000, cachedInput: 4_000, cacheWrite: 3_000, cacheWrite1h: 1_000, output: 500 };
    const expected =
      3_000n * 3_000_000n +
      4_000n * 300_000n +
      2_000n * 3_750_000n +
      1_000n * 6_000_000n +
      500n * 15_000_000n;
    expect(cost(book, 'claude-sonnet-4-5', tokens)).toBe(expected);
  });

  it('charges a prompt above 200K tokens at the long-context rates, for every token of the call', () => {
    // claude-sonnet-4-5 above 200K input: input 6, cache read 0.60, output 22.50 per 1M.
    expect(cost(book, 'claude-sonnet-4-5', { input: 200_000, output: 1_000 })).toBe(
      200_000n * 3_000_000n + 1_000n * 15_000_000n,
    );
    expect(cost(book, 'claude-sonnet-4-5', { input: 200_001, cachedInput: 1, output: 1_000 })).toBe(
      200_000n * 6_000_000n + 1n * 600_000n + 1_000n * 22_500_000n,
    );
    // gemini-2.5-pro above 200K: 2.50 in, 15 out (1.25 / 10 below).
    expect(cost(book, 'gemini-2.5-pro', { input: 300_000, output: 100 })).toBe(
      300_000n * 2_500_000n + 100n * 15_000_000n,
    );
  });

  it('charges reasoning tokens at the output rate, or at the reasoning rate where a model has one', () => {
    // o3 after 2025-06-10: 2 in, 8 out per 1M; reasoning is output.
    expect(cost(book, 'o3', { input: 1_000, output: 5_000, reasoning: 4_000 })).toBe(
      1_000n * 2_000_000n + 5_000n * 8_000_000n,
    );
    // Perplexity's sonar-deep-research: 2 in, 8 out, 3 reasoning per 1M.
    const tokens = { input: 1_000, output: 5_000, reasoning: 4_000 };
    expect(cost(book, 'sonar-deep-research', tokens, NOW, undefined, 'perplexity')).toBe(
      1_000n * 2_000_000n + 1_000n * 8_000_000n + 4_000n * 3_000_000n,
    );
  });

  it('charges the price in force on the call’s date and, where a provider has them, time of day', () => {
    const o3 = { input: 1_000_000, output: 1_000_000 };
    expect(cost(book, 'o3', o3, Date.parse('2025-06-09T23:59:59Z'))).toBe(50_000_000_000_000n);
    expect(cost(book, 'o3', o3, Date.parse('2025-06-10T00:00:00Z'))).toBe(10_000_000_000_000n);
    // deepseek-chat: 0.27/1.10 from 00:30 to 16:30 UTC, half price (0.135/0.55) off-peak.
    const chat = { input: 1_000_000, output: 0 };
    expect(cost(book, 'deepseek-chat', chat, Date.parse('2025-11-06T00:29:59Z'))).toBe(135_000_000_000n);
    expect(cost(book, 'deepseek-chat', chat, Date.parse('2025-11-06T00:30:00Z'))).toBe(270_000_000_000n);
    expect(cost(book, 'deepseek-chat', chat, Date.parse('2025-11-06T16:30:00Z'))).toBe(135_000_000_000n);
  });

  it('halves Flex and Batch calls, prices configured service tiers, and leaves other tiers unpriced', () => {
    const tokens = { input: 1_000, output: 1_000 };
    const standard = cost(book, 'gpt-5', tokens)!;
    expect(cost(book, 'gpt-5', tokens, NOW, 'default')).toBe(standard);
    expect(cost(book, 'gpt-5', tokens, NOW, 'flex')).toBe(standard / 2n);
    expect(cost(book, 'claude-sonnet-4-5', tokens, NOW, 'batch')).toBe(
      cost(book, 'claude-sonnet-4-5', tokens)! / 2n,
    );
    expect(cost(book, 'gpt-5', tokens, NOW, 'priority')).toBeUndefined();
    expect(cost(book, 'claude-sonnet-4-5', tokens, NOW, 'flex')).toBeUndefined();
    const custom = new PriceBook({
      'gpt-5': {
        inputPer1k: '0.00125',
        outputPer1k: '0.01',
        serviceTiers: { priority: { inputPer1k: '0.0025', outputPer1k: '0.02' } },
      },
    });
    expect(cost(custom, 'gpt-5', tokens, NOW, 'priority')).toBe(22_500_000_000n);
    expect(cost(custom, 'gpt-5', tokens, NOW, 'flex')).toBeUndefined();
  });

  it('caps parts larger than their whole instead of charging a token twice', () => {
    const rates = ratesAt(book.resolve('claude-sonnet-4-5')!, NOW);
    expect(rates.input).toBeDefined();
    expect(cost(book, 'claude-sonnet-4-5', { input: 10, cachedInput: 8, cacheWrite: 8, output: 0 })).toBe(
      8n * 300_000n + 2n * 3_750_000n,
    );
    expect(cost(book, 'o3', { input: 0, output: 10, reasoning: 99 })).toBe(10n * 8_000_000n);
  });
});
