import type { PeriodRef } from './budget-period.js';
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
  reservations: Map<string, Reservation>;
}

interface PeriodLedger extends Ledger {
  keepUntilMs: number;
}

interface Account extends Ledger {
  /** Ledgers of renewing-budget periods by period id; a period is dropped once it is no longer kept. */
  periods: Map<string, PeriodLedger>;
}

function ledger(): Ledger {
  return { totals: emptyTotals(), reservedPicoUsd: 0n, reservations: new Map() };
}

/** Totals in this process's memory: the default store. Exact (bigint) and atomic (no awaits inside). */
export class MemoryCostStore implements CostStore {
  readonly keepsPeriods = true;
  readonly #accounts: Record<CostScope, Map<string, Account>> = { component: new Map(), user: new Map() };

  async record(usage: UsageRecord): Promise<RecordOutcome> {
    const component = this.#add(this.#account('component', usage.component), usage);
    const user =
      usage.userId === undefined ? undefined : this.#add(this.#account('user', usage.userId), usage);
    return { applied: true, component, user };
  }

  async reserve(request: ReservationRequest): Promise<ReservationOutcome> {
    const now = Date.now();
    const ledgers = request.checks.map((check) =>
      this.#ledger(this.#account(check.scope, check.name), request.period, now),
    );
    for (const [index, target] of ledgers.entries()) {
      this.#expire(target, now);
      const check = request.checks[index]!;
      const committedPicoUsd = target.totals.costPicoUsd + target.reservedPicoUsd;
      if (committedPicoUsd >= check.budgetPicoUsd) return { admitted: false, check, committedPicoUsd };
    }
    if (request.amountPicoUsd > 0n) {
      for (const target of ledgers) {
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
    this.#settle(this.#held(this.#accounts.component.get(component), period), reservationId);
    if (userId !== undefined)
      this.#settle(this.#held(this.#accounts.user.get(userId), period), reservationId);
  }

  async totals(scope: CostScope, name: string, period?: PeriodRef): Promise<StoredTotals> {
    const totals = this.#held(this.#accounts[scope].get(name), period)?.totals;
    return totals ? { ...totals } : emptyTotals();
  }

  async names(scope: CostScope): Promise<string[]> {
    return [...this.#accounts[scope].keys()].filter(
      (name) => this.#accounts[scope].get(name)!.totals.calls > 0,
    );
  }

  async close(): Promise<void> {}

  #account(scope: CostScope, name: string): Account {
    let account = this.#accounts[scope].get(name);
    if (!account) {
      account = { ...ledger(), periods: new Map() };
      this.#accounts[scope].set(name, account);
    }
    return account;
  }

  /** The ledger a reservation or record of `period` goes to (the lifetime one without a period). */
  #ledger(account: Account, period: PeriodRef | undefined, now: number): Ledger {
    if (period === undefined) return account;
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
    return account.periods.get(period.id);
  }

  #add(account: Account, usage: UsageRecord): StoredTotals {
    const charged = this.#ledger(account, usage.period, Date.now());
    if (usage.reservationId !== undefined) this.#settle(charged, usage.reservationId);
    addTo(account.totals, usage);
    if (charged !== account) addTo(charged.totals, usage);
    return { ...account.totals };
  }

  #settle(target: Ledger | undefined, reservationId: string): void {
    const reservation = target?.reservations.get(reservationId);
    if (!target || !reservation) return;
    target.reservations.delete(reservationId);
    target.reservedPicoUsd -= reservation.amountPicoUsd;
  }

  #expire(target: Ledger, now: number): void {
    for (const [id, reservation] of target.reservations) {
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
