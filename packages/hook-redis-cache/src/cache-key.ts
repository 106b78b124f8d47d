import * as crypto from 'node:crypto';
import { type ComponentId, canonicalJson } from '@llmspell/core';

/** The key prefix every caching hook uses unless told otherwise. */
export const defaultKeyPrefix = 'llmspell:cache:';

// One-shot `crypto.hash` (Node ≥ 20.12) costs about half of a Hash object; older 20.x releases lack it.
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex');

/**
 * The cache key of one request: `keyPrefix` + the SHA-256 hex of the component name, the component type,
 * `canonicalJson(input)` and the `scope` values (who asked: `{ tenantId, userId }`, names sorted). Each field
 * is length-prefixed, so no two different splits of the same characters collide, and object keys are sorted,
 * so `{ a, b }` and `{ b, a }` give the same key. An empty `scope` gives the key every caller shares.
 * Throws a `TypeError` when `input` cannot be serialized (a cycle, a BigInt) and a `RangeError` when it is
 * too large for `canonicalJson`.
 */
export function cacheKey(
  component: Pick<ComponentId, 'name' | 'componentType'>,
  input: unknown,
  keyPrefix: string = defaultKeyPrefix,
  scope: Readonly<Record<string, string>> = {},
): string {
  const json = canonicalJson(input);
  const { name, componentType } = component;
  let text = `${name.length}:${name}\n${componentType.length}:${componentType}\n${json.length}:${json}`;
  const names = Object.keys(scope);
  if (names.length > 0) {
    if (names.length > 1) names.sort();
    text += `\n${names.length}`;
    for (const field of names) {
      const value = scope[field]!;
      text += `\n${field.length}:${field}=${value.length}:${value}`;
    }
  }
  return keyPrefix + sha256Hex(text);
}
