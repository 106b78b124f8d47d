import { LlmspellError } from '@llmspell/core';

/** A `totals()` or `report()` query that cannot be answered as asked (e.g. a period without `budgets.period`). */
export class CostQueryError extends LlmspellError {
  static override readonly code: string = 'CostQueryError';
}
