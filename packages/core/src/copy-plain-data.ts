/** True for objects a JSON payload is made of: arrays and objects whose prototype is Object's or null. */
function isPlainContainer(value: object): boolean {
  if (Array.isArray(value)) return true;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/**
 * A deep copy of the plain objects and arrays in `data`; anything else (class instances, Dates, Errors, typed
 * arrays, functions) is shared. Shared sub-objects stay shared and cycles are kept. A property that cannot be
 * read (a throwing getter) keeps its container shared instead of failing the copy.
 */
export function copyPlainData<T extends Record<string, unknown>>(data: T): T {
  const copies = new Map<object, unknown>();
  const copy = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object' || !isPlainContainer(value)) return value;
    const known = copies.get(value);
    if (known !== undefined) return known;
    try {
      if (Array.isArray(value)) {
        const array: unknown[] = [];
        copies.set(value, array);
        for (const item of value) array.push(copy(item));
        return array;
      }
      const object: Record<string, unknown> = Object.create(Object.getPrototypeOf(value) as object | null);
      copies.set(value, object);
      for (const key of Object.keys(value)) {
        Object.defineProperty(object, key, {
          value: copy((value as Record<string, unknown>)[key]),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return object;
    } catch {
      copies.set(value, value);
      return value;
    }
  };
  return copy(data) as T;
}
