/** Marks a value as one a caching hook wrote, so foreign or damaged values under a key read as misses. */
const formatField = 'llmspellCache';
const formatVersion = 1;

/** The JSON a store keeps for `value`. Throws on values JSON cannot hold (cycles, BigInt) and on `undefined`. */
export function encodeEntry(value: unknown): string {
  if (value === undefined) throw new TypeError('an undefined output cannot be cached');
  return JSON.stringify({ [formatField]: formatVersion, value });
}

/** The value inside a stored entry, or `undefined` when the text is not an entry this hook wrote. */
export function decodeEntry(text: string): { value: unknown } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const entry = parsed as Record<string, unknown>;
  if (entry[formatField] !== formatVersion || !('value' in entry)) return undefined;
  return { value: entry.value };
}
