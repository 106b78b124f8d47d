import { randomUUID } from 'node:crypto';
import {
  consoleLogger,
  type Hook,
  type HookContext,
  type HookMetadata,
  HookPoint,
  HookResult,
  type Logger,
} from '@llmspell/core';
import type {
  BudgetCheck,
  CostScope,
  CostStore,
  RecordOutcome,
  StoredTotals,
  UsageRecord,
} from './cost-store.js';
import { type CostTrackingHookOptions, validateCostTrackingOptions } from './cost-tracking-hook-options.js';
import { MemoryCostStore } from './memory-cost-store.js';
import { picoToUsd, usdToPico } from './money.js';
import { costOf, PriceBook, type TokenCounts } from './price-book.js';
import { RedisCostStore } from './redis-cost-store.js';
import { type AlertDelivery, type ThresholdAlert, WebhookAlerter } from './webhook-alerter.js';

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
}

/** What the hook writes to `context.data.cost` after a call. */
export interface CallCost {
  /** This call's cost in USD; null when the model's price is unknown (never a silent 0). */
  sessionCost: number | null;
  /** The component's total in USD after this call; null when the store could not be reached. */
  totalCost: number | null;
  model: string | null;
}

/** Which totals `totals()` and `report()` read. */
export interface TotalsQuery {
  /** 'component' (default) or 'user' (`metadata.userId`). */
  scope?: CostScope;
}

interface Reservation {
  id: string;
  component: string;
  userId: string | undefined;
}

interface PendingRecord {
  usage: UsageRecord;
  model: string | undefined;
  context: HookContext;
}

const RESERVATION_KEY = 'cost-tracker:reservation';
const MAX_WARNED_MODELS = 1_000;

function isCostStore(value: unknown): value is CostStore {
  const candidate = value as Partial<CostStore>;
  return (
    typeof candidate.record === 'function' &&
    typeof candidate.reserve === 'function' &&
    typeof candidate.totals === 'function'
  );
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function readTokens(value: unknown): TokenCounts | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const { input = 0, output = 0, cachedInput } = value as Record<string, unknown>;
  if (!isCount(input) || !isCount(output)) return undefined;
  return isCount(cachedInput) ? { input, output, cachedInput } : { input, output };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The longest a call of this hook waits for its store, with margin (see `metadata()`). */
const STORE_WAIT_BOUND_MS = 3_000;

/**
 * Tracks what LLM calls cost, exactly (integer pico-dollars), per component and per user; alerts once
 * when a component crosses `alertThresholdUsd`; enforces budgets before calls. Register it at
 * AfterAgentExecution (and AfterToolExecution for tools that report usage); with `budgets`, also at
 * BeforeAgentExecution and AgentError.
 */
export class CostTrackingHook implements Hook {
  readonly id = 'cost-tracker';
  readonly #prices: PriceBook;
  readonly #store: CostStore;
  readonly #ownsStore: boolean;
  readonly #thresholdPicoUsd: bigint | undefined;
  readonly #thresholdUsd: number | undefined;
  readonly #alerter: WebhookAlerter | undefined;
  readonly #componentBudgetPicoUsd: bigint | undefined;
  readonly #userBudgetPicoUsd: bigint | undefined;
  readonly #reservationTtlMs: number;
  readonly #onStoreError: 'allow' | 'deny';
  readonly #logger: Logger;
  readonly #maxPendingRecords: number;
  readonly #warnedModels = new Set<string>();
  readonly #pending: PendingRecord[] = [];
  #replaying: Promise<void> | undefined;

  constructor(options: CostTrackingHookOptions = {}) {
    validateCostTrackingOptions(options);
    const {
      modelRates = {},
      alertThresholdUsd,
      webhookUrl,
      webhookTimeoutMs = 5_000,
      webhookMaxAttempts = 3,
      webhookRetryDelayMs = 500,
      store,
      budgets = {},
      reservationTtlMs = 600_000,
      onStoreError = 'allow',
      logger = consoleLogger('warn'),
      maxPendingRecords = 10_000,
    } = options;
    this.#prices = new PriceBook(modelRates);
    if (store === undefined) {
      this.#store = new MemoryCostStore();
      this.#ownsStore = true;
    } else if (isCostStore(store)) {
      this.#store = store;
      this.#ownsStore = false;
    } else {
      this.#store = new RedisCostStore(store);
      this.#ownsStore = true;
    }
    this.#thresholdUsd = alertThresholdUsd;
    this.#thresholdPicoUsd = alertThresholdUsd === undefined ? undefined : usdToPico(alertThresholdUsd);
    this.#alerter =
      webhookUrl === undefined
        ? undefined
        : new WebhookAlerter({
            url: webhookUrl,
            timeoutMs: webhookTimeoutMs,
            maxAttempts: webhookMaxAttempts,
            retryDelayMs: webhookRetryDelayMs,
          });
    this.#componentBudgetPicoUsd =
      budgets.perComponentUsd === undefined ? undefined : usdToPico(budgets.perComponentUsd);
    this.#userBudgetPicoUsd = budgets.perUserUsd === undefined ? undefined : usdToPico(budgets.perUserUsd);
    this.#reservationTtlMs = reservationTtlMs;
    this.#onStoreError = onStoreError;
    this.#logger = logger;
    this.#maxPendingRecords = maxPendingRecords;
  }

  metadata(): HookMetadata {
    return {
      name: 'CostTrackingHook',
      description: 'Exact token-cost tracking with threshold alerts and budgets',
      tags: ['cost', 'budget'],
      failurePolicy: 'open',
      // Store calls are bounded by the store's own timeouts (a RedisCostStore: connect 2 s, commands 0.5 s) and
      // a failed write is kept and replayed. The executor must not abandon a bounded wait, nor count it as a
      // slow call: an open circuit would skip the hook and those calls would never be charged.
      timeoutMs: STORE_WAIT_BOUND_MS,
      slowCallMs: STORE_WAIT_BOUND_MS,
    };
  }

  /** Records waiting for the store to answer again (kept after a store error, replayed in order). */
  get pendingRecords(): number {
    return this.#pending.length;
  }

  execute(context: HookContext): HookResult | Promise<HookResult> {
    switch (context.hookPoint) {
      case HookPoint.AfterAgentExecution:
      case HookPoint.AfterToolExecution:
        return this.#charge(context);
      case HookPoint.BeforeAgentExecution:
      case HookPoint.BeforeToolExecution:
        return this.#componentBudgetPicoUsd === undefined && this.#userBudgetPicoUsd === undefined
          ? HookResult.continue()
          : this.#admit(context);
      case HookPoint.AgentError:
      case HookPoint.ToolError:
        return this.#releaseReservation(context);
      default:
        return HookResult.continue();
    }
  }

  /** A component's totals (or a user's, with `{ scope: 'user' }`). */
  async totals(name: string, query: TotalsQuery = {}): Promise<CostTotals> {
    return this.#present(await this.#store.totals(query.scope ?? 'component', name));
  }

  /** Every component's totals keyed by name (or every user's, with `{ scope: 'user' }`). */
  async report(query: TotalsQuery = {}): Promise<Record<string, CostTotals>> {
    const scope = query.scope ?? 'component';
    const names = await this.#store.names(scope);
    const entries = await Promise.all(
      names.map(async (name) => [name, await this.totals(name, { scope })] as const),
    );
    return Object.fromEntries(entries);
  }

  /** Waits for alerts in flight and tries once more to write records kept during a store outage. */
  async flush(): Promise<void> {
    await this.#replay();
    await this.#alerter?.flush();
  }

  /** `flush()`, then closes the store when the hook created it (a store or client you passed stays open). */
  async close(): Promise<void> {
    await this.flush();
    if (this.#ownsStore) await this.#store.close();
  }

  async onUnregister(): Promise<void> {
    await this.close();
  }

  async #admit(context: HookContext): Promise<HookResult> {
    const component = context.componentId.name;
    const userId = context.metadata.userId || undefined;
    const checks: BudgetCheck[] = [];
    if (this.#componentBudgetPicoUsd !== undefined) {
      checks.push({ scope: 'component', name: component, budgetPicoUsd: this.#componentBudgetPicoUsd });
    }
    if (this.#userBudgetPicoUsd !== undefined && userId !== undefined) {
      checks.push({ scope: 'user', name: userId, budgetPicoUsd: this.#userBudgetPicoUsd });
    }
    if (checks.length === 0) return HookResult.continue();
    const amountPicoUsd = this.#estimate(context);
    const id = randomUUID();
    try {
      const outcome = await this.#store.reserve({ id, checks, amountPicoUsd, ttlMs: this.#reservationTtlMs });
      if (!outcome.admitted) {
        const { check, committedPicoUsd } = outcome;
        context.emitEvent('cost.budget_exceeded', {
          scope: check.scope,
          name: check.name,
          budgetUsd: picoToUsd(check.budgetPicoUsd),
          spentUsd: picoToUsd(committedPicoUsd),
        });
        context.metrics.increment('cost_budget_rejections', 1, { scope: check.scope });
        return HookResult.cancel('Budget exceeded');
      }
    } catch (error) {
      this.#reportStoreError(context, 'reserve', error);
      return this.#onStoreError === 'deny'
        ? HookResult.cancel('Budget check failed: the cost store did not answer')
        : HookResult.continue();
    }
    if (amountPicoUsd > 0n) {
      const reservation: Reservation = { id, component, userId };
      context.state.set(RESERVATION_KEY, reservation);
    }
    return HookResult.continue();
  }

  /** `metadata.maxCostUsd`, else `data.maxTokens` output tokens plus at most one token per input byte. */
  #estimate(context: HookContext): bigint {
    const maxCostUsd = context.metadata.maxCostUsd;
    if (maxCostUsd !== undefined) {
      const pico = usdToPico(maxCostUsd);
      if (pico !== undefined) return pico;
      this.#logger.warn({ maxCostUsd }, 'metadata.maxCostUsd is not a non-negative USD amount; ignored');
    }
    const { maxTokens, model, input } = context.data;
    if (!isCount(maxTokens) || typeof model !== 'string') return 0n;
    const price = this.#prices.resolve(model);
    if (!price) return 0n;
    const text =
      input !== null && typeof input === 'object' && typeof (input as { text?: unknown }).text === 'string'
        ? (input as { text: string }).text
        : typeof input === 'string'
          ? input
          : (JSON.stringify(input) ?? '');
    return costOf(price, { input: Buffer.byteLength(text), output: maxTokens });
  }

  async #releaseReservation(context: HookContext): Promise<HookResult> {
    const reservation = this.#takeReservation(context);
    if (reservation) await this.#release(context, reservation);
    return HookResult.continue();
  }

  #takeReservation(context: HookContext): Reservation | undefined {
    const reservation = context.state.get(RESERVATION_KEY) as Reservation | undefined;
    if (reservation) context.state.delete(RESERVATION_KEY);
    return reservation;
  }

  async #release(context: HookContext, reservation: Reservation): Promise<void> {
    try {
      await this.#store.release(reservation.id, reservation.component, reservation.userId);
    } catch (error) {
      // The reservation expires by itself after reservationTtlMs.
      this.#reportStoreError(context, 'release', error);
    }
  }

  async #charge(context: HookContext): Promise<HookResult> {
    const { data } = context;
    const component = context.componentId.name;
    const reservation = this.#takeReservation(context);
    const model = typeof data.model === 'string' && data.model !== '' ? data.model : undefined;
    if (data.cached === true) {
      if (reservation) await this.#release(context, reservation);
      context.metrics.increment('cost_cached_calls');
      data.cost = { sessionCost: 0, totalCost: await this.#componentTotalUsd(context), model: model ?? null };
      return HookResult.continue();
    }
    const tokens = readTokens(data.tokensUsed);
    if (!tokens) {
      if (reservation) await this.#release(context, reservation);
      if (data.tokensUsed !== undefined) {
        this.#logger.warn(
          { component, tokensUsed: data.tokensUsed },
          'data.tokensUsed must be { input, output } with non-negative integers; call not charged',
        );
      }
      return HookResult.continue();
    }
    const price = model === undefined ? undefined : this.#prices.resolve(model);
    const costPicoUsd = price ? costOf(price, tokens) : null;
    if (!price) this.#reportUnknownModel(context, model, tokens);
    const usage: UsageRecord = {
      id: randomUUID(),
      component,
      userId: context.metadata.userId || undefined,
      inputTokens: tokens.input,
      outputTokens: tokens.output,
      costPicoUsd,
      reservationId: reservation?.id,
    };
    let totals: StoredTotals | undefined;
    try {
      const outcome = await this.#store.record(usage);
      totals = outcome.component;
      this.#afterRecord(outcome, usage, model, context);
      if (this.#pending.length > 0) void this.#replay();
    } catch (error) {
      this.#reportStoreError(context, 'record', error);
      this.#keepPending({ usage, model, context });
    }
    context.metrics.increment('cost_calls', 1, { model: price?.model ?? 'unknown' });
    context.metrics.increment('cost_input_tokens', tokens.input);
    context.metrics.increment('cost_output_tokens', tokens.output);
    if (costPicoUsd !== null) context.metrics.observe('cost_usd', picoToUsd(costPicoUsd));
    const cost: CallCost = {
      sessionCost: costPicoUsd === null ? null : picoToUsd(costPicoUsd),
      totalCost: totals ? picoToUsd(totals.costPicoUsd) : null,
      model: model ?? null,
    };
    data.cost = cost;
    return HookResult.continue();
  }

  async #componentTotalUsd(context: HookContext): Promise<number | null> {
    try {
      return picoToUsd((await this.#store.totals('component', context.componentId.name)).costPicoUsd);
    } catch (error) {
      this.#reportStoreError(context, 'totals', error);
      return null;
    }
  }

  #afterRecord(
    outcome: RecordOutcome,
    usage: UsageRecord,
    model: string | undefined,
    context: HookContext,
  ): void {
    const threshold = this.#thresholdPicoUsd;
    if (!outcome.applied || threshold === undefined || usage.costPicoUsd === null) return;
    const after = outcome.component.costPicoUsd;
    const before = after - usage.costPicoUsd;
    // The store adds atomically, so exactly one record (in any process) sees the total step over.
    if (!(before <= threshold && after > threshold)) return;
    const totalCost = picoToUsd(after);
    const details = {
      component: usage.component,
      totalCost,
      threshold: this.#thresholdUsd!,
      model: model ?? null,
    };
    context.emitEvent('cost.threshold_exceeded', details);
    context.metrics.increment('cost_threshold_exceeded');
    this.#logger.warn(details, 'Cost threshold exceeded');
    if (!this.#alerter) return;
    const alert: ThresholdAlert = {
      message: `Cost threshold exceeded for ${usage.component}: $${totalCost} > $${details.threshold}`,
      details,
      timestamp: new Date().toISOString(),
    };
    this.#alerter.send(alert, (delivery) => this.#onDelivery(delivery, details, context));
  }

  #onDelivery(delivery: AlertDelivery, details: ThresholdAlert['details'], context: HookContext): void {
    if (delivery.delivered) {
      context.metrics.increment('cost_alerts_delivered');
      return;
    }
    context.metrics.increment('cost_alert_failures');
    context.emitEvent('cost.alert_failed', {
      ...details,
      attempts: delivery.attempts,
      error: delivery.error,
    });
    this.#logger.warn(
      { ...details, attempts: delivery.attempts, error: delivery.error },
      'Cost alert webhook failed; check webhookUrl',
    );
  }

  #reportUnknownModel(context: HookContext, model: string | undefined, tokens: TokenCounts): void {
    const name = model ?? null;
    context.emitEvent('cost.unknown_model', {
      model: name,
      component: context.componentId.name,
      inputTokens: tokens.input,
      outputTokens: tokens.output,
    });
    context.metrics.increment('cost_unknown_model');
    const key = model ?? '';
    if (this.#warnedModels.has(key)) return;
    if (this.#warnedModels.size >= MAX_WARNED_MODELS) this.#warnedModels.clear();
    this.#warnedModels.add(key);
    this.#logger.warn(
      { model: name, component: context.componentId.name },
      model === undefined
        ? 'No data.model on a call with token usage; tokens counted, cost unknown'
        : `No price for model '${model}'; tokens counted, cost unknown. Add it to modelRates`,
    );
  }

  #reportStoreError(context: HookContext, operation: string, error: unknown): void {
    context.metrics.increment('cost_store_errors', 1, { operation });
    context.emitEvent('cost.store_error', { operation, error: describe(error) });
    this.#logger.warn({ operation, error: describe(error) }, 'Cost store failed; the call goes on');
  }

  #keepPending(record: PendingRecord): void {
    if (this.#maxPendingRecords === 0) return;
    this.#pending.push(record);
    if (this.#pending.length > this.#maxPendingRecords) {
      this.#pending.shift();
      record.context.metrics.increment('cost_records_dropped');
      this.#logger.warn(
        { maxPendingRecords: this.#maxPendingRecords },
        'Too many records waiting for the cost store; the oldest was dropped',
      );
    }
  }

  /** Writes pending records in order until the store fails again. One replay at a time. */
  #replay(): Promise<void> {
    this.#replaying ??= (async () => {
      try {
        while (this.#pending.length > 0) {
          const next = this.#pending[0]!;
          let outcome: RecordOutcome;
          try {
            outcome = await this.#store.record(next.usage);
          } catch {
            return;
          }
          this.#pending.shift();
          this.#afterRecord(outcome, next.usage, next.model, next.context);
        }
      } finally {
        this.#replaying = undefined;
      }
    })();
    return this.#replaying;
  }

  #present(totals: StoredTotals): CostTotals {
    return { ...totals, costUsd: picoToUsd(totals.costPicoUsd) };
  }
}
