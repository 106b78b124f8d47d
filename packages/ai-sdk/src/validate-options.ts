import { type ConfigIssue, HookConfigError } from '@llmspell/core';

/** A readable rendering of a bad option value. */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function hasMethods(value: unknown, methods: readonly string[]): boolean {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    methods.every((method) => typeof (value as Record<string, unknown>)[method] === 'function')
  );
}

/** Collects every problem of one options object, each with its JSON-pointer path. */
class Issues {
  readonly list: ConfigIssue[] = [];

  add(path: string, message: string): void {
    this.list.push({ path, message });
  }

  unknownKeys(options: Record<string, unknown>, known: readonly string[]): void {
    for (const key of Object.keys(options)) {
      if (!known.includes(key))
        this.add(`/${key}`, `is not a known option; the options are ${known.join(', ')}`);
    }
  }

  object(
    options: Record<string, unknown>,
    key: string,
    methods: readonly string[],
    what: string,
    required = false,
  ) {
    const value = options[key];
    if (value === undefined && !required) return;
    if (!hasMethods(value, methods)) this.add(`/${key}`, `must be ${what}, got ${describe(value)}`);
  }

  name(options: Record<string, unknown>, required: boolean): void {
    const { name } = options;
    if (name === undefined && !required) return;
    if (typeof name !== 'string' || name.length === 0) {
      this.add('/name', `must be a non-empty string, got ${describe(name)}`);
    }
  }

  metadata(options: Record<string, unknown>, allowFunction: boolean): void {
    const { metadata } = options;
    if (metadata === undefined || (allowFunction && typeof metadata === 'function')) return;
    const expected = allowFunction ? 'an object of strings or a function' : 'an object of strings';
    if (!isRecord(metadata)) {
      this.add('/metadata', `must be ${expected}, got ${describe(metadata)}`);
      return;
    }
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string') this.add(`/metadata/${key}`, `must be a string, got ${describe(value)}`);
    }
  }

  throwIfAny(subject: string): void {
    if (this.list.length > 0) throw new HookConfigError(subject, this.list);
  }
}

const middlewareKeys = [
  'registry',
  'name',
  'executor',
  'events',
  'metrics',
  'metadata',
  'redirects',
] as const;
const toolKeys = ['registry', 'name', 'executor', 'events', 'metrics', 'metadata'] as const;

function commonIssues(issues: Issues, options: Record<string, unknown>): void {
  issues.object(options, 'registry', ['hooksFor'], 'a HookRegistry', true);
  issues.object(options, 'executor', ['execute'], 'a HookExecutor');
  issues.object(options, 'events', ['publish'], 'an event sink (such as an EventBus)');
  issues.object(options, 'metrics', ['increment', 'observe'], 'a metrics recorder');
}

/** Validates the options of `hooksMiddleware`; throws `HookConfigError` listing every bad field. */
export function validateMiddlewareOptions(options: unknown): void {
  const issues = new Issues();
  if (!isRecord(options)) {
    issues.add('/', `options must be an object with at least a registry, got ${describe(options)}`);
    issues.throwIfAny('hooksMiddleware');
    return;
  }
  issues.unknownKeys(options, middlewareKeys);
  commonIssues(issues, options);
  issues.name(options, false);
  issues.metadata(options, true);
  const { redirects } = options;
  if (redirects !== undefined) {
    if (!isRecord(redirects)) {
      issues.add('/redirects', `must be an object of name → language model, got ${describe(redirects)}`);
    } else {
      for (const [target, model] of Object.entries(redirects)) {
        if (!hasMethods(model, ['doGenerate', 'doStream'])) {
          issues.add(
            `/redirects/${target}`,
            `must be a language model with doGenerate and doStream, got ${describe(model)}`,
          );
        }
      }
    }
  }
  issues.throwIfAny('hooksMiddleware');
}

/** Validates the tool and options of `hookedTool`; throws `HookConfigError` listing every bad field. */
export function validateToolOptions(tool: unknown, options: unknown): void {
  const issues = new Issues();
  if (!isRecord(tool)) issues.add('/tool', `must be an AI SDK tool, got ${describe(tool)}`);
  else if (typeof tool.execute !== 'function') {
    issues.add(
      '/tool/execute',
      'must be a function: a tool without execute runs on the client and has nothing to hook',
    );
  }
  if (!isRecord(options)) {
    issues.add('/', `options must be an object with a registry and a name, got ${describe(options)}`);
  } else {
    issues.unknownKeys(options, toolKeys);
    commonIssues(issues, options);
    issues.name(options, true);
    issues.metadata(options, true);
  }
  issues.throwIfAny('hookedTool');
}
