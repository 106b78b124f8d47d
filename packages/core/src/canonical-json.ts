/** Limits of `canonicalJson`, so that a value built to be expensive is refused quickly. */
export interface CanonicalJsonOptions {
  /**
   * The most values (objects, arrays and primitives) to write, counting an object as often as it is reached:
   * one object shared at every level of a 22-deep structure is reached four million times. Default 100_000.
   * When an object is first reached again, the whole value is sized over its distinct objects (each counted
   * as often as it is reached) and refused at once past this limit; within it, a shared object counts all its
   * values at once and its JSON is reused from its second occurrence on. So a value reusing one object at every
   * level costs work on its distinct objects, not on its paths.
   */
  maxNodes?: number;
  /** The deepest nesting to follow. Default 1_000. */
  maxDepth?: number;
}

/** What the walk knows of an object it has written whole. */
interface Written {
  /** True while it is being written: it is an ancestor of the current value. */
  open: boolean;
  /** Values written for it, itself included. */
  nodes: number;
  /** Levels of nesting it adds below its parent (0 for a `toJSON` giving a primitive). */
  height: number;
  /** Its JSON, kept from its second occurrence on (see `serialize`). */
  json: string | undefined;
}

interface Walk {
  /** Every object met so far. */
  readonly objects: Map<object, Written>;
  /** Objects and arrays open around the current value. */
  depth: number;
  /** The greatest `depth` since the current object was entered. */
  deepest: number;
  /** True while a shared object is written a second time. */
  rewriting: boolean;
  /** The value given, sized over its distinct objects (`countNodes`) once an object is met again; then unset. */
  root: unknown;
  /** The keys and indexes leading to the current value; joined into a path only for an error message. */
  readonly steps: (string | number)[];
  readonly maxNodes: number;
  readonly maxDepth: number;
  nodes: number;
}

/**
 * Deterministic JSON: object keys sorted, `undefined` members and functions dropped (as JSON.stringify does),
 * `toJSON` honoured. Two values that are equal as JSON give the same string whatever their key order.
 * Throws a `TypeError` naming the path on cyclic input and on BigInt, and a `RangeError` when the value has
 * more than `maxNodes` values or is nested deeper than `maxDepth` (see `CanonicalJsonOptions`).
 */
export function canonicalJson(value: unknown, options: CanonicalJsonOptions = {}): string {
  const { maxNodes = 100_000, maxDepth = 1_000 } = options;
  const walk: Walk = {
    objects: new Map(),
    depth: 0,
    deepest: 0,
    rewriting: false,
    root: value,
    steps: [],
    maxNodes,
    maxDepth,
    nodes: 0,
  };
  const out = serialize(value, walk);
  return out === undefined ? 'null' : out;
}

function tooManyNodes(walk: Walk): RangeError {
  return new RangeError(
    `canonicalJson: the value has more than ${walk.maxNodes} nodes (an object shared at many levels counts each time it is reached); pass a smaller value or raise maxNodes`,
  );
}

function tooDeep(walk: Walk): RangeError {
  return new RangeError(
    `canonicalJson: the value is nested deeper than ${walk.maxDepth} levels at ${pathOf(walk)}`,
  );
}

function serialize(value: unknown, walk: Walk): string | undefined {
  if (++walk.nodes > walk.maxNodes) throw tooManyNodes(walk);
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'bigint':
      throw new TypeError(
        `canonicalJson: cannot serialize a BigInt at ${pathOf(walk)}; convert it to a string first`,
      );
  }
  const object = value as object & { toJSON?: () => unknown };
  const written = walk.objects.get(object);
  if (written === undefined) {
    const entry: Written = { open: true, nodes: 0, height: 0, json: undefined };
    walk.objects.set(object, entry);
    const counted = walk.nodes;
    const deepest = walk.deepest;
    walk.deepest = walk.depth;
    const json = serializeObject(object, walk);
    entry.open = false;
    entry.nodes = walk.nodes - counted + 1;
    entry.height = walk.deepest - walk.depth;
    if (deepest > walk.deepest) walk.deepest = deepest;
    return json;
  }
  if (written.open) {
    throw new TypeError(
      `canonicalJson: cyclic structure at ${pathOf(walk)}; the value refers back to one of its parents`,
    );
  }
  if (walk.root !== undefined) {
    // The first object met again: the whole value is sized over its distinct objects, so one that reuses a
    // sub-object at every level is refused before the JSON of any level is written.
    const total = countNodes(walk.root, walk.maxDepth);
    walk.root = undefined;
    if (total !== undefined && total > walk.maxNodes) throw tooManyNodes(walk);
  }
  // Reached again (shared, not a cycle). All its values count again, at once, so a value that reuses one object
  // at every level is refused before its JSON is written past the limit.
  walk.nodes += written.nodes - 1;
  if (walk.nodes > walk.maxNodes) throw tooManyNodes(walk);
  if (walk.depth + written.height > walk.maxDepth) throw tooDeep(walk);
  walk.deepest = Math.max(walk.deepest, walk.depth + written.height);
  if (written.json !== undefined) return written.json;
  // Written again (within the node count already taken) and kept, unless this happens inside another such
  // rewrite: the kept strings are then disjoint parts of the output, never more than the output.
  const counted = walk.nodes;
  walk.nodes -= written.nodes - 1;
  const rewriting = walk.rewriting;
  walk.rewriting = true;
  try {
    const json = serializeObject(object, walk);
    if (!rewriting) written.json = json;
    return json;
  } finally {
    walk.rewriting = rewriting;
    walk.nodes = counted;
  }
}

/**
 * The values `serialize` would count in `root` at least (a `toJSON` object as one), each shared object sized once
 * over its distinct members; `undefined` for a cycle or nesting deeper than `maxDepth`, left to `serialize`.
 */
function countNodes(root: unknown, maxDepth: number): number | undefined {
  const sizes = new Map<object, number | null>();
  const size = (value: unknown, depth: number): number | undefined => {
    if (value === null || typeof value !== 'object') return 1;
    const object = value as Record<string, unknown>;
    if (typeof object.toJSON === 'function') return 1;
    if (depth >= maxDepth) return undefined;
    const known = sizes.get(object);
    if (known === null) return undefined;
    if (known !== undefined) return known;
    sizes.set(object, null);
    let total = 1;
    if (Array.isArray(object)) {
      for (let index = 0; index < object.length; index++) {
        const item = size(object[index], depth + 1);
        if (item === undefined) return undefined;
        total += item;
      }
    } else {
      for (const key of Object.keys(object)) {
        const member = size(object[key], depth + 1);
        if (member === undefined) return undefined;
        total += member;
      }
    }
    sizes.set(object, total);
    return total;
  };
  try {
    return size(root, 0);
  } catch {
    // Nested beyond the stack (with a large maxDepth), or a throwing getter: serialize meets it too.
    return undefined;
  }
}

/** `object` (already counted) as JSON: its `toJSON` value, or its members. */
function serializeObject(object: object & { toJSON?: () => unknown }, walk: Walk): string | undefined {
  if (typeof object.toJSON === 'function') {
    return serialize(object.toJSON(), walk);
  }
  if (walk.depth >= walk.maxDepth) throw tooDeep(walk);
  if (++walk.depth > walk.deepest) walk.deepest = walk.depth;
  try {
    if (Array.isArray(object)) {
      const items: string[] = [];
      for (let index = 0; index < object.length; index++) {
        walk.steps.push(index);
        items.push(serialize(object[index], walk) ?? 'null');
        walk.steps.pop();
      }
      return `[${items.join(',')}]`;
    }
    const record = object as Record<string, unknown>;
    const members: string[] = [];
    for (const key of Object.keys(record).sort()) {
      walk.steps.push(key);
      const member = serialize(record[key], walk);
      walk.steps.pop();
      if (member !== undefined) members.push(`${JSON.stringify(key)}:${member}`);
    }
    return `{${members.join(',')}}`;
  } finally {
    walk.depth--;
  }
}

function pathOf(walk: Walk): string {
  let path = '$';
  for (const step of walk.steps) {
    path +=
      typeof step === 'number' ? `[${step}]` : `.${step.length > 40 ? `${step.slice(0, 37)}...` : step}`;
    if (path.length > 400) return `${path.slice(0, 400)}...`;
  }
  return path;
}
