import { HookContext, type Logger } from '@llmspell/core';
import { withStoredNames } from './cost-name.js';
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
  /** Estimated bytes kept at most (see `pendingRecordBytes`); the oldest records are dropped beyond this. */
  maxPendingBytes?: number;
  logger: Logger;
  /** Called for each record the store takes on replay, in order. */
  onRecorded: (outcome: RecordOutcome, record: PendingRecord) => void;
}

/**
 * The most bytes pending records may hold, estimated: a backstop for what the names cannot bound (a store
 * without `takesStoredNames` keeps the names as sent; a long model name). 10,000 records with stored names
 * (about 28 MB measured) fit in half of it.
 */
export const MAX_PENDING_BYTES = 64 * 1024 * 1024;

/**
 * A kept record's objects besides its strings (record, usage, period, the detached context): about 2.7 KB a record
 * measured on Node 20 (10,000 records with stored names), rounded up.
 */
const RECORD_OVERHEAD_BYTES = 3_072;

/** What a kept record holds, estimated: its objects and two bytes per UTF-16 code unit of its strings. */
export function pendingRecordBytes(record: PendingRecord): number {
  const { usage, model, context } = record;
  const characters =
    usage.id.length +
    usage.component.length +
    (usage.userId?.length ?? 0) +
    (usage.reservationId?.length ?? 0) +
    (model?.length ?? 0) +
    context.correlationId.length +
    context.componentId.name.length;
  return RECORD_OVERHEAD_BYTES + 2 * characters;
}

/**
 * Records kept in memory while the store is unreachable, written in order when it answers again; a store
 * that remembers record ids applies a record written twice only once.
 *
 * A kept record holds bounded bytes whatever the caller sent: its names in stored form when the store
 * `takesStoredNames` (a 100 KB user id is kept as its 71-character digest form), and, instead of the call's
 * context (its input, output and metadata), a context with only what replay reports through (correlation id,
 * component, events, metrics). The queue is bounded by count (`maxPendingRecords`) and by estimated bytes
 * (`MAX_PENDING_BYTES`), dropping the oldest.
 */
export class PendingRecords {
  readonly #options: PendingRecordsOptions;
  readonly #maxBytes: number;
  readonly #pending: { record: PendingRecord; bytes: number }[] = [];
  #bytes = 0;
  #replaying: Promise<void> | undefined;

  constructor(options: PendingRecordsOptions) {
    this.#options = options;
    this.#maxBytes = options.maxPendingBytes ?? MAX_PENDING_BYTES;
  }

  get size(): number {
    return this.#pending.length;
  }

  /** The estimated bytes the kept records hold. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Keeps a record the store failed to take, dropping the oldest beyond `maxPendingRecords` or the byte bound. */
  keep(record: PendingRecord): void {
    const { maxPendingRecords, logger, store } = this.#options;
    if (maxPendingRecords === 0) return;
    const { context } = record;
    const kept: PendingRecord = {
      usage: store.takesStoredNames === true ? withStoredNames(record.usage) : record.usage,
      model: record.model,
      context: new HookContext({
        hookPoint: context.hookPoint,
        componentId: context.componentId,
        correlationId: context.correlationId,
        events: context.events,
        metrics: context.metrics,
      }),
    };
    const bytes = pendingRecordBytes(kept);
    this.#pending.push({ record: kept, bytes });
    this.#bytes += bytes;
    let dropped = 0;
    while (
      this.#pending.length > 0 &&
      (this.#pending.length > maxPendingRecords || this.#bytes > this.#maxBytes)
    ) {
      this.#bytes -= this.#pending.shift()!.bytes;
      dropped++;
    }
    if (dropped === 0) return;
    kept.context.metrics.increment('cost_records_dropped', dropped);
    logger.warn(
      { maxPendingRecords, maxPendingBytes: this.#maxBytes, dropped },
      'Too many records waiting for the cost store; the oldest were dropped',
    );
  }

  /** Writes pending records in order until the store fails again. One replay at a time. */
  replay(): Promise<void> {
    this.#replaying ??= (async () => {
      try {
        while (this.#pending.length > 0) {
          const next = this.#pending[0]!;
          let outcome: RecordOutcome;
          try {
            outcome = await this.#options.store.record(next.record.usage);
          } catch {
            return;
          }
          // A record kept meanwhile may have dropped the one just written: shift only if it is still first.
          if (this.#pending[0] === next) {
            this.#pending.shift();
            this.#bytes -= next.bytes;
          }
          this.#options.onRecorded(outcome, next.record);
        }
      } finally {
        this.#replaying = undefined;
      }
    })();
    return this.#replaying;
  }
}
