import {
  type EventSink,
  type HookContext,
  type HookPoint,
  type MetricsRecorder,
  noopMetrics,
} from '@llmspell/core';
import type { DispatchEnvironment } from './dispatch-environment.js';
import type { HookSlot } from './hook-slot.js';

/**
 * The events, metrics and log lines of one run of a hook point. A base class of `PointRun`, so the sink and
 * recorder it resolves on first use cost no allocation of their own. Nothing here throws: a broken sink,
 * recorder or logger never breaks dispatch.
 */
export abstract class DispatchTelemetry {
  /** Resolved on first use; null until then. */
  #sink: EventSink | undefined | null = null;
  #metrics: MetricsRecorder | undefined | null = null;

  constructor(
    readonly environment: DispatchEnvironment,
    readonly point: HookPoint,
    readonly context: HookContext,
  ) {}

  /** The sink events go to: the executor's, else the context's; undefined when there is none. */
  protected eventSink(): EventSink | undefined {
    if (this.#sink === null) this.#sink = this.environment.events ?? this.context.events;
    return this.#sink;
  }

  /** The recorder metrics go to; undefined when it would be the no-op one. */
  #recorder(): MetricsRecorder | undefined {
    if (this.#metrics === null) {
      const metrics = this.environment.metrics ?? this.context.metrics;
      this.#metrics = metrics === noopMetrics ? undefined : metrics;
    }
    return this.#metrics;
  }

  protected count(name: string, slot: HookSlot): void {
    const metrics = this.#recorder();
    if (metrics === undefined) return;
    try {
      metrics.increment(name, 1, slot.labels);
    } catch {
      // A broken metrics recorder must not break dispatch.
    }
  }

  protected observeDuration(durationMs: number, slot: HookSlot): void {
    const metrics = this.#recorder();
    if (metrics === undefined) return;
    try {
      metrics.observe('hook_duration_ms', durationMs, slot.labels);
    } catch {
      // A broken metrics recorder must not break dispatch.
    }
  }

  protected emit(type: string, payload: Record<string, unknown>): void {
    const sink = this.eventSink();
    if (sink === undefined) return;
    try {
      sink.publish({
        type,
        payload,
        correlationId: this.context.correlationId,
        componentId: this.context.componentId,
        hookPoint: this.point,
        timestamp: new Date(),
      });
    } catch (error) {
      this.log('warn', { error, eventType: type }, `The event sink threw while publishing '${type}'`);
    }
  }

  protected log(level: 'warn' | 'info', fields: Record<string, unknown>, message: string): void {
    try {
      this.environment.logger[level](fields, message);
    } catch {
      // A broken logger must not break dispatch.
    }
  }

  /** A hook's circuit opened or closed: metric, event and log line. */
  protected reportTransition(slot: HookSlot, transition: 'opened' | 'closed'): void {
    const { hookId } = slot;
    const point = this.point;
    if (transition === 'opened') {
      const { openReason, config } = slot.breaker!;
      this.count('hook_circuit_opened', slot);
      this.emit('hook.circuit_opened', {
        hookId,
        hookPoint: point,
        reason: openReason,
        openMs: config.openMs,
      });
      this.log(
        'warn',
        { hookId, hookPoint: point, reason: openReason },
        `Circuit opened for hook '${hookId}'`,
      );
    } else {
      this.count('hook_circuit_closed', slot);
      this.emit('hook.circuit_closed', { hookId, hookPoint: point });
      this.log('info', { hookId, hookPoint: point }, `Circuit closed for hook '${hookId}'`);
    }
  }
}
