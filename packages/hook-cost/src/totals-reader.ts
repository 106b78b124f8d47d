import type { BudgetCalendar, PeriodRef } from './budget-period.js';
import type { CostScope, CostStore, StoredTotals } from './cost-store.js';
import { CostQueryError } from './errors/cost-query-error.js';
import { picoToUsd } from './money.js';

/** A scope's totals as the hook reports them: USD converted once, at the end, from the exact integer. */
export interface CostTotals {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  /** Calls whose model had no known price: their tokens are counted, their cost is not. */
  unpricedCalls: number;
  /** The exact total in pico-dollars (1e-12 USD). */
  costPicoUsd: bigint;
  /** `costPicoUsd` in USD (the nearest double). */
  costUsd: number;
  /** With a `period` query: the period these totals are of. */
  period?: TotalsPeriod;
}

/** The period a `totals()` answer covers. */
export interface TotalsPeriod {
  /** `2026-11-30` (day), `2026-11` (month) or the window's start (`{ windowMs }`). */
  id: string;
  /** When it begins, ISO 8601 (UTC). */
  start: string;
  /** When it ends (exclusive), ISO 8601 (UTC). */
  end: string;
}

/** Names whose totals `report()` reads at once. */
const REPORT_PAGE_SIZE = 1_000;

/** Which totals `totals()` and `report()` read. */
export interface TotalsQuery {
  /** 'component' (default) or 'user' (`metadata.userId`). */
  scope?: CostScope;
  /**
   * With `budgets.period`: the totals of one period, `'current'` or the one containing an instant (a `Date` or
   * ms since the epoch); the current and the previous period are kept. Default: lifetime totals.
   */
  period?: 'current' | Date | number;
}

/** Reads totals out of a store for `totals()` and `report()`: lifetime, or of one period of renewing budgets. */
export class TotalsReader {
  readonly #store: CostStore;
  readonly #calendar: BudgetCalendar | undefined;

  constructor(store: CostStore, calendar: BudgetCalendar | undefined) {
    this.#store = store;
    this.#calendar = calendar;
  }

  /** A component's totals (or a user's, with `{ scope: 'user' }`). */
  async totals(name: string, query: TotalsQuery = {}): Promise<CostTotals> {
    const period = this.#periodOf(query);
    return this.#present(await this.#store.totals(query.scope ?? 'component', name, period), period);
  }

  /** Every component's totals keyed by name (or every user's, with `{ scope: 'user' }`). */
  async report(query: TotalsQuery = {}): Promise<Record<string, CostTotals>> {
    const scope = query.scope ?? 'component';
    const period = this.#periodOf(query);
    const store = this.#store;
    if (store.allTotals !== undefined) {
      const report: Record<string, CostTotals> = {};
      for (const [name, totals] of await store.allTotals(scope, period)) {
        // Defined, not assigned: a user named '__proto__' is a key like any other.
        Object.defineProperty(report, name, {
          value: this.#present(totals, period),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return report;
    }
    const entries: [string, CostTotals][] = [];
    if (store.totalsPage !== undefined) {
      // Names as stored with their totals, a page at a time: a stored `sha256:` name is not hashed again.
      let cursor: string | undefined;
      do {
        const page = await store.totalsPage(scope, cursor, REPORT_PAGE_SIZE, period);
        for (const [name, totals] of page.entries) entries.push([name, this.#present(totals, period)]);
        cursor = page.cursor;
      } while (cursor !== undefined);
      return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    const add = async (names: string[]) => {
      // One page of names at a time, so a store with any number of names never gets them all at once.
      const totals = await Promise.all(names.map((name) => store.totals(scope, name, period)));
      for (let index = 0; index < names.length; index++) {
        entries.push([names[index]!, this.#present(totals[index]!, period)]);
      }
    };
    if (store.namesPage === undefined) {
      const names = await store.names(scope);
      for (let start = 0; start < names.length; start += REPORT_PAGE_SIZE) {
        await add(names.slice(start, start + REPORT_PAGE_SIZE));
      }
      return Object.fromEntries(entries);
    }
    let cursor: string | undefined;
    do {
      const page = await store.namesPage(scope, cursor, REPORT_PAGE_SIZE);
      await add(page.names);
      cursor = page.cursor;
    } while (cursor !== undefined);
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  #present(totals: StoredTotals, period?: PeriodRef): CostTotals {
    const { calls, inputTokens, outputTokens, unpricedCalls, costPicoUsd } = totals;
    const presented: CostTotals = {
      calls,
      inputTokens,
      outputTokens,
      unpricedCalls,
      costPicoUsd,
      costUsd: picoToUsd(costPicoUsd),
    };
    if (period !== undefined) {
      presented.period = {
        id: period.id,
        start: new Date(period.startMs).toISOString(),
        end: new Date(period.endMs).toISOString(),
      };
    }
    return presented;
  }

  /** The period a query asks for, or undefined for lifetime totals. */
  #periodOf(query: TotalsQuery): PeriodRef | undefined {
    const { period } = query;
    if (period === undefined) return undefined;
    if (this.#calendar === undefined) {
      throw new CostQueryError(
        'Totals per period need budgets.period; without it only lifetime totals are kept',
      );
    }
    const atMs = period === 'current' ? Date.now() : period instanceof Date ? period.getTime() : period;
    if (typeof atMs !== 'number' || !Number.isFinite(atMs)) {
      throw new CostQueryError(
        `period must be 'current', a valid Date or ms since the epoch, got ${String(period)}`,
      );
    }
    return this.#calendar.at(atMs);
  }
}
