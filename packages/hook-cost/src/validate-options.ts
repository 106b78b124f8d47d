import { type ConfigIssue, HookConfigError } from '@llmspell/core';
import { Ajv, type ErrorObject, type Schema, type ValidateFunction } from 'ajv';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const compiled = new WeakMap<object, ValidateFunction>();

function valueAt(root: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], root);
}

function issueOf(error: ErrorObject, root: unknown): ConfigIssue {
  if (error.keyword === 'additionalProperties') {
    const name = (error.params as { additionalProperty: string }).additionalProperty;
    return {
      path: `${error.instancePath}/${name}`,
      message: 'is not a known option; check its spelling against the README',
    };
  }
  const value = valueAt(root, error.instancePath);
  const shown = typeof value === 'object' && value !== null ? typeof value : JSON.stringify(value);
  return { path: error.instancePath || '/', message: `${error.message ?? 'is invalid'}, got ${shown}` };
}

/** Checks `value` against `schema`; throws `HookConfigError` listing every bad field plus `extra` issues. */
export function validateOptions(
  subject: string,
  schema: Schema & object,
  value: unknown,
  extra: () => ConfigIssue[] = () => [],
): void {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  const valid = validate(value);
  const issues = valid ? [] : (validate.errors ?? []).map((error) => issueOf(error, value));
  issues.push(...extra());
  if (issues.length > 0) throw new HookConfigError(subject, issues);
}
