import type { Permit } from './permit.js';

class HeldPermit implements Permit {
  readonly #owner: ConcurrencyLimiter;
  readonly key: string;
  readonly acquiredAt: number;
  released = false;

  constructor(owner: ConcurrencyLimiter, key: string, acquiredAt: number) {
    this.#owner = owner;
    this.key = key;
    this.acquiredAt = acquiredAt;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.#owner.free(this);
  }
}

/** Bounds of the interval between two sweeps of expired permits. */
const MIN_SWEEP_INTERVAL_MS = 100;
const MAX_SWEEP_INTERVAL_MS = 60_000;

/**
 * Reject-mode concurrency cap: at most `maxConcurrent` permits per key in this process, taken and
 * refused synchronously. A permit older than `permitTimeoutMs` is reclaimed when its key is full, and every
 * expired permit is swept by one `unref`'d interval that runs only while permits are held, so operations that
 * never reached their After or Error point (under keys a caller can invent at will) cannot hold memory or a
 * slot for ever. No timer per permit.
 */
export class ConcurrencyLimiter {
  readonly #maxConcurrent: number;
  readonly #permitTimeoutMs: number;
  readonly #held = new Map<string, Set<HeldPermit>>();
  #sweepTimer: ReturnType<typeof setInterval> | undefined;

  constructor(maxConcurrent: number, permitTimeoutMs: number) {
    this.#maxConcurrent = maxConcurrent;
    this.#permitTimeoutMs = permitTimeoutMs;
  }

  /** A permit for `key`, or undefined when `maxConcurrent` are already in flight. */
  tryAcquire(key: string, now: number): Permit | undefined {
    let permits = this.#held.get(key);
    if (permits === undefined) {
      permits = new Set();
      this.#held.set(key, permits);
      if (this.#sweepTimer === undefined) this.#startSweeping();
    } else if (permits.size >= this.#maxConcurrent) {
      this.#reclaimExpired(permits, now);
      if (permits.size >= this.#maxConcurrent) return undefined;
    }
    const permit = new HeldPermit(this, key, now);
    permits.add(permit);
    return permit;
  }

  /** How many permits are held across all keys. */
  get held(): number {
    let total = 0;
    for (const permits of this.#held.values()) total += permits.size;
    return total;
  }

  /** @internal Called by a permit's `release()`. */
  free(permit: HeldPermit): void {
    const permits = this.#held.get(permit.key);
    if (permits === undefined) return;
    permits.delete(permit);
    if (permits.size === 0) this.#held.delete(permit.key);
  }

  /** Forgets every permit (they release as no-ops afterwards) and stops sweeping. */
  close(): void {
    this.#held.clear();
    this.#stopSweeping();
  }

  /** Stops the background sweep; held permits stay, and the sweep starts again with the next new key. */
  stop(): void {
    this.#stopSweeping();
  }

  /** Drops every permit older than `permitTimeoutMs` at `now`, under every key. */
  sweep(now: number): void {
    for (const [key, permits] of this.#held) {
      this.#reclaimExpired(permits, now);
      if (permits.size === 0) this.#held.delete(key);
    }
    if (this.#held.size === 0) this.#stopSweeping();
  }

  #startSweeping(): void {
    const intervalMs = Math.min(
      Math.max(this.#permitTimeoutMs / 2, MIN_SWEEP_INTERVAL_MS),
      MAX_SWEEP_INTERVAL_MS,
    );
    // Housekeeping only: it must not keep an idle process alive.
    this.#sweepTimer = setInterval(() => this.sweep(performance.now()), intervalMs).unref();
  }

  #stopSweeping(): void {
    if (this.#sweepTimer !== undefined) clearInterval(this.#sweepTimer);
    this.#sweepTimer = undefined;
  }

  #reclaimExpired(permits: Set<HeldPermit>, now: number): void {
    const oldest = now - this.#permitTimeoutMs;
    for (const permit of permits) {
      // Insertion order is acquisition order: the first live permit ends the scan.
      if (permit.acquiredAt > oldest) break;
      permit.released = true;
      permits.delete(permit);
    }
  }
}
