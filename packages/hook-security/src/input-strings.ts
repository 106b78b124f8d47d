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
  /**
   * A part of a text collected already (a response's text parts, which `text` joins): scanned so that masks
   * reach it too, not handed to a classifier a second time.
   */
  readonly repeatsText?: true;
}

/** Why a value could not be walked whole: it is nested deeper, or has more containers, than the scanner goes. */
export interface WalkLimit {
  readonly limit: 'depth' | 'nodes' | 'repeats';
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
/**
 * A value that reuses containers may make the walk (or its JSON form) go again over at most this many members
 * and items of what it has already been through; past that it is refused (`InputTooComplex`, limit `repeats`).
 * A value without shared containers is not concerned: its walk is linear in its size.
 */
export const MAX_REPEATED_VALUES = 100_000;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** True for values the walk goes into: arrays and plain objects. */
export function isContainer(value: unknown): value is unknown[] | Record<string, unknown> {
  return Array.isArray(value) || isPlainObject(value);
}

/**
 * The limit a walk of `root` would go past, every occurrence of a shared container counted: `'nodes'` for more
 * than `MAX_NODES` containers, `'repeats'` for more than `MAX_REPEATED_VALUES` members and items met again.
 * Computed over the distinct containers only (a shared one is sized once), so a value reusing one object at
 * every level is judged without going down its paths. `undefined` when within both, and when `root` has a
 * cycle (the walk does not follow one, so the figures would depend on the path) or is nested deeper than the
 * walk goes: the walk then counts for itself. With `asJson`, the values `JSON.stringify` goes through (class
 * instances' members too, a `toJSON` object as one value), and only `'repeats'`.
 */
function exceedsLimits(root: unknown, asJson = false): 'nodes' | 'repeats' | undefined {
  // Per container: [containers, values] met by a walk of it, itself included; null while it is being sized.
  const sizes = new Map<object, [number, number] | null>();
  let distinctValues = 1;
  const size = (value: unknown, depth: number): [number, number] | undefined => {
    if (asJson ? !isJsonContainer(value) : !isContainer(value)) return [0, 1];
    const object = value as Record<string, unknown>;
    if (depth >= MAX_DEPTH) return undefined;
    const known = sizes.get(object);
    if (known === null) return undefined;
    if (known !== undefined) return known;
    sizes.set(object, null);
    const total: [number, number] = [1, 1];
    const keys = Array.isArray(object) ? undefined : Object.keys(object);
    const count = keys === undefined ? (object as unknown as unknown[]).length : keys.length;
    distinctValues += count;
    for (let index = 0; index < count; index++) {
      const child = size(keys === undefined ? object[index] : object[keys[index]!], depth + 1);
      if (child === undefined) return undefined;
      total[0] += child[0];
      total[1] += child[1];
    }
    sizes.set(object, total);
    return total;
  };
  let total: [number, number] | undefined;
  try {
    total = size(root, 0);
  } catch {
    // A getter that throws: the walk or JSON.stringify meets it too.
    return undefined;
  }
  if (total === undefined) return undefined;
  if (total[0] > MAX_NODES && !asJson) return 'nodes';
  return total[1] - distinctValues > MAX_REPEATED_VALUES ? 'repeats' : undefined;
}

/** An object `JSON.stringify` goes into member by member (one without `toJSON`; a class instance too). */
function isJsonContainer(value: unknown): value is Record<string, unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { toJSON?: unknown }).toJSON !== 'function'
  );
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
  // Containers walked whole: one met again means the value reuses it (a DAG), whose paths may be exponentially
  // many. The first such meeting sizes the whole value over its distinct containers; then, and for a value
  // with a cycle (not sized), the members and items walked again count against MAX_REPEATED_VALUES.
  const walked = new Set<unknown>();
  let sized = false;
  let repeated = 0;
  let repeating = 0;
  const refuse = (limit: 'nodes' | 'repeats', path: StringPath | undefined): void => {
    overflow =
      limit === 'nodes' ? { limit, max: MAX_NODES, path } : { limit, max: MAX_REPEATED_VALUES, path };
  };
  const visit = (value: unknown, path: StringPath | undefined, depth: number): unknown => {
    if (repeating > 0 && ++repeated > MAX_REPEATED_VALUES && !overflow) refuse('repeats', path);
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
    const again = walked.has(value);
    if (again && !sized) {
      sized = true;
      const exceeded = exceedsLimits(root);
      if (exceeded !== undefined) {
        refuse(exceeded, path);
        return value;
      }
    }
    if (again) repeating++;
    try {
      return visitContainer(value, path, depth);
    } finally {
      if (again) repeating--;
      else walked.add(value);
    }
  };
  const visitContainer = (
    value: unknown[] | Record<string, unknown>,
    path: StringPath | undefined,
    depth: number,
  ): unknown => {
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
 * `JSON.stringify(value)`, going over at most `MAX_REPEATED_VALUES` values (keys and values) once it has met an
 * object a second time: the JSON, `undefined` when it cannot be serialised (a cycle, a BigInt, nothing to
 * write) and `'too-complex'` when it reuses its objects more than that, without the work of the rest.
 */
export function boundedJson(value: unknown): string | undefined | 'too-complex' {
  // Sized first over its distinct objects: a value reusing one object at every level is refused at once.
  if (exceedsLimits(value, true) === 'repeats') return 'too-complex';
  let values = 0;
  let limit = Number.POSITIVE_INFINITY;
  const objects = new Set<object>();
  let tooComplex = false;
  try {
    return JSON.stringify(value, (_key, item: unknown) => {
      if (item !== null && typeof item === 'object') {
        // Met again: shared (or a cycle, which JSON.stringify refuses), so its paths may be exponentially many.
        if (!objects.has(item)) objects.add(item);
        else if (limit === Number.POSITIVE_INFINITY) limit = values + MAX_REPEATED_VALUES;
      }
      if (++values > limit) {
        tooComplex = true;
        throw new RangeError('too complex');
      }
      return item;
    });
  } catch {
    return tooComplex ? 'too-complex' : undefined;
  }
}

/**
 * `value` as JSON would send it (class instances, `toJSON` and `Map`s as `JSON.stringify` writes them),
 * `undefined` when it cannot be serialised (a cycle, a BigInt), or the limit it went past when it reuses its
 * objects too often (see `boundedJson`): the form to scan when a model will read it.
 */
export function jsonForm(value: unknown): { value: unknown } | { overflow: WalkLimit } | undefined {
  const json = boundedJson(value);
  if (json === 'too-complex')
    return { overflow: { limit: 'repeats', max: MAX_REPEATED_VALUES, path: undefined } };
  return json === undefined ? undefined : { value: JSON.parse(json) as unknown };
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

/** At most this many parts of a response's `content` are looked at (a model's answer has few). */
const MAX_RESPONSE_PARTS = 10_000;

/**
 * The strings of an agent's response: `text` and, when it also has a `content` array (every part a model
 * produced, as `@llmspell/ai-sdk` reports it), the text of each text and reasoning part there: what a model
 * shows besides its answer can leak too, and the parts are what a cache stores and replays, so lenient masks
 * must reach them as well as `text`. Several reasoning parts are also read joined, as the AI SDK shows them
 * (`reasoningText`), at `/content`: a match split across parts is found too. Any other value as
 * `collectTextStrings` reads it.
 */
export function collectResponseStrings(value: unknown): CollectedStrings {
  const collected = collectTextStrings(value);
  if (!isPlainObject(value) || typeof value.text !== 'string' || !Array.isArray(value.content)) {
    return collected;
  }
  const strings = collected.strings.slice();
  const content: StringPath = { parent: undefined, key: 'content' };
  const joined = joinTextParts(value.content, (type, text, index) => {
    const path: StringPath = { parent: { parent: content, key: index }, key: 'text' };
    strings.push(
      type === 'text'
        ? { path, value: text, isKey: false, repeatsText: true }
        : { path, value: text, isKey: false },
    );
  });
  if (joined.reasoningParts > 1) {
    strings.push({ path: content, value: joined.reasoning, isKey: false, repeatsText: true });
  }
  const overflow: WalkLimit | undefined =
    value.content.length > MAX_RESPONSE_PARTS
      ? { limit: 'nodes', max: MAX_RESPONSE_PARTS, path: content }
      : undefined;
  return { strings, overflow };
}

/**
 * The text and reasoning parts of a response's `content` (the first `MAX_RESPONSE_PARTS`), each handed to
 * `visit` in order, and each kind joined as the AI SDK joins them (`text`, `reasoningText`).
 */
function joinTextParts(
  parts: readonly unknown[],
  visit?: (type: 'text' | 'reasoning', text: string, index: number) => void,
): { text: string; reasoning: string; reasoningParts: number } {
  const joined = { text: '', reasoning: '', reasoningParts: 0 };
  for (let index = 0; index < Math.min(parts.length, MAX_RESPONSE_PARTS); index++) {
    const part: unknown = parts[index];
    if (!isPlainObject(part) || typeof part.text !== 'string') continue;
    if (part.type === 'text') joined.text += part.text;
    else if (part.type === 'reasoning') {
      joined.reasoning += part.text;
      joined.reasoningParts++;
    } else continue;
    visit?.(part.type, part.text, index);
  }
  return joined;
}

/**
 * The text and the reasoning of a response with a `content` array, each joined over its parts as the AI SDK
 * joins them (`text`, `reasoningText`); empty strings for any other value.
 */
export function joinedResponseParts(value: unknown): { text: string; reasoning: string } {
  if (!isPlainObject(value) || !Array.isArray(value.content)) return { text: '', reasoning: '' };
  const { text, reasoning } = joinTextParts(value.content);
  return { text, reasoning };
}

/** The index of a part's text collected by `collectResponseStrings` (`content/<index>/text`). */
function responsePartIndex(path: StringPath | undefined): number | undefined {
  const part = path?.parent;
  if (path?.key !== 'text' || typeof part?.key !== 'number') return undefined;
  return part.parent?.key === 'content' && part.parent.parent === undefined ? part.key : undefined;
}

/**
 * `value` with the strings `collectTextStrings` or `collectResponseStrings` took from its fields (its `text`
 * first, never a key) replaced; `undefined` when `strings` came from a walk of every string.
 */
function replaceTextFields(value: unknown, strings: readonly InputString[]): unknown {
  const [first, ...rest] = strings;
  if (first === undefined || first.isKey || first.path?.parent !== undefined || first.path?.key !== 'text') {
    return undefined;
  }
  if (!isPlainObject(value) || typeof value.text !== 'string') return undefined;
  let next: Record<string, unknown> = value.text === first.value ? value : { ...value, text: first.value };
  if (rest.length === 0 || !Array.isArray(value.content)) return next;
  let content: unknown[] | undefined;
  for (const entry of rest) {
    const index = responsePartIndex(entry.path);
    const part: unknown = index === undefined ? undefined : value.content[index];
    if (index === undefined || !isPlainObject(part) || part.text === entry.value) continue;
    content ??= value.content.slice();
    content[index] = { ...part, text: entry.value };
  }
  if (content !== undefined) next = { ...next, content };
  return next;
}

/** `value` with its strings replaced by `strings` (as collected from it, same order); unchanged parts shared. */
export function replaceStrings(value: unknown, strings: readonly InputString[]): unknown {
  if (typeof value === 'string') return strings[0]?.value ?? '';
  const fields = replaceTextFields(value, strings);
  if (fields !== undefined) return fields;
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
