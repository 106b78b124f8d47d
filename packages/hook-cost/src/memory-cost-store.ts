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

interface Account {
  totals: StoredTotals;
  reservedPicoUsd: bigint;
  reservations: Map<string, Reservation>;
}

/** Totals in this process's memory: the default store. Exact (bigint) and atomic (no awaits inside). */
export class MemoryCostStore implements CostStore {
  readonly #accounts: Record<CostScope, Map<string, Account>> = { component: new Map(), user: new Map() };

  async record(usage: UsageRecord): Promise<RecordOutcome> {
    const component = this.#add(this.#account('component', usage.component), usage);
    const user =
      usage.userId === undefined ? undefined : this.#add(this.#account('user', usage.userId), usage);
    return { applied: true, component, user };
  }

  async reserve(request: ReservationRequest): Promise<ReservationOutcome> {
    const now = Date.now();
    const accounts = request.checks.map((check) => this.#account(check.scope, check.name));
    for (const [index, account] of accounts.entries()) {
      this.#expire(account, now);
      const check = request.checks[index]!;
      const committedPicoUsd = account.totals.costPicoUsd + account.reservedPicoUsd;
      if (committedPicoUsd >= check.budgetPicoUsd) return { admitted: false, check, committedPicoUsd };
    }
    if (request.amountPicoUsd > 0n) {
      for (const account of accounts) {
        account.reservations.set(request.id, {
          amountPicoUsd: request.amountPicoUsd,
          expiresAtMs: now + request.ttlMs,
        });
        account.reservedPicoUsd += request.amountPicoUsd;
      }
    }
    return { admitted: true };
  }

  async release(reservationId: string, component: string, userId?: string): Promise<void> {
    this.#settle(this.#accounts.component.get(component), reservationId);
    if (userId !== undefined) this.#settle(this.#accounts.user.get(userId), reservationId);
  }

  async totals(scope: CostScope, name: string): Promise<StoredTotals> {
    const totals = this.#accounts[scope].get(name)?.totals;
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
      account = { totals: emptyTotals(), reservedPicoUsd: 0n, reservations: new Map() };
      this.#accounts[scope].set(name, account);
    }
    return account;
  }

  #add(account: Account, usage: UsageRecord): StoredTotals {
    if (usage.reservationId !== undefined) this.#settle(account, usage.reservationId);
    const { totals } = account;
    totals.calls += 1;
    totals.inputTokens += usage.inputTokens;
    totals.outputTokens += usage.outputTokens;
    if (usage.costPicoUsd === null) totals.unpricedCalls += 1;
    else totals.costPicoUsd += usage.costPicoUsd;
    return { ...totals };
  }

  #settle(account: Account | undefined, reservationId: string): void {
    const reservation = account?.reservations.get(reservationId);
    if (!account || !reservation) return;
    account.reservations.delete(reservationId);
    account.reservedPicoUsd -= reservation.amountPicoUsd;
  }

  #expire(account: Account, now: number): void {
    for (const [id, reservation] of account.reservations) {
      if (reservation.expiresAtMs <= now) this.#settle(account, id);
    }
  }
}
