import type { ModelPricing, PriceSource } from './model-pricing.js';
import { decimalToUnits } from './money.js';
import { catalogPricing } from './price-catalog.js';
import { defaultPriceTable, modelAliases } from './price-table.js';
import type { TokenRates } from './token-rates.js';

/** Prices of one model or service tier in config: USD per 1K tokens (numbers or exact decimal strings). */
export interface TokenRate {
  /** USD per 1K input tokens. */
  inputPer1k: number | string;
  /** USD per 1K output tokens. */
  outputPer1k: number | string;
  /** USD per 1K input tokens read from the provider's prompt cache. Default: the input price. */
  cachedInputPer1k?: number | string;
  /** USD per 1K input tokens written to the prompt cache (5-minute TTL). Default: the input price. */
  cacheWritePer1k?: number | string;
  /** USD per 1K input tokens written to the prompt cache with a 1-hour TTL. Default: `cacheWritePer1k`. */
  cacheWrite1hPer1k?: number | string;
  /** USD per 1K reasoning (thinking) output tokens. Default: the output price. */
  reasoningPer1k?: number | string;
}

/** A model's price in config (`modelRates`): USD per 1K tokens, plus prices of its service tiers. */
export interface ModelRate extends TokenRate {
  /**
   * Prices of service tiers (`data.serviceTier`, e.g. `priority`), by tier name. Default: none; a call on a
   * tier that has no price here or built in is reported as unpriced, never charged the standard price.
   */
  serviceTiers?: Record<string, TokenRate>;
}

/** The rate fields of `TokenRate`, all of them per 1K tokens. */
export const RATE_FIELDS = [
  'inputPer1k',
  'outputPer1k',
  'cachedInputPer1k',
  'cacheWritePer1k',
  'cacheWrite1hPer1k',
  'reasoningPer1k',
] as const;

// A per-1K USD rate times 1e9 is pico-dollars per token; per-1M times 1e6.
const PER_1K_SCALE = 9;
const PER_1M_SCALE = 6;

/** A snapshot or version suffix a provider appends to a model name: dates, `-001`, `-0613`, `-latest`. */
const SNAPSHOT_SUFFIX = /(?:[-@](?:\d{4}-\d{2}-\d{2}|\d{8}|\d{3,4}|latest))$/;

const MAX_CACHED_NAMES = 1_000;

/** `rate` (per 1K tokens) in pico-dollars per token, or undefined when finer than 1e-12 USD per token. */
export function per1kToPico(rate: number | string): bigint | undefined {
  return decimalToUnits(rate, PER_1K_SCALE);
}

/** `rate` must already be validated: every field converts exactly. */
function configuredRates(rate: TokenRate): TokenRates {
  const optional = (value: number | string | undefined) =>
    value === undefined ? undefined : per1kToPico(value)!;
  return {
    input: per1kToPico(rate.inputPer1k)!,
    output: per1kToPico(rate.outputPer1k)!,
    cacheRead: optional(rate.cachedInputPer1k),
    cacheWrite: optional(rate.cacheWritePer1k),
    cacheWrite1h: optional(rate.cacheWrite1hPer1k),
    reasoning: optional(rate.reasoningPer1k),
  };
}

function fixed(model: string, source: PriceSource, rates: TokenRates, provider?: string): ModelPricing {
  return { model, provider, source, periods: [{ rates }] };
}

/** The part of `model` before its first `.` (`openai.chat` → `openai`), lower-cased, as a catalog provider id. */
function providerId(provider: string | undefined): string | undefined {
  if (provider === undefined || provider === '') return undefined;
  const dot = provider.indexOf('.');
  return (dot === -1 ? provider : provider.slice(0, dot)).toLowerCase();
}

/**
 * Resolves model names to exact prices, in this order:
 * 1. `modelRates` (yours): the name exactly, through `modelAliases`, without a `provider/` prefix, then
 *    without one snapshot suffix (`gpt-4o-2024-08-06` → `gpt-4o`);
 * 2. `defaultPriceTable` (pinned prices): the name exactly or without a `provider/` prefix;
 * 3. the catalog (`@pydantic/genai-prices`), with its own matching: first among the models of the call's
 *    provider (`data.provider`), then of the provider a `provider/` prefix names, then of every provider.
 * A name none of them knows stays unpriced: the hook reports it and never charges $0 for it.
 */
export class PriceBook {
  readonly #overrides = new Map<string, ModelPricing>();
  readonly #pinned = new Map<string, ModelPricing>();
  readonly #resolved = new Map<string, ModelPricing | null>();

  /** `overrides` must already be validated: every rate converts exactly. */
  constructor(overrides: Record<string, ModelRate> = {}) {
    for (const [model, price] of Object.entries(defaultPriceTable)) {
      const input = decimalToUnits(price.inputUsdPer1M, PER_1M_SCALE)!;
      const cached = price.cachedInputUsdPer1M;
      const rates: TokenRates = {
        input,
        output: decimalToUnits(price.outputUsdPer1M, PER_1M_SCALE)!,
        cacheRead: cached === undefined ? undefined : decimalToUnits(cached, PER_1M_SCALE)!,
      };
      this.#pinned.set(model, fixed(model, 'table', rates, price.provider));
    }
    for (const [model, rate] of Object.entries(overrides)) {
      const tiers = rate.serviceTiers;
      const pricing = fixed(model, 'modelRates', configuredRates(rate));
      this.#overrides.set(
        model,
        tiers === undefined
          ? pricing
          : {
              ...pricing,
              serviceTiers: Object.fromEntries(
                Object.entries(tiers).map(([tier, tierRate]) => [tier, configuredRates(tierRate)]),
              ),
            },
      );
    }
  }

  /** The prices of `model` (called through `provider`, when known), or undefined when nothing prices it. */
  resolve(model: string, provider?: string): ModelPricing | undefined {
    const hint = providerId(provider);
    const cacheKey = hint === undefined ? model : `${hint}\u0000${model}`;
    const known = this.#resolved.get(cacheKey);
    if (known !== undefined) return known ?? undefined;
    const found = this.#lookup(model, hint) ?? null;
    if (this.#resolved.size >= MAX_CACHED_NAMES) this.#resolved.clear();
    this.#resolved.set(cacheKey, found);
    return found ?? undefined;
  }

  #lookup(model: string, hint: string | undefined): ModelPricing | undefined {
    const slash = model.lastIndexOf('/');
    const unprefixed = model.slice(slash + 1);
    const configured = this.#configured(model, unprefixed);
    if (configured) return configured;
    const pinned = this.#pinned.get(model) ?? this.#pinned.get(unprefixed);
    if (pinned) return pinned;
    // The first catalog search that finds the model decides, even when it finds no token price for it.
    if (hint !== undefined) {
      const byHint = catalogPricing(model, hint);
      if (byHint !== undefined) return byHint ?? undefined;
    }
    if (slash !== -1) {
      // `openai/gpt-4o`: the prefix names the provider when the catalog knows it (else it is part of the name,
      // as in an OpenRouter model id).
      const byPrefix = catalogPricing(unprefixed, model.slice(0, model.indexOf('/')).toLowerCase());
      if (byPrefix !== undefined) return byPrefix ?? undefined;
    }
    return catalogPricing(model) ?? undefined;
  }

  #configured(model: string, unprefixed: string): ModelPricing | undefined {
    if (this.#overrides.size === 0) return undefined;
    const direct = this.#override(model);
    if (direct) return direct;
    if (unprefixed !== model) {
      const found = this.#override(unprefixed);
      if (found) return found;
    }
    const unsuffixed = unprefixed.replace(SNAPSHOT_SUFFIX, '');
    return unsuffixed === unprefixed ? undefined : this.#override(unsuffixed);
  }

  #override(model: string): ModelPricing | undefined {
    const exact = this.#overrides.get(model);
    if (exact) return exact;
    const alias = modelAliases[model];
    return alias === undefined ? undefined : this.#overrides.get(alias);
  }
}
