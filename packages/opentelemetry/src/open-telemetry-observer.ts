import { ConfigIssues, type EventSink, type MetricsRecorder } from '@llmspell/core';
import { type Meter, metrics, type Tracer, trace } from '@opentelemetry/api';
import { OpenTelemetryMetrics } from './open-telemetry-metrics.js';
import { OperationSpans } from './operation-spans.js';

/** The name the default tracer and meter are registered under. */
const INSTRUMENTATION_NAME = '@llmspell/opentelemetry';

/** Options of `openTelemetryObserver`. */
export interface OpenTelemetryObserverOptions {
  /** Where spans go. Default: `trace.getTracer('@llmspell/opentelemetry')` of the global tracer provider. */
  tracer?: Tracer;
  /** Where metrics go. Default: `metrics.getMeter('@llmspell/opentelemetry')` of the global meter provider. */
  meter?: Meter;
  /** Operations whose `operation.finished` never came are ended (oldest first) past this many open. Default 10_000. */
  maxOpenOperations?: number;
}

/** What to pass to `createAgent`, `createTool`, `hooksMiddleware` or `HookExecutor`. */
export interface OpenTelemetryObserver {
  /** Turns `operation.*` and `hook.*` events into spans. */
  events: EventSink;
  /** Forwards every counter and observation to OpenTelemetry counters and histograms of the same name. */
  metrics: MetricsRecorder;
}

/**
 * Spans and metrics from hook runs: each operation becomes a span `llmspell <componentType> <name>` (a child of
 * the span active when the call started, e.g. the AI SDK's own), each hook run a child span
 * `llmspell.hook <hookId>` with `llmspell.hook.id`, `.point`, `.result` and, for a cancel, `.reason`; a failed or
 * timed-out hook has error status. Every metric becomes an OpenTelemetry counter or histogram of the same name.
 */
export function openTelemetryObserver(options: OpenTelemetryObserverOptions = {}): OpenTelemetryObserver {
  const issues = new ConfigIssues();
  const given = issues.object(options);
  issues
    .unknownKeys(given, ['tracer', 'meter', 'maxOpenOperations'])
    .methods(given, 'tracer', ['startSpan'], 'an OpenTelemetry Tracer')
    .methods(given, 'meter', ['createCounter', 'createHistogram'], 'an OpenTelemetry Meter')
    .positiveInteger(given, 'maxOpenOperations')
    .throwIfAny('openTelemetryObserver');
  const {
    tracer = trace.getTracer(INSTRUMENTATION_NAME),
    meter = metrics.getMeter(INSTRUMENTATION_NAME),
    maxOpenOperations = 10_000,
  } = given as OpenTelemetryObserverOptions;
  return {
    events: new OperationSpans(tracer, maxOpenOperations),
    metrics: new OpenTelemetryMetrics(meter),
  };
}
