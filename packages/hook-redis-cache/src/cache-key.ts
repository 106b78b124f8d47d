import { createHash } from 'node:crypto';
import { type ComponentId, canonicalJson } from '@llmspell/core';

/** The key prefix every caching hook uses unless told otherwise. */
export const defaultKeyPrefix = 'llmspell:cache:';

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
  const hash = createHash('sha256')
    .update(`${name.length}:${name}\n${componentType.length}:${componentType}\n${json.length}:${json}`)
    .digest('hex');
  return keyPrefix + hash;
}
