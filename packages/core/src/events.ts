import type { ComponentId } from './component-id.js';
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
}

/** Where hook events go; `EventBus` is the built-in one. */
export interface EventSink {
  publish(event: HookEvent): void;
}

/** Options of `EventBus`. */
export interface EventBusOptions {
  /** How many recent events `query()` can see (a ring buffer). Default 10_000; 0 keeps none. */
  capacity?: number;
  /** Called when a subscriber throws or rejects. Default: a process warning. */
  onSubscriberError?: (error: unknown, event: HookEvent) => void;
}

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
  readonly #buffer: (HookEvent | undefined)[];
  #next = 0;
  #size = 0;
  #subscriptions: readonly Subscription[] = [];

  constructor(options: EventBusOptions = {}) {
    const { capacity = 10_000, onSubscriberError = warnSubscriberError } = options;
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new RangeError(`EventBus capacity must be a non-negative integer, got ${capacity}`);
    }
    this.#capacity = capacity;
    this.#onSubscriberError = onSubscriberError;
    this.#buffer = new Array(capacity);
  }

  /** Records the event and hands it to every matching subscriber, synchronously. */
  publish(event: HookEvent): void {
    if (this.#capacity > 0) {
      this.#buffer[this.#next] = event;
      this.#next = (this.#next + 1) % this.#capacity;
      if (this.#size < this.#capacity) this.#size++;
    }
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
    this.#next = 0;
    this.#size = 0;
  }

  #report(error: unknown, event: HookEvent): void {
    try {
      this.#onSubscriberError(error, event);
    } catch {
      // The error reporter itself failed; publishing must still go on.
    }
  }
}
