import type { ComponentId } from './component-id.js';
import { HookCancelledError } from './errors/hook-cancelled-error.js';
import type { HookContext } from './hook-context.js';

/** How an operation ended: answered, refused by a hook (`HookCancelledError`), or failed otherwise. */
export type OperationOutcome = 'success' | 'cancelled' | 'error';

/** Payload of `operation.started`: published as a lifecycle call begins, before its Before point runs. */
export interface OperationStartedPayload {
  component: ComponentId;
}

/** Payload of `operation.finished`: published once when a lifecycle call settles, after any cleanup. */
export interface OperationFinishedPayload {
  component: ComponentId;
  outcome: OperationOutcome;
  /** For a cancel or an error: its message. */
  error?: string;
  /** For a cancel or an error: the error's name. */
  errorName?: string;
}

/**
 * Publishes `operation.started` on the context's event sink (if any), synchronously in the caller's async
 * context, so that an observer can open a span as a child of whatever span is active there.
 */
export function emitOperationStarted(context: HookContext): void {
  if (context.events === undefined) return;
  const payload: OperationStartedPayload = { component: context.componentId };
  publishSafely(context, 'operation.started', payload);
}

/** Publishes `operation.finished` for a call that resolved (no `error` argument) or rejected with `error`. */
export function emitOperationFinished(context: HookContext, ...failure: [] | [error: unknown]): void {
  if (context.events === undefined) return;
  const payload: OperationFinishedPayload = { component: context.componentId, outcome: 'success' };
  if (failure.length > 0) {
    const error = failure[0];
    payload.outcome = error instanceof HookCancelledError ? 'cancelled' : 'error';
    payload.error = error instanceof Error ? error.message : String(error);
    payload.errorName = error instanceof Error ? error.name : typeof error;
  }
  publishSafely(context, 'operation.finished', payload);
}

/** A sink that throws must not break the call it reports on (the executor guards its own events the same way). */
function publishSafely(context: HookContext, type: string, payload: unknown): void {
  try {
    context.emitEvent(type, payload);
  } catch {
    // Observability is best effort.
  }
}
