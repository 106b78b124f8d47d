export type { BudgetPeriod } from './budget-period.js';
export { MAX_COST_NAME_LENGTH, type StoredCostName, storedCostName, storedRecordNames } from './cost-name.js';
export type {
  BudgetCheck,
  CostScope,
  CostStore,
  RecordOutcome,
  ReservationOutcome,
  ReservationRequest,
  StoredTotals,
  TotalsPage,
  UsageRecord,
} from './cost-store.js';
export type { CallCost, CallPrice, CallToPrice } from './cost-tracking-hook.js';
export { CostTrackingHook } from './cost-tracking-hook.js';
export type { CostBudgets, CostTrackingHookOptions } from './cost-tracking-hook-options.js';
export { CostQueryError } from './errors/cost-query-error.js';
export { CostStoreError } from './errors/cost-store-error.js';
export { MemoryCostStore } from './memory-cost-store.js';
export type { PriceSource } from './model-pricing.js';
export type { ModelRate, TokenRate } from './price-book.js';
export type { ListPrice } from './price-table.js';
export { defaultPriceTable, modelAliases } from './price-table.js';
export type { RedisConnection, RedisCostStoreOptions } from './redis-cost-store.js';
export { RedisCostStore } from './redis-cost-store.js';
export type { TokenCounts } from './token-rates.js';
export type { CostTotals, TotalsPeriod, TotalsQuery } from './totals-reader.js';
export type { ThresholdAlert } from './webhook-alerter.js';
