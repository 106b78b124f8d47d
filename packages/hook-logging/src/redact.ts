import { isSecretKey } from './secret-keys.js';
import { REDACTED, redactText } from './secret-values.js';

/** What `redact` keeps. */
export interface RedactOptions {
  maxValueLength: number;
  maxKeyLength: number;
  maxDepth: number;
  /** Array items and object keys kept per level. */
  maxItems: number;
  /** Characters (strings and keys together) one logged value may hold; the rest is summarised. */
  maxEntryLength: number;
  /** Extra keys to mask, beyond the built-in rules. */
  secretKeys: RegExp | undefined;
}

/** How many characters one log entry may still take; shared by every value of the entry. */
export interface RedactBudget {
  remaining: number;
}

interface Walk {
  readonly options: RedactOptions;
  readonly ancestors: WeakSet<object>;
  readonly budget: RedactBudget;
}

const OMITTED = '[…]';
const UNREADABLE = '[Unreadable]';

/**
 * A JSON-safe copy of `value` with secret keys and secret-shaped strings masked, long strings and keys cut,
 * wide and deep structures summarised, and at most `budget.remaining` characters in all (shared by the values
 * of one log entry). Its cost is bounded by
 * the options, not by the size of `value` (beyond listing the keys of an object it copies). Never throws.
 */
export function redact(
  value: unknown,
  options: RedactOptions,
  budget: RedactBudget = { remaining: options.maxEntryLength },
): unknown {
  return copy(value, 0, { options, ancestors: new WeakSet(), budget });
}

/** `true` when `key` names a secret, by the built-in rules or the user's `secretKeys`. */
function isMaskedKey(key: string, options: RedactOptions): boolean {
  if (isSecretKey(key)) return true;
  const extra = options.secretKeys;
  return extra?.test(key.slice(0, options.maxKeyLength)) === true;
}

function copy(value: unknown, depth: number, walk: Walk): unknown {
  if (walk.budget.remaining <= 0) return OMITTED;
  try {
    if (typeof value === 'string') {
      const text = redactText(value, Math.min(walk.options.maxValueLength, walk.budget.remaining));
      walk.budget.remaining -= text.length;
      return text;
    }
    walk.budget.remaining -= 8;
    if (value === null || typeof value !== 'object') {
      if (typeof value === 'bigint') return `${value}n`;
      if (typeof value === 'function' || typeof value === 'symbol') return `[${typeof value}]`;
      return value;
    }
    if (value instanceof Error) return copyError(value, depth, walk);
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
    if (value instanceof Map) return `[Map(${value.size})]`;
    if (value instanceof Set) return `[Set(${value.size})]`;
    if (ArrayBuffer.isView(value)) return `[${value.constructor.name}(${value.byteLength} bytes)]`;
    if (walk.ancestors.has(value)) return '[Circular]';
    if (depth >= walk.options.maxDepth) return Array.isArray(value) ? `[Array(${value.length})]` : '[Object]';
    walk.ancestors.add(value);
    try {
      return Array.isArray(value) ? copyArray(value, depth, walk) : copyObject(value, depth, walk);
    } finally {
      walk.ancestors.delete(value);
    }
  } catch {
    // A getter that throws, a revoked proxy: say so instead of failing the log entry.
    return UNREADABLE;
  }
}

function copyArray(value: unknown[], depth: number, walk: Walk): unknown[] {
  const { maxItems } = walk.options;
  const items: unknown[] = [];
  const length = value.length;
  for (let index = 0; index < length; index++) {
    if (index >= maxItems || walk.budget.remaining <= 0) {
      items.push(`… (+${length - index} items)`);
      break;
    }
    items.push(copy(value[index], depth + 1, walk));
  }
  return items;
}

function copyObject(value: object, depth: number, walk: Walk): Record<string, unknown> {
  const { maxItems, maxKeyLength } = walk.options;
  const result: Record<string, unknown> = {};
  const keys = Object.keys(value);
  for (let index = 0; index < keys.length; index++) {
    if (index >= maxItems || walk.budget.remaining <= 0) {
      define(result, '…', `+${keys.length - index} keys`);
      break;
    }
    const key = keys[index]!;
    const shown =
      key.length > maxKeyLength
        ? `${key.slice(0, maxKeyLength)}… (+${key.length - maxKeyLength} chars)`
        : key;
    walk.budget.remaining -= shown.length;
    const masked = isMaskedKey(key, walk.options);
    define(result, shown, masked ? REDACTED : copyMember(value, key, depth, walk));
  }
  return result;
}

function copyMember(value: object, key: string, depth: number, walk: Walk): unknown {
  let member: unknown;
  try {
    member = (value as Record<string, unknown>)[key];
  } catch {
    return UNREADABLE;
  }
  return copy(member, depth + 1, walk);
}

function copyError(error: Error, depth: number, walk: Walk): Record<string, unknown> {
  const result: Record<string, unknown> = {
    name: copy(String(error.name), depth + 1, walk),
    message: copy(String(error.message), depth + 1, walk),
  };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') result.code = copy(code, depth + 1, walk);
  return result;
}

/** Sets a key as an own property, so `__proto__` and friends are data like any other key. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
