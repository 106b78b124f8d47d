import { decimalToUnits } from './money.js';
import { defaultPriceTable, modelAliases } from './price-table.js';

/** A model's price in config: USD per 1K tokens (numbers or exact decimal strings). */
export interface ModelRate {
  /** USD per 1K input tokens. */
  inputPer1k: number | string;
  /** USD per 1K output tokens. */
  outputPer1k: number | string;
  /** USD per 1K input tokens served from the provider's prompt cache. Default: the input price. */
  cachedInputPer1k?: number | string;
}

/** A price converted once to integer pico-dollars per token. */
export interface TokenPrice {
  /** The table entry the model name resolved to. */
  readonly model: string;
  readonly inputPicoPerToken: bigint;
  readonly outputPicoPerToken: bigint;
  readonly cachedInputPicoPerToken: bigint;
}

/** Token counts of one call; `cachedInput` is the part of `input` that was read from a prompt cache. */
export interface TokenCounts {
  input: number;
  output: number;
  cachedInput?: number;
}

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

/**
 * Resolves model names to exact token prices: the user's `modelRates` over the shipped table; a name is
 * matched exactly, then through the alias list, then without a `provider/` prefix, then without one
 * snapshot suffix (`gpt-4o-2024-08-06` → `gpt-4o`, `claude-3-5-sonnet-20241022` → `claude-3-5-sonnet`,
 * `gemini-2.0-flash-001` → `gemini-2.0-flash`, `claude-3-7-sonnet-latest` → `claude-3-7-sonnet`).
 */
export class PriceBook {
  readonly #prices = new Map<string, TokenPrice>();
  readonly #resolved = new Map<string, TokenPrice | null>();

  /** `overrides` must already be validated: every rate converts exactly. */
  constructor(overrides: Record<string, ModelRate> = {}) {
    for (const [model, price] of Object.entries(defaultPriceTable)) {
      const input = decimalToUnits(price.inputUsdPer1M, PER_1M_SCALE)!;
      const cached = price.cachedInputUsdPer1M;
      this.#prices.set(model, {
        model,
        inputPicoPerToken: input,
        outputPicoPerToken: decimalToUnits(price.outputUsdPer1M, PER_1M_SCALE)!,
        cachedInputPicoPerToken: cached === undefined ? input : decimalToUnits(cached, PER_1M_SCALE)!,
      });
    }
    for (const [model, rate] of Object.entries(overrides)) {
      const input = per1kToPico(rate.inputPer1k)!;
      this.#prices.set(model, {
        model,
        inputPicoPerToken: input,
        outputPicoPerToken: per1kToPico(rate.outputPer1k)!,
        cachedInputPicoPerToken:
          rate.cachedInputPer1k === undefined ? input : per1kToPico(rate.cachedInputPer1k)!,
      });
    }
  }

  /** The price of `model`, or undefined when no rule finds it. */
  resolve(model: string): TokenPrice | undefined {
    const known = this.#resolved.get(model);
    if (known !== undefined) return known ?? undefined;
    const found = this.#lookup(model) ?? null;
    if (this.#resolved.size >= MAX_CACHED_NAMES) this.#resolved.clear();
    this.#resolved.set(model, found);
    return found ?? undefined;
  }

  #lookup(model: string): TokenPrice | undefined {
    const direct = this.#direct(model);
    if (direct) return direct;
    const unprefixed = model.slice(model.lastIndexOf('/') + 1);
    if (unprefixed !== model) {
      const found = this.#direct(unprefixed);
      if (found) return found;
    }
    const unsuffixed = unprefixed.replace(SNAPSHOT_SUFFIX, '');
    return unsuffixed === unprefixed ? undefined : this.#direct(unsuffixed);
  }

  #direct(model: string): TokenPrice | undefined {
    const exact = this.#prices.get(model);
    if (exact) return exact;
    const alias = modelAliases[model];
    return alias === undefined ? undefined : this.#prices.get(alias);
  }
}

/** The exact cost in pico-dollars of `tokens` at `price`. */
export function costOf(price: TokenPrice, tokens: TokenCounts): bigint {
  const cached = BigInt(Math.min(tokens.cachedInput ?? 0, tokens.input));
  const fresh = BigInt(tokens.input) - cached;
  return (
    fresh * price.inputPicoPerToken +
    cached * price.cachedInputPicoPerToken +
    BigInt(tokens.output) * price.outputPicoPerToken
  );
}
