import { ConfigIssues, describeValue, HookConfigError } from '@llmspell/core';
import { isRecord } from './is-record.js';

/** Circuit breaker settings, per (hook id, hook point). */
export interface CircuitBreakerConfig {
  /** Failures (throws, rejections, timeouts, invalid results) within `windowMs` that open the circuit. Default 5. */
  failureThreshold?: number;
  /** A call at least this long is slow (fail-open hooks only). Default 100. */
  slowCallMs?: number;
  /** Slow calls within `windowMs` that open the circuit. Default 5. */
  slowCallThreshold?: number;
  /** The sliding window failures and slow calls are counted in. Default 30_000. */
  windowMs?: number;
  /** How long an open circuit skips the hook before it lets probes through. Default 15_000. */
  openMs?: number;
  /** Consecutive successful probes that close a half-open circuit. Default 2. */
  halfOpenSuccesses?: number;
}

/** Where a circuit is: `closed` runs the hook, `open` skips it, `half-open` lets probes through. */
export type CircuitState = 'closed' | 'open' | 'half-open';

const configKeys = [
  'failureThreshold',
  'slowCallMs',
  'slowCallThreshold',
  'windowMs',
  'openMs',
  'halfOpenSuccesses',
] as const;

/** Validates a circuit breaker config and fills its defaults; throws `HookConfigError` listing every bad field. */
export function resolveCircuitBreakerConfig(config: unknown): Required<CircuitBreakerConfig> {
  const issues = new ConfigIssues();
  collectCircuitBreakerIssues(config, issues, '');
  if (issues.issues.length > 0) throw new HookConfigError('CircuitBreakerConfig', issues.issues);
  const {
    failureThreshold = 5,
    slowCallMs = 100,
    slowCallThreshold = 5,
    windowMs = 30_000,
    openMs = 15_000,
    halfOpenSuccesses = 2,
  } = (config ?? {}) as CircuitBreakerConfig;
  return { failureThreshold, slowCallMs, slowCallThreshold, windowMs, openMs, halfOpenSuccesses };
}

/** Adds the problems of `config` to `issues`, with paths under `base`. */
export function collectCircuitBreakerIssues(config: unknown, issues: ConfigIssues, base: string): void {
  if (config === undefined) return;
  if (!isRecord(config)) {
    issues.add(
      base || '/',
      `must be an object of circuit breaker settings or false, got ${describeValue(config)}`,
    );
    return;
  }
  issues.unknownKeys(config, configKeys, base);
  issues.positiveInteger(config, 'failureThreshold', base);
  issues.positiveInteger(config, 'slowCallThreshold', base);
  issues.positiveInteger(config, 'halfOpenSuccesses', base);
  issues.milliseconds(config, 'slowCallMs', { base, max: Number.POSITIVE_INFINITY });
  issues.milliseconds(config, 'windowMs', { base, max: Number.POSITIVE_INFINITY });
  issues.milliseconds(config, 'openMs', { base, max: Number.POSITIVE_INFINITY });
}

/**
 * Counts events in a sliding time window without allocating: it remembers the last `threshold` event times,
 * and the threshold is reached when the oldest of them is still inside the window.
 */
class SlidingCount {
  readonly #times: Float64Array;
  #cursor = 0;
  #size = 0;

  constructor(
    readonly threshold: number,
    readonly windowMs: number,
  ) {
    this.#times = new Float64Array(threshold);
  }

  /** Records an event at `nowMs`; true when `threshold` events now fall within the window. */
  add(nowMs: number): boolean {
    this.#times[this.#cursor] = nowMs;
    this.#cursor = (this.#cursor + 1) % this.threshold;
    if (this.#size < this.threshold) this.#size++;
    return this.#size === this.threshold && nowMs - this.#times[this.#cursor]! <= this.windowMs;
  }

  reset(): void {
    this.#cursor = 0;
    this.#size = 0;
  }
}

/** What a breaker call changed, so the executor can report it. */
export type CircuitTransition = 'opened' | 'closed' | undefined;

/** Why a circuit opened. */
export type CircuitOpenReason = 'failures' | 'slow_calls' | 'probe_failed';

export const CLOSED = 0;
export const OPEN = 1;
export const HALF_OPEN = 2;

/** The breaker of one (hook id, hook point). Times are `performance.now()` milliseconds. */
export class CircuitBreaker {
  /** CLOSED, OPEN or HALF_OPEN; read on every call, so a number. */
  state: number = CLOSED;
  /** Why it last opened. */
  openReason: CircuitOpenReason = 'failures';
  #openUntilMs = 0;
  #probeSuccesses = 0;
  readonly #failures: SlidingCount;
  readonly #slowCalls: SlidingCount;

  constructor(readonly config: Required<CircuitBreakerConfig>) {
    this.#failures = new SlidingCount(config.failureThreshold, config.windowMs);
    this.#slowCalls = new SlidingCount(config.slowCallThreshold, config.windowMs);
  }

  /** The state as a name. */
  get stateName(): CircuitState {
    return this.state === CLOSED ? 'closed' : this.state === OPEN ? 'open' : 'half-open';
  }

  /** Whether a call may run now; an open circuit whose `openMs` has passed turns half-open. */
  allows(nowMs: number): boolean {
    if (this.state !== OPEN) return true;
    if (nowMs < this.#openUntilMs) return false;
    this.state = HALF_OPEN;
    this.#probeSuccesses = 0;
    return true;
  }

  /** A call that neither failed nor was slow. */
  onSuccess(): CircuitTransition {
    if (this.state !== HALF_OPEN) return undefined;
    this.#probeSuccesses++;
    if (this.#probeSuccesses < this.config.halfOpenSuccesses) return undefined;
    this.state = CLOSED;
    this.#failures.reset();
    this.#slowCalls.reset();
    return 'closed';
  }

  /** A call that threw, rejected, timed out or answered garbage. */
  onFailure(nowMs: number): CircuitTransition {
    if (this.state === HALF_OPEN) return this.#open(nowMs, 'probe_failed');
    if (this.#failures.add(nowMs) && this.state === CLOSED) return this.#open(nowMs, 'failures');
    return undefined;
  }

  /** A call of a fail-open hook that took at least `slowCallMs`. */
  onSlowCall(nowMs: number): CircuitTransition {
    if (this.state === HALF_OPEN) return this.#open(nowMs, 'probe_failed');
    if (this.#slowCalls.add(nowMs) && this.state === CLOSED) return this.#open(nowMs, 'slow_calls');
    return undefined;
  }

  #open(nowMs: number, reason: CircuitOpenReason): CircuitTransition {
    this.state = OPEN;
    this.openReason = reason;
    this.#openUntilMs = nowMs + this.config.openMs;
    this.#failures.reset();
    this.#slowCalls.reset();
    return 'opened';
  }
}
