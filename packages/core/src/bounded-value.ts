/**
 * Approximate sizes and truncated copies of values that outside input may have made large (an event payload
 * carrying a 100 KB user id). A string counts its length, every other value 8; nothing here recurses without
 * a bound or walks more than a fixed number of nodes.
 */

const SCALAR_SIZE = 8;
/** Past this depth a value is not looked into (and counts as over any limit). */
const MAX_DEPTH = 16;
/** The most members of one object or array a truncated copy keeps. */
const MAX_MEMBERS = 100;
/** The longest string a truncated copy keeps whole. */
const MAX_STRING = 1_024;

/** What stands in for whatever a truncated copy left out. */
export const TRUNCATED = '[truncated]';

function isPlainContainer(value: object): boolean {
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The approximate size of `value`, or `Infinity` as soon as it exceeds `limit` (so the walk costs at most
 * about `limit / 8` nodes whatever the value is). Dates and other class instances count as one scalar, an
 * Error as its message. Never throws.
 */
export function approximateSize(value: unknown, limit: number): number {
  let total = 0;
  const stack: [unknown, number][] = [[value, 0]];
  try {
    while (stack.length > 0) {
      const [current, depth] = stack.pop()!;
      if (typeof current === 'string') {
        total += current.length;
      } else if (current === null || typeof current !== 'object') {
        total += SCALAR_SIZE;
      } else if (current instanceof Error) {
        total += SCALAR_SIZE + String(current.message).length;
      } else if (!isPlainContainer(current)) {
        total += SCALAR_SIZE;
      } else {
        if (depth >= MAX_DEPTH) return Number.POSITIVE_INFINITY;
        total += SCALAR_SIZE;
        if (Array.isArray(current)) {
          if (current.length * SCALAR_SIZE > limit) return Number.POSITIVE_INFINITY;
          for (const item of current) stack.push([item, depth + 1]);
        } else {
          for (const key of Object.keys(current)) {
            total += key.length;
            if (total > limit) return Number.POSITIVE_INFINITY;
            stack.push([(current as Record<string, unknown>)[key], depth + 1]);
          }
        }
      }
      if (total > limit) return Number.POSITIVE_INFINITY;
    }
  } catch {
    // A getter that throws or a revoked proxy: treat the value as too large to keep as it is.
    return Number.POSITIVE_INFINITY;
  }
  return total;
}

function truncateString(text: string, keep: number): string {
  if (text.length <= keep) return text;
  return `${text.slice(0, keep)}…[${text.length - keep} more characters]`;
}

/**
 * A copy of `value` of approximate size at most about `limit`: long strings cut with a note of how much was
 * left out, at most 100 members per object or array, at most 16 levels, and `'[truncated]'` in place of what
 * did not fit. Errors become `{ name, message }`; Dates and other class instances are kept as they are.
 * Never throws.
 */
export function truncateValue(value: unknown, limit: number): unknown {
  const budget = { remaining: limit };
  return copyWithin(value, 0, budget);
}

function copyWithin(value: unknown, depth: number, budget: { remaining: number }): unknown {
  try {
    if (typeof value === 'string') {
      const kept = truncateString(value, Math.max(0, Math.min(MAX_STRING, budget.remaining)));
      budget.remaining -= Math.min(value.length, MAX_STRING);
      return kept;
    }
    budget.remaining -= SCALAR_SIZE;
    if (value === null || typeof value !== 'object') return value;
    if (value instanceof Error) {
      return { name: String(value.name), message: copyWithin(String(value.message), depth + 1, budget) };
    }
    if (!isPlainContainer(value)) return value;
    if (depth >= MAX_DEPTH) return TRUNCATED;
    if (Array.isArray(value)) {
      const items: unknown[] = [];
      for (const item of value) {
        if (items.length >= MAX_MEMBERS || budget.remaining <= 0) {
          items.push(`${TRUNCATED} ${value.length - items.length} more items`);
          break;
        }
        items.push(copyWithin(item, depth + 1, budget));
      }
      return items;
    }
    const copy: Record<string, unknown> = {};
    const keys = Object.keys(value);
    let kept = 0;
    for (const key of keys) {
      if (kept >= MAX_MEMBERS || budget.remaining <= 0) {
        copy[TRUNCATED] = `${keys.length - kept} more keys`;
        break;
      }
      const shortKey = truncateString(key, 200);
      budget.remaining -= shortKey.length;
      Object.defineProperty(copy, shortKey, {
        value: copyWithin((value as Record<string, unknown>)[key], depth + 1, budget),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      kept++;
    }
    return copy;
  } catch {
    return TRUNCATED;
  }
}
