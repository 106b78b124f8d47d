/** One model's public list price, as shipped in `defaultPriceTable`. Prices are exact decimal strings. */
export interface ListPrice {
  readonly provider: 'openai' | 'anthropic' | 'google';
  /** USD per 1M input (prompt) tokens. */
  readonly inputUsdPer1M: string;
  /** USD per 1M output (completion) tokens, reasoning tokens included. */
  readonly outputUsdPer1M: string;
  /** USD per 1M input tokens read from the provider's prompt cache, where the provider has such a price. */
  readonly cachedInputUsdPer1M?: string;
  /** The day the price was taken from `source` (YYYY-MM-DD). */
  readonly priceDate: string;
  /** Where the price was published. */
  readonly source: string;
  /** Why the entry is pinned over the catalog. */
  readonly note: string;
}

/**
 * Prices that win over the catalog (`@pydantic/genai-prices`) for these exact model names: the defaults the
 * llmspell contract fixes, and names the catalog matches to the wrong model. Every other model is priced from
 * the catalog; pass `modelRates` to override any of them.
 */
export const defaultPriceTable: Readonly<Record<string, ListPrice>> = Object.freeze({
  'gpt-3.5-turbo': Object.freeze({
    provider: 'openai',
    inputUsdPer1M: '1',
    outputUsdPer1M: '2',
    priceDate: '2025-08-07',
    source: 'https://openai.com/api/pricing/',
    note: 'The contract fixes 0.001/0.002 per 1K (the gpt-3.5-turbo-1106 list price); the catalog has 0125 (0.5/1.5).',
  }),
  'gemini-1.5-flash-8b': Object.freeze({
    provider: 'google',
    inputUsdPer1M: '0.0375',
    outputUsdPer1M: '0.15',
    cachedInputUsdPer1M: '0.01',
    priceDate: '2025-07-01',
    source: 'https://ai.google.dev/gemini-api/docs/pricing',
    note: 'The catalog matches this name to gemini-1.5-flash (twice the price). Prompts over 128K tokens cost twice as much.',
  }),
} satisfies Record<string, ListPrice>);

/** Names that are not snapshots of a `modelRates` entry but mean one. */
export const modelAliases: Readonly<Record<string, string>> = Object.freeze({
  'gpt-4-turbo-preview': 'gpt-4-turbo',
  'claude-sonnet-4-0': 'claude-sonnet-4',
  'claude-opus-4-0': 'claude-opus-4',
});
