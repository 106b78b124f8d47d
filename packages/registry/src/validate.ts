import { describeValue, type Hook, HookRegistrationError, isHookPoint } from '@llmspell/core';

/** Throws a `HookRegistrationError` unless `hook` has a non-empty string `id` and an `execute` function. */
export function assertHook(hook: unknown, where: string): asserts hook is Hook {
  if (hook === null || (typeof hook !== 'object' && typeof hook !== 'function')) {
    throw new HookRegistrationError(
      `${where}: expected a hook object with 'id' and 'execute', got ${typeof hook}`,
    );
  }
  const candidate = hook as Partial<Hook>;
  if (typeof candidate.id !== 'string' || candidate.id.length === 0) {
    throw new HookRegistrationError(`${where}: the hook has no 'id'; give it a unique non-empty string id`);
  }
  if (typeof candidate.execute !== 'function') {
    throw new HookRegistrationError(`${where}: hook '${candidate.id}' has no execute(context) method`);
  }
}

/** Throws a `HookRegistrationError` unless `point` is a built-in hook point or a `custom:` point. */
export function assertPoint(point: unknown, where: string): void {
  if (!isHookPoint(point)) {
    throw new HookRegistrationError(
      `${where}: ${JSON.stringify(point)} is not a hook point; use a HookPoint constant or HookPoint.custom(name)`,
    );
  }
}

/** Throws a `HookRegistrationError` unless `priority` is undefined or a finite integer. */
export function assertPriority(priority: unknown, where: string): void {
  if (priority !== undefined && !Number.isSafeInteger(priority)) {
    throw new HookRegistrationError(
      `${where}: priority must be a finite integer (see Priority), got ${describeValue(priority)}`,
    );
  }
}

/** Throws a `HookRegistrationError` unless `metadata.streamHoldBackChars` is undefined or an integer ≥ 0. */
export function assertStreamHoldBack(value: unknown, where: string): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) >= 0)) {
    throw new HookRegistrationError(
      `${where}: streamHoldBackChars must be an integer of at least 0 (characters held back from a stream), ` +
        `got ${describeValue(value)}`,
    );
  }
}
