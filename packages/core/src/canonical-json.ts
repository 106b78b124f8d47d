/** Limits of `canonicalJson`, so that a value built to be expensive is refused quickly. */
export interface CanonicalJsonOptions {
  /**
   * The most values (objects, arrays and primitives) to write, counting an object as often as it is reached:
   * one object shared at every level of a 22-deep structure is reached four million times. Default 100_000.
   */
  maxNodes?: number;
  /** The deepest nesting to follow. Default 1_000. */
  maxDepth?: number;
}

interface Walk {
  readonly ancestors: Set<object>;
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
  const walk: Walk = { ancestors: new Set(), steps: [], maxNodes, maxDepth, nodes: 0 };
  const out = serialize(value, walk);
  return out === undefined ? 'null' : out;
}

function serialize(value: unknown, walk: Walk): string | undefined {
  if (++walk.nodes > walk.maxNodes) {
    throw new RangeError(
      `canonicalJson: the value has more than ${walk.maxNodes} nodes (an object shared at many levels counts each time it is reached); pass a smaller value or raise maxNodes`,
    );
  }
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
  if (typeof object.toJSON === 'function') {
    return serialize(object.toJSON(), walk);
  }
  const { ancestors } = walk;
  if (ancestors.has(object)) {
    throw new TypeError(
      `canonicalJson: cyclic structure at ${pathOf(walk)}; the value refers back to one of its parents`,
    );
  }
  if (ancestors.size >= walk.maxDepth) {
    throw new RangeError(
      `canonicalJson: the value is nested deeper than ${walk.maxDepth} levels at ${pathOf(walk)}`,
    );
  }
  ancestors.add(object);
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
    ancestors.delete(object);
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
