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
  /** Tiering or history worth knowing, when there is any. */
  readonly note?: string;
}

const OPENAI = 'https://openai.com/api/pricing/';
const ANTHROPIC = 'https://docs.anthropic.com/en/docs/about-claude/pricing';
const GOOGLE = 'https://ai.google.dev/gemini-api/docs/pricing';

function openai(input: string, output: string, cachedInput?: string, note?: string): ListPrice {
  return entry('openai', input, output, cachedInput, '2025-08-07', OPENAI, note);
}
function anthropic(input: string, output: string, cachedInput: string, note?: string): ListPrice {
  return entry('anthropic', input, output, cachedInput, '2025-10-15', ANTHROPIC, note);
}
function google(input: string, output: string, cachedInput?: string, note?: string): ListPrice {
  return entry('google', input, output, cachedInput, '2025-07-01', GOOGLE, note);
}
function entry(
  provider: ListPrice['provider'],
  inputUsdPer1M: string,
  outputUsdPer1M: string,
  cachedInputUsdPer1M: string | undefined,
  priceDate: string,
  source: string,
  note: string | undefined,
): ListPrice {
  return Object.freeze({
    provider,
    inputUsdPer1M,
    outputUsdPer1M,
    ...(cachedInputUsdPer1M === undefined ? {} : { cachedInputUsdPer1M }),
    priceDate,
    source,
    ...(note === undefined ? {} : { note }),
  });
}

const ANTHROPIC_CACHE = 'cachedInput is the cache-read price; cache writes cost 1.25x input (5-minute TTL).';
const GEMINI_SHORT = 'Price for prompts up to 128K tokens; longer prompts cost twice as much.';
const GEMINI_25_PRO = 'Price for prompts up to 200K tokens; longer prompts cost 2.50 in / 15.00 out.';

/**
 * Public list prices (USD per 1M tokens) of current OpenAI, Anthropic and Google models, taken on each
 * entry's `priceDate`. Prices change: pass `modelRates` to override or extend them.
 */
export const defaultPriceTable: Readonly<Record<string, ListPrice>> = Object.freeze({
  // OpenAI. gpt-4 and gpt-3.5-turbo carry the prices the llmspell contract fixes (0.03/0.06 and
  // 0.001/0.002 per 1K); the current gpt-3.5-turbo-0125 snapshot is listed on its own.
  'gpt-4': openai('30', '60', undefined, 'Original 8K-context gpt-4 (also gpt-4-0613).'),
  'gpt-4-32k': openai('60', '120'),
  'gpt-4-turbo': openai('10', '30'),
  'gpt-3.5-turbo': openai('1', '2', undefined, 'The gpt-3.5-turbo-1106 list price; 0125 is cheaper.'),
  'gpt-3.5-turbo-0125': openai('0.5', '1.5'),
  'gpt-4o': openai('2.5', '10', '1.25'),
  'gpt-4o-2024-05-13': openai('5', '15', undefined, 'The first gpt-4o snapshot kept its launch price.'),
  'gpt-4o-mini': openai('0.15', '0.6', '0.075'),
  'gpt-4.1': openai('2', '8', '0.5'),
  'gpt-4.1-mini': openai('0.4', '1.6', '0.1'),
  'gpt-4.1-nano': openai('0.1', '0.4', '0.025'),
  'gpt-5': openai('1.25', '10', '0.125'),
  'gpt-5-mini': openai('0.25', '2', '0.025'),
  'gpt-5-nano': openai('0.05', '0.4', '0.005'),
  o1: openai('15', '60', '7.5'),
  'o1-mini': openai('1.1', '4.4', '0.55'),
  'o1-pro': openai('150', '600'),
  o3: openai('2', '8', '0.5', 'After the June 2025 price cut (was 10/40).'),
  'o3-mini': openai('1.1', '4.4', '0.55'),
  'o3-pro': openai('20', '80'),
  'o4-mini': openai('1.1', '4.4', '0.275'),

  // Anthropic.
  'claude-3-haiku': anthropic('0.25', '1.25', '0.03', ANTHROPIC_CACHE),
  'claude-3-opus': anthropic('15', '75', '1.5', ANTHROPIC_CACHE),
  'claude-3-5-haiku': anthropic('0.8', '4', '0.08', ANTHROPIC_CACHE),
  'claude-3-5-sonnet': anthropic('3', '15', '0.3', ANTHROPIC_CACHE),
  'claude-3-7-sonnet': anthropic('3', '15', '0.3', ANTHROPIC_CACHE),
  'claude-sonnet-4': anthropic('3', '15', '0.3', ANTHROPIC_CACHE),
  'claude-opus-4': anthropic('15', '75', '1.5', ANTHROPIC_CACHE),
  'claude-opus-4-1': anthropic('15', '75', '1.5', ANTHROPIC_CACHE),
  'claude-sonnet-4-5': anthropic('3', '15', '0.3', `${ANTHROPIC_CACHE} Prompts over 200K tokens: 6/22.5.`),
  'claude-haiku-4-5': anthropic('1', '5', '0.1', ANTHROPIC_CACHE),

  // Google (paid tier, text input).
  'gemini-1.5-pro': google('1.25', '5', '0.3125', GEMINI_SHORT),
  'gemini-1.5-flash': google('0.075', '0.3', '0.01875', GEMINI_SHORT),
  'gemini-1.5-flash-8b': google('0.0375', '0.15', '0.01', GEMINI_SHORT),
  'gemini-2.0-flash': google('0.1', '0.4', '0.025'),
  'gemini-2.0-flash-lite': google('0.075', '0.3'),
  'gemini-2.5-pro': google('1.25', '10', '0.31', GEMINI_25_PRO),
  'gemini-2.5-flash': google('0.3', '2.5', '0.075'),
  'gemini-2.5-flash-lite': google('0.1', '0.4', '0.025'),
});

/** Names that are not snapshots of a listed model but mean one. */
export const modelAliases: Readonly<Record<string, string>> = Object.freeze({
  'gpt-4-turbo-preview': 'gpt-4-turbo',
  'claude-sonnet-4-0': 'claude-sonnet-4',
  'claude-opus-4-0': 'claude-opus-4',
});
