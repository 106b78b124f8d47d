/**
 * True for promises and promise-like objects (anything with a `then` method). Never throws: a value whose
 * `then` cannot even be read (a throwing getter, a revoked proxy) is not a thenable, and the executor then
 * records it as an invalid result.
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  try {
    return typeof (value as { then?: unknown }).then === 'function';
  } catch {
    return false;
  }
}
