import * as crypto from 'node:crypto';
import type { UsageRecord } from './cost-store.js';

/**
 * The longest name (component or user id, in UTF-16 code units) a store keeps as it is: the rate limiter's
 * bound. A longer name is kept as its digest form, so a caller's 100 KB user id costs bounded bytes.
 */
export const MAX_COST_NAME_LENGTH = 256;

/** How a digest form begins: `sha256:` and 64 hex digits. */
const DIGEST_PREFIX = 'sha256:';

// One-shot `crypto.hash` (Node ≥ 20.12) costs about half of a Hash object; older 20.x releases lack it.
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex');

declare const storedName: unique symbol;

/** A name in the form a store keeps it: what `storedCostName` returns (at most 256 characters, or `sha256:<hex>`). */
export type StoredCostName = string & { readonly [storedName]: true };

/**
 * The name under which a store keeps (and `report()` shows) a component's or a user's totals: the name itself,
 * or `sha256:<hex>` of it when it is longer than `MAX_COST_NAME_LENGTH` or begins with `sha256:` (so no id a
 * caller sends can be the digest form of another id). The same name always gives the same stored name, and two
 * different names give two different ones.
 */
export function storedCostName(name: string): StoredCostName {
  return (
    name.length > MAX_COST_NAME_LENGTH || name.startsWith(DIGEST_PREFIX)
      ? DIGEST_PREFIX + sha256Hex(name)
      : name
  ) as StoredCostName;
}

/**
 * The names a record is kept under: `component` and `userId` as they are when the record says they are stored
 * names already (`namesStored`), else `storedCostName` of each. Never guessed from what a name looks like.
 */
export function storedRecordNames(usage: UsageRecord): {
  component: StoredCostName;
  userId: StoredCostName | undefined;
} {
  if (usage.namesStored === true) {
    return {
      component: usage.component as StoredCostName,
      userId: usage.userId as StoredCostName | undefined,
    };
  }
  return {
    component: storedCostName(usage.component),
    userId: usage.userId === undefined ? undefined : storedCostName(usage.userId),
  };
}

/**
 * The record with its names in stored form (`namesStored: true`), for a store that `takesStoredNames`: what the
 * hook keeps while the store is down, so a pending record holds at most 71 characters per name.
 */
export function withStoredNames(usage: UsageRecord): UsageRecord {
  if (usage.namesStored === true) return usage;
  const { component, userId } = storedRecordNames(usage);
  return { ...usage, component, userId, namesStored: true };
}
