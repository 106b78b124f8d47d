import { type ConditionalPrice, calcPrice, type ModelPrice, type Provider } from '@pydantic/genai-prices';
import { type ModelPricing, type PriceCondition, type PricePeriod, utcSecondOfDay } from './model-pricing.js';
import { decimalToUnits } from './money.js';
import type { TieredRate, TokenRates } from './token-rates.js';

// A per-1M USD rate times 1e6 is pico-dollars per token; a per-1K rate times 1e9 is pico-dollars per unit.
const PER_1M_SCALE = 6;
const PER_1K_SCALE = 9;

/**
 * A catalog price (a double, USD per 1M tokens at scale 6 or per 1K requests at scale 9) in pico-dollars per
 * unit: exact for every price written with at most `12 - scale` decimals (all but 6 of the catalog's 3,000 token
 * prices; those are repeating fractions such as 1/12, rounded to the nearest pico-dollar per token).
 */
function toPico(value: number, scale: number): bigint | undefined {
  if (!Number.isFinite(value) || value < 0) return undefined;
  return decimalToUnits(value, scale) ?? BigInt(Math.round(value * 10 ** scale));
}

function tieredRate(value: unknown, scale = PER_1M_SCALE): TieredRate | undefined {
  if (typeof value === 'number') return toPico(value, scale);
  if (value === null || typeof value !== 'object') return undefined;
  const { base, tiers } = value as { base?: unknown; tiers?: unknown };
  const baseRate = typeof base === 'number' ? toPico(base, scale) : undefined;
  if (baseRate === undefined || !Array.isArray(tiers)) return undefined;
  const converted: { aboveInputTokens: number; rate: bigint }[] = [];
  for (const tier of tiers as { start?: unknown; price?: unknown }[]) {
    const rate = typeof tier?.price === 'number' ? toPico(tier.price, scale) : undefined;
    if (rate === undefined || typeof tier.start !== 'number' || !Number.isSafeInteger(tier.start))
      return undefined;
    converted.push({ aboveInputTokens: tier.start, rate });
  }
  converted.sort((left, right) => left.aboveInputTokens - right.aboveInputTokens);
  return { base: baseRate, tiers: converted };
}

/** The token rates of one catalog price, or undefined when it prices neither input nor output tokens. */
function tokenRates(price: ModelPrice): TokenRates | undefined {
  const input = tieredRate(price.input_mtok);
  const output = tieredRate(price.output_mtok);
  if (input === undefined && output === undefined) return undefined;
  return {
    input: input ?? 0n,
    output: output ?? 0n,
    cacheRead: tieredRate(price.cache_read_mtok),
    cacheWrite: tieredRate(price.cache_write_mtok),
    cacheWrite1h: tieredRate(price.cache_write_1h_mtok),
    reasoning: tieredRate(price.output_reasoning_mtok),
    request: tieredRate(price.requests_kcount, PER_1K_SCALE),
  };
}

function condition(price: ConditionalPrice): PriceCondition | undefined | null {
  const constraint = price.constraint as Record<string, unknown> | undefined;
  if (constraint === undefined) return undefined;
  if (typeof constraint.start_date === 'string') {
    const fromMs = Date.parse(`${constraint.start_date}T00:00:00Z`);
    return Number.isNaN(fromMs) ? null : { kind: 'from', fromMs };
  }
  if (typeof constraint.start_time === 'string' && typeof constraint.end_time === 'string') {
    const startSecond = utcSecondOfDay(constraint.start_time);
    const endSecond = utcSecondOfDay(constraint.end_time);
    if (startSecond === undefined || endSecond === undefined) return null;
    return { kind: 'timeOfDay', startSecond, endSecond };
  }
  return null;
}

function periodsOf(prices: ModelPrice | ConditionalPrice[]): PricePeriod[] | undefined {
  const list: ConditionalPrice[] = Array.isArray(prices) ? prices : [{ prices }];
  const periods: PricePeriod[] = [];
  for (const entry of list) {
    const rates = tokenRates(entry.prices);
    const when = condition(entry);
    // A price the hook cannot read exactly is not guessed at: the model stays unpriced (and reported).
    if (rates === undefined || when === null) return undefined;
    periods.push(when === undefined ? { rates } : { condition: when, rates });
  }
  return periods.length > 0 ? periods : undefined;
}

function find(
  model: string,
  providerId: string | undefined,
): { model: { id: string; prices: ModelPrice | ConditionalPrice[] }; provider: Provider } | undefined {
  try {
    return calcPrice({}, model, providerId === undefined ? {} : { providerId }) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * A model's prices from `@pydantic/genai-prices` (its bundled data: historic prices by date, long-context
 * tiers, cache reads and writes), converted once to exact pico-dollars per token. Undefined when the catalog
 * does not know the model; null when it knows it but lists no token price the hook can read exactly (a model
 * priced per image or per request, or listed without prices): such a model is reported unpriced, never $0.
 * With `providerId`, only that provider's models are searched.
 */
export function catalogPricing(model: string, providerId?: string): ModelPricing | null | undefined {
  const found = find(model, providerId);
  if (!found) return undefined;
  const periods = periodsOf(found.model.prices);
  if (!periods) return null;
  return { model: found.model.id, provider: found.provider.id, source: 'catalog', periods };
}
