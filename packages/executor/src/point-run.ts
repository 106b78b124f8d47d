import {
  applyMergePatch,
  describeValue,
  type EventSink,
  type HookContext,
  HookPoint,
  HookResult,
  HookTimeoutError,
  LlmspellError,
  type MetricsRecorder,
} from '@llmspell/core';
import type { RegisteredHook } from '@llmspell/registry';
import { CallSignals } from './call-signals.js';
import { type CircuitTransition, CLOSED, HALF_OPEN } from './circuit-breaker.js';
import type { DispatchEnvironment } from './dispatch-environment.js';
import {
  count,
  emit,
  eventSink,
  log,
  observeDuration,
  reportTransition,
  type TelemetryTarget,
} from './dispatch-telemetry.js';
import { InvalidHookResultError } from './errors/invalid-hook-result-error.js';
import type { ExecutionOutcome, HookExecutionRecord } from './execution-outcome.js';
import type { HookSlot } from './hook-slot.js';
import { isThenable } from './is-thenable.js';
import type { Deadline } from './watchdog.js';

const CONTINUE = HookResult.continue();

type FailureKind = 'failed' | 'timeout';

/** Thrown values that are not `Error`s are wrapped so every record's `error` is an Error. Never throws. */
function toError(value: unknown, hookId: string): Error {
  try {
    // Reading `message` proves the Error is usable in records and logs.
    if (value instanceof Error && typeof value.message === 'string') return value;
  } catch {
    // `instanceof` on a revoked proxy throws: it is certainly not an Error we can use.
  }
  let shown: string;
  try {
    shown = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    shown = describeValue(value);
  }
  return new LlmspellError(`Hook '${hookId}' threw a non-Error value: ${shown}`, { cause: value });
}

const STREAM_CHUNK_POINT: HookPoint = HookPoint.AgentStreamChunk;

/**
 * Why a `modified` answer at AgentStreamChunk cannot be applied, or undefined when it can: `data.chunk`, when
 * the answer sets it, must stay an object whose `text` (when set) is a string. Applied anyway, the pending
 * text would be released as it was, which is what a redacting hook meant to prevent.
 */
function chunkPatchProblem(data: Record<string, unknown>): string | undefined {
  if (!Object.hasOwn(data, 'chunk')) return undefined;
  const chunk = data.chunk;
  if (chunk === null || typeof chunk !== 'object' || Array.isArray(chunk))
    return `data.chunk must be an object { text }, got ${describeValue(chunk)}`;
  if (Object.hasOwn(chunk, 'text') && typeof (chunk as { text: unknown }).text !== 'string')
    return `data.chunk.text must be a string, got ${describeValue((chunk as { text: unknown }).text)}`;
  return undefined;
}

/**
 * One `execute(point, context)` call: runs the hooks in order, synchronously for as long as they answer
 * synchronously, and continues from a promise callback when one returns a promise. At most one hook call is
 * in flight; its deadline is watched by the executor's shared watchdog (no timer per call). A hook the run
 * stops waiting for (its timeout, the caller's abort) is cut off from the operation (`HookContext.detach`).
 */
export class PointRun implements Deadline, TelemetryTarget {
  deadlineAtMs = 0;
  /** Telemetry's sink and recorder, resolved on first use (see `dispatch-telemetry.ts`). */
  sink: EventSink | undefined | null = null;
  recorder: MetricsRecorder | undefined | null = null;
  heapIndex = -1;
  readonly records: HookExecutionRecord[] = [];
  /**
   * Cleanup: every hook runs and no result stops the run (stopping answers and fail-closed failures are
   * recorded, then the next hook runs).
   */
  runsAll = false;
  #index = 0;
  #modified = false;
  /** The view the in-flight call was given, while a hook's promise is being waited for. */
  #inFlight: HookContext | undefined;
  #callStartedAtMs = 0;
  #signals: CallSignals | undefined;
  #resolve: ((outcome: ExecutionOutcome) => void) | undefined;
  /** Some call of this run was watched by the watchdog. */
  #waited = false;

  constructor(
    readonly environment: DispatchEnvironment,
    readonly point: HookPoint,
    readonly context: HookContext,
    readonly hooks: readonly RegisteredHook[],
    readonly slots: readonly HookSlot[],
  ) {}

  /** Runs the hooks; the outcome when every hook answered synchronously, else a promise of it. */
  start(): ExecutionOutcome | Promise<ExecutionOutcome> {
    const outcome = this.#advance();
    if (outcome !== undefined) return outcome;
    return new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  /** Watchdog callback: the in-flight call passed its deadline. */
  expire(): void {
    if (this.#inFlight === undefined) return;
    const slot = this.slots[this.#index]!;
    const error = new HookTimeoutError({
      hookId: slot.hookId,
      hookPoint: this.point,
      timeoutMs: slot.timeoutMs,
    });
    this.#abandon(error);
    const durationMs = performance.now() - this.#callStartedAtMs;
    slot.observe(durationMs, true);
    this.#settle(this.#fail(slot, error, durationMs, 'timeout'));
  }

  #advance(): ExecutionOutcome | undefined {
    const { hooks, slots, context } = this;
    const count = hooks.length;
    const sampleInterval = this.environment.timingSampleInterval;
    while (this.#index < count) {
      const index = this.#index;
      const slot = slots[index]!;
      const breaker = slot.breaker;
      let probe = false;
      if (breaker !== undefined && breaker.state !== CLOSED) {
        if (!breaker.allows(performance.now())) {
          const stop = this.#skip(slot);
          if (stop !== undefined) return stop;
          this.#index++;
          continue;
        }
        probe = true;
      }
      const startedAtMs = slot.beginCall(sampleInterval, probe) ? performance.now() : -1;
      const view = context.withSignal(() => this.#signalFor(index));
      let value: unknown;
      try {
        value = hooks[index]!.hook.execute(view);
      } catch (thrown) {
        const durationMs = this.#measure(slot, startedAtMs);
        const stop = this.#fail(slot, toError(thrown, slot.hookId), durationMs, 'failed');
        if (stop !== undefined) return stop;
        this.#index++;
        continue;
      }
      if (isThenable(value)) return this.#wait(view, value, startedAtMs);
      const measured = startedAtMs >= 0;
      const stop = this.#completeSafely(slot, value, this.#measure(slot, startedAtMs), measured);
      if (stop !== undefined) return stop;
      this.#index++;
    }
    return this.#finish(this.#modified ? { type: 'modified', data: { ...context.data } } : CONTINUE);
  }

  /** The duration of a sync call: measured when it was timed, else the hook's latest measurement. */
  #measure(slot: HookSlot, startedAtMs: number): number {
    if (startedAtMs < 0) return slot.lastDurationMs;
    const durationMs = performance.now() - startedAtMs;
    slot.observe(durationMs, false);
    observeDuration(this, durationMs, slot);
    return durationMs;
  }

  /** A hook returned a promise: watch its deadline and the caller's signal, and continue when it settles. */
  #wait(
    view: HookContext,
    thenable: PromiseLike<unknown>,
    startedAtMs: number,
  ): ExecutionOutcome | undefined {
    const index = this.#index;
    const slot = this.slots[index]!;
    this.#inFlight = view;
    // Untimed calls start their clock here: the sync part before the promise was not measured.
    this.#callStartedAtMs = startedAtMs >= 0 ? startedAtMs : performance.now();
    this.deadlineAtMs = this.#callStartedAtMs + slot.timeoutMs;
    // Handlers are attached at once, so a late rejection from an abandoned call is never unhandled.
    let settled: Promise<unknown>;
    try {
      settled = Promise.resolve(thenable);
    } catch (error) {
      // A promise whose `constructor` getter throws: Promise.resolve itself throws.
      settled = Promise.reject(error);
    }
    settled.then(
      (value) => this.#fulfilled(view, value),
      (reason: unknown) => this.#rejected(view, reason),
    );
    // A context without a caller signal cannot be aborted: no listener, and no signal created just to check.
    if (this.context.abortable) {
      if (this.context.signal.aborted) return this.#abandonForCaller();
      this.#callSignals().listenToCaller();
    }
    this.#waited = true;
    this.environment.watchdog.add(this);
    return undefined;
  }

  #fulfilled(view: HookContext, value: unknown): void {
    if (!this.#endCall(view)) return;
    const slot = this.slots[this.#index]!;
    const durationMs = performance.now() - this.#callStartedAtMs;
    slot.observe(durationMs, true);
    observeDuration(this, durationMs, slot);
    this.#settle(this.#completeSafely(slot, value, durationMs, true));
  }

  #rejected(view: HookContext, reason: unknown): void {
    if (!this.#endCall(view)) return;
    const slot = this.slots[this.#index]!;
    const durationMs = performance.now() - this.#callStartedAtMs;
    slot.observe(durationMs, true);
    observeDuration(this, durationMs, slot);
    this.#settle(this.#fail(slot, toError(reason, slot.hookId), durationMs, 'failed'));
  }

  /** Marks the in-flight call of `view` as answered; false when it was already abandoned. */
  #endCall(view: HookContext): boolean {
    if (this.#inFlight !== view) return false;
    this.#inFlight = undefined;
    this.environment.watchdog.remove(this);
    return true;
  }

  /** Stops waiting for the in-flight call: its signal aborts with `reason` and its view is cut off. */
  #abandon(reason: unknown): void {
    const view = this.#inFlight!;
    this.#inFlight = undefined;
    this.environment.watchdog.remove(this);
    this.#callSignals().abandon(this.#index, reason);
    view.detach();
  }

  /** After an async call: resolve with `stop`, or go on with the next hook. */
  #settle(stop: ExecutionOutcome | undefined): void {
    let outcome = stop;
    if (outcome === undefined) {
      this.#index++;
      outcome = this.#advance();
    }
    if (outcome !== undefined) this.#resolve?.(outcome);
  }

  /**
   * `#complete`, for answers that may be hostile (getters that throw while the answer is applied): such an
   * answer is the hook's failure, never the executor's, so the point always settles.
   */
  #completeSafely(
    slot: HookSlot,
    value: unknown,
    durationMs: number,
    measured: boolean,
  ): ExecutionOutcome | undefined {
    try {
      return this.#complete(slot, value, durationMs, measured);
    } catch (error) {
      return this.#fail(slot, toError(error, slot.hookId), durationMs, 'failed');
    }
  }

  /** A hook answered; validates the answer and applies it. Returns the outcome when the point stops here. */
  #complete(
    slot: HookSlot,
    value: unknown,
    durationMs: number,
    measured: boolean,
  ): ExecutionOutcome | undefined {
    if (!HookResult.isHookResult(value)) {
      const error = new InvalidHookResultError({ hookId: slot.hookId, hookPoint: this.point, value });
      return this.#fail(slot, error, durationMs, 'failed');
    }
    if (value.type === 'modified' && this.point === STREAM_CHUNK_POINT) {
      const problem = chunkPatchProblem(value.data);
      if (problem !== undefined) {
        const error = new InvalidHookResultError({
          hookId: slot.hookId,
          hookPoint: this.point,
          value,
          problem,
        });
        return this.#fail(slot, error, durationMs, 'failed');
      }
    }
    const breaker = slot.breaker;
    if (breaker !== undefined) {
      let transition: CircuitTransition;
      if (measured && slot.failOpen && durationMs >= (slot.slowCallMs ?? breaker.config.slowCallMs)) {
        transition = breaker.onSlowCall(performance.now());
      } else if (breaker.state === HALF_OPEN) {
        transition = breaker.onSuccess();
      }
      if (transition !== undefined) reportTransition(this, slot, transition);
    }
    this.records.push({ hookId: slot.hookId, result: value, durationMs });
    count(this, 'hook_executions', slot);
    if (eventSink(this) !== undefined) {
      const payload: Record<string, unknown> = {
        hookId: slot.hookId,
        hookPoint: this.point,
        resultType: value.type,
        durationMs,
      };
      if (value.type === 'cancel') payload.reason = value.reason;
      emit(this, 'hook.executed', payload);
    }
    switch (value.type) {
      case 'continue':
      case 'skipped':
        return undefined;
      case 'modified':
        applyMergePatch(this.context.data, value.data);
        this.#modified = true;
        return undefined;
      case 'cancel':
        return this.runsAll ? undefined : this.#finish(value);
      default:
        // At AgentStreamChunk only a cancel means something: any other stopping answer must not keep the hooks
        // after it from judging the chunk (the text would be released unjudged by them).
        return this.runsAll || this.point === STREAM_CHUNK_POINT ? undefined : this.#finish(value);
    }
  }

  /** A hook threw, rejected, timed out or answered garbage. Returns the outcome when its policy stops the point. */
  #fail(slot: HookSlot, error: Error, durationMs: number, kind: FailureKind): ExecutionOutcome | undefined {
    const hookId = slot.hookId;
    const why = kind === 'timeout' ? `timed out after ${slot.timeoutMs} ms` : `failed: ${error.message}`;
    const result = slot.failOpen ? CONTINUE : HookResult.cancel(`Hook '${hookId}' ${why}`);
    this.records.push({ hookId, result, durationMs, error });
    count(this, 'hook_executions', slot);
    slot.countFailure(kind);
    const failurePolicy = slot.failOpen ? 'open' : 'closed';
    if (kind === 'timeout') {
      count(this, 'hook_timeouts', slot);
      emit(this, 'hook.timeout', {
        hookId,
        hookPoint: this.point,
        timeoutMs: slot.timeoutMs,
        failurePolicy,
        durationMs,
      });
    } else {
      count(this, 'hook_failures', slot);
      emit(this, 'hook.failed', {
        hookId,
        hookPoint: this.point,
        error: error.message,
        errorName: error.name,
        failurePolicy,
        durationMs,
      });
    }
    log(this, 'warn', { hookId, hookPoint: this.point, error, failurePolicy }, `Hook '${hookId}' ${why}`);
    // A hook that gives up on a call its caller aborted is not at fault: a caller must not be able to open a
    // circuit every caller shares by aborting its own calls.
    if (!(this.context.abortable && this.context.signal.aborted)) {
      const transition = slot.breaker?.onFailure(performance.now());
      if (transition !== undefined) reportTransition(this, slot, transition);
    }
    if (slot.failOpen || this.runsAll) return undefined;
    return this.#finish(result);
  }

  /** The hook's circuit is open: skip it, or for a fail-closed hook stop the point. */
  #skip(slot: HookSlot): ExecutionOutcome | undefined {
    slot.countSkip();
    const result = slot.failOpen ? slot.skipResult : HookResult.cancel(slot.skipReason);
    this.records.push({ hookId: slot.hookId, result, durationMs: 0 });
    count(this, 'hook_skips', slot);
    if (eventSink(this) !== undefined) {
      emit(this, 'hook.skipped', {
        hookId: slot.hookId,
        hookPoint: this.point,
        reason: 'circuit_open',
        failurePolicy: slot.failOpen ? 'open' : 'closed',
      });
    }
    return slot.failOpen || this.runsAll ? undefined : this.#finish(result);
  }

  #callSignals(): CallSignals {
    this.#signals ??= new CallSignals(this.context, () => this.#callerAborted());
    return this.#signals;
  }

  /** The signal the view of hook `index` exposes, created on first access (see `CallSignals.signalFor`). */
  #signalFor(index: number): AbortSignal {
    const running = index === this.#index && this.records.length <= index;
    return this.#callSignals().signalFor(index, running);
  }

  #callerAborted(): void {
    if (this.#inFlight !== undefined) {
      this.#resolve?.(this.#abandonForCaller());
    } else {
      // The caller aborted from inside a running sync hook: only its signal can tell it.
      this.#signals?.abortRunning(this.#index, this.context.signal.reason);
    }
  }

  /** The caller aborted while a hook was in flight: abandon it and stop the point with `cancel`. */
  #abandonForCaller(): ExecutionOutcome {
    const slot = this.slots[this.#index]!;
    const reason: unknown = this.context.signal.reason;
    this.#abandon(reason);
    const error = toError(reason, slot.hookId);
    const reasonText = `Aborted by the caller while hook '${slot.hookId}' was running`;
    const result = HookResult.cancel(reasonText);
    const durationMs = performance.now() - this.#callStartedAtMs;
    this.records.push({ hookId: slot.hookId, result, durationMs, error });
    log(this, 'info', { hookId: slot.hookId, hookPoint: this.point }, reasonText);
    return this.#finish(result);
  }

  #finish(result: HookResult): ExecutionOutcome {
    this.#signals?.dispose();
    if (this.#waited) this.environment.watchdog.release();
    this.#index = this.hooks.length;
    return { result, records: this.records };
  }
}
