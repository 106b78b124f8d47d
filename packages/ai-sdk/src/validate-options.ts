import { ConfigIssues, describeValue } from '@llmspell/core';

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

function requireMethods(
  issues: ConfigIssues,
  options: Record<string, unknown>,
  key: string,
  methods: readonly string[],
  what: string,
): void {
  if (options[key] === undefined) issues.add(`/${key}`, `must be ${what}, got undefined`);
  else issues.methods(options, key, methods, what);
}

function nameIssues(issues: ConfigIssues, options: Record<string, unknown>, required: boolean): void {
  const { name } = options;
  if (name === undefined && !required) return;
  if (typeof name !== 'string' || name.length === 0) {
    issues.add('/name', `must be a non-empty string, got ${describeValue(name)}`);
  }
}

function metadataIssues(issues: ConfigIssues, options: Record<string, unknown>): void {
  const { metadata } = options;
  if (metadata === undefined || typeof metadata === 'function') return;
  if (!isRecord(metadata)) {
    issues.add('/metadata', `must be an object of strings or a function, got ${describeValue(metadata)}`);
    return;
  }
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string')
      issues.add(`/metadata/${key}`, `must be a string, got ${describeValue(value)}`);
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

function commonIssues(issues: ConfigIssues, options: Record<string, unknown>): void {
  requireMethods(issues, options, 'registry', ['hooksFor'], 'a HookRegistry');
  issues
    .methods(options, 'executor', ['execute'], 'a HookExecutor')
    .methods(options, 'events', ['publish'], 'an event sink (such as an EventBus)')
    .methods(options, 'metrics', ['increment', 'observe'], 'a metrics recorder');
}

/** Validates the options of `hooksMiddleware`; throws `HookConfigError` listing every bad field. */
export function validateMiddlewareOptions(options: unknown): void {
  const issues = new ConfigIssues();
  if (!isRecord(options)) {
    issues.add('/', `options must be an object with at least a registry, got ${describeValue(options)}`);
    issues.throwIfAny('hooksMiddleware');
    return;
  }
  issues.unknownKeys(options, middlewareKeys);
  commonIssues(issues, options);
  nameIssues(issues, options, false);
  metadataIssues(issues, options);
  const { redirects } = options;
  if (redirects !== undefined) {
    if (!isRecord(redirects)) {
      issues.add('/redirects', `must be an object of name → language model, got ${describeValue(redirects)}`);
    } else {
      for (const [target, model] of Object.entries(redirects)) {
        if (!hasMethods(model, ['doGenerate', 'doStream'])) {
          issues.add(
            `/redirects/${target}`,
            `must be a language model with doGenerate and doStream, got ${describeValue(model)}`,
          );
        }
      }
    }
  }
  issues.throwIfAny('hooksMiddleware');
}

/** Validates the tool and options of `hookedTool`; throws `HookConfigError` listing every bad field. */
export function validateToolOptions(tool: unknown, options: unknown): void {
  const issues = new ConfigIssues();
  if (!isRecord(tool)) issues.add('/tool', `must be an AI SDK tool, got ${describeValue(tool)}`);
  else if (typeof tool.execute !== 'function') {
    issues.add(
      '/tool/execute',
      'must be a function: a tool without execute runs on the client and has nothing to hook',
    );
  }
  if (!isRecord(options)) {
    issues.add('/', `options must be an object with a registry and a name, got ${describeValue(options)}`);
  } else {
    issues.unknownKeys(options, toolKeys);
    commonIssues(issues, options);
    nameIssues(issues, options, true);
    metadataIssues(issues, options);
  }
  issues.throwIfAny('hookedTool');
}
