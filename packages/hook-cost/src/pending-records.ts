import type { HookContext, Logger } from '@llmspell/core';
import type { CostStore, RecordOutcome, UsageRecord } from './cost-store.js';

/** A record the store did not take, with what is needed to act on it once it does. */
export interface PendingRecord {
  usage: UsageRecord;
  model: string | undefined;
  context: HookContext;
}

/** Options of `PendingRecords`, already validated and defaulted by the hook. */
export interface PendingRecordsOptions {
  store: CostStore;
  /** Records kept at most; the oldest is dropped beyond this; 0 keeps none. */
  maxPendingRecords: number;
  logger: Logger;
  /** Called for each record the store takes on replay, in order. */
  onRecorded: (outcome: RecordOutcome, record: PendingRecord) => void;
}

/**
 * Records kept in memory while the store is unreachable, written in order when it answers again; a store
 * that remembers record ids applies a record written twice only once.
 */
export class PendingRecords {
  readonly #options: PendingRecordsOptions;
  readonly #pending: PendingRecord[] = [];
  #replaying: Promise<void> | undefined;

  constructor(options: PendingRecordsOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#pending.length;
  }

  /** Keeps a record the store failed to take, dropping the oldest beyond `maxPendingRecords`. */
  keep(record: PendingRecord): void {
    const { maxPendingRecords, logger } = this.#options;
    if (maxPendingRecords === 0) return;
    this.#pending.push(record);
    if (this.#pending.length > maxPendingRecords) {
      this.#pending.shift();
      record.context.metrics.increment('cost_records_dropped');
      logger.warn(
        { maxPendingRecords },
        'Too many records waiting for the cost store; the oldest was dropped',
      );
    }
  }

  /** Writes pending records in order until the store fails again. One replay at a time. */
  replay(): Promise<void> {
    this.#replaying ??= (async () => {
      try {
        while (this.#pending.length > 0) {
          const next = this.#pending[0]!;
          let outcome: RecordOutcome;
          try {
            outcome = await this.#options.store.record(next.usage);
          } catch {
            return;
          }
          this.#pending.shift();
          this.#options.onRecorded(outcome, next);
        }
      } finally {
        this.#replaying = undefined;
      }
    })();
    return this.#replaying;
  }
}
