import { describe, expect, it } from 'vitest';
import { decimalToUnits } from './money.js';
import { costOf, PriceBook } from './price-book.js';
import { defaultPriceTable } from './price-table.js';

describe('PriceBook', () => {
  const book = new PriceBook();

  it('prices gpt-4 at exactly 0.03/0.06 and gpt-3.5-turbo at 0.001/0.002 USD per 1K tokens', () => {
    const gpt4 = book.resolve('gpt-4')!;
    expect(costOf(gpt4, { input: 1000, output: 0 })).toBe(30_000_000_000n);
    expect(costOf(gpt4, { input: 0, output: 1000 })).toBe(60_000_000_000n);
    const turbo = book.resolve('gpt-3.5-turbo')!;
    expect(costOf(turbo, { input: 1000, output: 0 })).toBe(1_000_000_000n);
    expect(costOf(turbo, { input: 0, output: 1000 })).toBe(2_000_000_000n);
  });

  it('ships every table entry with input, output, a price date, a source, and prices it converts exactly', () => {
    const providers = new Set<string>();
    for (const [model, price] of Object.entries(defaultPriceTable)) {
      providers.add(price.provider);
      expect(price.priceDate, model).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(price.source, model).toMatch(/^https:\/\//);
      for (const value of [price.inputUsdPer1M, price.outputUsdPer1M, price.cachedInputUsdPer1M]) {
        if (value !== undefined) expect(decimalToUnits(value, 6), `${model} ${value}`).toBeDefined();
      }
      expect(book.resolve(model)?.model).toBe(model);
    }
    expect([...providers].sort()).toEqual(['anthropic', 'google', 'openai']);
    expect(Object.isFrozen(defaultPriceTable)).toBe(true);
    expect(Object.isFrozen(defaultPriceTable['gpt-4o'])).toBe(true);
  });

  it('resolves dated snapshots, provider prefixes, -latest and aliases to the base model', () => {
    expect(book.resolve('gpt-4o-2024-08-06')?.model).toBe('gpt-4o');
    expect(book.resolve('gpt-4-0613')?.model).toBe('gpt-4');
    expect(book.resolve('claude-3-5-sonnet-20241022')?.model).toBe('claude-3-5-sonnet');
    expect(book.resolve('claude-3-7-sonnet-latest')?.model).toBe('claude-3-7-sonnet');
    expect(book.resolve('claude-sonnet-4-0')?.model).toBe('claude-sonnet-4');
    expect(book.resolve('gemini-2.0-flash-001')?.model).toBe('gemini-2.0-flash');
    expect(book.resolve('models/gemini-2.5-pro')?.model).toBe('gemini-2.5-pro');
    expect(book.resolve('openai/gpt-4o-mini-2024-07-18')?.model).toBe('gpt-4o-mini');
  });

  it('prefers an exact snapshot entry over the alias rule and leaves unknown names unresolved', () => {
    expect(book.resolve('gpt-4o-2024-05-13')?.model).toBe('gpt-4o-2024-05-13');
    expect(book.resolve('gpt-4o-2024-05-13')?.inputPicoPerToken).toBe(5_000_000n);
    expect(book.resolve('my-finetune')).toBeUndefined();
    expect(book.resolve('gpt-4o-preview')).toBeUndefined();
  });

  it('lets modelRates override and extend the table, per 1K tokens', () => {
    const custom = new PriceBook({
      'gpt-4o': { inputPer1k: 0.001, outputPer1k: '0.004' },
      'my-model': { inputPer1k: 0.5, outputPer1k: 1, cachedInputPer1k: 0.05 },
    });
    expect(custom.resolve('gpt-4o-2024-11-20')?.inputPicoPerToken).toBe(1_000_000n);
    expect(custom.resolve('my-model')?.cachedInputPicoPerToken).toBe(50_000_000n);
    expect(custom.resolve('gpt-4')?.inputPicoPerToken).toBe(30_000_000n);
  });

  it('prices cached input tokens at the cached rate and the rest at the input rate', () => {
    const mini = book.resolve('gpt-4o-mini')!;
    // 1M input of which 400K cached: 600K × $0.15/1M + 400K × $0.075/1M = 0.09 + 0.03
    expect(costOf(mini, { input: 1_000_000, output: 0, cachedInput: 400_000 })).toBe(120_000_000_000n);
    const noCachePrice = book.resolve('gpt-4')!;
    expect(costOf(noCachePrice, { input: 10, output: 0, cachedInput: 10 })).toBe(300_000_000n);
  });
});
