import type { TokenRates } from './token-rates.js';

/** When a price applies: from a UTC instant on, or daily between two UTC times of day (off-peak prices). */
export type PriceCondition =
  | { readonly kind: 'from'; readonly fromMs: number }
  | { readonly kind: 'timeOfDay'; readonly startSecond: number; readonly endSecond: number };

/** One price of a model with the condition under which it applies (none: always). */
export interface PricePeriod {
  readonly condition?: PriceCondition | undefined;
  readonly rates: TokenRates;
}

/** Where a model's price came from. */
export type PriceSource = 'modelRates' | 'table' | 'catalog';

/** Everything known about one model's price, resolved once per model name. */
export interface ModelPricing {
  /** The entry the model name resolved to (a `modelRates` key, a table key or a catalog model id). */
  readonly model: string;
  /** The provider the price belongs to, when known (`openai`, `anthropic`, `google` …). */
  readonly provider: string | undefined;
  readonly source: PriceSource;
  /**
   * The model's prices in the catalog's order: the last period whose condition holds at the call's time
   * applies; if none holds, the first.
   */
  readonly periods: readonly PricePeriod[];
  /** Prices of service tiers given in `modelRates` (`serviceTiers`), by tier name. */
  readonly serviceTiers?: Readonly<Record<string, TokenRates>> | undefined;
}

const SECONDS_PER_DAY = 86_400;

function holds(condition: PriceCondition, atMs: number): boolean {
  if (condition.kind === 'from') return atMs >= condition.fromMs;
  const second = Math.floor((((atMs % 86_400_000) + 86_400_000) % 86_400_000) / 1000);
  const { startSecond, endSecond } = condition;
  return endSecond < startSecond
    ? second >= startSecond || second < endSecond
    : second >= startSecond && second < endSecond;
}

/** The rates in force at `atMs` (ms since the epoch). */
export function ratesAt(pricing: ModelPricing, atMs: number): TokenRates {
  const { periods } = pricing;
  for (let index = periods.length - 1; index >= 0; index--) {
    const period = periods[index]!;
    if (period.condition === undefined || holds(period.condition, atMs)) return period.rates;
  }
  return periods[0]!.rates;
}

const TIME_OF_DAY = /^(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** `HH:MM:SS` with `Z` or an offset, as seconds after UTC midnight; undefined when malformed. */
export function utcSecondOfDay(time: string): number | undefined {
  const match = TIME_OF_DAY.exec(time);
  if (!match) return undefined;
  const [, hours, minutes, seconds, zone] = match;
  if (Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 59) return undefined;
  let offset = 0;
  if (zone !== 'Z') {
    const sign = zone!.startsWith('-') ? -1 : 1;
    offset = sign * (Number(zone!.slice(1, 3)) * 3600 + Number(zone!.slice(4, 6)) * 60);
  }
  const local = Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
  return (((local - offset) % SECONDS_PER_DAY) + SECONDS_PER_DAY) % SECONDS_PER_DAY;
}
