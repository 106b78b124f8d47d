import type { ConfigIssue, Logger } from '@llmspell/core';
import { MAX_TIMER_MS } from '@llmspell/core';
import type { BudgetPeriod } from './budget-period.js';
import type { CostStore } from './cost-store.js';
import { usdToPico } from './money.js';
import { type ModelRate, per1kToPico, RATE_FIELDS, type TokenRate } from './price-book.js';
import type { RedisConnection } from './redis-cost-store.js';
import { validateOptions } from './validate-options.js';

/** Spending limits checked before each call (registered at BeforeAgentExecution). */
export interface CostBudgets {
  /** USD a user (`metadata.userId`) may spend in total, or per `period`. Default: no limit. */
  perUserUsd?: number;
  /** USD a component may spend in total, or per `period`. Default: no limit. */
  perComponentUsd?: number;
  /**
   * How often the budgets renew: every calendar `'day'` or `'month'` in `timeZone`, or every `{ windowMs }`
   * (fixed windows from the epoch). A call counts in the period it was admitted in. Default: never (lifetime).
   */
  period?: BudgetPeriod;
  /** The IANA time zone whose calendar days and months `period` follows, e.g. 'Europe/Berlin'. Default 'UTC'. */
  timeZone?: string;
}

/** Options of `CostTrackingHook`. */
export interface CostTrackingHookOptions {
  /** Prices in USD per 1K tokens that override the catalog and `defaultPriceTable` or add models. Default `{}`. */
  modelRates?: Record<string, ModelRate>;
  /** Alert once when a component's total cost goes above this many USD. Default: no alerts. */
  alertThresholdUsd?: number;
  /** Where threshold alerts are POSTed as JSON. Default: none (the event is still emitted). */
  webhookUrl?: string;
  /** How long one webhook attempt may take. Default 5000 ms. */
  webhookTimeoutMs?: number;
  /** Attempts per alert (retries on network errors, timeouts, 408, 429, 5xx). Default 3. */
  webhookMaxAttempts?: number;
  /** Backoff before the first retry, doubled each retry. Default 500 ms. */
  webhookRetryDelayMs?: number;
  /** Where totals live: a `CostStore`, or a Redis URL / ioredis client / ioredis options. Default: memory. */
  store?: CostStore | RedisConnection;
  /** Spending limits; a call whose user or component has spent its budget is cancelled. Default: none. */
  budgets?: CostBudgets;
  /** How long an unsettled budget reservation holds budget (a caller that dies never settles). Default 600_000 ms. */
  reservationTtlMs?: number;
  /** When the store fails during a budget check: 'allow' the call (default) or 'deny' it. */
  onStoreError?: 'allow' | 'deny';
  /** Where warnings go (unknown models, store errors, failed alerts). Default `consoleLogger('warn')`. */
  logger?: Logger;
  /** Records kept in memory while the store is unreachable, replayed when it answers again. Default 10_000. */
  maxPendingRecords?: number;
}

// Checked for sign, form and precision in precisionIssues(), with one message per field.
const decimal = { type: ['number', 'string'] };

const usd = { type: 'number', exclusiveMinimum: 0 };

const tokenRate = {
  type: 'object',
  additionalProperties: false,
  required: ['inputPer1k', 'outputPer1k'],
  properties: Object.fromEntries(RATE_FIELDS.map((field) => [field, decimal])),
} as const;

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    modelRates: {
      type: 'object',
      propertyNames: { minLength: 1 },
      additionalProperties: {
        ...tokenRate,
        properties: {
          ...tokenRate.properties,
          serviceTiers: { type: 'object', propertyNames: { minLength: 1 }, additionalProperties: tokenRate },
        },
      },
    },
    alertThresholdUsd: { type: 'number', minimum: 0 },
    webhookUrl: { type: 'string', pattern: '^https?://[^\\s]+$' },
    webhookTimeoutMs: { type: 'integer', minimum: 1, maximum: MAX_TIMER_MS },
    webhookMaxAttempts: { type: 'integer', minimum: 1, maximum: 10 },
    webhookRetryDelayMs: { type: 'integer', minimum: 0, maximum: MAX_TIMER_MS },
    store: { type: ['string', 'object'] },
    budgets: {
      type: 'object',
      additionalProperties: false,
      properties: {
        perUserUsd: usd,
        perComponentUsd: usd,
        period: {
          anyOf: [
            { enum: ['day', 'month'] },
            {
              type: 'object',
              additionalProperties: false,
              required: ['windowMs'],
              properties: { windowMs: { type: 'integer', minimum: 1 } },
            },
          ],
        },
        timeZone: { type: 'string', minLength: 1 },
      },
    },
    reservationTtlMs: { type: 'integer', minimum: 1 },
    onStoreError: { enum: ['allow', 'deny'] },
    logger: { type: 'object' },
    maxPendingRecords: { type: 'integer', minimum: 0 },
  },
} as const;

function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

function isStore(value: unknown): value is CostStore {
  return (
    value !== null && typeof value === 'object' && typeof (value as Partial<CostStore>).reserve === 'function'
  );
}

function pointerPart(name: string): string {
  return name.replace(/~/g, '~0').replace(/\//g, '~1');
}

function rateIssues(rate: TokenRate, path: string, issues: ConfigIssue[]): void {
  for (const field of RATE_FIELDS) {
    const value = rate[field];
    const isAmount = typeof value === 'number' || (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value));
    if (isAmount && per1kToPico(value) === undefined) {
      issues.push({
        path: `${path}/${field}`,
        message: `must be a non-negative USD amount per 1K tokens with at most 9 decimal places, got ${JSON.stringify(value)}`,
      });
    } else if (typeof value === 'string' && !isAmount) {
      issues.push({
        path: `${path}/${field}`,
        message: `must be a decimal string such as '0.03', got ${JSON.stringify(value)}`,
      });
    }
  }
}

function precisionIssues(options: CostTrackingHookOptions): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const rates = options.modelRates;
  if (rates !== null && typeof rates === 'object') {
    for (const [model, rate] of Object.entries(rates)) {
      if (rate === null || typeof rate !== 'object') continue;
      const path = `/modelRates/${pointerPart(model)}`;
      rateIssues(rate, path, issues);
      const tiers = (rate as ModelRate).serviceTiers;
      if (tiers === null || typeof tiers !== 'object') continue;
      for (const [tier, tierRate] of Object.entries(tiers)) {
        if (tierRate !== null && typeof tierRate === 'object') {
          rateIssues(tierRate, `${path}/serviceTiers/${pointerPart(tier)}`, issues);
        }
      }
    }
  }
  const amounts: [string, unknown][] = [
    ['/alertThresholdUsd', options.alertThresholdUsd],
    ['/budgets/perUserUsd', options.budgets?.perUserUsd],
    ['/budgets/perComponentUsd', options.budgets?.perComponentUsd],
  ];
  for (const [path, value] of amounts) {
    if (typeof value === 'number' && value >= 0 && usdToPico(value) === undefined) {
      issues.push({
        path,
        message: `has more than 12 decimal places, got ${value}; round it to a pico-dollar`,
      });
    }
  }
  const { logger, store } = options;
  if (
    logger !== undefined &&
    (logger === null || typeof (logger as { warn?: unknown }).warn !== 'function')
  ) {
    issues.push({
      path: '/logger',
      message: 'must be a pino-compatible logger with debug/info/warn/error methods',
    });
  }
  const budgets = options.budgets;
  if (budgets !== null && typeof budgets === 'object') {
    const { timeZone, period } = budgets;
    if (typeof timeZone === 'string' && timeZone !== '') {
      if (period === undefined) {
        issues.push({
          path: '/budgets/timeZone',
          message: 'applies only with budgets.period: set a period or remove it',
        });
      } else if (!isTimeZone(timeZone)) {
        issues.push({
          path: '/budgets/timeZone',
          message: `must be an IANA time zone such as 'UTC' or 'Europe/Berlin', got ${JSON.stringify(timeZone)}`,
        });
      }
    }
    const amount = budgets.perUserUsd ?? budgets.perComponentUsd;
    if (period !== undefined && amount === undefined) {
      issues.push({
        path: '/budgets/period',
        message: 'renews a budget: set perUserUsd or perComponentUsd too',
      });
    }
    if (period !== undefined && isStore(store) && store.keepsPeriods !== true) {
      issues.push({
        path: '/store',
        message:
          'keeps no totals per period (keepsPeriods is not true), so budgets.period cannot renew on it',
      });
    }
  }
  if (typeof store === 'string' && !/^rediss?:\/\//.test(store)) {
    issues.push({
      path: '/store',
      message: `must be a redis:// or rediss:// URL, got ${JSON.stringify(store)}`,
    });
  }
  return issues;
}

/** Throws `HookConfigError` listing every bad field of `options`. */
export function validateCostTrackingOptions(options: unknown): asserts options is CostTrackingHookOptions {
  validateOptions('CostTrackingHook', schema, options, () =>
    options !== null && typeof options === 'object'
      ? precisionIssues(options as CostTrackingHookOptions)
      : [],
  );
}
