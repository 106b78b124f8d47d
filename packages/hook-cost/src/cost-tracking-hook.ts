import { randomUUID } from 'node:crypto';
import {
  consoleLogger,
  estimateUsedTokens,
  type Hook,
  type HookContext,
  type HookMetadata,
  HookPoint,
  HookResult,
  type Logger,
} from '@llmspell/core';
import { BudgetGate } from './budget-gate.js';
import { BudgetCalendar } from './budget-period.js';
import type { CostStore, RecordOutcome, StoredTotals, UsageRecord } from './cost-store.js';
import { type CostTrackingHookOptions, validateCostTrackingOptions } from './cost-tracking-hook-options.js';
import { MemoryCostStore } from './memory-cost-store.js';
import type { PriceSource } from './model-pricing.js';
import { picoToUsd, usdToPico } from './money.js';
import { PendingRecords } from './pending-records.js';
import { PriceBook } from './price-book.js';
import { RedisCostStore } from './redis-cost-store.js';
import { callCost } from './service-tiers.js';
import { reportStoreError } from './store-error-report.js';
import { ThresholdAlerts } from './threshold-alerts.js';
import type { TokenCounts } from './token-rates.js';
import { readTokens, stringField } from './token-usage.js';
import { type CostTotals, type TotalsQuery, TotalsReader } from './totals-reader.js';
import { UnknownModelReport } from './unknown-model-report.js';

/** What the hook writes to `context.data.cost` after a call. */
export interface CallCost {
  /** This call's cost in USD; null when the model's price is unknown (never a silent 0). */
  sessionCost: number | null;
  /** The component's total in USD after this call; null when the store could not be reached. */
  totalCost: number | null;
  model: string | null;
  /**
   * True when the call's usage is an estimate: a stream that ended early (aborted, cancelled) before the provider
   * reported usage is charged for its prompt and the text it released (see the README). Absent otherwise.
   */
  estimated?: true;
}

/** Marks a call charged at After, so that a cleanup Error point of the same call does not charge it again. */
const CHARGED_KEY = 'cost-tracker:charged';

/** A call to price with `hook.price()`. */
export interface CallToPrice {
  /** The model name, as a call reports it in `data.model`. */
  model: string;
  /** Token counts, as in `data.tokensUsed`. */
  tokensUsed: TokenCounts;
  /** The provider id, as in `data.provider` (`openai`, `anthropic.messages` …). Default: found from the name. */
  provider?: string;
  /** As in `data.serviceTier`. Default: the standard tier. */
  serviceTier?: string;
  /** When the call ran: the price in force then applies. Default: now. */
  at?: Date | number;
}

/** What `hook.price()` answers for a priced call. */
export interface CallPrice {
  /** The exact cost in pico-dollars (1e-12 USD). */
  costPicoUsd: bigint;
  /** `costPicoUsd` in USD (the nearest double). */
  costUsd: number;
  /** The price entry the model name resolved to. */
  model: string;
  /** Where the price came from: your `modelRates`, the pinned `defaultPriceTable`, or the catalog. */
  source: PriceSource;
}

function isCostStore(value: unknown): value is CostStore {
  const candidate = value as Partial<CostStore>;
  return (
    typeof candidate.record === 'function' &&
    typeof candidate.reserve === 'function' &&
    typeof candidate.totals === 'function'
  );
}

/** The longest a call of this hook waits for its store, with margin (see `metadata()`). */
const STORE_WAIT_BOUND_MS = 3_000;

/**
 * Tracks what LLM calls cost, exactly (integer pico-dollars), per component and per user; alerts once
 * when a component crosses `alertThresholdUsd`; enforces budgets before calls. Register it at
 * AfterAgentExecution (and AfterToolExecution for tools that report usage); with `budgets`, also at
 * BeforeAgentExecution and AgentError.
 *
 * This class routes hook points and charges calls; the budget gate, threshold alerts and the replay of
 * records kept during a store outage each live in their own module.
 */
export class CostTrackingHook implements Hook {
  readonly id = 'cost-tracker';
  readonly #prices: PriceBook;
  readonly #store: CostStore;
  readonly #ownsStore: boolean;
  readonly #budgets: BudgetGate;
  readonly #calendar: BudgetCalendar | undefined;
  readonly #reader: TotalsReader;
  readonly #alerts: ThresholdAlerts | undefined;
  readonly #pending: PendingRecords;
  readonly #unknownModels: UnknownModelReport;
  readonly #logger: Logger;

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
    this.#logger = logger;
    this.#calendar =
      budgets.period === undefined ? undefined : new BudgetCalendar(budgets.period, budgets.timeZone);
    this.#reader = new TotalsReader(this.#store, this.#calendar);
    this.#budgets = new BudgetGate({
      store: this.#store,
      prices: this.#prices,
      componentBudgetPicoUsd:
        budgets.perComponentUsd === undefined ? undefined : usdToPico(budgets.perComponentUsd),
      userBudgetPicoUsd: budgets.perUserUsd === undefined ? undefined : usdToPico(budgets.perUserUsd),
      calendar: this.#calendar,
      reservationTtlMs,
      onStoreError,
      logger,
    });
    this.#alerts =
      alertThresholdUsd === undefined
        ? undefined
        : new ThresholdAlerts({
            thresholdUsd: alertThresholdUsd,
            webhook:
              webhookUrl === undefined
                ? undefined
                : {
                    url: webhookUrl,
                    timeoutMs: webhookTimeoutMs,
                    maxAttempts: webhookMaxAttempts,
                    retryDelayMs: webhookRetryDelayMs,
                  },
            logger,
          });
    this.#pending = new PendingRecords({
      store: this.#store,
      maxPendingRecords,
      logger,
      onRecorded: (outcome, record) =>
        this.#alerts?.check(outcome, record.usage, record.model, record.context),
    });
    this.#unknownModels = new UnknownModelReport(logger);
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
    return this.#pending.size;
  }

  execute(context: HookContext): HookResult | Promise<HookResult> {
    switch (context.hookPoint) {
      case HookPoint.AfterAgentExecution:
      case HookPoint.AfterToolExecution:
        return this.#charge(context);
      case HookPoint.BeforeAgentExecution:
      case HookPoint.BeforeToolExecution:
        return this.#budgets.enabled ? this.#budgets.admit(context) : HookResult.continue();
      case HookPoint.AgentError:
      case HookPoint.ToolError:
        return this.#chargeEnded(context);
      default:
        return HookResult.continue();
    }
  }

  /**
   * A component's totals (or a user's, with `{ scope: 'user' }`), lifetime or of one period (`{ period }`).
   * Takes the name itself, also one that `report()` shows as `sha256:…`.
   */
  totals(name: string, query: TotalsQuery = {}): Promise<CostTotals> {
    return this.#reader.totals(name, query);
  }

  /**
   * Every component's totals keyed by name (or every user's, with `{ scope: 'user' }`), lifetime or of one period.
   * A name longer than 256 characters (or beginning with `sha256:`) appears as `sha256:` and its SHA-256 hex.
   */
  report(query: TotalsQuery = {}): Promise<Record<string, CostTotals>> {
    return this.#reader.report(query);
  }

  /**
   * What a call costs at this hook's prices, exactly, without recording anything; undefined when the model (or
   * its service tier) has no price.
   */
  price(call: CallToPrice): CallPrice | undefined {
    const tokens = readTokens(call.tokensUsed);
    const pricing =
      typeof call.model === 'string' ? this.#prices.resolve(call.model, call.provider) : undefined;
    if (!tokens || !pricing) return undefined;
    const atMs = call.at === undefined ? Date.now() : Number(call.at);
    const costPicoUsd = callCost(pricing, tokens, { atMs, serviceTier: call.serviceTier });
    if (costPicoUsd === undefined) return undefined;
    return { costPicoUsd, costUsd: picoToUsd(costPicoUsd), model: pricing.model, source: pricing.source };
  }

  /** Waits for alerts in flight and tries once more to write records kept during a store outage. */
  async flush(): Promise<void> {
    await this.#pending.replay();
    await this.#alerts?.flush();
  }

  /** `flush()`, then closes the store when the hook created it (a store or client you passed stays open). */
  async close(): Promise<void> {
    await this.flush();
    if (this.#ownsStore) await this.#store.close();
  }

  async onUnregister(): Promise<void> {
    await this.close();
  }

  /**
   * An Error point: a call that ended abnormally. Charged for what the provider reported, or, when it reported
   * nothing but the call released output (a stream that ended early), for an estimate of that; otherwise its
   * reservation is released.
   */
  async #chargeEnded(context: HookContext): Promise<HookResult> {
    const { data, state } = context;
    if (state.has(CHARGED_KEY)) return HookResult.continue();
    if (readTokens(data.tokensUsed) !== undefined) return this.#charge(context);
    const estimate = estimateUsedTokens(data);
    if (estimate === undefined) return this.#budgets.releaseFailed(context);
    return this.#charge(context, estimate);
  }

  /** Charges the call for `data.tokensUsed`, or for `estimate` when the provider reported no usage. */
  async #charge(context: HookContext, estimate?: TokenCounts): Promise<HookResult> {
    const { data } = context;
    context.state.set(CHARGED_KEY, true);
    const component = context.componentId.name;
    const reservation = this.#budgets.take(context);
    const model = stringField(data.model);
    if (data.cached === true) {
      if (reservation) await this.#budgets.release(context, reservation);
      context.metrics.increment('cost_cached_calls');
      data.cost = { sessionCost: 0, totalCost: await this.#componentTotalUsd(context), model: model ?? null };
      return HookResult.continue();
    }
    const tokens = estimate ?? readTokens(data.tokensUsed);
    if (!tokens) {
      if (reservation) await this.#budgets.release(context, reservation);
      if (data.tokensUsed !== undefined) {
        this.#logger.warn(
          { component, tokensUsed: data.tokensUsed },
          'data.tokensUsed must be { input, output } with non-negative integers; call not charged',
        );
      }
      return HookResult.continue();
    }
    const pricing = model === undefined ? undefined : this.#prices.resolve(model, stringField(data.provider));
    const serviceTier = stringField(data.serviceTier);
    const costPicoUsd =
      (pricing && callCost(pricing, tokens, { atMs: context.timestamp.getTime(), serviceTier })) ?? null;
    if (costPicoUsd === null) this.#unknownModels.report(context, model, tokens, pricing && serviceTier);
    const usage: UsageRecord = {
      id: randomUUID(),
      component,
      userId: context.metadata.userId || undefined,
      inputTokens: tokens.input,
      outputTokens: tokens.output,
      costPicoUsd,
      reservationId: reservation?.holds ? reservation.id : undefined,
      // A call counts in the period it was admitted in, even when it ends in the next one.
      period: reservation?.period ?? this.#calendar?.at(context.timestamp.getTime()),
    };
    let totals: StoredTotals | undefined;
    try {
      const outcome: RecordOutcome = await this.#store.record(usage);
      totals = outcome.component;
      this.#alerts?.check(outcome, usage, model, context);
      if (this.#pending.size > 0) void this.#pending.replay();
    } catch (error) {
      reportStoreError(context, this.#logger, 'record', error);
      this.#pending.keep({ usage, model, context });
    }
    context.metrics.increment('cost_calls', 1, { model: costPicoUsd === null ? 'unknown' : pricing!.model });
    context.metrics.increment('cost_input_tokens', tokens.input);
    context.metrics.increment('cost_output_tokens', tokens.output);
    if (costPicoUsd !== null) context.metrics.observe('cost_usd', picoToUsd(costPicoUsd));
    const sessionCost = costPicoUsd === null ? null : picoToUsd(costPicoUsd);
    const cost: CallCost = {
      sessionCost,
      totalCost: totals ? picoToUsd(totals.costPicoUsd) : null,
      model: model ?? null,
    };
    if (estimate !== undefined) {
      cost.estimated = true;
      context.metrics.increment('cost_estimated_calls');
      context.emitEvent('cost.usage_estimated', {
        component,
        model: model ?? null,
        inputTokens: tokens.input,
        outputTokens: tokens.output,
        costUsd: sessionCost,
        estimated: true,
      });
    }
    data.cost = cost;
    return HookResult.continue();
  }

  async #componentTotalUsd(context: HookContext): Promise<number | null> {
    try {
      return picoToUsd((await this.#store.totals('component', context.componentId.name)).costPicoUsd);
    } catch (error) {
      reportStoreError(context, this.#logger, 'totals', error);
      return null;
    }
  }
}
