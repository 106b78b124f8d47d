/** Where a string sits inside the scanned value: a chain of keys from the root, built once per container. */
export interface StringPath {
  readonly parent: StringPath | undefined;
  readonly key: string | number;
}

/** A string inside the scanned value and where it is; `isKey` when it is an object key rather than a value. */
export interface InputString {
  readonly path: StringPath | undefined;
  readonly value: string;
  readonly isKey: boolean;
}

/** Why a value could not be walked whole: it is nested deeper, or has more containers, than the scanner goes. */
export interface WalkLimit {
  readonly limit: 'depth' | 'nodes';
  readonly max: number;
  /** Where the walk stopped. */
  readonly path: StringPath | undefined;
}

/** What a walk found: the strings in order, and the limit it hit, if any. */
export interface CollectedStrings {
  readonly strings: InputString[];
  readonly overflow: WalkLimit | undefined;
  /**
   * True when the walk met an object it does not go into (a class instance, a `Map`, a `Date` …): its strings
   * are not among `strings`, though its JSON form (what a model is sent) may hold some.
   */
  readonly opaque?: boolean;
}

/** Containers are walked this deep; deeper content is a violation, never a silent pass. */
export const MAX_DEPTH = 64;
/**
 * At most this many containers are visited. An object that reuses one sub-object at every level has few
 * distinct nodes but exponentially many paths; counting visits keeps the walk bounded.
 */
export const MAX_NODES = 100_000;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** True for values the walk goes into: arrays and plain objects. */
export function isContainer(value: unknown): value is unknown[] | Record<string, unknown> {
  return Array.isArray(value) || isPlainObject(value);
}

/** Replaces one string; returns it unchanged to keep it. Called in collection order. */
type StringMapper = (value: string, path: StringPath | undefined, isKey: boolean) => string;

/**
 * Walks `root` (strings, arrays and plain objects; keys before their values, in key order) and rebuilds it
 * with `map` applied to every string. Unchanged containers are shared, so the cost is linear in the size of
 * the input however many strings change. A key mapped to '' or to a key already present drops its entry.
 * Cycles are not followed twice.
 */
function walk(
  root: unknown,
  map: StringMapper,
): { value: unknown; overflow: WalkLimit | undefined; opaque: boolean } {
  let nodes = 0;
  let overflow: WalkLimit | undefined;
  let opaque = false;
  const visiting = new Set<unknown>();
  const visit = (value: unknown, path: StringPath | undefined, depth: number): unknown => {
    if (typeof value === 'string') return map(value, path, false);
    if (!isContainer(value)) {
      if (value !== null && typeof value === 'object') opaque = true;
      return value;
    }
    if (visiting.has(value) || overflow) return value;
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') opaque = true;
    if (depth >= MAX_DEPTH || nodes >= MAX_NODES) {
      overflow = {
        limit: depth >= MAX_DEPTH ? 'depth' : 'nodes',
        max: depth >= MAX_DEPTH ? MAX_DEPTH : MAX_NODES,
        path,
      };
      return value;
    }
    nodes++;
    visiting.add(value);
    let result: unknown = value;
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      for (let index = 0; index < value.length; index++) {
        const item = value[index];
        const next = visit(item, { parent: path, key: index }, depth + 1);
        if (next !== item && copy === undefined) copy = value.slice();
        if (copy !== undefined) copy[index] = next;
      }
      if (copy !== undefined) result = copy;
    } else {
      const record = value as Record<string, unknown>;
      let copy: Record<string, unknown> | undefined;
      const keys = Object.keys(record);
      for (let index = 0; index < keys.length; index++) {
        const key = keys[index]!;
        const here: StringPath = { parent: path, key };
        const nextKey = map(key, here, true);
        const item = record[key];
        const next = visit(item, here, depth + 1);
        if ((nextKey !== key || next !== item) && copy === undefined) {
          copy = Object.create(Object.getPrototypeOf(record)) as Record<string, unknown>;
          for (let earlier = 0; earlier < index; earlier++) copy[keys[earlier]!] = record[keys[earlier]!];
        }
        if (copy !== undefined && nextKey !== '' && !(nextKey !== key && Object.hasOwn(copy, nextKey))) {
          Object.defineProperty(copy, nextKey, {
            value: next,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
      }
      if (copy !== undefined) result = copy;
    }
    visiting.delete(value);
    return result;
  };
  const value = visit(root, undefined, 0);
  return { value, overflow, opaque };
}

/**
 * Every string inside `value`, object keys included (a tool's argument object, a tool's result), with the
 * limit the walk hit if it could not go everywhere.
 */
export function collectAllStrings(value: unknown): CollectedStrings {
  const strings: InputString[] = [];
  const { overflow, opaque } = walk(value, (text, path, isKey) => {
    strings.push({ path, value: text, isKey });
    return text;
  });
  return opaque ? { strings, overflow, opaque } : { strings, overflow };
}

/**
 * `value` as JSON would send it (class instances, `toJSON` and `Map`s as `JSON.stringify` writes them), or
 * `undefined` when it cannot be serialised (a cycle, a BigInt): the form to scan when a model will read it.
 */
export function jsonForm(value: unknown): unknown {
  try {
    const json = JSON.stringify(value);
    return json === undefined ? undefined : (JSON.parse(json) as unknown);
  } catch {
    return undefined;
  }
}

/**
 * The strings of an agent's input or output: `value.text` when it is a string (the `text` shortcut), else
 * every string inside it, keys included.
 */
export function collectTextStrings(value: unknown): CollectedStrings {
  if (isPlainObject(value) && typeof value.text === 'string') {
    return {
      strings: [{ path: { parent: undefined, key: 'text' }, value: value.text, isKey: false }],
      overflow: undefined,
    };
  }
  return collectAllStrings(value);
}

/** `value` with its strings replaced by `strings` (as collected from it, same order); unchanged parts shared. */
export function replaceStrings(value: unknown, strings: readonly InputString[]): unknown {
  if (typeof value === 'string') return strings[0]?.value ?? '';
  const first = strings[0];
  if (
    strings.length === 1 &&
    first?.path?.parent === undefined &&
    first?.path?.key === 'text' &&
    !first.isKey
  ) {
    const record = value as Record<string, unknown>;
    if (isPlainObject(record) && typeof record.text === 'string') {
      return record.text === first.value ? record : { ...record, text: first.value };
    }
  }
  let cursor = 0;
  return walk(value, (text) => strings[cursor++]?.value ?? text).value;
}

/** The JSON pointer of a string under `root` in `context.data`, e.g. `/input/filters/0/value`. */
export function pointerOf(root: string, path: StringPath | undefined): string {
  const parts: string[] = [];
  for (let node = path; node !== undefined; node = node.parent) {
    parts.push(String(node.key).replaceAll('~', '~0').replaceAll('/', '~1'));
  }
  let pointer = `/${root}`;
  for (let index = parts.length - 1; index >= 0; index--) pointer += `/${parts[index]}`;
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
  const result: InputString[] = new Array(strings.length);
  for (let index = 0; index < strings.length; index++) {
    const entry = strings[index]!;
    const value = entry.value.length <= budget ? entry.value : entry.value.slice(0, budget);
    budget -= value.length;
    result[index] = value === entry.value ? entry : { path: entry.path, value, isKey: entry.isKey };
  }
  return result;
}

/** RFC 7386 patch from `before` to `after`, where `after` shares every unchanged subtree with `before`. */
function mergePatchBetween(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  // A key renamed or dropped by sanitizing is deleted (null); a renamed key's value is added under its new name.
  for (const key of Object.keys(before)) if (!Object.hasOwn(after, key)) patch[key] = null;
  for (const key of Object.keys(after)) {
    const previous = before[key];
    const next = after[key];
    if (previous === next) continue;
    // Arrays are values in a merge patch: a changed array is sent whole, nulls inside it included.
    patch[key] = isPlainObject(previous) && isPlainObject(next) ? mergePatchBetween(previous, next) : next;
  }
  return patch;
}

/**
 * The `modified` data that turns `data[root]` from `before` into `after` (from `replaceStrings`). Only changed
 * branches are in the patch, so a `null` elsewhere is never read as "delete".
 */
export function dataPatch(root: string, before: unknown, after: unknown): Record<string, unknown> {
  if (!isPlainObject(before) || !isPlainObject(after)) return { [root]: after };
  return { [root]: mergePatchBetween(before, after) };
}
