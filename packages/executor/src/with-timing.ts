import {
  ConfigIssues,
  consoleLogger,
  describeValue,
  type Hook,
  HookConfigError,
  type HookContext,
  type HookResult,
  type Logger,
  type MetricsRecorder,
} from '@llmspell/core';
import { isRecord } from './is-record.js';
import { isThenable } from './is-thenable.js';

/** Options of `withTiming(hook, options)`. */
export interface WithTimingOptions {
  /** Where the duration of every call is observed. Default: the context's recorder. */
  metrics?: MetricsRecorder;
  /** A call at least this long is logged as a warning and counted in `hook_slow_calls`. Default 100. */
  slowMs?: number;
  /** Where slow calls are warned about. Default: `consoleLogger('warn')`. */
  logger?: Logger;
  /** The metric every duration is observed under (labels: hookId, hookPoint). Default 'hook_timing_ms'. */
  metricName?: string;
}

const optionKeys = ['metrics', 'slowMs', 'logger', 'metricName'] as const;

function validate(hook: unknown, options: unknown): void {
  const issues = new ConfigIssues();
  if (
    hook === null ||
    typeof hook !== 'object' ||
    typeof (hook as Partial<Hook>).id !== 'string' ||
    typeof (hook as Partial<Hook>).execute !== 'function'
  ) {
    issues.add('/hook', `must be a hook with an id and execute(), got ${describeValue(hook)}`);
  }
  if (!isRecord(options)) {
    issues.add('/', `options must be an object, got ${describeValue(options)}`);
  } else {
    issues.unknownKeys(options, optionKeys);
    issues.methods(options, 'metrics', ['increment', 'observe'], 'a metrics recorder');
    issues.methods(options, 'logger', ['debug', 'info', 'warn', 'error'], 'a pino-compatible logger');
    issues.milliseconds(options, 'slowMs', { max: Number.POSITIVE_INFINITY });
    const { metricName } = options;
    if (metricName !== undefined && (typeof metricName !== 'string' || metricName.length === 0)) {
      issues.add('/metricName', `must be a non-empty string, got ${describeValue(metricName)}`);
    }
  }
  if (issues.issues.length > 0) throw new HookConfigError('withTiming', issues.issues);
}

/**
 * Wraps `hook` so every call's duration is observed and slow calls are warned about (and reported as a
 * `hook.slow` event through the context). Same id, metadata and lifecycle as `hook`; a sync hook stays sync.
 */
export function withTiming(hook: Hook, options: WithTimingOptions = {}): Hook {
  validate(hook, options);
  const { metrics, slowMs = 100, logger = consoleLogger('warn'), metricName = 'hook_timing_ms' } = options;
  const hookId = hook.id;

  const record = (context: HookContext, startedAtMs: number): void => {
    const durationMs = performance.now() - startedAtMs;
    const labels = { hookId, hookPoint: context.hookPoint };
    const recorder = metrics ?? context.metrics;
    recorder.observe(metricName, durationMs, labels);
    if (durationMs < slowMs) return;
    recorder.increment('hook_slow_calls', 1, labels);
    context.emitEvent('hook.slow', { hookId, hookPoint: context.hookPoint, durationMs, slowMs });
    logger.warn(
      { hookId, hookPoint: context.hookPoint, durationMs, slowMs },
      `Slow hook '${hookId}' at ${context.hookPoint}: ${durationMs.toFixed(1)} ms (slowMs ${slowMs})`,
    );
  };

  const timed: Hook = {
    id: hookId,
    execute(context: HookContext): HookResult | Promise<HookResult> {
      const startedAtMs = performance.now();
      let result: HookResult | PromiseLike<HookResult>;
      try {
        result = hook.execute(context);
      } catch (error) {
        record(context, startedAtMs);
        throw error;
      }
      if (!isThenable(result)) {
        record(context, startedAtMs);
        return result as HookResult;
      }
      return Promise.resolve(result).then(
        (value) => {
          record(context, startedAtMs);
          return value;
        },
        (error: unknown) => {
          record(context, startedAtMs);
          throw error;
        },
      );
    },
  };
  if (hook.metadata) timed.metadata = () => hook.metadata!();
  if (hook.onRegister) timed.onRegister = () => hook.onRegister!();
  if (hook.onUnregister) timed.onUnregister = () => hook.onUnregister!();
  return timed;
}
