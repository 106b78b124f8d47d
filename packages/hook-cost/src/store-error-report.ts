import type { HookContext, Logger } from '@llmspell/core';

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Counts, emits (`cost.store_error`) and logs a failed store operation; the call goes on. */
export function reportStoreError(
  context: HookContext,
  logger: Logger,
  operation: string,
  error: unknown,
): void {
  const message = describe(error);
  context.metrics.increment('cost_store_errors', 1, { operation });
  context.emitEvent('cost.store_error', { operation, error: message });
  logger.warn({ operation, error: message }, 'Cost store failed; the call goes on');
}
