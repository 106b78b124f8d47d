/**
 * A short description of any value for an error message (`-5`, `"abc"`, `an array`, `null`) that never throws,
 * even for null-prototype objects, revoked proxies or objects whose `toString` throws.
 */
export function describeValue(value: unknown): string {
  try {
    if (typeof value === 'string')
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return String(value);
    if (typeof value === 'function') return 'a function';
    if (Array.isArray(value)) return 'an array';
    return Object.getPrototypeOf(value) === null ? 'an object without a prototype' : 'an object';
  } catch {
    return 'an unreadable value';
  }
}
