import type { Logger } from '@llmspell/core';

/** Causes remembered for throttling; an older cause forgotten is logged again as new, never dropped. */
const MAX_CAUSES = 64;

/** Strips what varies between two reports of one cause (slot numbers, ports, durations). */
function causeKey(cause: string): string {
  return cause.replace(/\d+/g, '#').slice(0, 200);
}

interface CauseState {
  lastLoggedAtMs: number;
  suppressed: number;
}

/**
 * Logs Redis failures at most once per `intervalMs` per cause; the first report of a cause not seen (or not
 * seen within the interval) is always written at once, with the number of repeats suppressed before it.
 */
export class ThrottledLog {
  readonly #logger: Logger;
  readonly #intervalMs: number;
  readonly #causes = new Map<string, CauseState>();

  constructor(logger: Logger, intervalMs: number) {
    this.#logger = logger;
    this.#intervalMs = intervalMs;
  }

  /** Logs `message` with `fields` (which carry `error: cause`) unless this cause was logged within the interval. */
  warn(cause: string, fields: Record<string, unknown>, message: string): void {
    const key = causeKey(cause);
    const now = performance.now();
    const state = this.#causes.get(key);
    if (state !== undefined && now - state.lastLoggedAtMs < this.#intervalMs) {
      state.suppressed += 1;
      return;
    }
    const suppressed = state?.suppressed ?? 0;
    this.#causes.delete(key);
    this.#causes.set(key, { lastLoggedAtMs: now, suppressed: 0 });
    if (this.#causes.size > MAX_CAUSES) this.#causes.delete(this.#causes.keys().next().value!);
    this.#logger.warn(
      suppressed > 0 ? { ...fields, error: cause, suppressed } : { ...fields, error: cause },
      message,
    );
  }
}
