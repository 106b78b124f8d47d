import type { HookContext, Logger } from '@llmspell/core';
import type { TokenCounts } from './price-book.js';

const MAX_WARNED_MODELS = 1_000;

/** Reports calls whose model has no price: an event and a metric each time, one warning per model name. */
export class UnknownModelReport {
  readonly #logger: Logger;
  readonly #warnedModels = new Set<string>();

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  report(context: HookContext, model: string | undefined, tokens: TokenCounts): void {
    const name = model ?? null;
    context.emitEvent('cost.unknown_model', {
      model: name,
      component: context.componentId.name,
      inputTokens: tokens.input,
      outputTokens: tokens.output,
    });
    context.metrics.increment('cost_unknown_model');
    const key = model ?? '';
    if (this.#warnedModels.has(key)) return;
    if (this.#warnedModels.size >= MAX_WARNED_MODELS) this.#warnedModels.clear();
    this.#warnedModels.add(key);
    this.#logger.warn(
      { model: name, component: context.componentId.name },
      model === undefined
        ? 'No data.model on a call with token usage; tokens counted, cost unknown'
        : `No price for model '${model}'; tokens counted, cost unknown. Add it to modelRates`,
    );
  }
}
