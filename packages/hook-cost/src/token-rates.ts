/**
 * A rate in pico-dollars per token: one figure, or one per long-context tier, chosen by the call's total input
 * tokens (a tier applies when the input is above its `aboveInputTokens`; the last such tier wins).
 */
export type TieredRate =
  | bigint
  | {
      readonly base: bigint;
      readonly tiers: readonly { readonly aboveInputTokens: number; readonly rate: bigint }[];
    };

/**
 * What one model charges per token, in pico-dollars. A kind without its own rate is charged at its parent's:
 * cache reads and cache writes at `input`, 1-hour cache writes at `cacheWrite`, reasoning at `output`.
 */
export interface TokenRates {
  readonly input: TieredRate;
  readonly output: TieredRate;
  readonly cacheRead?: TieredRate | undefined;
  readonly cacheWrite?: TieredRate | undefined;
  readonly cacheWrite1h?: TieredRate | undefined;
  readonly reasoning?: TieredRate | undefined;
  /** A fee per call, in pico-dollars (Perplexity's per-request fee). */
  readonly request?: TieredRate | undefined;
}

/**
 * Token counts of one call. `input` and `output` are totals; the other counts are parts of them:
 * `cachedInput` and `cacheWrite` of `input`, `cacheWrite1h` of `cacheWrite`, `reasoning` of `output`.
 */
export interface TokenCounts {
  input: number;
  output: number;
  /** Input tokens read from the provider's prompt cache. */
  cachedInput?: number;
  /** Input tokens written to the provider's prompt cache (all TTLs). */
  cacheWrite?: number;
  /** The part of `cacheWrite` written with a 1-hour TTL (Anthropic); the rest is priced as 5-minute writes. */
  cacheWrite1h?: number;
  /** Output tokens spent on reasoning (thinking). */
  reasoning?: number;
}

function rateFor(rate: TieredRate, inputTokens: number): bigint {
  if (typeof rate === 'bigint') return rate;
  let chosen = rate.base;
  for (const tier of rate.tiers) if (inputTokens > tier.aboveInputTokens) chosen = tier.rate;
  return chosen;
}

/**
 * The exact cost in pico-dollars of a call that used `tokens`, at `rates`. Parts larger than their whole are
 * capped by it (cache reads first, then cache writes), so no token is charged twice.
 */
export function costOf(rates: TokenRates, tokens: TokenCounts): bigint {
  const { input, output } = tokens;
  const cacheRead = Math.min(tokens.cachedInput ?? 0, input);
  const cacheWrite = Math.min(tokens.cacheWrite ?? 0, input - cacheRead);
  const cacheWrite1h = Math.min(tokens.cacheWrite1h ?? 0, cacheWrite);
  const reasoning = Math.min(tokens.reasoning ?? 0, output);
  const inputRate = rateFor(rates.input, input);
  const outputRate = rateFor(rates.output, input);
  const cacheWriteRate = rates.cacheWrite === undefined ? inputRate : rateFor(rates.cacheWrite, input);
  let cost = BigInt(input - cacheRead - cacheWrite) * inputRate + BigInt(output - reasoning) * outputRate;
  if (cacheRead > 0) {
    cost += BigInt(cacheRead) * (rates.cacheRead === undefined ? inputRate : rateFor(rates.cacheRead, input));
  }
  if (cacheWrite > 0) {
    cost += BigInt(cacheWrite - cacheWrite1h) * cacheWriteRate;
    if (cacheWrite1h > 0) {
      const rate1h = rates.cacheWrite1h === undefined ? cacheWriteRate : rateFor(rates.cacheWrite1h, input);
      cost += BigInt(cacheWrite1h) * rate1h;
    }
  }
  if (reasoning > 0) {
    cost +=
      BigInt(reasoning) * (rates.reasoning === undefined ? outputRate : rateFor(rates.reasoning, input));
  }
  if (rates.request !== undefined) cost += rateFor(rates.request, input);
  return cost;
}
