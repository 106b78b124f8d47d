/**
 * Deterministic JSON: object keys sorted, `undefined` members and functions dropped (as JSON.stringify does),
 * `toJSON` honoured. Two values that are equal as JSON give the same string whatever their key order.
 * Throws a `TypeError` naming the path on cyclic input and on BigInt.
 */
export function canonicalJson(value: unknown): string {
  const out = serialize(value, '$', new Set());
  return out === undefined ? 'null' : out;
}

function serialize(value: unknown, path: string, ancestors: Set<object>): string | undefined {
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
        `canonicalJson: cannot serialize a BigInt at ${path}; convert it to a string first`,
      );
  }
  const object = value as object & { toJSON?: () => unknown };
  if (typeof object.toJSON === 'function') {
    return serialize(object.toJSON(), path, ancestors);
  }
  if (ancestors.has(object)) {
    throw new TypeError(
      `canonicalJson: cyclic structure at ${path}; the value refers back to one of its parents`,
    );
  }
  ancestors.add(object);
  try {
    if (Array.isArray(object)) {
      const items = object.map((item, index) => serialize(item, `${path}[${index}]`, ancestors) ?? 'null');
      return `[${items.join(',')}]`;
    }
    const record = object as Record<string, unknown>;
    const members: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const member = serialize(record[key], `${path}.${key}`, ancestors);
      if (member !== undefined) members.push(`${JSON.stringify(key)}:${member}`);
    }
    return `{${members.join(',')}}`;
  } finally {
    ancestors.delete(object);
  }
}
