import { AssertionError } from 'node:assert';
import { HookResult, type HookResultOf, type HookResultType } from '@llmspell/core';

/**
 * Asserts that `result` is a well-formed `HookResult` of variant `type`, narrows it, and runs `check` on it.
 * Throws an `AssertionError` (from node:assert) otherwise; works with any test runner.
 */
export function assertHookResult<T extends HookResultType>(
  result: unknown,
  type: T,
  check?: (result: HookResultOf<T>) => void,
): asserts result is HookResultOf<T> {
  if (!HookResult.isHookResult(result)) {
    throw new AssertionError({
      message: `Expected a HookResult of type '${type}', got a value that is not a HookResult: ${describe(result)}`,
      actual: result,
      expected: { type },
      operator: 'assertHookResult',
    });
  }
  if (result.type !== type) {
    throw new AssertionError({
      message: `Expected a '${type}' HookResult, got '${result.type}': ${describe(result)}`,
      actual: result.type,
      expected: type,
      operator: 'assertHookResult',
    });
  }
  check?.(result as HookResultOf<T>);
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
