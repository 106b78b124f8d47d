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
 * The cache key of one request: `keyPrefix` + the SHA-256 hex of the component name, the component type and
 * `canonicalJson(input)`. Each field is length-prefixed, so no two different splits of the same characters
 * collide, and object keys are sorted, so `{ a, b }` and `{ b, a }` give the same key.
 * Throws a `TypeError` when `input` cannot be serialized (a cycle, a BigInt).
 */
export function cacheKey(
  component: Pick<ComponentId, 'name' | 'componentType'>,
  input: unknown,
  keyPrefix: string = defaultKeyPrefix,
): string {
  const json = canonicalJson(input);
  const { name, componentType } = component;
  return (
    keyPrefix +
    sha256Hex(`${name.length}:${name}\n${componentType.length}:${componentType}\n${json.length}:${json}`)
  );
}
