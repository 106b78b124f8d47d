import { type ConfigIssue, HookConfigError, issuesFromAjv } from '@llmspell/core';
import { Ajv, type Schema, type ValidateFunction } from 'ajv';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const compiled = new WeakMap<object, ValidateFunction>();

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
  const issues = validate(value) ? [] : issuesFromAjv(validate.errors, value, schema);
  issues.push(...extra());
  if (issues.length > 0) throw new HookConfigError(subject, issues);
}
