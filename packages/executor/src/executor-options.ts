import {
  ConfigIssues,
  describeValue,
  type EventSink,
  HookConfigError,
  type Logger,
  type MetricsRecorder,
} from '@llmspell/core';
import { type CircuitBreakerConfig, collectCircuitBreakerIssues } from './circuit-breaker.js';
import { isRecord } from './is-record.js';

/** Options of `new HookExecutor(registry, options)`. */
export interface HookExecutorOptions {
  /** Where executor events (`hook.executed`, `hook.failed` …) go. Default: the context's own sink, if any. */
  events?: EventSink;
  /** Where executor metrics (`hook_executions`, `hook_duration_ms` …) go. Default: the context's recorder. */
  metrics?: MetricsRecorder;
  /** A pino-compatible logger for failures, timeouts and circuit changes. Default: silent. */
  logger?: Logger;
  /** How long an async hook may take before it is abandoned; a hook's `metadata().timeoutMs` overrides it. Default 1000. */
  defaultTimeoutMs?: number;
  /** Circuit breaker settings per (hook id, point), or `false` to run without breakers. Default: the breaker defaults. */
  circuitBreaker?: CircuitBreakerConfig | false;
  /** Time one sync call in this many per hook (async calls are always timed); 1 times every call. Default 64. */
  timingSampleInterval?: number;
}

const optionKeys = [
  'events',
  'metrics',
  'logger',
  'defaultTimeoutMs',
  'circuitBreaker',
  'timingSampleInterval',
] as const;

/** Validates the registry and options of a `HookExecutor`; throws `HookConfigError` listing every bad field. */
export function validateExecutorOptions(
  registry: unknown,
  options: unknown,
): asserts options is HookExecutorOptions {
  const issues = new ConfigIssues();
  if (
    registry === null ||
    typeof registry !== 'object' ||
    typeof (registry as { hooksFor?: unknown }).hooksFor !== 'function'
  ) {
    issues.add('/registry', `must be a HookRegistry, got ${describeValue(registry)}`);
  }
  if (options !== undefined && !isRecord(options)) {
    issues.add('/', `options must be an object, got ${describeValue(options)}`);
  } else if (options !== undefined) {
    issues.unknownKeys(options, optionKeys);
    issues.methods(options, 'events', ['publish'], 'an event sink (such as an EventBus)');
    issues.methods(options, 'metrics', ['increment', 'observe'], 'a metrics recorder');
    issues.methods(options, 'logger', ['debug', 'info', 'warn', 'error'], 'a pino-compatible logger');
    issues.milliseconds(options, 'defaultTimeoutMs');
    issues.positiveInteger(options, 'timingSampleInterval');
    if (options.circuitBreaker !== false) {
      collectCircuitBreakerIssues(options.circuitBreaker, issues, '/circuitBreaker');
    }
  }
  if (issues.issues.length > 0) throw new HookConfigError('HookExecutor', issues.issues);
}
