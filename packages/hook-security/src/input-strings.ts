/** A string inside `data.input` and where it is. */
export interface InputString {
  /** Keys from `data.input` down to the string; empty when `data.input` is the string. */
  readonly path: readonly (string | number)[];
  readonly value: string;
}

/** Object inputs are walked this deep; deeper strings are not scanned (tool arguments are shallow). */
const MAX_DEPTH = 32;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * The strings the hook scans: `input.text` when it is a string, otherwise every string inside `input`
 * (plain objects and arrays, in key order; object keys are not scanned).
 */
export function collectInputStrings(input: unknown): InputString[] {
  if (typeof input === 'string') return [{ path: [], value: input }];
  if (isPlainObject(input) && typeof input.text === 'string') return [{ path: ['text'], value: input.text }];
  const strings: InputString[] = [];
  const visiting = new Set<unknown>();
  const walk = (value: unknown, path: (string | number)[]): void => {
    if (typeof value === 'string') {
      strings.push({ path: [...path], value });
      return;
    }
    if (path.length >= MAX_DEPTH || visiting.has(value)) return;
    if (Array.isArray(value)) {
      visiting.add(value);
      value.forEach((item, index) => {
        path.push(index);
        walk(item, path);
        path.pop();
      });
      visiting.delete(value);
    } else if (isPlainObject(value)) {
      visiting.add(value);
      for (const key of Object.keys(value)) {
        path.push(key);
        walk(value[key], path);
        path.pop();
      }
      visiting.delete(value);
    }
  };
  walk(input, []);
  return strings;
}

/** The JSON pointer of a string in `context.data`, e.g. `/input/filters/0/value`. */
export function pointerOf(path: readonly (string | number)[]): string {
  let pointer = '/input';
  for (const part of path) pointer += `/${String(part).replaceAll('~', '~0').replaceAll('/', '~1')}`;
  return pointer;
}

/** Total length of the strings, in UTF-16 units. */
export function totalLength(strings: readonly InputString[]): number {
  let total = 0;
  for (const { value } of strings) total += value.length;
  return total;
}

/** Cuts the strings, in order, so that together they hold at most `max` units. */
export function truncateStrings(strings: readonly InputString[], max: number): InputString[] {
  let budget = max;
  return strings.map((entry) => {
    const value = entry.value.length <= budget ? entry.value : entry.value.slice(0, budget);
    budget -= value.length;
    return value === entry.value ? entry : { path: entry.path, value };
  });
}

function setIn(
  container: unknown,
  path: readonly (string | number)[],
  depth: number,
  value: string,
): unknown {
  if (depth === path.length) return value;
  const key = path[depth]!;
  if (Array.isArray(container)) {
    const copy = [...container];
    copy[key as number] = setIn(container[key as number], path, depth + 1, value);
    return copy;
  }
  const record = container as Record<string, unknown>;
  return { ...record, [key]: setIn(record[key as string], path, depth + 1, value) };
}

/** RFC 7386 patch from `before` to `after`, where `after` shares every unchanged subtree with `before`. */
function mergePatchBetween(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(after)) {
    const previous = before[key];
    const next = after[key];
    if (previous === next) continue;
    // Arrays are values in a merge patch: a changed array is sent whole, nulls inside it included.
    patch[key] = isPlainObject(previous) && isPlainObject(next) ? mergePatchBetween(previous, next) : next;
  }
  return patch;
}

/** `input` with its strings replaced by `strings` (same order as `collectInputStrings`); unchanged parts are shared. */
export function replaceStrings(input: unknown, strings: readonly InputString[]): unknown {
  if (typeof input === 'string') return strings[0]?.value ?? '';
  let next = input;
  const originals = collectInputStrings(input);
  strings.forEach((entry, index) => {
    if (entry.value !== originals[index]?.value) next = setIn(next, entry.path, 0, entry.value);
  });
  return next;
}

/**
 * The `modified` data that turns `input` into `next` (from `replaceStrings`). Only changed branches are in
 * the patch, so a `null` elsewhere in the input is never read as "delete".
 */
export function inputPatch(input: unknown, next: unknown): Record<string, unknown> {
  if (!isPlainObject(input) || !isPlainObject(next)) return { input: next };
  return { input: mergePatchBetween(input, next) };
}
