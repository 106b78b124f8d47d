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
 * What the telemetry of one run of a hook point needs: `PointRun` is one. The sink and recorder are resolved on
 * first use (null until then), so a run that reports nothing costs nothing.
 */
export interface TelemetryTarget {
  readonly environment: DispatchEnvironment;
  readonly point: HookPoint;
  readonly context: HookContext;
  sink: EventSink | undefined | null;
  recorder: MetricsRecorder | undefined | null;
}

// The events, metrics and log lines of a run. Plain functions over the run (not a base class): constructing a
// derived class costs measurably more per dispatch. Nothing here throws: a broken sink, recorder or logger never
// breaks dispatch.

/** The sink events go to: the executor's, else the context's; undefined when there is none. */
export function eventSink(run: TelemetryTarget): EventSink | undefined {
  if (run.sink === null) run.sink = run.environment.events ?? run.context.events;
  return run.sink;
}

/** The recorder metrics go to; undefined when it would be the no-op one. */
function recorder(run: TelemetryTarget): MetricsRecorder | undefined {
  if (run.recorder === null) {
    const metrics = run.environment.metrics ?? run.context.metrics;
    run.recorder = metrics === noopMetrics ? undefined : metrics;
  }
  return run.recorder;
}

export function count(run: TelemetryTarget, name: string, slot: HookSlot): void {
  const metrics = recorder(run);
  if (metrics === undefined) return;
  try {
    metrics.increment(name, 1, slot.labels);
  } catch {
    // A broken metrics recorder must not break dispatch.
  }
}

export function observeDuration(run: TelemetryTarget, durationMs: number, slot: HookSlot): void {
  const metrics = recorder(run);
  if (metrics === undefined) return;
  try {
    metrics.observe('hook_duration_ms', durationMs, slot.labels);
  } catch {
    // A broken metrics recorder must not break dispatch.
  }
}

export function emit(run: TelemetryTarget, type: string, payload: Record<string, unknown>): void {
  const sink = eventSink(run);
  if (sink === undefined) return;
  try {
    sink.publish({
      type,
      payload,
      correlationId: run.context.correlationId,
      componentId: run.context.componentId,
      hookPoint: run.point,
      timestamp: new Date(),
    });
  } catch (error) {
    log(run, 'warn', { error, eventType: type }, `The event sink threw while publishing '${type}'`);
  }
}

export function log(
  run: TelemetryTarget,
  level: 'warn' | 'info',
  fields: Record<string, unknown>,
  message: string,
): void {
  try {
    run.environment.logger[level](fields, message);
  } catch {
    // A broken logger must not break dispatch.
  }
}

/** A hook's circuit opened or closed: metric, event and log line. */
export function reportTransition(
  run: TelemetryTarget,
  slot: HookSlot,
  transition: 'opened' | 'closed',
): void {
  const { hookId } = slot;
  const point = run.point;
  if (transition === 'opened') {
    const { openReason, config } = slot.breaker!;
    count(run, 'hook_circuit_opened', slot);
    emit(run, 'hook.circuit_opened', { hookId, hookPoint: point, reason: openReason, openMs: config.openMs });
    log(run, 'warn', { hookId, hookPoint: point, reason: openReason }, `Circuit opened for hook '${hookId}'`);
  } else {
    count(run, 'hook_circuit_closed', slot);
    emit(run, 'hook.circuit_closed', { hookId, hookPoint: point });
    log(run, 'info', { hookId, hookPoint: point }, `Circuit closed for hook '${hookId}'`);
  }
}
