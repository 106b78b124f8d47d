import {
  type ComponentId,
  type EventSink,
  emitOperationFinished,
  emitOperationStarted,
  type ForkOperation,
  HookCancelledError,
  HookConfigError,
  HookContext,
  type HookPoint,
  LlmspellError,
  type MetricsRecorder,
} from '@llmspell/core';
import { describe, IssueList, isRecord } from '../config-issues.js';
import { UnknownRedirectTargetError } from '../errors/unknown-redirect-target-error.js';
import type { ExecutionOutcome } from '../execution-outcome.js';
import type { HookExecutor } from '../hook-executor.js';

/** Per-call options of `agent.execute` and `tool.execute`. */
export interface ComponentExecuteOptions {
  /** Caller facts for the hooks (`userId`, `tenantId`, `requestId` …); becomes `context.metadata`. Default {}. */
  metadata?: Record<string, string>;
  /** Aborts the call: hooks and the operation see it on `context.signal`, and the call rejects with its reason. */
  signal?: AbortSignal;
}

/** Something a hook can redirect to: an agent or a tool with the same input and output. */
export interface RedirectTarget<Input, Output> {
  execute(input: Input, options?: ComponentExecuteOptions): Promise<Output>;
}

/** The Before, After and Error points of one kind of component. */
export interface LifecyclePoints {
  before: HookPoint;
  after: HookPoint;
  error: HookPoint;
}

/** Everything one component's lifecycle needs; built once by `createAgent` / `createTool`. */
export interface LifecycleSpec<Input, Output> {
  componentId: ComponentId;
  points: LifecyclePoints;
  executor: HookExecutor;
  events: EventSink | undefined;
  metrics: MetricsRecorder | undefined;
  redirects: Readonly<Record<string, RedirectTarget<Input, Output>>> | undefined;
  fork: ((operation: ForkOperation, context: HookContext) => Promise<unknown>) | undefined;
  operation: (input: Input, context: HookContext) => Promise<Output>;
  /** Puts the operation's output into the After point's data (`output`, and for agents `model`, `tokensUsed`). */
  describeOutput: (output: Output, data: Record<string, unknown>) => void;
}

/** The hook that decided an outcome that stopped the point: the last one that ran. */
function decidedBy(outcome: ExecutionOutcome): string | undefined {
  return outcome.records[outcome.records.length - 1]?.hookId;
}

/**
 * `operation`, or a rejection with the signal's reason as soon as the caller aborts: an operation that ignores
 * its signal cannot keep the call (and what hooks took at Before) waiting. A late rejection is still handled.
 */
function untilAborted<T>(operation: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return operation;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    operation.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Waits `delayMs`; rejects with the signal's reason if it aborts first. The timer is a deadline a caller awaits. */
function sleep(delayMs: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, delayMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function toError(value: unknown): Error {
  return value instanceof Error
    ? value
    : new LlmspellError(`A forked operation failed: ${String(value)}`, { cause: value });
}

function validateCallOptions(options: unknown): asserts options is ComponentExecuteOptions {
  const issues = new IssueList();
  if (!isRecord(options)) {
    issues.add('/', `execute options must be an object, got ${describe(options)}`);
  } else {
    issues.unknownKeys(options, ['metadata', 'signal']);
    const { metadata, signal } = options;
    if (metadata !== undefined) {
      if (!isRecord(metadata))
        issues.add('/metadata', `must be an object of strings, got ${describe(metadata)}`);
      else {
        for (const [key, value] of Object.entries(metadata)) {
          if (typeof value !== 'string')
            issues.add(`/metadata/${key}`, `must be a string, got ${describe(value)}`);
        }
      }
    }
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      issues.add('/signal', `must be an AbortSignal, got ${describe(signal)}`);
    }
  }
  if (issues.issues.length > 0) throw new HookConfigError('execute', issues.issues);
}

/**
 * One call of an agent or tool through its hook points:
 * 1. Before with `data.input` — cancel throws, cache/replace answer without the operation, redirect runs another
 *    component, modified changes the input, fork starts side operations, retry re-runs Before after `delayMs`.
 * 2. The operation; when it throws, the Error point with `data.error` — retry runs it again, replace answers.
 * 3. After with `data.output` — replace changes the output, cancel throws, retry runs the operation again.
 * 4. Returns `data.output`.
 * Any other abnormal end (a cancel, the caller's abort, an unknown redirect target) runs the Error point once
 * with that error in `data.error`, so hooks can release what they took at Before; then the call rejects.
 * The operation runs at most `maxAttempts` times in all (the latest retry result's bound).
 */
export async function runLifecycle<Input, Output>(
  spec: LifecycleSpec<Input, Output>,
  input: Input,
  options: ComponentExecuteOptions = {},
): Promise<Output> {
  validateCallOptions(options);
  const { signal } = options;
  signal?.throwIfAborted();
  const { executor, points } = spec;
  const context = new HookContext({
    hookPoint: points.before,
    componentId: spec.componentId,
    data: { input },
    metadata: { ...options.metadata },
    events: spec.events,
    metrics: spec.metrics,
    signal,
  });
  const data = context.data;
  // Errors the Error point has already seen (the operation threw and the Error point chose to rethrow).
  const seenByErrorPoint = new WeakSet<object>();
  emitOperationStarted(context);

  try {
    // 1. Before (a retry answer re-runs the point after its delay, within its bound).
    let before: ExecutionOutcome;
    for (let evaluations = 1; ; evaluations++) {
      before = await executor.execute(points.before, context);
      signal?.throwIfAborted();
      const result = before.result;
      if (result.type !== 'retry') break;
      if (evaluations >= result.maxAttempts) {
        throw new HookCancelledError({
          reason: `hooks still asked to retry after ${evaluations} attempts`,
          hookPoint: points.before,
          hookId: decidedBy(before),
        });
      }
      await sleep(result.delayMs, signal);
    }

    let operation = (): Promise<Output> => spec.operation(data.input as Input, context);
    let output: Output | undefined;
    let answered = false;
    let forks: Promise<void> | undefined;
    const decision = before.result;
    switch (decision.type) {
      case 'cancel':
        throw new HookCancelledError({
          reason: decision.reason,
          hookPoint: points.before,
          hookId: decidedBy(before),
        });
      case 'cache':
        data.cached = true;
        output = decision.result as Output;
        answered = true;
        break;
      case 'replace':
        output = decision.result as Output;
        answered = true;
        break;
      case 'redirect': {
        const redirects = spec.redirects ?? {};
        const target = Object.hasOwn(redirects, decision.target) ? redirects[decision.target] : undefined;
        if (target === undefined) {
          throw new UnknownRedirectTargetError({
            target: decision.target,
            componentId: spec.componentId,
            known: Object.keys(redirects),
            hookId: decidedBy(before),
          });
        }
        operation = () => target.execute(data.input as Input, { metadata: { ...context.metadata }, signal });
        break;
      }
      case 'fork':
        forks = startForks(spec, decision.operations, context);
        break;
      default:
        break;
    }

    // 2. The operation, with the Error point deciding on failures.
    let attempts = 0;
    const runOperation = async (): Promise<Output> => {
      for (;;) {
        signal?.throwIfAborted();
        attempts++;
        try {
          const result = await untilAborted(Promise.resolve(operation()), signal);
          delete data.error;
          return result;
        } catch (error) {
          signal?.throwIfAborted();
          data.error = error;
          const outcome = await executor.execute(points.error, context.child(points.error));
          // From here on the Error point has run for this failure: no cleanup run for whatever ends the call.
          try {
            signal?.throwIfAborted();
            const answer = outcome.result;
            if (answer.type === 'replace') return answer.result as Output;
            if (answer.type === 'retry' && attempts < answer.maxAttempts) {
              await sleep(answer.delayMs, signal);
              continue;
            }
            throw error;
          } catch (ending) {
            if (typeof ending === 'object' && ending !== null) seenByErrorPoint.add(ending);
            throw ending;
          }
        }
      }
    };
    if (!answered) output = await runOperation();
    if (forks !== undefined) await forks;

    // 3. After (a retry answer runs the operation again, within its bound).
    const afterContext = context.child(points.after);
    for (;;) {
      spec.describeOutput(output as Output, data);
      const after = await executor.execute(points.after, afterContext);
      signal?.throwIfAborted();
      const answer = after.result;
      if (answer.type === 'cancel') {
        throw new HookCancelledError({
          reason: answer.reason,
          hookPoint: points.after,
          hookId: decidedBy(after),
        });
      }
      if (answer.type === 'replace') {
        data.output = answer.result;
        break;
      }
      if (answer.type === 'retry' && attempts < answer.maxAttempts) {
        await sleep(answer.delayMs, signal);
        delete data.cached;
        output = await runOperation();
        continue;
      }
      break;
    }
    // 4.
    emitOperationFinished(context);
    return data.output as Output;
  } catch (error) {
    // The call ends abnormally (a cancel, an abort, a bad redirect) without the Error point having seen it:
    // run it once anyway, so hooks that took something at Before (a rate-limit permit, a single-flight slot,
    // a budget reservation) give it back. Its answer cannot change the outcome, and its own failures are ignored.
    if (!(typeof error === 'object' && error !== null && seenByErrorPoint.has(error))) {
      data.error = error;
      const cleanup = context.child(points.error).withSignal(new AbortController().signal);
      await executor.execute(points.error, cleanup).catch(() => undefined);
    }
    emitOperationFinished(context, error);
    throw error;
  }
}

/** Runs each forked operation through the `fork` option beside the main one; results land at `data.forks[id]`. */
function startForks<Input, Output>(
  spec: LifecycleSpec<Input, Output>,
  operations: readonly ForkOperation[],
  context: HookContext,
): Promise<void> | undefined {
  const fork = spec.fork;
  if (fork === undefined) {
    context.emitEvent('hook.fork_unhandled', {
      component: spec.componentId.name,
      operations,
    });
    return undefined;
  }
  const started = operations.map((operation) => Promise.resolve().then(() => fork(operation, context)));
  return Promise.allSettled(started).then((settled) => {
    const forks: Record<string, unknown> = {};
    settled.forEach((outcome, index) => {
      // Defined, not assigned: a fork id of '__proto__' must be a key like any other, not a prototype change.
      Object.defineProperty(forks, operations[index]!.id, {
        value: outcome.status === 'fulfilled' ? outcome.value : toError(outcome.reason),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    });
    context.data.forks = forks;
  });
}
