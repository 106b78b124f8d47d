import { createHash } from 'node:crypto';

/** The key of calls that have none of the chosen parts; no escaped part can produce it (`\g` is no escape). */
export const RESERVED_KEY = '\\global';

/** A part longer than this is replaced by its hash, so a caller's 100 KB user id costs 66 bytes per window. */
const MAX_PART_LENGTH = 256;

/**
 * One part of a limiter key, escaped so that joining parts with ':' is unambiguous and the key never contains
 * a brace (it is a Redis Cluster hash tag): `\` → `\\`, `:` → `\:`, `{` → `\(`, `}` → `\)`. Long parts become
 * `\#` + their SHA-256 hex.
 */
export function escapeKeyPart(part: string): string {
  if (part.length > MAX_PART_LENGTH) return `\\#${createHash('sha256').update(part).digest('hex')}`;
  let escaped = '';
  let copiedUpTo = 0;
  for (let index = 0; index < part.length; index++) {
    const code = part.charCodeAt(index);
    let replacement: string;
    if (code === 92) replacement = '\\\\';
    else if (code === 58) replacement = '\\:';
    else if (code === 123) replacement = '\\(';
    else if (code === 125) replacement = '\\)';
    else continue;
    escaped += part.slice(copiedUpTo, index) + replacement;
    copiedUpTo = index + 1;
  }
  return copiedUpTo === 0 ? part : escaped + part.slice(copiedUpTo);
}

/**
 * The limiter key of a call: the chosen parts (component name, user id), each escaped, joined with ':'; the
 * reserved key when there are none (no user id, not even `'global'`, can produce it).
 */
export function limiterKey(component: string | undefined, userId: string | undefined): string {
  if (component === undefined) return userId === undefined ? RESERVED_KEY : escapeKeyPart(userId);
  const escapedComponent = escapeKeyPart(component);
  return userId === undefined ? escapedComponent : `${escapedComponent}:${escapeKeyPart(userId)}`;
}
