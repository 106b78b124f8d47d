import Bottleneck from 'bottleneck';
import { NO_PERMIT, type Permit } from './permit.js';

/** The group's own idle expiry: only a backstop, the gate drops idle limiters itself. */
const GROUP_IDLE_EXPIRY_MS = 60_000;

export interface QueueGateOptions {
  /** Calls in flight per key; undefined: no cap (the gate then only spaces calls). */
  maxConcurrent: number | undefined;
  /** Least time between the starts of two calls of one key. */
  minTimeMs: number;
  /** A slot not released within this time is given back. */
  permitTimeoutMs: number;
}

/** One key's limiter, pinned while any of its jobs is queued or running. */
interface KeyLimiter {
  readonly limiter: Bottleneck;
  /** Jobs queued or running. */
  outstanding: number;
  /** Jobs queued and not started yet. */
  waiting: number;
  /** When the last job started (`performance.now()` clock). */
  lastStartAt: number;
}

/**
 * Queue mode's waiting room: a `Bottleneck.Group` with one limiter per key spaces calls (`minTime`) and caps
 * calls in flight (`maxConcurrent`). A slot is a Bottleneck job that stays running from the Before point
 * until the permit is released at the After or Error point. Admission (the window count) is not decided
 * here: Bottleneck only decides *when* a call may ask for it.
 */
export class QueueGate {
  readonly #options: QueueGateOptions;
  readonly #holdsSlots: boolean;
  readonly #active = new Map<string, KeyLimiter>();
  #group: Bottleneck.Group | undefined;

  constructor(options: QueueGateOptions) {
    this.#options = options;
    this.#holdsSlots = options.maxConcurrent !== undefined;
  }

  /**
   * Waits up to `waitMs` for a slot of `key`. Resolves with a permit, or with undefined when the wait ran
   * out or `signal` aborted (the queued job then gives its slot back as soon as it starts).
   */
  acquire(key: string, waitMs: number, signal: AbortSignal): Promise<Permit | undefined> {
    if (signal.aborted) return Promise.resolve(undefined);
    const slot = this.#limiterFor(key);
    const { minTimeMs } = this.#options;
    // Jobs ahead of this one start at least minTimeMs apart: a wait that cannot cover them is hopeless, and
    // a job queued anyway would burn a spacing slot when it starts after its caller gave up.
    if (minTimeMs > 0) {
      const now = performance.now();
      const earliestStart = Math.max(now, slot.lastStartAt + minTimeMs) + slot.waiting * minTimeMs;
      if (earliestStart - now > waitMs) {
        this.#settleOutstanding(key, slot);
        return Promise.resolve(undefined);
      }
    }
    slot.waiting += 1;
    return new Promise<Permit | undefined>((resolve) => {
      let settled = false;
      const settle = (permit: Permit | undefined): void => {
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', giveUp);
        resolve(permit);
      };
      const giveUp = (): void => {
        if (!settled) settle(undefined);
      };
      // Not unref'd: the caller is waiting on it.
      const timer = setTimeout(giveUp, waitMs);
      signal.addEventListener('abort', giveUp);
      slot.limiter
        .schedule(() => {
          slot.waiting -= 1;
          slot.lastStartAt = performance.now();
          if (settled) return Promise.resolve();
          if (!this.#holdsSlots) {
            settle(NO_PERMIT);
            return Promise.resolve();
          }
          return new Promise<void>((freeSlot) => settle(this.#holdSlot(freeSlot)));
        })
        .catch(() => {})
        .finally(() => this.#settleOutstanding(key, slot));
    });
  }

  /** Drops every per-key limiter and stops the group's idle sweep. Held permits still release normally. */
  async close(): Promise<void> {
    const group = this.#group;
    this.#group = undefined;
    this.#active.clear();
    if (group === undefined) return;
    // The group's idle sweep is an unref'd setInterval with no public stop; left running it would keep the
    // group (and every limiter) reachable for the life of the process.
    clearInterval((group as unknown as { interval?: ReturnType<typeof setInterval> }).interval);
    await Promise.all(group.keys().map((key) => group.deleteKey(key)));
  }

  #ensureGroup(): Bottleneck.Group {
    if (this.#group === undefined) {
      const { maxConcurrent, minTimeMs } = this.#options;
      this.#group = new Bottleneck.Group({
        maxConcurrent: maxConcurrent ?? null,
        minTime: minTimeMs,
        timeout: Math.max(GROUP_IDLE_EXPIRY_MS, minTimeMs * 2),
      });
    }
    return this.#group;
  }

  #limiterFor(key: string): KeyLimiter {
    let slot = this.#active.get(key);
    if (slot === undefined) {
      // The group may drop an idle limiter while one of its jobs still holds a slot; pinning the limiter
      // here while anything is outstanding keeps every call of a key on the same limiter.
      slot = { limiter: this.#ensureGroup().key(key), outstanding: 0, waiting: 0, lastStartAt: -Infinity };
      this.#active.set(key, slot);
    }
    slot.outstanding += 1;
    return slot;
  }

  #settleOutstanding(key: string, slot: KeyLimiter): void {
    slot.outstanding -= 1;
    if (slot.outstanding !== 0 || this.#active.get(key) !== slot) return;
    this.#active.delete(key);
    // A Bottleneck limiter weighs kilobytes: drop an idle key's limiter as soon as its spacing no longer
    // matters, so 100,000 distinct users cost memory only while their calls are in the gate.
    const { minTimeMs } = this.#options;
    if (minTimeMs === 0) this.#dropIdle(key);
    else setTimeout(() => this.#dropIdle(key), minTimeMs).unref();
  }

  #dropIdle(key: string): void {
    const group = this.#group;
    // Busy again since: it will be dropped when it next goes idle.
    if (group === undefined || this.#active.has(key)) return;
    group.deleteKey(key).catch(() => {});
  }

  #holdSlot(freeSlot: () => void): Permit {
    let held = true;
    const release = (): void => {
      if (!held) return;
      held = false;
      clearTimeout(lease);
      freeSlot();
    };
    // Housekeeping for operations that never reach After or Error: unref'd, nothing waits on it.
    const lease = setTimeout(release, this.#options.permitTimeoutMs).unref();
    return { release };
  }
}
