import type { HookResult } from '@llmspell/core';

/** What one hook did during `HookExecutor.execute`. */
export interface HookExecutionRecord {
  hookId: string;
  /**
   * The result the executor acted on: the hook's own answer, `continue` for a fail-open failure,
   * `cancel` for a fail-closed one, `skipped` when its circuit was open.
   */
  result: HookResult;
  /**
   * How long the call took. Measured for every async call and for a sample of sync calls; for a sync call
   * that was not sampled it is the hook's latest measured duration (an estimate).
   */
  durationMs: number;
  /** Why the hook failed: it threw, rejected, timed out, answered something invalid, or the caller aborted. */
  error?: Error;
}

/** What `HookExecutor.execute` resolves to. */
export interface ExecutionOutcome {
  /** The decisive result; `modified` (with `context.data` after every patch) or `continue` when no hook stopped. */
  result: HookResult;
  /** One record per hook that ran or was skipped, in run order. */
  records: HookExecutionRecord[];
}
