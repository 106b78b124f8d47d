import { randomUUID } from 'node:crypto';
import type { ComponentId } from './component-id.js';
import { copyPlainData } from './copy-plain-data.js';
import type { EventSink } from './events.js';
import type { HookPoint } from './hook-point.js';
import { type MetricsRecorder, noopMetrics } from './metrics.js';

/** What `new HookContext(init)` takes. */
export interface HookContextInit {
  hookPoint: HookPoint;
  componentId: ComponentId;
  /** The payload; see the data keys in the README (`input`, `output`, `model`, `tokensUsed` …). Default `{}`. */
  data?: Record<string, unknown>;
  /** Caller facts such as `userId`, `tenantId`, `requestId`. Default `{}`. */
  metadata?: Record<string, string>;
  /** Default: a new UUID. */
  correlationId?: string;
  events?: EventSink;
  /** Default: a no-op recorder. */
  metrics?: MetricsRecorder;
  /** Aborts when the caller gives up. Default: a signal that never aborts. */
  signal?: AbortSignal;
  /** Shared by every hook point of one operation. Default: a new map. */
  state?: Map<string, unknown>;
}

/** The mutable part every view and child of one operation's context shares. */
interface SharedPayload {
  data: Record<string, unknown>;
  metadata: Record<string, string>;
  state: Map<string, unknown>;
}

type SignalSource = AbortSignal | (() => AbortSignal) | undefined;

/** Private construction path for `child()` and `withSignal()`: no validation, shared payload. */
const derive = Symbol('derive');

/**
 * Everything a hook sees at a hook point. `data`, `metadata` and `state` are shared by every hook point
 * of one operation (`child()`), and by the per-hook views the executor creates (`withSignal()`).
 */
export class HookContext {
  readonly hookPoint: HookPoint;
  readonly componentId: ComponentId;
  readonly correlationId: string;
  readonly timestamp: Date;
  readonly metrics: MetricsRecorder;
  #payload: SharedPayload;
  readonly #events: EventSink | undefined;
  #signal: SignalSource;

  constructor(init: HookContextInit);
  /** @internal Positional, so a per-hook view costs one allocation. */
  constructor(init: typeof derive, parent: HookContext, hookPoint: HookPoint, signal: SignalSource);
  constructor(
    init: HookContextInit | typeof derive,
    parentContext?: HookContext,
    derivedPoint?: HookPoint,
    derivedSignal?: SignalSource,
  ) {
    if (init === derive) {
      const parent = parentContext!;
      const hookPoint = derivedPoint!;
      this.hookPoint = hookPoint;
      this.componentId = parent.componentId;
      this.correlationId = parent.correlationId;
      this.timestamp = hookPoint === parent.hookPoint ? parent.timestamp : new Date();
      this.metrics = parent.metrics;
      this.#events = parent.#events;
      this.#payload = parent.#payload;
      this.#signal = derivedSignal;
      return;
    }
    if (init === null || typeof init !== 'object')
      throw new TypeError('new HookContext(init) needs an object');
    if (typeof init.hookPoint !== 'string') throw new TypeError('HookContext needs a hookPoint');
    if (!init.componentId || typeof init.componentId.name !== 'string') {
      throw new TypeError('HookContext needs a componentId; create one with componentId(name, type)');
    }
    this.hookPoint = init.hookPoint;
    this.componentId = init.componentId;
    this.correlationId = init.correlationId ?? randomUUID();
    this.timestamp = new Date();
    this.metrics = init.metrics ?? noopMetrics;
    this.#events = init.events;
    this.#payload = { data: init.data ?? {}, metadata: init.metadata ?? {}, state: init.state ?? new Map() };
    this.#signal = init.signal;
  }

  /** The payload: `input`, `output`, `model`, `tokensUsed`, `cost`, `error`, `cached` … */
  get data(): Record<string, unknown> {
    return this.#payload.data;
  }

  set data(value: Record<string, unknown>) {
    this.#payload.data = value;
  }

  /** Caller facts: `userId`, `tenantId`, `requestId` … */
  get metadata(): Record<string, string> {
    return this.#payload.metadata;
  }

  set metadata(value: Record<string, string>) {
    this.#payload.metadata = value;
  }

  /** Shared by every hook point of one operation (Before → After → Error): permits, keys, reservations … */
  get state(): Map<string, unknown> {
    return this.#payload.state;
  }

  /** Aborts on the caller's abort, or (inside the executor) on this hook's own timeout. */
  get signal(): AbortSignal {
    let signal = this.#signal;
    if (typeof signal === 'function') signal = signal();
    else if (signal === undefined) signal = new AbortController().signal;
    this.#signal = signal;
    return signal;
  }

  /**
   * False when `signal` can never abort: no caller signal was given, so the signal would be a fresh one nobody
   * can abort. Dispatchers check it to skip abort bookkeeping (and creating that signal) on every call.
   */
  get abortable(): boolean {
    return this.#signal !== undefined;
  }

  /** The events sink this context publishes to, if any. */
  get events(): EventSink | undefined {
    return this.#events;
  }

  /** Publishes an event stamped with this context's correlation id, component and hook point; no-op without a sink. */
  emitEvent(type: string, payload: unknown): void {
    this.#events?.publish({
      type,
      payload,
      correlationId: this.correlationId,
      componentId: this.componentId,
      hookPoint: this.hookPoint,
      timestamp: new Date(),
    });
  }

  /** The context of another hook point of the same operation: same correlation id, data, metadata and state. */
  child(hookPoint: HookPoint): HookContext {
    return new HookContext(derive, this, hookPoint, this.#signal);
  }

  /**
   * A view of this context (shared data, metadata and state) whose `signal` is `signal`.
   * A function is called once, on first access of `signal`, so views that never look cost no controller.
   */
  withSignal(signal: AbortSignal | (() => AbortSignal)): HookContext {
    return new HookContext(derive, this, this.hookPoint, signal);
  }

  /**
   * Cuts this view off from its operation, for a hook the executor stopped waiting for (it timed out, or its
   * point ended without it). The operation carries on with copies of `data` (plain objects and arrays copied
   * deeply), `metadata` and `state` (a new map holding the same values); this view keeps the originals, so what
   * the abandoned hook writes from now on — through the view or into objects it already holds — reaches
   * nothing the operation, later hooks or the caller read.
   */
  detach(): void {
    const shared = this.#payload;
    this.#payload = { data: shared.data, metadata: shared.metadata, state: shared.state };
    shared.data = copyPlainData(shared.data);
    shared.metadata = { ...shared.metadata };
    shared.state = new Map(shared.state);
  }
}
