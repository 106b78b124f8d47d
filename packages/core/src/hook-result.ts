import { MAX_TIMER_MS } from './config-issues.js';
import { describeValue } from './describe-value.js';

/** An operation a `fork` result asks the runtime to start beside the main one. */
export interface ForkOperation {
  id: string;
  operationType: string;
  parameters: unknown;
}

/** What a hook answers at a hook point. */
export type HookResult =
  | { type: 'continue' }
  /** JSON merge patch (RFC 7386) applied onto `context.data`. */
  | { type: 'modified'; data: Record<string, unknown> }
  | { type: 'cancel'; reason: string }
  /** Run component `target` instead. */
  | { type: 'redirect'; target: string }
  /** The operation's result is `result`. */
  | { type: 'replace'; result: unknown }
  | { type: 'retry'; delayMs: number; maxAttempts: number }
  | { type: 'fork'; operations: ForkOperation[] }
  /** Answer from cache and skip the operation. */
  | { type: 'cache'; result: unknown; ttlMs: number; key?: string }
  | { type: 'skipped'; reason: string };

/** The name of a `HookResult` variant. */
export type HookResultType = HookResult['type'];

/** The `HookResult` variant whose `type` is `T`. */
export type HookResultOf<T extends HookResultType> = Extract<HookResult, { type: T }>;

const CONTINUE: HookResult = Object.freeze({ type: 'continue' });

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isNonNegativeFinite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** A delay a timer can wait: setTimeout fires a longer one after 1 ms. */
function isTimerDelay(value: unknown): value is number {
  return isNonNegativeFinite(value) && value <= MAX_TIMER_MS;
}

function isForkOperation(value: unknown): value is ForkOperation {
  return (
    isPlainObject(value) &&
    typeof value.id === 'string' &&
    typeof value.operationType === 'string' &&
    'parameters' in value
  );
}

function requireString(variant: string, field: string, value: unknown): string {
  if (typeof value !== 'string') {
    throw new TypeError(`HookResult.${variant}(${field}) needs a string, got ${typeof value}`);
  }
  return value;
}

/** Constructors for each variant (plain objects with exactly the variant's fields) and a type guard. */
export const HookResult = Object.freeze({
  /** Go on with the next hook and the operation. The same frozen object every time. */
  continue(): HookResult {
    return CONTINUE;
  },
  /** Merge-patch `data` into `context.data` (RFC 7386: `null` deletes a key) and go on. */
  modified(data: Record<string, unknown>): HookResult {
    if (!isPlainObject(data)) throw new TypeError('HookResult.modified(data) needs a plain object');
    return { type: 'modified', data };
  },
  /** Stop: the operation does not run, and the caller gets a `HookCancelledError` with `reason`. */
  cancel(reason: string): HookResult {
    return { type: 'cancel', reason: requireString('cancel', 'reason', reason) };
  },
  /** Stop: run the component named `target` instead. */
  redirect(target: string): HookResult {
    return { type: 'redirect', target: requireString('redirect', 'target', target) };
  },
  /** Stop: `result` is the operation's result. */
  replace(result: unknown): HookResult {
    return { type: 'replace', result };
  },
  /** Stop: run the operation again after `delayMs`, at most `maxAttempts` times in all. */
  retry(options: { delayMs: number; maxAttempts: number }): HookResult {
    const { delayMs, maxAttempts } = options;
    if (!isTimerDelay(delayMs)) {
      throw new TypeError(
        `HookResult.retry: delayMs must be a number of milliseconds from 0 to ${MAX_TIMER_MS} (the longest a timer can wait), got ${describeValue(delayMs)}`,
      );
    }
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      throw new TypeError(
        `HookResult.retry: maxAttempts must be a positive integer, got ${describeValue(maxAttempts)}`,
      );
    }
    return { type: 'retry', delayMs, maxAttempts };
  },
  /** Stop: run the operation and, beside it, each of `operations`. */
  fork(operations: ForkOperation[]): HookResult {
    if (!Array.isArray(operations) || !operations.every(isForkOperation)) {
      throw new TypeError('HookResult.fork(operations) needs an array of { id, operationType, parameters }');
    }
    return { type: 'fork', operations };
  },
  /** Stop: answer with `result` from a cache; the operation is skipped. */
  cache(options: { result: unknown; ttlMs: number; key?: string }): HookResult {
    const { result, ttlMs, key } = options;
    if (!isNonNegativeFinite(ttlMs)) {
      throw new TypeError(`HookResult.cache: ttlMs must be a non-negative number, got ${ttlMs}`);
    }
    return key === undefined ? { type: 'cache', result, ttlMs } : { type: 'cache', result, ttlMs, key };
  },
  /** The hook chose not to act (for example its circuit breaker is open); go on. */
  skipped(reason: string): HookResult {
    return { type: 'skipped', reason: requireString('skipped', 'reason', reason) };
  },
  /** True when `value` is a well-formed `HookResult` of any variant. Never throws, even on hostile objects. */
  isHookResult(value: unknown): value is HookResult {
    try {
      return isWellFormed(value);
    } catch {
      return false;
    }
  },
});

function isWellFormed(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Record<string, unknown>;
  switch (candidate.type) {
    case 'continue':
      return true;
    case 'modified':
      return isPlainObject(candidate.data);
    case 'cancel':
    case 'skipped':
      return typeof candidate.reason === 'string';
    case 'redirect':
      return typeof candidate.target === 'string';
    case 'replace':
      return 'result' in candidate;
    case 'retry':
      return (
        isTimerDelay(candidate.delayMs) &&
        Number.isInteger(candidate.maxAttempts) &&
        (candidate.maxAttempts as number) >= 1
      );
    case 'fork':
      return Array.isArray(candidate.operations) && candidate.operations.every(isForkOperation);
    case 'cache':
      return (
        'result' in candidate &&
        isNonNegativeFinite(candidate.ttlMs) &&
        (candidate.key === undefined || typeof candidate.key === 'string')
      );
    default:
      return false;
  }
}
