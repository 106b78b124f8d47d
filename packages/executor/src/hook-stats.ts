import type { HookPoint } from '@llmspell/core';
import type { CircuitState } from './circuit-breaker.js';

/** What `HookExecutor.stats()` reports for one hook at one point. */
export interface HookStats {
  hookId: string;
  hookPoint: HookPoint;
  /** Times the hook was called (circuit-breaker skips not included). */
  calls: number;
  /** Calls that threw, rejected or answered something that is not a HookResult. */
  failures: number;
  /** Calls abandoned at their deadline. */
  timeouts: number;
  /** Calls skipped because the hook's circuit was open. */
  skips: number;
  /** Calls whose duration was measured: every async call and a sample of the sync ones. */
  timedCalls: number;
  /** Median of the recent measured durations; null before the first measurement. */
  p50Ms: number | null;
  /** 95th percentile of the recent measured durations; null before the first measurement. */
  p95Ms: number | null;
  /** 99th percentile of the recent measured durations; null before the first measurement. */
  p99Ms: number | null;
  /** The hook's circuit at this point; 'closed' when the breaker is disabled. */
  circuitState: CircuitState;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: Float64Array, fraction: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil(fraction * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
