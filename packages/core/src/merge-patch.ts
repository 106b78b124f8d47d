function isPatchObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Applies a JSON merge patch (RFC 7386) onto `target` in place and returns it:
 * `null` deletes a key, objects merge recursively, anything else replaces.
 */
export function applyMergePatch(
  target: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  for (const key of Object.keys(patch)) {
    if (key === '__proto__') continue;
    const value = patch[key];
    if (value === null) {
      delete target[key];
    } else if (isPatchObject(value)) {
      const current = target[key];
      const base: Record<string, unknown> = isPatchObject(current) ? { ...current } : {};
      target[key] = applyMergePatch(base, value);
    } else {
      target[key] = value;
    }
  }
  return target;
}
