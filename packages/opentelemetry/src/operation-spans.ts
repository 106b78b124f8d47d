import type { EventSink, HookEvent, OperationFinishedPayload, OperationStartedPayload } from '@llmspell/core';
import { type Attributes, context, type Span, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';

/** The payload fields of the executor's `hook.*` events that become span attributes. */
interface HookPayload {
  hookId?: unknown;
  hookPoint?: unknown;
  resultType?: unknown;
  durationMs?: unknown;
  reason?: unknown;
  error?: unknown;
  timeoutMs?: unknown;
}

const HOOK_EVENTS: ReadonlySet<string> = new Set([
  'hook.executed',
  'hook.failed',
  'hook.timeout',
  'hook.skipped',
]);

/**
 * Turns lifecycle events into spans: `operation.started` opens `llmspell <componentType> <name>` as a child of
 * the span active where the call began, `operation.finished` ends it (error status unless it succeeded), and
 * each `hook.*` run event adds a finished child span `llmspell.hook <hookId>`, dated back by its duration.
 * Operations are matched by correlation id; at most `maxOpenOperations` stay open (the oldest is ended first).
 */
export class OperationSpans implements EventSink {
  readonly #tracer: Tracer;
  readonly #maxOpen: number;
  readonly #open = new Map<string, Span>();

  constructor(tracer: Tracer, maxOpenOperations: number) {
    this.#tracer = tracer;
    this.#maxOpen = maxOpenOperations;
  }

  publish(event: HookEvent): void {
    const type = event.type;
    try {
      if (type === 'operation.started') this.#start(event);
      else if (type === 'operation.finished') this.#finish(event);
      else if (HOOK_EVENTS.has(type)) this.#hookRun(event);
    } catch {
      // Telemetry must never break the call it observes (some callers publish without a guard).
    }
  }

  #start(event: HookEvent): void {
    const correlationId = event.correlationId;
    const { component } = (event.payload ?? {}) as OperationStartedPayload;
    if (correlationId === undefined || component === undefined) return;
    const span = this.#tracer.startSpan(
      `llmspell ${component.componentType} ${component.name}`,
      {
        startTime: event.timestamp,
        attributes: {
          'llmspell.component.name': component.name,
          'llmspell.component.type': component.componentType,
          'llmspell.correlation_id': correlationId,
        },
      },
      context.active(),
    );
    this.#open.get(correlationId)?.end();
    this.#open.set(correlationId, span);
    if (this.#open.size > this.#maxOpen) {
      const [oldestId, oldest] = this.#open.entries().next().value as [string, Span];
      oldest.setAttribute('llmspell.abandoned', true);
      oldest.end();
      this.#open.delete(oldestId);
    }
  }

  #finish(event: HookEvent): void {
    const correlationId = event.correlationId;
    if (correlationId === undefined) return;
    const span = this.#open.get(correlationId);
    if (span === undefined) return;
    this.#open.delete(correlationId);
    const { outcome, error, errorName } = event.payload as OperationFinishedPayload;
    span.setAttribute('llmspell.outcome', outcome);
    if (outcome !== 'success') {
      if (typeof errorName === 'string') span.setAttribute('llmspell.error.name', errorName);
      span.setStatus({ code: SpanStatusCode.ERROR, message: typeof error === 'string' ? error : outcome });
    }
    span.end(event.timestamp);
  }

  #hookRun(event: HookEvent): void {
    const payload = (event.payload ?? {}) as HookPayload;
    const hookId = typeof payload.hookId === 'string' ? payload.hookId : 'unknown';
    const endTime = event.timestamp.getTime();
    const durationMs = typeof payload.durationMs === 'number' ? payload.durationMs : 0;
    const attributes: Attributes = {
      'llmspell.hook.id': hookId,
      'llmspell.hook.point': String(payload.hookPoint ?? event.hookPoint ?? ''),
      'llmspell.hook.result': hookResultOf(event.type, payload),
    };
    if (typeof payload.reason === 'string') attributes['llmspell.hook.reason'] = payload.reason;
    const operation = event.correlationId === undefined ? undefined : this.#open.get(event.correlationId);
    const parent = operation === undefined ? context.active() : trace.setSpan(context.active(), operation);
    const span = this.#tracer.startSpan(
      `llmspell.hook ${hookId}`,
      { startTime: endTime - durationMs, attributes },
      parent,
    );
    if (event.type === 'hook.failed' || event.type === 'hook.timeout') {
      const message =
        event.type === 'hook.timeout'
          ? `timed out after ${String(payload.timeoutMs)} ms`
          : String(payload.error ?? 'failed');
      span.setStatus({ code: SpanStatusCode.ERROR, message });
    }
    span.end(endTime);
  }
}

/** The `llmspell.hook.result` attribute: the result type, or what went wrong instead of a result. */
function hookResultOf(type: string, payload: HookPayload): string {
  if (type === 'hook.failed') return 'failed';
  if (type === 'hook.timeout') return 'timeout';
  if (type === 'hook.skipped') return 'skipped';
  return typeof payload.resultType === 'string' ? payload.resultType : 'unknown';
}
