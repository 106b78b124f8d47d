// One file for the whole lifecycle of a call, on purpose: the rules of DESIGN §9 (which answer ends what, when the
// Error point runs as cleanup and for whom, what an abort or an abandoned hook may still change) are one state
// machine over the fields of `Operation`, and reading them in one place is what keeps them from drifting apart
// again, as they did when the AI SDK kept its own copy. The pieces that stand on their own live beside it:
// `stream-guard.ts` (the AgentStreamChunk hold-back), `sleep.ts`, and the adapters.
import {
  type ComponentId,
  type EventSink,
  emitOperationFinished,
  emitOperationStarted,
  type ForkOperation,
  HookCancelledError,
  HookContext,
  type HookPoint,
  LlmspellError,
  type MetricsRecorder,
  HookPoint as Points,
} from '@llmspell/core';
import { UnknownRedirectTargetError } from '../errors/unknown-redirect-target-error.js';
import type { ExecutionOutcome } from '../execution-outcome.js';
import type { HookExecutor } from '../hook-executor.js';
import { sleep } from './sleep.js';
import { StreamGuard, type StreamSink } from './stream-guard.js';

/** The Before, After and Error points of one kind of component. */
export interface LifecyclePoints {
  before: HookPoint;
  after: HookPoint;
  error: HookPoint;
}

/** What every call of one component shares; built once per component (agent, tool, middleware). */
export interface OperationSpec {
  componentId: ComponentId;
  points: LifecyclePoints;
  executor: HookExecutor;
  /** The sink every context of the component carries. */
  events: EventSink | undefined;
  /** The recorder every context of the component carries. */
  metrics: MetricsRecorder | undefined;
  /** The targets a `redirect` answer may name; any other target ends the call with `UnknownRedirectTargetError`. */
  redirectTargets: readonly string[];
  /** Runs one operation of a `fork` answer beside the main one; without it, event `hook.fork_unhandled`. */
  fork?: ((operation: ForkOperation, context: HookContext) => Promise<unknown>) | undefined;
}

/** Where a hook's answer that stands in for the operation came from. */
export interface AnswerOrigin {
  type: 'cache' | 'replace';
  hookPoint: HookPoint;
  hookId: string | undefined;
}

/** How one kind of call maps its output to and from what hooks see; every function has a plain default. */
export interface OutputMapping<Output> {
  /** The output a `cache` / `replace` answer stands for (it may throw when the value is unusable). Default: the value. */
  answer?(value: unknown, origin: AnswerOrigin): Output;
  /** Puts an output where After hooks read it. Default: `data.output = output`. */
  record?(output: Output, data: Record<string, unknown>): void;
  /**
   * What the call returns once After ran: `replaced` is an After hook's `replace` answer, if one was given;
   * `after` names the point and the last hook that ran there. Default: that answer, else `data.output` as the
   * hooks left it.
   */
  result?(
    output: Output,
    data: Record<string, unknown>,
    replaced: { value: unknown; origin: AnswerOrigin } | undefined,
    after: { hookPoint: HookPoint; hookId: string | undefined },
  ): Output;
}

/** What Before decided. */
export type BeforeDecision<Output> =
  | { type: 'run' }
  | { type: 'answer'; output: Output }
  | { type: 'redirect'; target: string };

/** What After decided: the call is done (with what it returns), or a hook asked to run the operation again. */
export type AfterDecision<Output> = { type: 'done'; output: Output } | { type: 'retry' };

const RUN = Object.freeze({ type: 'run' as const });
const RETRY = Object.freeze({ type: 'retry' as const });

/** One piece of a streaming call: a string is text, `{ marker }` anything else; `undefined` ends the stream. */
export type StreamPiece<Marker> = string | { marker: Marker } | undefined;

/** Where a streaming call's pieces come from: text to judge, or a marker to pass through in order. */
export interface StreamSource<Marker, Raw = unknown> {
  /** The next piece; `undefined` at the end of the stream. */
  read(): PromiseLike<StreamPiece<Marker>>;
  /**
   * For a source over another reader, `read()` split in two: `next()` is the raw read and `piece(raw)` turns its
   * result into the next piece, or `null` when it holds nothing to pass on (read again). With both set the
   * lifecycle uses them instead of `read()` and waits on one promise per piece instead of two.
   */
  next?(): PromiseLike<Raw>;
  piece?(raw: Raw): StreamPiece<Marker> | null;
  /** The call ended early: stop producing (fire and forget; a source may ignore it). */
  cancel(reason: unknown): void;
  /**
   * True when `cancel()` settles a pending `read()` at once, even if the producer behind it ignores the cancel
   * (a `ReadableStream` reader does): the lifecycle then cancels on an abort instead of racing every read.
   */
  readonly cancelEndsRead?: boolean;
  /** `data.output` once the stream ended (normally or early), given the released text. Default `{ text }`. */
  output?(released: string): unknown;
}

/** A judgment at AgentStreamChunk that took this long (ms) has the deltas that arrived meanwhile judged in one batch. */
const SLOW_JUDGMENT_MS = 1;

const NOT_YET: unique symbol = Symbol('not yet');

/** Resolves with `NOT_YET` once the pending I/O callbacks ran: a read that is still pending then is waiting on its source. */
function nextTurn(): Promise<typeof NOT_YET> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve, NOT_YET);
    else setTimeout(resolve, 0, NOT_YET);
  });
}

/** The error a call ends with when its reader gave up before the stream finished. */
export function readerCancelled(reason: unknown): Error {
  if (reason instanceof Error) return reason;
  return new LlmspellError('The stream was cancelled by its reader before it finished', { cause: reason });
}

/** The hook that decided an outcome that stopped the point: the last one that ran. */
function decidedBy(outcome: ExecutionOutcome): string | undefined {
  return outcome.records[outcome.records.length - 1]?.hookId;
}

function toError(value: unknown): Error {
  return value instanceof Error
    ? value
    : new LlmspellError(`A forked operation failed: ${String(value)}`, { cause: value });
}

/**
 * One call of a component through its hook points, phase by phase — the only implementation of the lifecycle;
 * `createAgent`, `createTool`, `agent.stream` and the AI SDK middleware are adapters around it.
 *
 * - `before()`: Before with `data.input` (cancel throws, cache/replace answer, redirect names a target,
 *   modified changes `data.input`, fork starts side operations, retry runs the point again after its delay).
 * - `run(invoke)`: the operation, raced against the caller's signal; a failure goes to the Error point
 *   (retry runs it again, replace answers, anything else rethrows).
 * - `after(output)`: After with `data.output` (replace answers, cancel throws, retry asks to run again).
 * - `stream(source, sink)`: the AgentStreamChunk phase, then After, for a streaming call.
 * - `fail(error)`: the call ends abnormally — the Error point runs once as cleanup (every hook that has not seen
 *   this end, no result stopping it, on a fresh signal) and the call may then reject.
 *
 * Data is always read through `context.data`: a hook abandoned at its timeout leaves the operation on a copy.
 */
export class Operation<Output> {
  readonly context: HookContext;
  readonly #spec: OperationSpec;
  readonly #mapping: OutputMapping<Output>;
  readonly #signal: AbortSignal | undefined;
  #attempts = 0;
  #forks: Promise<void> | undefined;
  /** Error hooks that already saw the failure now ending the call (the Error point ran for it). */
  #errorPointRan: Set<string> | undefined;
  #ended = false;
  #afterContext: HookContext | undefined;
  /** Rejects when the caller aborts or the call is interrupted; created when first needed. */
  #stop: Promise<never> | undefined;
  #rejectStop: ((reason: unknown) => void) | undefined;
  #onAbort: (() => void) | undefined;
  /** Called once when the call is stopped (the caller aborts, or `interrupt()`), while a stream is read. */
  #onStop: ((reason: unknown) => void) | undefined;
  #interrupted: { reason: unknown } | undefined;

  constructor(
    spec: OperationSpec,
    mapping: OutputMapping<Output>,
    init: {
      data: Record<string, unknown>;
      metadata?: Record<string, string>;
      signal?: AbortSignal | undefined;
      /** The call may be `interrupt()`ed (a stream's reader may give up at any time). Default false. */
      interruptible?: boolean;
    },
  ) {
    this.#spec = spec;
    this.#mapping = mapping;
    this.#signal = init.signal;
    this.context = new HookContext({
      hookPoint: spec.points.before,
      componentId: spec.componentId,
      data: init.data,
      metadata: init.metadata ?? {},
      events: spec.events,
      metrics: spec.metrics,
      signal: init.signal,
    });
    if (init.interruptible === true) this.#stopPromise();
    emitOperationStarted(this.context);
  }

  /** The call's data, as every point sees it. */
  get data(): Record<string, unknown> {
    return this.context.data;
  }

  /** How many times the operation has been invoked so far. */
  get attempts(): number {
    return this.#attempts;
  }

  /** Before: runs the point (again after each retry's delay, within its bound) and says what happens next. */
  async before(): Promise<BeforeDecision<Output>> {
    return this.#before(1);
  }

  // Before and After return without a promise when their hooks answered synchronously: the lifecycle of a call
  // with sync hooks then awaits only the operation.
  #before(evaluations: number): BeforeDecision<Output> | Promise<BeforeDecision<Output>> {
    const outcome = this.#spec.executor.dispatch(this.#spec.points.before, this.context);
    if (outcome instanceof Promise)
      return outcome.then((answered) => this.#decideBefore(answered, evaluations));
    return this.#decideBefore(outcome, evaluations);
  }

  #decideBefore(
    outcome: ExecutionOutcome,
    evaluations: number,
  ): BeforeDecision<Output> | Promise<BeforeDecision<Output>> {
    const { points } = this.#spec;
    this.#signal?.throwIfAborted();
    const decision = outcome.result;
    switch (decision.type) {
      case 'retry':
        if (evaluations >= decision.maxAttempts) {
          throw new HookCancelledError({
            reason: `hooks still asked to retry after ${evaluations} attempts`,
            hookPoint: points.before,
            hookId: decidedBy(outcome),
          });
        }
        return sleep(decision.delayMs, this.#signal).then(() => this.#before(evaluations + 1));
      case 'cancel':
        throw new HookCancelledError({
          reason: decision.reason,
          hookPoint: points.before,
          hookId: decidedBy(outcome),
        });
      case 'cache':
      case 'replace': {
        const output = this.#answer(decision.result, {
          type: decision.type,
          hookPoint: points.before,
          hookId: decidedBy(outcome),
        });
        if (decision.type === 'cache') this.context.data.cached = true;
        return { type: 'answer', output };
      }
      case 'redirect':
        if (!this.#spec.redirectTargets.includes(decision.target)) {
          throw new UnknownRedirectTargetError({
            target: decision.target,
            componentId: this.#spec.componentId,
            known: [...this.#spec.redirectTargets],
            hookId: decidedBy(outcome),
          });
        }
        return { type: 'redirect', target: decision.target };
      case 'fork':
        this.#forks = this.#startForks(decision.operations);
        return RUN;
      default:
        return RUN;
    }
  }

  /**
   * Invokes the operation; when it fails, the Error point decides with `data.error`: retry invokes it again
   * after `delayMs` (at most `maxAttempts` invocations in all), replace answers, anything else rethrows. An
   * operation that ignores the caller's abort cannot hold the call: the abort ends it at once.
   */
  async run(invoke: () => PromiseLike<Output>): Promise<Output> {
    const { executor, points } = this.#spec;
    const signal = this.#signal;
    for (;;) {
      signal?.throwIfAborted();
      this.#attempts++;
      try {
        const output = await this.#untilStopped(invoke());
        if (this.#errorPointRan !== undefined) {
          delete this.context.data.error;
          this.#errorPointRan = undefined;
        }
        return output;
      } catch (error) {
        signal?.throwIfAborted();
        this.#throwIfInterrupted();
        this.context.data.error = error;
        const outcome = await executor.dispatch(points.error, this.context.child(points.error));
        this.#errorPointRan = new Set(outcome.records.map((record) => record.hookId));
        signal?.throwIfAborted();
        const answer = outcome.result;
        if (answer.type === 'replace') {
          const output = this.#answer(answer.result, {
            type: 'replace',
            hookPoint: points.error,
            hookId: decidedBy(outcome),
          });
          this.#errorPointRan = undefined;
          return output;
        }
        if (answer.type === 'retry' && this.#attempts < answer.maxAttempts) {
          await sleep(answer.delayMs, signal);
          continue;
        }
        throw error;
      }
    }
  }

  /**
   * After, for an operation that returned `output`: `done` with what the call returns, or `retry` when a hook
   * asked to run the operation again (after its delay, within the bound of the operation's attempts).
   */
  async after(output: Output): Promise<AfterDecision<Output>> {
    return this.#after(output);
  }

  #after(output: Output): AfterDecision<Output> | Promise<AfterDecision<Output>> {
    if (this.#forks !== undefined) return this.#joinForks().then(() => this.#after(output));
    const { executor, points } = this.#spec;
    const data = this.context.data;
    const record = this.#mapping.record;
    if (record !== undefined) record(output, data);
    else data.output = output;
    this.#afterContext ??= this.context.child(points.after);
    const outcome = executor.dispatch(points.after, this.#afterContext);
    if (outcome instanceof Promise) return outcome.then((answered) => this.#decideAfter(output, answered));
    return this.#decideAfter(output, outcome);
  }

  #decideAfter(
    output: Output,
    outcome: ExecutionOutcome,
  ): AfterDecision<Output> | Promise<AfterDecision<Output>> {
    const { points } = this.#spec;
    this.#signal?.throwIfAborted();
    const answer = outcome.result;
    if (answer.type === 'cancel') {
      throw new HookCancelledError({
        reason: answer.reason,
        hookPoint: points.after,
        hookId: decidedBy(outcome),
      });
    }
    if (answer.type === 'retry' && this.#attempts < answer.maxAttempts) {
      return sleep(answer.delayMs, this.#signal).then(() => {
        delete this.context.data.cached;
        return RETRY;
      });
    }
    const replaced =
      answer.type === 'replace'
        ? {
            value: answer.result,
            origin: { type: 'replace' as const, hookPoint: points.after, hookId: decidedBy(outcome) },
          }
        : undefined;
    const data = this.context.data;
    const result = this.#mapping.result;
    const returned =
      result !== undefined
        ? result(output, data, replaced, { hookPoint: points.after, hookId: decidedBy(outcome) })
        : ((replaced ? replaced.value : data.output) as Output);
    this.#end();
    emitOperationFinished(this.context);
    return { type: 'done', output: returned };
  }

  /**
   * The whole call for an operation that returns its output at once: Before, the operation (or the answer, or
   * the redirect target), After (again after a retry), cleanup on any abnormal end. `invoke` is given the
   * redirect target Before chose, if any.
   */
  async call(invoke: (target: string | undefined) => PromiseLike<Output>): Promise<Output> {
    try {
      let decision = this.#before(1);
      if (decision instanceof Promise) decision = await decision;
      const target = decision.type === 'redirect' ? decision.target : undefined;
      let output = decision.type === 'answer' ? decision.output : await this.run(() => invoke(target));
      for (;;) {
        let after = this.#after(output);
        if (after instanceof Promise) after = await after;
        if (after.type === 'done') return after.output;
        output = await this.run(() => invoke(target));
      }
    } catch (error) {
      await this.fail(error);
      throw error;
    }
  }

  /**
   * The stream phase of a streaming call: pieces are read from `source` (eagerly: a reader that stops reading
   * does not hold the call), judged at AgentStreamChunk and released to `sink`; at the end, After runs with
   * `data.output` (`source.output(released)`) — its cancel ends the call, its other answers change nothing
   * already streamed. Resolves once After ran; on any abnormal end (the caller's abort, `interrupt()`, a
   * chunk hook's cancel, a broken source, an After cancel) the source is cancelled, cleanup runs, and it
   * rejects with that error.
   */
  async stream<Marker, Raw>(source: StreamSource<Marker, Raw>, sink: StreamSink<Marker>): Promise<void> {
    const { executor, points } = this.#spec;
    const signal = this.#signal;
    const guard = new StreamGuard(executor, this.context.child(Points.AgentStreamChunk), sink, signal);
    // Listens for the caller's abort from here on (and `interrupt()` stops the call through `#onStop`).
    this.#stopPromise();
    // A source whose cancel ends a pending read is cancelled when the call stops. Any other has each read raced
    // against the stop: the read the call waits on rejects with the stop reason, though the source's own never
    // settles. (One wrapper per read, dropped as it settles: nothing accumulates over a long stream, as one
    // `Promise.race` per read against a shared stop promise would.)
    const racing = source.cancelEndsRead !== true;
    let stopRead: ((reason: unknown) => void) | undefined;
    this.#onStop = racing ? (reason) => stopRead?.(reason) : (reason) => source.cancel(reason);
    const raced = <T>(work: PromiseLike<T>): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        stopRead = reject;
        work.then(resolve, reject);
      });
    let reading = true;
    try {
      // Stopped before the first read (nothing would reject it then).
      this.#throwIfInterrupted();
      signal?.throwIfAborted();
      const split = source.next !== undefined && source.piece !== undefined;
      // A read started while the hooks judged, that had not delivered yet: the next piece comes from it.
      let ahead: Promise<StreamPiece<Marker> | null> | undefined;
      const readAhead = (): Promise<StreamPiece<Marker> | null> => {
        const next = split
          ? Promise.resolve(source.next!()).then((raw) => source.piece!(raw))
          : Promise.resolve(source.read());
        next.catch(() => undefined);
        return next;
      };
      let ended = false;
      for (;;) {
        let piece: StreamPiece<Marker> | null;
        if (ahead !== undefined) {
          const next = ahead;
          ahead = undefined;
          piece = await (racing ? raced(next) : next);
          this.#throwIfInterrupted();
          signal?.throwIfAborted();
          if (piece === null) continue;
        } else if (split) {
          const raw = await (racing ? raced(source.next!()) : source.next!());
          this.#throwIfInterrupted();
          signal?.throwIfAborted();
          piece = source.piece!(raw);
          if (piece === null) continue;
        } else {
          piece = await (racing ? raced(source.read()) : source.read());
          this.#throwIfInterrupted();
          signal?.throwIfAborted();
        }
        if (piece === undefined) break;
        if (typeof piece === 'string') {
          let judged = guard.push(piece);
          while (judged !== undefined) {
            // Hooks answered asynchronously: the call may have been stopped meanwhile. (A synchronous release
            // gives nothing else a chance to run; the guard itself checks the signal after sync hooks.)
            const startedAt = performance.now();
            await judged;
            this.#throwIfInterrupted();
            signal?.throwIfAborted();
            judged = undefined;
            // A slow judgment: the deltas that arrived meanwhile are judged together, once, so a slow hook (a
            // remote moderation call) is not called once per delta, ever further behind a fast stream.
            if (performance.now() - startedAt < SLOW_JUDGMENT_MS) break;
            let appended = false;
            // What the source delivers before the next turn of the event loop joins this batch.
            const turn = nextTurn();
            for (;;) {
              const next = readAhead();
              const got = await Promise.race([next, turn]);
              this.#throwIfInterrupted();
              signal?.throwIfAborted();
              if (got === NOT_YET) {
                ahead = next;
                break;
              }
              if (got === null) continue;
              if (got === undefined) {
                ended = true;
                break;
              }
              if (typeof got === 'string') {
                guard.append(got);
                appended = true;
              } else {
                guard.mark(got.marker);
              }
            }
            if (appended) judged = guard.judgePending();
          }
          if (ended) break;
        } else {
          guard.mark(piece.marker);
        }
      }
      reading = false;
      const judged = guard.end();
      if (judged !== undefined) await judged;
      this.#throwIfInterrupted();
      if (this.#forks !== undefined) await this.#joinForks();
      this.context.data.output = source.output ? source.output(guard.released) : { text: guard.released };
      this.#afterContext ??= this.context.child(points.after);
      const outcome = await executor.dispatch(points.after, this.#afterContext);
      signal?.throwIfAborted();
      if (outcome.result.type === 'cancel') {
        throw new HookCancelledError({
          reason: outcome.result.reason,
          hookPoint: points.after,
          hookId: decidedBy(outcome),
        });
      }
      this.#end();
      const data = this.context.data;
      // A stream that carried an error (the model's `error` part) still ran After, but did not succeed.
      if (data.error === undefined) emitOperationFinished(this.context);
      else emitOperationFinished(this.context, data.error);
    } catch (error) {
      if (reading) {
        try {
          source.cancel(error);
        } catch {
          // The call is ending either way; a source that cannot even be cancelled is left to itself.
        }
      }
      this.context.data.output = source.output ? source.output(guard.released) : { text: guard.released };
      await this.fail(error);
      throw error;
    } finally {
      this.#onStop = undefined;
    }
  }

  /**
   * Ends the call early with `reason` (its reader gave up): the operation or stream being waited for is left,
   * the source is cancelled and cleanup runs. A hook that is running finishes first (within its timeout).
   */
  interrupt(reason: unknown): void {
    if (this.#interrupted !== undefined || this.#ended) return;
    this.#interrupted = { reason };
    this.#stopWith(reason);
  }

  /**
   * The call ends abnormally with `error`: the Error point runs once as cleanup, with `data.error` = `error` —
   * every hook that has not already seen this end, none of their answers stopping the run, on a fresh signal
   * (each hook bounded by its own timeout). Resolves when cleanup is done; a second call does nothing.
   */
  async fail(error: unknown): Promise<void> {
    if (this.#ended) return;
    const { executor, points } = this.#spec;
    this.#end();
    this.context.data.error = error;
    const cleanup = this.context.child(points.error).withSignal(new AbortController().signal);
    await executor.cleanup(points.error, cleanup, this.#errorPointRan);
    emitOperationFinished(this.context, error);
  }

  /**
   * A promise that rejects when the caller aborts or the call is interrupted, and never settles otherwise:
   * work raced against it cannot hold the call when it ignores its signal. One listener per call, removed
   * when the call ends.
   */
  #stopPromise(): Promise<never> {
    if (this.#stop !== undefined) return this.#stop;
    const stop = new Promise<never>((_resolve, reject) => {
      this.#rejectStop = reject;
    });
    stop.catch(() => undefined);
    this.#stop = stop;
    const signal = this.#signal;
    if (this.#interrupted !== undefined) this.#rejectStop!(this.#interrupted.reason);
    else if (signal?.aborted) this.#rejectStop!(signal.reason);
    else if (signal !== undefined) {
      this.#onAbort = () => this.#stopWith(signal.reason);
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
    return stop;
  }

  /** `work`, or the stop reason as soon as the caller aborts or the call is interrupted. */
  #untilStopped<T>(work: PromiseLike<T>): Promise<T> | PromiseLike<T> {
    if (this.#signal === undefined && this.#stop === undefined && this.#interrupted === undefined)
      return work;
    return Promise.race([work, this.#stopPromise()]);
  }

  #stopWith(reason: unknown): void {
    this.#rejectStop?.(reason);
    const onStop = this.#onStop;
    this.#onStop = undefined;
    onStop?.(reason);
  }

  #throwIfInterrupted(): void {
    if (this.#interrupted !== undefined) throw this.#interrupted.reason;
  }

  async #joinForks(): Promise<void> {
    const forks = this.#forks;
    if (forks === undefined) return;
    this.#forks = undefined;
    await this.#untilStopped(forks);
  }

  /** The call ended: stop listening to the caller's signal. */
  #end(): void {
    this.#ended = true;
    if (this.#onAbort !== undefined) this.#signal!.removeEventListener('abort', this.#onAbort);
  }

  #answer(value: unknown, origin: AnswerOrigin): Output {
    const answer = this.#mapping.answer;
    return answer !== undefined ? answer(value, origin) : (value as Output);
  }

  /** Runs each forked operation through the `fork` option beside the main one; results land at `data.forks[id]`. */
  #startForks(operations: readonly ForkOperation[]): Promise<void> | undefined {
    const fork = this.#spec.fork;
    const context = this.context;
    if (fork === undefined) {
      context.emitEvent('hook.fork_unhandled', { component: this.#spec.componentId.name, operations });
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
}
