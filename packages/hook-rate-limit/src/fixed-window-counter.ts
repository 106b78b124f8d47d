import type { WindowEntry } from './window-entry.js';

/** The least time between two background sweeps of expired windows. */
const MIN_SWEEP_INTERVAL_MS = 1_000;

/**
 * An exact in-process fixed-window counter. Synchronous: the event loop makes each `take` atomic, so
 * exactly `limit` calls per window are admitted under any concurrency, with no promise and no timer per key.
 *
 * The map is kept in window-end order (a renewed window is re-inserted at the back), so expired windows
 * always sit at the front and a sweep stops at the first live one.
 */
export class FixedWindowCounter {
  readonly #windowMs: number;
  readonly #windows = new Map<string, WindowEntry>();
  #sweepTimer: ReturnType<typeof setInterval> | undefined;

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  /** Counts one call for `key` at time `now` (ms, `performance.now()` clock) and returns its window. */
  take(key: string, now: number): WindowEntry {
    let entry = this.#windows.get(key);
    if (entry === undefined || entry.resetAt <= now) {
      if (entry !== undefined) this.#windows.delete(key);
      entry = { count: 0, resetAt: now + this.#windowMs, tokens: 0 };
      this.#windows.set(key, entry);
      if (this.#sweepTimer === undefined) this.#startSweeping();
    }
    entry.count += 1;
    return entry;
  }

  /** How many keys have live (or not yet swept) windows. */
  get size(): number {
    return this.#windows.size;
  }

  /** Forgets every window that ended at or before `now`. */
  sweep(now: number): void {
    for (const [key, entry] of this.#windows) {
      if (entry.resetAt > now) break;
      this.#windows.delete(key);
    }
    if (this.#windows.size === 0) this.#stopSweeping();
  }

  /** Stops the background sweep; the counts stay, and the sweep starts again with the next new window. */
  stop(): void {
    this.#stopSweeping();
  }

  #startSweeping(): void {
    const intervalMs = Math.max(this.#windowMs, MIN_SWEEP_INTERVAL_MS);
    // Idle state must not keep the process alive: the sweep is housekeeping only.
    this.#sweepTimer = setInterval(() => this.sweep(performance.now()), intervalMs).unref();
  }

  #stopSweeping(): void {
    if (this.#sweepTimer !== undefined) clearInterval(this.#sweepTimer);
    this.#sweepTimer = undefined;
  }
}
