import type { HookContext, Logger } from '@llmspell/core';
import type { TokenCounts } from './token-rates.js';

const MAX_WARNED_MODELS = 1_000;

/**
 * Reports calls that have no price (an unknown model, or a service tier with no known price): an event and a
 * metric each time, one warning per model name and tier.
 */
export class UnknownModelReport {
  readonly #logger: Logger;
  readonly #warnedModels = new Set<string>();

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** `serviceTier` is set when the model is known but that tier of it has no price. */
  report(
    context: HookContext,
    model: string | undefined,
    tokens: TokenCounts,
    serviceTier?: string | undefined,
  ): void {
    const name = model ?? null;
    context.emitEvent('cost.unknown_model', {
      model: name,
      component: context.componentId.name,
      inputTokens: tokens.input,
      outputTokens: tokens.output,
      ...(serviceTier === undefined ? {} : { serviceTier }),
    });
    context.metrics.increment('cost_unknown_model');
    const key = serviceTier === undefined ? (model ?? '') : `${model}\u0000${serviceTier}`;
    if (this.#warnedModels.has(key)) return;
    if (this.#warnedModels.size >= MAX_WARNED_MODELS) this.#warnedModels.clear();
    this.#warnedModels.add(key);
    this.#logger.warn(
      {
        model: name,
        component: context.componentId.name,
        ...(serviceTier === undefined ? {} : { serviceTier }),
      },
      model === undefined
        ? 'No data.model on a call with token usage; tokens counted, cost unknown'
        : serviceTier !== undefined
          ? `No price for service tier '${serviceTier}' of model '${model}'; tokens counted, cost unknown. Add it to modelRates[model].serviceTiers`
          : `No price for model '${model}'; tokens counted, cost unknown. Add it to modelRates`,
    );
  }
}
