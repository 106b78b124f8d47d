import { approximateSize, truncateValue } from './bounded-value.js';
import type { ComponentId } from './component-id.js';
import { ConfigIssues } from './config-issues.js';
import type { HookPoint } from './hook-point.js';
import { compilePattern } from './pattern.js';

/** Something that happened inside a hook or the executor. */
export interface HookEvent {
  type: string;
  payload: unknown;
  correlationId?: string;
  componentId?: ComponentId;
  hookPoint?: HookPoint;
  timestamp: Date;
  /** Set by `EventBus` when it cut the payload down to `maxPayloadBytes`. */
  truncated?: true;
}

/** Where hook events go; `EventBus` is the built-in one. */
export interface EventSink {
  publish(event: HookEvent): void;
}

/** Options of `EventBus`. */
export interface EventBusOptions {
  /** How many recent events `query()` can see (a ring buffer). Default 10_000; 0 keeps none. */
  capacity?: number;
  /**
   * The largest payload kept and delivered whole, in approximate bytes (a string counts its length, any
   * other value 8). A larger payload is replaced by a truncated copy and the event is marked `truncated`;
   * the event itself is always kept. Default 8_192.
   */
  maxPayloadBytes?: number;
  /** The most the history may hold, in the same approximate bytes; the oldest events go first. Default 16 MiB. */
  maxHistoryBytes?: number;
  /** Called when a subscriber throws or rejects. Default: a process warning. */
  onSubscriberError?: (error: unknown, event: HookEvent) => void;
}

/** What an event costs beyond its payload, in the same approximate bytes. */
const EVENT_OVERHEAD = 128;
/** A longer correlation id is cut to this many characters. */
const MAX_CORRELATION_ID = 256;

interface Subscription {
  readonly matches: (type: string) => boolean;
  readonly handler: (event: HookEvent) => unknown;
}

function warnSubscriberError(error: unknown, event: HookEvent): void {
  const message = error instanceof Error ? error.message : String(error);
  process.emitWarning(
    `An EventBus subscriber threw on '${event.type}': ${message}`,
    'LlmspellEventBusWarning',
  );
}

/**
 * In-process publish/subscribe for hook events, with wildcard patterns and a bounded history.
 * A throwing (or rejecting) subscriber never breaks `publish` or the other subscribers.
 */
export class EventBus implements EventSink {
  readonly #capacity: number;
  readonly #onSubscriberError: (error: unknown, event: HookEvent) => void;
  readonly #maxPayloadBytes: number;
  readonly #maxHistoryBytes: number;
  readonly #buffer: (HookEvent | undefined)[];
  /** The approximate size of each recorded event, by buffer slot. */
  readonly #sizes: Float64Array;
  #historyBytes = 0;
  #next = 0;
  #size = 0;
  #subscriptions: readonly Subscription[] = [];

  constructor(options: EventBusOptions = {}) {
    const issues = new ConfigIssues();
    const given = issues.object(options);
    issues
      .unknownKeys(given, ['capacity', 'maxPayloadBytes', 'maxHistoryBytes', 'onSubscriberError'])
      .nonNegativeInteger(given, 'capacity')
      .positiveInteger(given, 'maxPayloadBytes')
      .positiveInteger(given, 'maxHistoryBytes')
      .function(given, 'onSubscriberError')
      .throwIfAny('EventBus');
    const {
      capacity = 10_000,
      maxPayloadBytes = 8_192,
      maxHistoryBytes = 16 * 1024 * 1024,
      onSubscriberError = warnSubscriberError,
    } = given as EventBusOptions;
    this.#capacity = capacity;
    this.#maxPayloadBytes = maxPayloadBytes;
    this.#maxHistoryBytes = maxHistoryBytes;
    this.#onSubscriberError = onSubscriberError;
    this.#buffer = new Array(capacity);
    this.#sizes = new Float64Array(capacity);
  }

  /**
   * Records the event and hands it to every matching subscriber, synchronously. A payload over
   * `maxPayloadBytes` is replaced by a truncated copy first (subscribers and `query()` see the same event).
   */
  publish(published: HookEvent): void {
    let event = published;
    const limit = this.#maxPayloadBytes;
    let size = approximateSize(event.payload, limit);
    const { correlationId } = event;
    if (size > limit || (typeof correlationId === 'string' && correlationId.length > MAX_CORRELATION_ID)) {
      event = this.#truncated(event);
      size = approximateSize(event.payload, Number.POSITIVE_INFINITY);
    }
    if (this.#capacity > 0) this.#record(event, size + EVENT_OVERHEAD);
    for (const subscription of this.#subscriptions) {
      if (!subscription.matches(event.type)) continue;
      try {
        const returned = subscription.handler(event);
        if (returned instanceof Promise) returned.catch((error) => this.#report(error, event));
      } catch (error) {
        this.#report(error, event);
      }
    }
  }

  /** Calls `handler` for every future event whose type matches `pattern`; returns the unsubscribe function. */
  subscribe(pattern: string, handler: (event: HookEvent) => void | Promise<void>): () => void {
    const subscription: Subscription = { matches: compilePattern(pattern), handler };
    // Copy on write: publish() iterates a snapshot, so (un)subscribing inside a handler is safe.
    this.#subscriptions = [...this.#subscriptions, subscription];
    return () => {
      this.#subscriptions = this.#subscriptions.filter((existing) => existing !== subscription);
    };
  }

  /** Recorded events whose type matches `pattern`, oldest first, optionally by correlation id and time. */
  query(pattern: string, filter: { correlationId?: string; since?: Date } = {}): HookEvent[] {
    const matches = compilePattern(pattern);
    const { correlationId, since } = filter;
    const sinceMs = since?.getTime();
    const found: HookEvent[] = [];
    const start = (this.#next - this.#size + this.#capacity) % Math.max(this.#capacity, 1);
    for (let offset = 0; offset < this.#size; offset++) {
      const event = this.#buffer[(start + offset) % this.#capacity]!;
      if (!matches(event.type)) continue;
      if (correlationId !== undefined && event.correlationId !== correlationId) continue;
      if (sinceMs !== undefined && event.timestamp.getTime() < sinceMs) continue;
      found.push(event);
    }
    return found;
  }

  /** Forgets the recorded history (subscriptions stay). */
  clear(): void {
    this.#buffer.fill(undefined);
    this.#sizes.fill(0);
    this.#historyBytes = 0;
    this.#next = 0;
    this.#size = 0;
  }

  #record(event: HookEvent, size: number): void {
    const capacity = this.#capacity;
    if (this.#size === capacity) this.#dropOldest();
    this.#buffer[this.#next] = event;
    this.#sizes[this.#next] = size;
    this.#historyBytes += size;
    this.#next = (this.#next + 1) % capacity;
    this.#size++;
    // The newest event always stays: a payload is at most maxPayloadBytes.
    while (this.#historyBytes > this.#maxHistoryBytes && this.#size > 1) this.#dropOldest();
  }

  #dropOldest(): void {
    const oldest = (this.#next - this.#size + this.#capacity) % this.#capacity;
    this.#buffer[oldest] = undefined;
    this.#historyBytes -= this.#sizes[oldest]!;
    this.#sizes[oldest] = 0;
    this.#size--;
  }

  #truncated(event: HookEvent): HookEvent {
    const bounded: HookEvent = {
      ...event,
      payload: truncateValue(event.payload, this.#maxPayloadBytes),
      truncated: true,
    };
    const { correlationId } = event;
    if (typeof correlationId === 'string' && correlationId.length > MAX_CORRELATION_ID) {
      bounded.correlationId = `${correlationId.slice(0, MAX_CORRELATION_ID)}…`;
    }
    return bounded;
  }

  #report(error: unknown, event: HookEvent): void {
    try {
      this.#onSubscriberError(error, event);
    } catch {
      // The error reporter itself failed; publishing must still go on.
    }
  }
}
