import type { PeriodRef } from './budget-period.js';
import { storedCostName, storedRecordNames } from './cost-name.js';
import {
  type CostScope,
  type CostStore,
  emptyTotals,
  type RecordOutcome,
  type ReservationOutcome,
  type ReservationRequest,
  type StoredTotals,
  type UsageRecord,
} from './cost-store.js';

interface Reservation {
  amountPicoUsd: bigint;
  expiresAtMs: number;
}

/** Totals and the reservations held against them: a scope's lifetime, or one period of it. */
interface Ledger {
  totals: StoredTotals;
  reservedPicoUsd: bigint;
  /** Made on the first reservation and dropped with the last: most ledgers never hold one. */
  reservations: Map<string, Reservation> | undefined;
}

interface PeriodLedger extends Ledger {
  keepUntilMs: number;
}

interface Account extends Ledger {
  /** Ledgers of renewing-budget periods by period id; a period is dropped once it is no longer kept. */
  periods: Map<string, PeriodLedger> | undefined;
}

function ledger(): Ledger {
  return { totals: emptyTotals(), reservedPicoUsd: 0n, reservations: undefined };
}

/** A ledger that was never charged and holds nothing: it need not be kept. */
function isIdle(target: Ledger): boolean {
  return target.totals.calls === 0 && target.reservations === undefined;
}

/**
 * Totals in this process's memory: the default store. Exact (bigint) and atomic (no awaits inside).
 *
 * Totals are kept for the life of the store: about 200 bytes per component or user with lifetime totals
 * (measured on Node 20 with one million users), plus the periods of renewing budgets that are still kept. A
 * budget check keeps nothing once its reservation settles, so callers cannot grow the store with made-up user
 * ids they never spend under. For an unbounded population of users, use a `RedisCostStore`. A name longer than
 * 256 characters (or one beginning with `sha256:`) is kept, and listed by `names()` and `allTotals()`, as
 * `sha256:<hex>` (see `storedCostName`); `totals()` and budgets take the name itself.
 */
export class MemoryCostStore implements CostStore {
  readonly keepsPeriods = true;
  readonly takesStoredNames = true;
  readonly #accounts: Record<CostScope, Map<string, Account>> = { component: new Map(), user: new Map() };

  async record(usage: UsageRecord): Promise<RecordOutcome> {
    const names = storedRecordNames(usage);
    const component = this.#add(this.#account('component', names.component), usage);
    const user =
      names.userId === undefined ? undefined : this.#add(this.#account('user', names.userId), usage);
    return { applied: true, component, user };
  }

  async reserve(request: ReservationRequest): Promise<ReservationOutcome> {
    const now = Date.now();
    const names = request.checks.map((check) => storedCostName(check.name));
    // Checked without creating anything: a check alone must not grow the store.
    for (const [index, check] of request.checks.entries()) {
      const account = this.#accounts[check.scope].get(names[index]!);
      const target = this.#held(account, request.period);
      if (account === undefined || target === undefined) continue;
      this.#expire(target, now);
      const committedPicoUsd = target.totals.costPicoUsd + target.reservedPicoUsd;
      if (committedPicoUsd >= check.budgetPicoUsd) return { admitted: false, check, committedPicoUsd };
    }
    if (request.amountPicoUsd > 0n) {
      for (const [index, check] of request.checks.entries()) {
        const target = this.#ledger(this.#account(check.scope, names[index]!), request.period, now);
        target.reservations ??= new Map();
        target.reservations.set(request.id, {
          amountPicoUsd: request.amountPicoUsd,
          expiresAtMs: now + request.ttlMs,
        });
        target.reservedPicoUsd += request.amountPicoUsd;
      }
    }
    return { admitted: true };
  }

  async release(
    reservationId: string,
    component: string,
    userId?: string,
    period?: PeriodRef,
  ): Promise<void> {
    this.#release('component', storedCostName(component), reservationId, period);
    if (userId !== undefined) this.#release('user', storedCostName(userId), reservationId, period);
  }

  async totals(scope: CostScope, name: string, period?: PeriodRef): Promise<StoredTotals> {
    const totals = this.#held(this.#accounts[scope].get(storedCostName(name)), period)?.totals;
    return totals ? { ...totals } : emptyTotals();
  }

  /** Every name with totals, as stored: `sha256:<hex>` for a name longer than 256 characters. */
  async names(scope: CostScope): Promise<string[]> {
    const names: string[] = [];
    for (const [name, account] of this.#accounts[scope]) if (account.totals.calls > 0) names.push(name);
    return names;
  }

  /**
   * Every name's lifetime totals, or one period's, in one pass (what `report()` reads). The totals are the
   * store's own objects, not copies: read them before the next write, and never change them.
   */
  async allTotals(scope: CostScope, period?: PeriodRef): Promise<Iterable<[string, StoredTotals]>> {
    return this.#withTotals(scope, period);
  }

  async close(): Promise<void> {}

  *#withTotals(scope: CostScope, period: PeriodRef | undefined): Generator<[string, StoredTotals]> {
    for (const [name, account] of this.#accounts[scope]) {
      if (account.totals.calls === 0) continue;
      const totals = this.#held(account, period)?.totals;
      if (totals !== undefined && totals.calls > 0) yield [name, totals];
    }
  }

  #account(scope: CostScope, name: string): Account {
    let account = this.#accounts[scope].get(name);
    if (!account) {
      account = { ...ledger(), periods: undefined };
      this.#accounts[scope].set(name, account);
    }
    return account;
  }

  /** The ledger a reservation or record of `period` goes to (the lifetime one without a period). */
  #ledger(account: Account, period: PeriodRef | undefined, now: number): Ledger {
    if (period === undefined) return account;
    account.periods ??= new Map();
    let found = account.periods.get(period.id);
    if (!found) {
      for (const [id, old] of account.periods) if (old.keepUntilMs <= now) account.periods.delete(id);
      found = { ...ledger(), keepUntilMs: period.keepUntilMs };
      account.periods.set(period.id, found);
    }
    return found;
  }

  /** The ledger that holds `period`'s reservations and totals, if it exists. */
  #held(account: Account | undefined, period: PeriodRef | undefined): Ledger | undefined {
    if (account === undefined || period === undefined) return account;
    return account.periods?.get(period.id);
  }

  #release(scope: CostScope, name: string, reservationId: string, period: PeriodRef | undefined): void {
    const account = this.#accounts[scope].get(name);
    const target = this.#held(account, period);
    if (account === undefined || target === undefined) return;
    this.#settle(target, reservationId);
    this.#forgetIfIdle(scope, name, account, period);
  }

  /** Drops what only ever held reservations: an idle period ledger, then an idle account without periods. */
  #forgetIfIdle(scope: CostScope, name: string, account: Account, period: PeriodRef | undefined): void {
    if (period !== undefined && account.periods !== undefined) {
      const target = account.periods.get(period.id);
      if (target !== undefined && isIdle(target)) account.periods.delete(period.id);
      if (account.periods.size === 0) account.periods = undefined;
    }
    if (isIdle(account) && account.periods === undefined) this.#accounts[scope].delete(name);
  }

  #add(account: Account, usage: UsageRecord): StoredTotals {
    const charged = this.#ledger(account, usage.period, Date.now());
    if (usage.reservationId !== undefined) this.#settle(charged, usage.reservationId);
    addTo(account.totals, usage);
    if (charged !== account) addTo(charged.totals, usage);
    return { ...account.totals };
  }

  #settle(target: Ledger, reservationId: string): void {
    const reservation = target.reservations?.get(reservationId);
    if (reservation === undefined) return;
    target.reservations!.delete(reservationId);
    target.reservedPicoUsd -= reservation.amountPicoUsd;
    if (target.reservations!.size === 0) target.reservations = undefined;
  }

  #expire(target: Ledger, now: number): void {
    const reservations = target.reservations;
    if (reservations === undefined) return;
    for (const [id, reservation] of reservations) {
      if (reservation.expiresAtMs <= now) this.#settle(target, id);
    }
  }
}

function addTo(totals: StoredTotals, usage: UsageRecord): void {
  totals.calls += 1;
  totals.inputTokens += usage.inputTokens;
  totals.outputTokens += usage.outputTokens;
  if (usage.costPicoUsd === null) totals.unpricedCalls += 1;
  else totals.costPicoUsd += usage.costPicoUsd;
}
