function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

/**
 * A short description of any value for an error message (`-5`, `"abc"`, `an array`, `null`, `/x/i`) that never
 * throws, even for null-prototype objects, revoked proxies or objects whose `toString` throws, and never
 * grows with the value (strings are cut at 60 characters).
 */
export function describeValue(value: unknown): string {
  try {
    if (typeof value === 'string') return JSON.stringify(shorten(value, 60));
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return String(value);
    if (typeof value === 'function') return 'a function';
    if (Array.isArray(value)) return 'an array';
    if (value instanceof RegExp) return shorten(String(value), 60);
    if (value instanceof Error) return `an Error (${JSON.stringify(shorten(String(value.message), 60))})`;
    if (value instanceof Date)
      return `a Date (${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()})`;
    if (value instanceof Map) return 'a Map';
    if (value instanceof Set) return 'a Set';
    return Object.getPrototypeOf(value) === null ? 'an object without a prototype' : 'an object';
  } catch {
    return 'an unreadable value';
  }
}
