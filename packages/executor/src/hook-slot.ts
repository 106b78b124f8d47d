import { type HookMetadata, type HookPoint, HookResult, MAX_TIMER_MS } from '@llmspell/core';
import { CircuitBreaker, type CircuitBreakerConfig } from './circuit-breaker.js';
import { type HookStats, percentile } from './hook-stats.js';

/** How many recent measured durations each hook keeps for its percentiles. */
const RESERVOIR_SIZE = 256;

/** Entries of a reservoir at its first measurement; it doubles as measurements arrive, up to `RESERVOIR_SIZE`. */
const FIRST_RESERVOIR_SIZE = 16;

/** A call that took at least this long is timed every time afterwards (the clock read is noise next to it). */
const ALWAYS_TIME_ABOVE_MS = 1;

/**
 * Everything the executor keeps per (hook id, hook point): counters, recent durations, the circuit breaker
 * and the settings read from the hook's metadata. Lives across re-registrations of the same id.
 */
export class HookSlot {
  readonly labels: Readonly<Record<string, string>>;
  readonly breaker: CircuitBreaker | undefined;
  /** Why an open circuit skips the hook. */
  readonly skipReason: string;
  /** The `skipped` result an open circuit answers with. */
  readonly skipResult: HookResult;
  timeoutMs: number;
  /** `metadata().slowCallMs`, when the hook gives a usable one; else the breaker's own threshold applies. */
  slowCallMs: number | undefined;
  failOpen = true;
  #calls = 0;
  #failures = 0;
  #timeouts = 0;
  #skips = 0;
  #timedCalls = 0;
  /** Calls left until the next sampled (timed) sync call; the first call is timed. */
  #untilSample = 1;
  /** Time every call: the last measured call was slow or went async. */
  #alwaysTime = false;
  /** The latest measured duration: the estimate recorded for calls that were not timed. */
  lastDurationMs = 0;
  // Most slots are timed one call in `timingSampleInterval`, or never run: a full 2 KB reservoir per slot up
  // front was most of the executor's memory per hook.
  #durations: Float64Array | undefined;
  #durationCount = 0;
  #warnedTimeout = false;

  constructor(
    readonly hookId: string,
    readonly hookPoint: HookPoint,
    defaultTimeoutMs: number,
    breakerConfig: Required<CircuitBreakerConfig> | undefined,
  ) {
    this.labels = Object.freeze({ hookId, hookPoint });
    this.breaker = breakerConfig ? new CircuitBreaker(breakerConfig) : undefined;
    this.skipReason = `Circuit breaker open for hook: ${hookId}`;
    this.skipResult = HookResult.skipped(this.skipReason);
    this.timeoutMs = defaultTimeoutMs;
  }

  /**
   * Reads the hook's timeout and failure policy from its registered metadata. Returns a warning when
   * `metadata.timeoutMs` is unusable (the default applies instead).
   */
  configure(metadata: Readonly<HookMetadata>, defaultTimeoutMs: number): string | undefined {
    this.failOpen = metadata.failurePolicy !== 'closed';
    const { timeoutMs, slowCallMs } = metadata;
    this.slowCallMs = typeof slowCallMs === 'number' && slowCallMs > 0 ? slowCallMs : undefined;
    if (timeoutMs === undefined) {
      this.timeoutMs = defaultTimeoutMs;
      return undefined;
    }
    if (typeof timeoutMs === 'number' && timeoutMs > 0 && timeoutMs <= MAX_TIMER_MS) {
      this.timeoutMs = timeoutMs;
      return undefined;
    }
    this.timeoutMs = defaultTimeoutMs;
    if (this.#warnedTimeout) return undefined;
    this.#warnedTimeout = true;
    return (
      `Hook '${this.hookId}' has metadata().timeoutMs ${String(timeoutMs)}, which is not a positive number of ` +
      `at most ${MAX_TIMER_MS} ms; using the executor default of ${defaultTimeoutMs} ms`
    );
  }

  /**
   * Counts a call that is about to start and says whether to time it: always once a call was slow or went
   * async, when `forced` (a half-open circuit's probe), else one call in `sampleInterval`.
   */
  beginCall(sampleInterval: number, forced: boolean): boolean {
    this.#calls++;
    if (this.#alwaysTime || forced) return true;
    if (--this.#untilSample > 0) return false;
    this.#untilSample = sampleInterval;
    return true;
  }

  /** Counts a call that threw, rejected or answered garbage (`'failed'`), or was abandoned at its deadline. */
  countFailure(kind: 'failed' | 'timeout'): void {
    if (kind === 'timeout') this.#timeouts++;
    else this.#failures++;
  }

  /** Counts a call skipped because the circuit was open. */
  countSkip(): void {
    this.#skips++;
  }

  /** Records a measured duration. */
  observe(durationMs: number, wentAsync: boolean): void {
    this.#timedCalls++;
    this.lastDurationMs = durationMs;
    this.#alwaysTime = wentAsync || durationMs >= ALWAYS_TIME_ABOVE_MS;
    const count = this.#durationCount;
    let durations = this.#durations;
    if (durations === undefined || (count === durations.length && count < RESERVOIR_SIZE)) {
      durations = this.#growReservoir(durations);
    }
    durations[count % RESERVOIR_SIZE] = durationMs;
    this.#durationCount = count + 1;
  }

  /** A reservoir twice the size of `current` (capped), holding its entries in the same places. */
  #growReservoir(current: Float64Array | undefined): Float64Array {
    const size = current === undefined ? FIRST_RESERVOIR_SIZE : Math.min(current.length * 2, RESERVOIR_SIZE);
    const grown = new Float64Array(size);
    if (current !== undefined) grown.set(current);
    this.#durations = grown;
    return grown;
  }

  stats(): HookStats {
    const recent = (this.#durations ?? new Float64Array(0))
      .slice(0, Math.min(this.#durationCount, RESERVOIR_SIZE))
      .sort();
    return {
      hookId: this.hookId,
      hookPoint: this.hookPoint,
      calls: this.#calls,
      failures: this.#failures,
      timeouts: this.#timeouts,
      skips: this.#skips,
      timedCalls: this.#timedCalls,
      p50Ms: percentile(recent, 0.5),
      p95Ms: percentile(recent, 0.95),
      p99Ms: percentile(recent, 0.99),
      circuitState: this.breaker?.stateName ?? 'closed',
    };
  }
}
