import { type ModelPricing, ratesAt } from './model-pricing.js';
import { costOf, type TokenCounts } from './token-rates.js';

/** Tier names that mean the standard price (OpenAI answers `default`; `auto` resolves to it when unqualified). */
const STANDARD_TIERS = new Set(['default', 'standard', 'auto', 'on_demand']);

/**
 * Tiers a provider prices at half of its standard price for every token kind, per its pricing page:
 * OpenAI Flex processing and the Batch API; Anthropic's Message Batches; the Gemini Batch API.
 */
const HALF_PRICE_TIERS: Readonly<Record<string, ReadonlySet<string>>> = {
  openai: new Set(['flex', 'batch']),
  anthropic: new Set(['batch']),
  google: new Set(['batch']),
};

/** When and on which tier a call ran. */
export interface CallTerms {
  /** The call's time (ms since the epoch): the price in force then applies. */
  atMs: number;
  /** `data.serviceTier`; undefined or a standard name for the standard price. */
  serviceTier?: string | undefined;
}

/**
 * The exact cost of a call in pico-dollars, or undefined when its service tier has no known price (a tier
 * is never charged at the standard price by guess). A half-price tier halves the exact cost; an odd
 * pico-dollar total is rounded up.
 */
export function callCost(pricing: ModelPricing, tokens: TokenCounts, terms: CallTerms): bigint | undefined {
  const tier = terms.serviceTier;
  if (tier === undefined || STANDARD_TIERS.has(tier)) return costOf(ratesAt(pricing, terms.atMs), tokens);
  const configured = pricing.serviceTiers?.[tier];
  if (configured) return costOf(configured, tokens);
  if (pricing.source === 'modelRates' || pricing.provider === undefined) return undefined;
  if (!HALF_PRICE_TIERS[pricing.provider]?.has(tier)) return undefined;
  const full = costOf(ratesAt(pricing, terms.atMs), tokens);
  return (full + 1n) / 2n;
}
