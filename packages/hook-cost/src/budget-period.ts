/** How often budgets renew: every calendar day or month (in `budgets.timeZone`), or every `windowMs`. */
export type BudgetPeriod = 'day' | 'month' | { windowMs: number };

/** One period of a renewing budget: where its totals live and when it begins and ends. */
export interface PeriodRef {
  /** `2026-11-30` (day), `2026-11` (month) or the window's start as ISO 8601 (`{ windowMs }`). */
  readonly id: string;
  /** When the period begins (ms since the epoch, inclusive). */
  readonly startMs: number;
  /** When it ends (exclusive): the next period begins. */
  readonly endMs: number;
  /** Until when a store keeps its totals: two period lengths after its end, so the last period stays readable. */
  readonly keepUntilMs: number;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/**
 * The periods of one `budgets.period` in one time zone. The period of an instant is computed once and reused
 * until it ends, so the hot path is a comparison.
 */
export class BudgetCalendar {
  readonly #period: BudgetPeriod;
  readonly #format: Intl.DateTimeFormat | undefined;
  #current: PeriodRef | undefined;

  /** Throws a `RangeError` when `timeZone` is not an IANA time zone name. */
  constructor(period: BudgetPeriod, timeZone = 'UTC') {
    this.#period = period;
    this.#format =
      typeof period === 'object'
        ? undefined
        : new Intl.DateTimeFormat('en-US', {
            timeZone,
            hourCycle: 'h23',
            year: 'numeric',
            month: 'numeric',
            day: 'numeric',
            hour: 'numeric',
            minute: 'numeric',
            second: 'numeric',
          });
  }

  /** The period `atMs` falls in. */
  at(atMs: number): PeriodRef {
    const current = this.#current;
    if (current !== undefined && atMs >= current.startMs && atMs < current.endMs) return current;
    const found = this.#compute(atMs);
    // Only the newest period is cached: a late call for an older instant is computed, not cached.
    if (current === undefined || found.startMs >= current.startMs) this.#current = found;
    return found;
  }

  #compute(atMs: number): PeriodRef {
    const period = this.#period;
    if (typeof period === 'object') {
      const startMs = Math.floor(atMs / period.windowMs) * period.windowMs;
      const endMs = startMs + period.windowMs;
      return ref(new Date(startMs).toISOString(), startMs, endMs);
    }
    const { year, month, day } = this.#wallClock(atMs);
    if (period === 'day') {
      const startMs = this.#localMidnight(year, month, day);
      const next = new Date(Date.UTC(year, month - 1, day + 1));
      const endMs = this.#localMidnight(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate());
      return ref(`${pad(year, 4)}-${pad(month)}-${pad(day)}`, startMs, endMs);
    }
    const startMs = this.#localMidnight(year, month, 1);
    const next = new Date(Date.UTC(year, month, 1));
    const endMs = this.#localMidnight(next.getUTCFullYear(), next.getUTCMonth() + 1, 1);
    return ref(`${pad(year, 4)}-${pad(month)}`, startMs, endMs);
  }

  /** The date and time on the zone's wall clock at `atMs`. */
  #wallClock(atMs: number) {
    const fields: Record<string, number> = {};
    for (const part of this.#format!.formatToParts(atMs)) {
      if (part.type !== 'literal') fields[part.type] = Number(part.value);
    }
    return {
      year: fields.year!,
      month: fields.month!,
      day: fields.day!,
      hour: fields.hour!,
      minute: fields.minute!,
      second: fields.second!,
    };
  }

  /** How far the zone's wall clock is ahead of UTC at `atMs`, in ms. */
  #offsetMs(atMs: number): number {
    const wall = this.#wallClock(atMs);
    const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
    return asUtc - Math.floor(atMs / 1000) * 1000;
  }

  /** The instant the zone's clock shows 00:00 on that date (the first instant of the day, across DST shifts). */
  #localMidnight(year: number, month: number, day: number): number {
    const wallMidnight = Date.UTC(year, month - 1, day);
    let guess = wallMidnight - this.#offsetMs(wallMidnight);
    // Once more with the offset in force at the guess, which differs when a DST shift lies in between.
    guess = wallMidnight - this.#offsetMs(guess);
    return guess;
  }
}

function ref(id: string, startMs: number, endMs: number): PeriodRef {
  return Object.freeze({ id, startMs, endMs, keepUntilMs: endMs + 2 * Math.max(endMs - startMs, 1) });
}
