import * as crypto from 'node:crypto';

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

/**
 * The name under which a store keeps (and `report()` shows) a component's or a user's totals: the name itself,
 * or `sha256:<hex>` of it when it is longer than `MAX_COST_NAME_LENGTH` or begins with `sha256:` (so no id a
 * caller sends can be the digest form of another id). The same name always gives the same stored name, and two
 * different names give two different ones.
 */
export function storedCostName(name: string): string {
  return name.length > MAX_COST_NAME_LENGTH || name.startsWith(DIGEST_PREFIX)
    ? DIGEST_PREFIX + sha256Hex(name)
    : name;
}
