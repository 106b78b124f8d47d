/** The most objects one merge patch may contain (counting a shared object once per place it appears). */
export const MAX_PATCH_OBJECTS = 100_000;

/**
 * Only plain objects merge member by member. A Date, Map, Set, typed array, class instance or array in a
 * patch is a value: it replaces what was there, unchanged (spreading it would turn it into `{}`).
 */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Applies a JSON merge patch (RFC 7386) onto `target` in place and returns it: `null` deletes a key, plain
 * objects merge member by member (copied, so objects the target shares with others are never changed), and
 * anything else replaces. `__proto__` keys are ignored. Iterative, so a deeply nested patch cannot overflow
 * the stack; a patch with more than `MAX_PATCH_OBJECTS` objects, or one that refers back to itself, throws a
 * `RangeError`.
 */
export function applyMergePatch(
  target: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const pending: [Record<string, unknown>, Record<string, unknown>][] = [[target, patch]];
  let visited = 0;
  while (pending.length > 0) {
    const [into, from] = pending.pop()!;
    if (++visited > MAX_PATCH_OBJECTS) {
      throw new RangeError(
        `A merge patch may contain at most ${MAX_PATCH_OBJECTS} objects; this one has more or refers back to itself`,
      );
    }
    for (const key of Object.keys(from)) {
      if (key === '__proto__') continue;
      const value = from[key];
      if (value === null) {
        delete into[key];
      } else if (isPlainObject(value)) {
        const current = into[key];
        const base: Record<string, unknown> = isPlainObject(current) ? { ...current } : {};
        into[key] = base;
        pending.push([base, value]);
      } else {
        into[key] = value;
      }
    }
  }
  return target;
}
