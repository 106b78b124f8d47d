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

/**
 * Reject-mode concurrency cap: at most `maxConcurrent` permits per key in this process, taken and
 * refused synchronously. A permit older than `permitTimeoutMs` is reclaimed when a key is full, so an
 * operation that never reached its After or Error point cannot hold a slot for ever; no timer per permit.
 */
export class ConcurrencyLimiter {
  readonly #maxConcurrent: number;
  readonly #permitTimeoutMs: number;
  readonly #held = new Map<string, Set<HeldPermit>>();

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

  /** Forgets every permit (they release as no-ops afterwards). */
  close(): void {
    this.#held.clear();
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
