import { randomUUID } from 'node:crypto';
import { estimateTokens, type HookContext, HookResult, type Logger } from '@llmspell/core';
import type { BudgetCalendar, PeriodRef } from './budget-period.js';
import type { BudgetCheck, CostStore } from './cost-store.js';
import { parseUsd, picoToUsd } from './money.js';
import type { PriceBook } from './price-book.js';
import { callCost } from './service-tiers.js';
import { reportStoreError } from './store-error-report.js';
import { stringField } from './token-usage.js';

/** Options of `BudgetGate`, already validated and defaulted by the hook. */
export interface BudgetGateOptions {
  store: CostStore;
  prices: PriceBook;
  /** A component's budget in pico-dollars; undefined for none. */
  componentBudgetPicoUsd: bigint | undefined;
  /** A user's budget in pico-dollars; undefined for none. */
  userBudgetPicoUsd: bigint | undefined;
  reservationTtlMs: number;
  onStoreError: 'allow' | 'deny';
  logger: Logger;
  /** The periods of renewing budgets; undefined for lifetime budgets. */
  calendar: BudgetCalendar | undefined;
}

/** What an admitted call carries to its After or Error point: the budget it holds and its period. */
export interface Reservation {
  id: string;
  component: string;
  userId: string | undefined;
  /** Whether an amount is held under `id` (a call without an estimate only checks). */
  holds: boolean;
  /** With renewing budgets: the period the call was admitted in, which it is charged to. */
  period: PeriodRef | undefined;
}

const RESERVATION_KEY = 'cost-tracker:reservation';

/**
 * Admits a call only when its component's and user's budgets have room for its estimated cost, and holds
 * that estimate (a reservation, kept in `context.state`) until the call is recorded or released.
 */
export class BudgetGate {
  readonly #options: BudgetGateOptions;

  constructor(options: BudgetGateOptions) {
    this.#options = options;
  }

  /** False when no budget is configured: every call is admitted without asking the store. */
  get enabled(): boolean {
    return (
      this.#options.componentBudgetPicoUsd !== undefined || this.#options.userBudgetPicoUsd !== undefined
    );
  }

  /** `continue` with the estimate reserved, or `cancel` naming the spent budget. */
  async admit(context: HookContext): Promise<HookResult> {
    const { componentBudgetPicoUsd, userBudgetPicoUsd } = this.#options;
    const component = context.componentId.name;
    const userId = context.metadata.userId || undefined;
    const checks: BudgetCheck[] = [];
    if (componentBudgetPicoUsd !== undefined) {
      checks.push({ scope: 'component', name: component, budgetPicoUsd: componentBudgetPicoUsd });
    }
    if (userBudgetPicoUsd !== undefined && userId !== undefined) {
      checks.push({ scope: 'user', name: userId, budgetPicoUsd: userBudgetPicoUsd });
    }
    if (checks.length === 0) return HookResult.continue();
    const estimate = this.#estimate(context);
    if (typeof estimate === 'string') {
      context.metrics.increment('cost_budget_rejections', 1, { scope: 'estimate' });
      return HookResult.cancel(`Budget check refused: metadata.maxCostUsd ${estimate}`);
    }
    // A reservation never exceeds the budget it is checked against: however large a caller's estimate, it
    // holds at most that budget while the call runs, so it cannot lock other callers out beyond it.
    let amountPicoUsd = estimate;
    for (const check of checks) if (amountPicoUsd > check.budgetPicoUsd) amountPicoUsd = check.budgetPicoUsd;
    const id = randomUUID();
    const period = this.#options.calendar?.at(Date.now());
    try {
      const outcome = await this.#options.store.reserve({
        id,
        checks,
        amountPicoUsd,
        ttlMs: this.#options.reservationTtlMs,
        period,
      });
      if (!outcome.admitted) {
        const { check, committedPicoUsd } = outcome;
        context.emitEvent('cost.budget_exceeded', {
          scope: check.scope,
          name: check.name,
          budgetUsd: picoToUsd(check.budgetPicoUsd),
          spentUsd: picoToUsd(committedPicoUsd),
          ...(period === undefined ? {} : { period: period.id }),
        });
        context.metrics.increment('cost_budget_rejections', 1, { scope: check.scope });
        return HookResult.cancel('Budget exceeded');
      }
    } catch (error) {
      reportStoreError(context, this.#options.logger, 'reserve', error);
      return this.#options.onStoreError === 'deny'
        ? HookResult.cancel('Budget check failed: the cost store did not answer')
        : HookResult.continue();
    }
    if (amountPicoUsd > 0n || period !== undefined) {
      const reservation: Reservation = { id, component, userId, holds: amountPicoUsd > 0n, period };
      context.state.set(RESERVATION_KEY, reservation);
    }
    return HookResult.continue();
  }

  /** The call's reservation, removed from its context so that it is settled once. */
  take(context: HookContext): Reservation | undefined {
    const reservation = context.state.get(RESERVATION_KEY) as Reservation | undefined;
    if (reservation) context.state.delete(RESERVATION_KEY);
    return reservation;
  }

  /** Drops a reservation without recording anything (a failed, cancelled or uncharged call). */
  async release(context: HookContext, reservation: Reservation): Promise<void> {
    if (!reservation.holds) return;
    const { id, component, userId, period } = reservation;
    try {
      await this.#options.store.release(id, component, userId, period);
    } catch (error) {
      // The reservation expires by itself after reservationTtlMs.
      reportStoreError(context, this.#options.logger, 'release', error);
    }
  }

  /** Releases the reservation of a call that failed (AgentError / ToolError). */
  async releaseFailed(context: HookContext): Promise<HookResult> {
    const reservation = this.take(context);
    if (reservation) await this.release(context, reservation);
    return HookResult.continue();
  }

  /**
   * `metadata.maxCostUsd`, else the cost of `estimateTokens(data)` (needs a requested maximum output); a
   * string saying what is wrong when `metadata.maxCostUsd` is not a USD amount (parsed in linear time, within
   * core's decimal bounds: `'1e99999999999'` is refused at once).
   */
  #estimate(context: HookContext): bigint | string {
    const maxCostUsd = context.metadata.maxCostUsd;
    if (maxCostUsd !== undefined) {
      const parsed = parseUsd(maxCostUsd);
      return parsed.ok ? parsed.value : parsed.problem;
    }
    const { data } = context;
    const model = stringField(data.model);
    if (model === undefined) return 0n;
    const pricing = this.#options.prices.resolve(model, stringField(data.provider));
    if (!pricing) return 0n;
    const estimate = estimateTokens(data);
    // Without a requested maximum output the cost is unbounded: the check sees money already spent.
    if (estimate.output === 0) return 0n;
    const terms = { atMs: Date.now(), serviceTier: stringField(data.serviceTier) };
    return callCost(pricing, estimate, terms) ?? 0n;
  }
}
