import { describeValue } from './describe-value.js';
import { type ConfigIssue, HookConfigError } from './errors/hook-config-error.js';

/** The largest delay `setTimeout` honours; a larger one fires after 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

/** The message of an option that is not one of `known` (the same words in every package). */
export function unknownOptionMessage(known: readonly string[]): string {
  return known.length === 0
    ? 'is not a known option; remove it or check its spelling'
    : `is not a known option; the options are ${known.join(', ')}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function read(options: object, key: string): unknown {
  return (options as Record<string, unknown>)[key];
}

/** Where a field sits under `base`, as a JSON pointer (`/` for the object itself). */
function pointer(base: string, key: string): string {
  return `${base}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

/**
 * Collects everything wrong with one configuration object, each problem with its JSON-pointer path, then
 * throws one `HookConfigError` listing them all. Every check skips an option that is `undefined` unless it
 * is required, so defaults stay where they are filled in.
 */
export class ConfigIssues {
  readonly issues: ConfigIssue[] = [];

  /** Adds one problem. */
  add(path: string, message: string): this {
    this.issues.push({ path: path === '' ? '/' : path, message });
    return this;
  }

  /** Adds problems found elsewhere (for example by `issuesFromAjv`). */
  addAll(issues: readonly ConfigIssue[]): this {
    for (const issue of issues) this.issues.push(issue);
    return this;
  }

  /** Throws `HookConfigError` for `subject` when any problem was found. */
  throwIfAny(subject: string): void {
    if (this.issues.length > 0) throw new HookConfigError(subject, this.issues);
  }

  /**
   * `value` as an options object: `undefined` is an empty one, anything else that is not an object is a
   * problem at `base` (and gives an empty object, so the other checks can still run).
   */
  object(value: unknown, base = ''): Record<string, unknown> {
    if (value === undefined) return {};
    if (isRecord(value)) return value;
    this.add(base, `must be an options object, got ${describeValue(value)}`);
    return {};
  }

  /** Flags every key of `options` that is not in `known` (a likely typo). */
  unknownKeys(options: object, known: readonly string[], base = ''): this {
    for (const key of Object.keys(options)) {
      if (!known.includes(key)) this.add(pointer(base, key), unknownOptionMessage(known));
    }
    return this;
  }

  /** A safe integer ≥ 1. */
  positiveInteger(options: object, key: string, base = ''): this {
    const value = read(options, key);
    if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) >= 1)) {
      this.add(pointer(base, key), `must be a positive integer, got ${describeValue(value)}`);
    }
    return this;
  }

  /** A safe integer ≥ 0. */
  nonNegativeInteger(options: object, key: string, base = ''): this {
    const value = read(options, key);
    if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) >= 0)) {
      this.add(pointer(base, key), `must be a non-negative integer, got ${describeValue(value)}`);
    }
    return this;
  }

  /**
   * A duration in milliseconds: finite, above 0 (or at least 0 with `allowZero`) and at most `max` (default
   * `MAX_TIMER_MS`, the longest delay a timer can wait; `Infinity` for a duration no timer waits for).
   */
  milliseconds(
    options: object,
    key: string,
    settings: { base?: string; max?: number; allowZero?: boolean } = {},
  ): this {
    const { base = '', max = MAX_TIMER_MS, allowZero = false } = settings;
    const value = read(options, key);
    if (value === undefined) return this;
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (allowZero ? value >= 0 : value > 0) &&
      value <= max;
    if (!ok) {
      const lower = allowZero ? 'at least 0' : 'above 0';
      const upper = max === Number.POSITIVE_INFINITY ? '' : ` and at most ${max}`;
      this.add(
        pointer(base, key),
        `must be a finite number of milliseconds ${lower}${upper}, got ${describeValue(value)}`,
      );
    }
    return this;
  }

  /** One of `allowed` (compared with `===`). */
  oneOf(options: object, key: string, allowed: readonly unknown[], base = ''): this {
    const value = read(options, key);
    if (value !== undefined && !allowed.includes(value)) {
      const list = allowed.map((entry) => describeValue(entry)).join(', ');
      this.add(pointer(base, key), `must be one of ${list}, got ${describeValue(value)}`);
    }
    return this;
  }

  /** A boolean. */
  boolean(options: object, key: string, base = ''): this {
    const value = read(options, key);
    if (value !== undefined && typeof value !== 'boolean') {
      this.add(pointer(base, key), `must be true or false, got ${describeValue(value)}`);
    }
    return this;
  }

  /** A function; with `required`, `undefined` is a problem too. */
  function(options: object, key: string, settings: { base?: string; required?: boolean } = {}): this {
    const { base = '', required = false } = settings;
    const value = read(options, key);
    if ((value !== undefined || required) && typeof value !== 'function') {
      this.add(pointer(base, key), `must be a function, got ${describeValue(value)}`);
    }
    return this;
  }

  /** An object with every method in `names` (`what` names it in the message: 'a logger'). */
  methods(options: object, key: string, names: readonly string[], what: string, base = ''): this {
    const value = read(options, key);
    if (value === undefined) return this;
    let ok = false;
    try {
      ok =
        value !== null &&
        (typeof value === 'object' || typeof value === 'function') &&
        names.every((name) => typeof (value as Record<string, unknown>)[name] === 'function');
    } catch {
      ok = false;
    }
    if (!ok) {
      const list = names.map((name) => `${name}()`).join(', ');
      this.add(pointer(base, key), `must be ${what} with ${list}, got ${describeValue(value)}`);
    }
    return this;
  }
}

/**
 * The shape of an ajv validation error that `issuesFromAjv` reads (ajv's `ErrorObject` fits it), so that
 * packages without ajv need not depend on its types.
 */
export interface AjvErrorLike {
  keyword: string;
  instancePath: string;
  params: object;
  message?: string;
}

/** A JSON-Schema-like object, as far as `issuesFromAjv` looks into it. */
interface SchemaNode {
  properties?: Record<string, unknown>;
  additionalProperties?: unknown;
  items?: unknown;
  anyOf?: unknown[];
  oneOf?: unknown[];
}

function unescapePointer(part: string): string {
  return part.replaceAll('~1', '/').replaceAll('~0', '~');
}

function valueAt(root: unknown, path: string): unknown {
  let value = root;
  for (const part of path.split('/').slice(1)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[unescapePointer(part)];
  }
  return value;
}

/** The node itself and, for `anyOf` / `oneOf`, each of its object branches. */
function branchesOf(node: unknown): SchemaNode[] {
  if (!isRecord(node)) return [];
  const schema = node as SchemaNode;
  const branches = [schema];
  for (const list of [schema.anyOf, schema.oneOf]) {
    if (Array.isArray(list))
      for (const branch of list) if (isRecord(branch)) branches.push(branch as SchemaNode);
  }
  return branches;
}

/** The property names the schema allows at `path` (empty when it cannot tell). */
function knownKeysAt(schema: unknown, path: string): string[] {
  let nodes = branchesOf(schema);
  for (const part of path.split('/').slice(1)) {
    const name = unescapePointer(part);
    const next: SchemaNode[] = [];
    for (const node of nodes) {
      const { properties } = node;
      if (properties !== undefined && Object.hasOwn(properties, name))
        next.push(...branchesOf(properties[name]));
      else if (isRecord(node.additionalProperties)) next.push(...branchesOf(node.additionalProperties));
      else if (isRecord(node.items)) next.push(...branchesOf(node.items));
    }
    if (next.length === 0) return [];
    nodes = next;
  }
  const known = new Set<string>();
  for (const node of nodes)
    if (isRecord(node.properties)) for (const key of Object.keys(node.properties)) known.add(key);
  return [...known];
}

/**
 * Turns ajv's errors (with `allErrors`) for `value` into config issues worded like `ConfigIssues`: an unknown
 * option reads `is not a known option; the options are …` (the names taken from `schema`), a missing one
 * `is required`, anything else ajv's message and the value that was given. One issue per path.
 */
export function issuesFromAjv(
  errors: readonly AjvErrorLike[] | null | undefined,
  value: unknown,
  schema?: object,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors ?? []) {
    const params = error.params as Record<string, unknown>;
    let issue: ConfigIssue;
    if (error.keyword === 'additionalProperties') {
      issue = {
        path: pointer(error.instancePath, String(params.additionalProperty)),
        message: unknownOptionMessage(knownKeysAt(schema, error.instancePath)),
      };
    } else if (error.keyword === 'required') {
      issue = { path: pointer(error.instancePath, String(params.missingProperty)), message: 'is required' };
    } else {
      issue = {
        path: error.instancePath === '' ? '/' : error.instancePath,
        message: `${error.message ?? 'is invalid'}, got ${describeValue(valueAt(value, error.instancePath))}`,
      };
    }
    if (seen.has(issue.path)) continue;
    seen.add(issue.path);
    issues.push(issue);
  }
  return issues;
}
