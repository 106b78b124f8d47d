import { type ConfigIssue, describeValue } from '@llmspell/core';

/** The largest delay `setTimeout` honours; anything above fires at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** A short description of a value for a message; never throws (see core's `describeValue`). */
export const describe = describeValue;

/** True for a non-null, non-array object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Collects the problems of one configuration object, each with its JSON-pointer-like path. */
export class IssueList {
  readonly issues: ConfigIssue[] = [];

  add(path: string, message: string): void {
    this.issues.push({ path, message });
  }

  /** Flags keys of `options` that are not in `known` (a likely typo). */
  unknownKeys(options: Record<string, unknown>, known: readonly string[], base = ''): void {
    for (const key of Object.keys(options)) {
      if (!known.includes(key)) {
        this.add(`${base}/${key}`, `is not a known option; the options are ${known.join(', ')}`);
      }
    }
  }

  positiveInteger(options: Record<string, unknown>, key: string, base = ''): void {
    const value = options[key];
    if (value === undefined) return;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      this.add(`${base}/${key}`, `must be a positive integer, got ${describe(value)}`);
    }
  }

  positiveMilliseconds(
    options: Record<string, unknown>,
    key: string,
    base = '',
    max = Number.MAX_VALUE,
  ): void {
    const value = options[key];
    if (value === undefined) return;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max) {
      const bound = max === Number.MAX_VALUE ? 'a finite number of milliseconds' : `at most ${max} ms`;
      this.add(`${base}/${key}`, `must be a positive number (${bound}), got ${describe(value)}`);
    }
  }

  methods(options: Record<string, unknown>, key: string, names: readonly string[], what: string): void {
    const value = options[key];
    if (value === undefined) return;
    const ok =
      value !== null &&
      (typeof value === 'object' || typeof value === 'function') &&
      names.every((name) => typeof (value as Record<string, unknown>)[name] === 'function');
    if (!ok) this.add(`/${key}`, `must be ${what} with ${names.map((name) => `${name}()`).join(', ')}`);
  }

  function(options: Record<string, unknown>, key: string, required: boolean): void {
    const value = options[key];
    if (value === undefined && !required) return;
    if (typeof value !== 'function') this.add(`/${key}`, `must be a function, got ${describe(value)}`);
  }
}
