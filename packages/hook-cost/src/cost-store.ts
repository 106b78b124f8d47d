import type { PeriodRef } from './budget-period.js';

/** Whose totals: a component (agent or tool name) or a user (`metadata.userId`). */
export type CostScope = 'component' | 'user';

/** One priced (or unpriced) call, as the hook hands it to a store. */
export interface UsageRecord {
  /** Unique per call; a store may use it to apply a replayed record only once. */
  id: string;
  component: string;
  userId?: string | undefined;
  /**
   * True when `component` and `userId` are already the names the store keeps (`storedCostName` of the caller's
   * names, see `withStoredNames`): the store keeps them as they are instead of hashing them again. The hook sets
   * it only for a store that declares `takesStoredNames` (on records it kept while the store was down).
   */
  namesStored?: boolean | undefined;
  inputTokens: number;
  outputTokens: number;
  /** Exact cost in pico-dollars; null when the model's price is unknown (counted in `unpricedCalls`). */
  costPicoUsd: bigint | null;
  /** The budget reservation this call settles, if one was made before it. */
  reservationId?: string | undefined;
  /**
   * With renewing budgets: the period the call is charged to (its reservation's, else the record's time). The
   * store adds the call to the period's totals as well as to the lifetime totals, and settles the reservation
   * there.
   */
  period?: PeriodRef | undefined;
}

/** A scope's totals as a store keeps them. */
export interface StoredTotals {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  /** Calls whose model had no known price: their tokens are counted, their cost is not. */
  unpricedCalls: number;
  costPicoUsd: bigint;
}

/** What `record` returns: the totals right after this record was added (atomically). */
export interface RecordOutcome {
  /** False when a store saw this record id before (a replay) and added nothing. */
  applied: boolean;
  component: StoredTotals;
  user?: StoredTotals | undefined;
}

/** One page of a scope's names; `cursor` continues it, undefined after the last page. */
export interface NamesPage {
  names: string[];
  cursor: string | undefined;
}

/** One page of a scope's names with their totals; `cursor` continues it, undefined after the last page. */
export interface TotalsPage {
  entries: [string, StoredTotals][];
  cursor: string | undefined;
}

/** A budget to check before a call. */
export interface BudgetCheck {
  scope: CostScope;
  name: string;
  budgetPicoUsd: bigint;
}

/** A request to admit a call against budgets and hold `amountPicoUsd` of each until it settles. */
export interface ReservationRequest {
  id: string;
  checks: BudgetCheck[];
  /** The estimate held until the call is recorded or released; 0 just checks. */
  amountPicoUsd: bigint;
  /** When an unsettled reservation stops holding budget (a crashed caller never settles). */
  ttlMs: number;
  /** With renewing budgets: the budgets are checked against, and the amount held in, this period's totals. */
  period?: PeriodRef | undefined;
}

/** Admitted (and reserved), or refused naming the first budget that is spent. */
export type ReservationOutcome =
  | { admitted: true }
  | { admitted: false; check: BudgetCheck; committedPicoUsd: bigint };

/**
 * Where totals live. Every method is atomic with respect to the others, also across processes for a
 * shared store: `record` adds to the component's and the user's totals and settles the reservation in
 * one step, and `reserve` checks every budget and reserves in one step.
 */
export interface CostStore {
  record(usage: UsageRecord): Promise<RecordOutcome>;
  reserve(request: ReservationRequest): Promise<ReservationOutcome>;
  /** Drops a reservation (the call failed or was cancelled) without recording anything; `period`: where it is held. */
  release(reservationId: string, component: string, userId?: string, period?: PeriodRef): Promise<void>;
  /** A scope's lifetime totals, or with `period` that period's (empty once the period is no longer kept). */
  totals(scope: CostScope, name: string, period?: PeriodRef): Promise<StoredTotals>;
  /** Every component or user name that has totals (as the store keeps them: see `storedCostName`). */
  names(scope: CostScope): Promise<string[]>;
  /** One page of names from `cursor` (the store's own format; its first page has cursor undefined). Optional. */
  namesPage?(scope: CostScope, cursor?: string, count?: number): Promise<NamesPage>;
  /**
   * One page of names, as the store keeps them, with their lifetime totals (or one period's): what `report()`
   * prefers to `namesPage` and a `totals()` call per name. Optional.
   */
  totalsPage?(scope: CostScope, cursor?: string, count?: number, period?: PeriodRef): Promise<TotalsPage>;
  /**
   * Every name's lifetime totals (or one period's) at once, for a store that holds them in memory: what
   * `report()` prefers to a `totals()` call per name. Optional.
   */
  allTotals?(scope: CostScope, period?: PeriodRef): Promise<Iterable<[string, StoredTotals]>>;
  close(): Promise<void>;
  /**
   * True when the store keeps totals per period (`UsageRecord.period`, `ReservationRequest.period`): required
   * for `budgets.period`. A store that ignores periods would make a renewing budget a lifetime one.
   */
  readonly keepsPeriods?: boolean;
  /**
   * True when `record` honours `UsageRecord.namesStored` (`storedRecordNames` does it). The hook then keeps the
   * records of a store outage with their names in stored form: bounded bytes per record whatever the caller's
   * ids. Without it, pending records keep the names as sent and only the byte bound of the queue limits them.
   */
  readonly takesStoredNames?: boolean;
}

/** Totals of a scope nothing was recorded for. */
export function emptyTotals(): StoredTotals {
  return { calls: 0, inputTokens: 0, outputTokens: 0, unpricedCalls: 0, costPicoUsd: 0n };
}
