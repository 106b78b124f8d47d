import { type ConfigIssue, HookConfigError } from '@llmspell/core';
import { Ajv, type ErrorObject, type Schema, type ValidateFunction } from 'ajv';

const ajv = new Ajv({ allErrors: true, strict: true });
const compiled = new WeakMap<object, ValidateFunction>();

function issueOf(error: ErrorObject, root: unknown): ConfigIssue {
  let path = error.instancePath;
  if (error.keyword === 'additionalProperties') {
    path += `/${(error.params as { additionalProperty: string }).additionalProperty}`;
    return { path, message: 'is not a known option; check its spelling against the README' };
  }
  const value = error.instancePath
    .split('/')
    .slice(1)
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], root);
  const shown = typeof value === 'object' && value !== null ? typeof value : JSON.stringify(value);
  return { path: path || '/', message: `${error.message ?? 'is invalid'}, got ${shown}` };
}

/** Checks `value` against `schema`; throws `HookConfigError` listing every bad field (plus `extra` issues). */
export function validateOptions(
  subject: string,
  schema: Schema & object,
  value: unknown,
  extra: ConfigIssue[] = [],
): void {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  const issues = validate(value) ? [] : (validate.errors ?? []).map((error) => issueOf(error, value));
  issues.push(...extra);
  if (issues.length > 0) throw new HookConfigError(subject, issues);
}
