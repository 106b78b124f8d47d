import { ConfigIssues, describeValue, HookConfigError } from '@llmspell/core';
import { isRecord } from '../is-record.js';

const optionKeys = [
  'name',
  'registry',
  'events',
  'metrics',
  'executor',
  'redirects',
  'fork',
  'execute',
] as const;

const agentOptionKeys = [...optionKeys, 'stream'] as const;

/** Validates the options of `createAgent` / `createTool`; throws `HookConfigError` listing every bad field. */
export function validateComponentOptions(subject: 'createAgent' | 'createTool', options: unknown): void {
  const issues = new ConfigIssues();
  if (!isRecord(options)) {
    issues.add('/', `options must be an object, got ${describeValue(options)}`);
    throw new HookConfigError(subject, issues.issues);
  }
  issues.unknownKeys(options, subject === 'createAgent' ? agentOptionKeys : optionKeys);
  const { name, registry, executor, redirects } = options;
  if (typeof name !== 'string' || name.length === 0) {
    issues.add('/name', `must be a non-empty string, got ${describeValue(name)}`);
  }
  if (
    registry === null ||
    typeof registry !== 'object' ||
    typeof (registry as { hooksFor?: unknown }).hooksFor !== 'function'
  ) {
    issues.add('/registry', `must be a HookRegistry, got ${describeValue(registry)}`);
  }
  if (
    executor !== undefined &&
    (executor === null || typeof (executor as { execute?: unknown }).execute !== 'function')
  ) {
    issues.add('/executor', `must be a HookExecutor, got ${describeValue(executor)}`);
  }
  issues.methods(options, 'events', ['publish'], 'an event sink (such as an EventBus)');
  issues.methods(options, 'metrics', ['increment', 'observe'], 'a metrics recorder');
  if (subject === 'createAgent') {
    issues.function(options, 'execute');
    issues.function(options, 'stream');
    if (options.execute === undefined && options.stream === undefined) {
      issues.add('/execute', 'an agent needs execute(input, context), stream(input, context) or both');
    }
  } else {
    issues.function(options, 'execute', { required: true });
  }
  issues.function(options, 'fork');
  if (redirects !== undefined) {
    if (!isRecord(redirects)) {
      issues.add('/redirects', `must be an object of name → component, got ${describeValue(redirects)}`);
    } else {
      for (const [target, component] of Object.entries(redirects)) {
        if (
          component === null ||
          typeof component !== 'object' ||
          typeof (component as { execute?: unknown }).execute !== 'function'
        ) {
          issues.add(
            `/redirects/${target}`,
            `must be an agent or tool with execute(), got ${describeValue(component)}`,
          );
        }
      }
    }
  }
  if (issues.issues.length > 0) throw new HookConfigError(subject, issues.issues);
}
