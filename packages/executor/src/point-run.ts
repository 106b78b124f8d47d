import {
  applyMergePatch,
  describeValue,
  type EventSink,
  type HookContext,
  type HookPoint,
  HookResult,
  HookTimeoutError,
  LlmspellError,
  type Logger,
  type MetricsRecorder,
  noopMetrics,
} from '@llmspell/core';
import type { RegisteredHook } from '@llmspell/registry';
import { type CircuitTransition, CLOSED, HALF_OPEN } from './circuit-breaker.js';
import { InvalidHookResultError } from './errors/invalid-hook-result-error.js';
import type { ExecutionOutcome, HookExecutionRecord } from './execution-outcome.js';
import type { HookSlot } from './hook-slot.js';
import { isThenable } from './is-thenable.js';
import type { Deadline, Watchdog } from './watchdog.js';

/** What every run of an executor shares. */
export interface DispatchEnvironment {
  readonly events: EventSink | undefined;
  readonly metrics: MetricsRecorder | undefined;
  readonly logger: Logger;
  readonly watchdog: Watchdog;
  readonly timingSampleInterval: number;
}

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

/**
 * One `execute(point, context)` call: runs the hooks in order, synchronously for as long as they answer
 * synchronously, and continues from a promise callback when one returns a promise. At most one hook call is
 * in flight; its deadline is watched by the executor's shared watchdog (no timer per call).
 */
export class PointRun implements Deadline {
  deadlineAtMs = 0;
  heapIndex = -1;
  readonly records: HookExecutionRecord[] = [];
  #index = 0;
  #modified = false;
  /** A hook call returned a promise and is being waited for. */
  #inFlight = false;
  #callStartedAtMs = 0;
  #controller: AbortController | undefined;
  #controllerIndex = -1;
  /** Why each abandoned call's signal aborted (by hook index). */
  #abortReasons: Map<number, unknown> | undefined;
  #onCallerAbort: (() => void) | undefined;
  #resolve: ((outcome: ExecutionOutcome) => void) | undefined;
  /** Resolved on first use; null until then. */
  #sink: EventSink | undefined | null = null;
  #metrics: MetricsRecorder | undefined | null = null;
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
    if (!this.#inFlight) return;
    const index = this.#index;
    const slot = this.slots[index]!;
    this.#inFlight = false;
    const error = new HookTimeoutError({
      hookId: slot.hookId,
      hookPoint: this.point,
      timeoutMs: slot.timeoutMs,
    });
    this.#abortCall(index, error);
    const durationMs = performance.now() - this.#callStartedAtMs;
    slot.observe(durationMs, true);
    this.#settle(this.#fail(slot, error, durationMs, 'timeout'));
  }

  #advance(): ExecutionOutcome | undefined {
    const { hooks, slots, context } = this;
    const count = hooks.length;
    while (this.#index < count) {
      const index = this.#index;
      const slot = slots[index]!;
      const breaker = slot.breaker;
      let timed = slot.alwaysTime;
      if (breaker !== undefined && breaker.state !== CLOSED) {
        if (!breaker.allows(performance.now())) {
          const stop = this.#skip(slot);
          if (stop !== undefined) return stop;
          this.#index++;
          continue;
        }
        timed = true;
      }
      if (!timed && --slot.untilSample <= 0) {
        slot.untilSample = this.environment.timingSampleInterval;
        timed = true;
      }
      const startedAtMs = timed ? performance.now() : -1;
      slot.calls++;
      let value: unknown;
      try {
        value = hooks[index]!.hook.execute(context.withSignal(() => this.#signalFor(index)));
      } catch (thrown) {
        const durationMs = this.#measure(slot, startedAtMs);
        const stop = this.#fail(slot, toError(thrown, slot.hookId), durationMs, 'failed');
        if (stop !== undefined) return stop;
        this.#index++;
        continue;
      }
      if (isThenable(value)) return this.#wait(index, value, startedAtMs);
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
    this.#observe(durationMs, slot);
    return durationMs;
  }

  /** A hook returned a promise: watch its deadline and the caller's signal, and continue when it settles. */
  #wait(index: number, thenable: PromiseLike<unknown>, startedAtMs: number): ExecutionOutcome | undefined {
    const slot = this.slots[index]!;
    this.#inFlight = true;
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
      (value) => this.#fulfilled(index, value),
      (reason: unknown) => this.#rejected(index, reason),
    );
    // A context without a caller signal cannot be aborted: no listener, and no signal created just to check.
    if (this.context.abortable) {
      const callerSignal = this.context.signal;
      if (callerSignal.aborted) return this.#abandonForCaller();
      this.#listenToCaller(callerSignal);
    }
    this.#waited = true;
    this.environment.watchdog.add(this);
    return undefined;
  }

  #fulfilled(index: number, value: unknown): void {
    if (!this.#endCall(index)) return;
    const slot = this.slots[index]!;
    const durationMs = performance.now() - this.#callStartedAtMs;
    slot.observe(durationMs, true);
    this.#observe(durationMs, slot);
    this.#settle(this.#completeSafely(slot, value, durationMs, true));
  }

  #rejected(index: number, reason: unknown): void {
    if (!this.#endCall(index)) return;
    const slot = this.slots[index]!;
    const durationMs = performance.now() - this.#callStartedAtMs;
    slot.observe(durationMs, true);
    this.#observe(durationMs, slot);
    this.#settle(this.#fail(slot, toError(reason, slot.hookId), durationMs, 'failed'));
  }

  /** Marks the in-flight call `index` as answered; false when it was already abandoned. */
  #endCall(index: number): boolean {
    if (!this.#inFlight || this.#index !== index) return false;
    this.#inFlight = false;
    this.environment.watchdog.remove(this);
    return true;
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
    const breaker = slot.breaker;
    if (breaker !== undefined) {
      let transition: CircuitTransition;
      if (measured && slot.failOpen && durationMs >= (slot.slowCallMs ?? breaker.config.slowCallMs)) {
        transition = breaker.onSlowCall(performance.now());
      } else if (breaker.state === HALF_OPEN) {
        transition = breaker.onSuccess();
      }
      if (transition !== undefined) this.#reportTransition(slot, transition);
    }
    this.records.push({ hookId: slot.hookId, result: value, durationMs });
    this.#count('hook_executions', slot);
    if (this.#eventSink() !== undefined) {
      const payload: Record<string, unknown> = {
        hookId: slot.hookId,
        hookPoint: this.point,
        resultType: value.type,
        durationMs,
      };
      if (value.type === 'cancel') payload.reason = value.reason;
      this.#emit('hook.executed', payload);
    }
    switch (value.type) {
      case 'continue':
      case 'skipped':
        return undefined;
      case 'modified':
        applyMergePatch(this.context.data, value.data);
        this.#modified = true;
        return undefined;
      default:
        return this.#finish(value);
    }
  }

  /** A hook threw, rejected, timed out or answered garbage. Returns the outcome when its policy stops the point. */
  #fail(slot: HookSlot, error: Error, durationMs: number, kind: FailureKind): ExecutionOutcome | undefined {
    const hookId = slot.hookId;
    const why = kind === 'timeout' ? `timed out after ${slot.timeoutMs} ms` : `failed: ${error.message}`;
    const result = slot.failOpen ? CONTINUE : HookResult.cancel(`Hook '${hookId}' ${why}`);
    this.records.push({ hookId, result, durationMs, error });
    this.#count('hook_executions', slot);
    const failurePolicy = slot.failOpen ? 'open' : 'closed';
    if (kind === 'timeout') {
      slot.timeouts++;
      this.#count('hook_timeouts', slot);
      this.#emit('hook.timeout', {
        hookId,
        hookPoint: this.point,
        timeoutMs: slot.timeoutMs,
        failurePolicy,
        durationMs,
      });
    } else {
      slot.failures++;
      this.#count('hook_failures', slot);
      this.#emit('hook.failed', {
        hookId,
        hookPoint: this.point,
        error: error.message,
        errorName: error.name,
        failurePolicy,
        durationMs,
      });
    }
    this.#log('warn', { hookId, hookPoint: this.point, error, failurePolicy }, `Hook '${hookId}' ${why}`);
    const transition = slot.breaker?.onFailure(performance.now());
    if (transition !== undefined) this.#reportTransition(slot, transition);
    if (slot.failOpen) return undefined;
    return this.#finish(result);
  }

  /** The hook's circuit is open: skip it, or for a fail-closed hook stop the point. */
  #skip(slot: HookSlot): ExecutionOutcome | undefined {
    slot.skips++;
    const result = slot.failOpen ? slot.skipResult : HookResult.cancel(slot.skipReason);
    this.records.push({ hookId: slot.hookId, result, durationMs: 0 });
    this.#count('hook_skips', slot);
    if (this.#eventSink() !== undefined) {
      this.#emit('hook.skipped', {
        hookId: slot.hookId,
        hookPoint: this.point,
        reason: 'circuit_open',
        failurePolicy: slot.failOpen ? 'open' : 'closed',
      });
    }
    return slot.failOpen ? undefined : this.#finish(result);
  }

  #reportTransition(slot: HookSlot, transition: 'opened' | 'closed'): void {
    const hookId = slot.hookId;
    if (transition === 'opened') {
      const { openReason, config } = slot.breaker!;
      this.#count('hook_circuit_opened', slot);
      this.#emit('hook.circuit_opened', {
        hookId,
        hookPoint: this.point,
        reason: openReason,
        openMs: config.openMs,
      });
      this.#log(
        'warn',
        { hookId, hookPoint: this.point, reason: openReason },
        `Circuit opened for hook '${hookId}'`,
      );
    } else {
      this.#count('hook_circuit_closed', slot);
      this.#emit('hook.circuit_closed', { hookId, hookPoint: this.point });
      this.#log('info', { hookId, hookPoint: this.point }, `Circuit closed for hook '${hookId}'`);
    }
  }

  /**
   * The signal a hook's view of the context exposes, created on first access: a controller of its own while
   * the call runs (aborted on its timeout or the caller's abort), an aborted signal once it was abandoned,
   * and the caller's signal after it answered.
   */
  #signalFor(index: number): AbortSignal {
    const abandoned = this.#abortReasons?.get(index);
    if (abandoned !== undefined) return AbortSignal.abort(abandoned);
    if (index !== this.#index || this.records.length > index) return this.context.signal;
    if (this.#controllerIndex !== index || this.#controller === undefined) {
      const controller = new AbortController();
      this.#controller = controller;
      this.#controllerIndex = index;
      if (this.context.abortable) {
        const callerSignal = this.context.signal;
        if (callerSignal.aborted) controller.abort(callerSignal.reason);
        else this.#listenToCaller(callerSignal);
      }
    }
    return this.#controller.signal;
  }

  /** Abandons the call `index`: its signal (if anyone looked) aborts with `reason`. */
  #abortCall(index: number, reason: unknown): void {
    this.#abortReasons ??= new Map();
    this.#abortReasons.set(index, reason);
    if (this.#controllerIndex === index) this.#controller?.abort(reason);
  }

  #listenToCaller(signal: AbortSignal): void {
    if (this.#onCallerAbort !== undefined) return;
    this.#onCallerAbort = () => {
      if (this.#inFlight) {
        this.#resolve?.(this.#abandonForCaller());
      } else if (this.#controllerIndex === this.#index) {
        // The caller aborted from inside a running sync hook: only its signal can tell it.
        this.#controller?.abort(signal.reason);
      }
    };
    signal.addEventListener('abort', this.#onCallerAbort, { once: true });
  }

  /** The caller aborted while a hook was in flight: abandon it and stop the point with `cancel`. */
  #abandonForCaller(): ExecutionOutcome {
    const index = this.#index;
    const slot = this.slots[index]!;
    const reason: unknown = this.context.signal.reason;
    this.#inFlight = false;
    this.environment.watchdog.remove(this);
    this.#abortCall(index, reason);
    const error = toError(reason, slot.hookId);
    const reasonText = `Aborted by the caller while hook '${slot.hookId}' was running`;
    const result = HookResult.cancel(reasonText);
    const durationMs = performance.now() - this.#callStartedAtMs;
    this.records.push({ hookId: slot.hookId, result, durationMs, error });
    this.#log('info', { hookId: slot.hookId, hookPoint: this.point }, reasonText);
    return this.#finish(result);
  }

  #finish(result: HookResult): ExecutionOutcome {
    if (this.#onCallerAbort !== undefined) {
      this.context.signal.removeEventListener('abort', this.#onCallerAbort);
    }
    if (this.#waited) this.environment.watchdog.release();
    this.#index = this.hooks.length;
    return { result, records: this.records };
  }

  /** The recorder metrics go to; undefined when it would be the no-op one. */
  #recorder(): MetricsRecorder | undefined {
    if (this.#metrics === null) {
      const metrics = this.environment.metrics ?? this.context.metrics;
      this.#metrics = metrics === noopMetrics ? undefined : metrics;
    }
    return this.#metrics;
  }

  #count(name: string, slot: HookSlot): void {
    const metrics = this.#recorder();
    if (metrics === undefined) return;
    try {
      metrics.increment(name, 1, slot.labels);
    } catch {
      // A broken metrics recorder must not break dispatch.
    }
  }

  #observe(durationMs: number, slot: HookSlot): void {
    const metrics = this.#recorder();
    if (metrics === undefined) return;
    try {
      metrics.observe('hook_duration_ms', durationMs, slot.labels);
    } catch {
      // A broken metrics recorder must not break dispatch.
    }
  }

  #eventSink(): EventSink | undefined {
    if (this.#sink === null) this.#sink = this.environment.events ?? this.context.events;
    return this.#sink;
  }

  #emit(type: string, payload: Record<string, unknown>): void {
    const sink = this.#eventSink();
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
      this.#log('warn', { error, eventType: type }, `The event sink threw while publishing '${type}'`);
    }
  }

  #log(level: 'warn' | 'info', fields: Record<string, unknown>, message: string): void {
    try {
      this.environment.logger[level](fields, message);
    } catch {
      // A broken logger must not break dispatch.
    }
  }
}
