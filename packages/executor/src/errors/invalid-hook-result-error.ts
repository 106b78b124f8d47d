import { describeValue, type HookPoint, LlmspellError } from '@llmspell/core';

/** A hook answered with something that is not a `HookResult`; the executor records it as the hook's error. */
export class InvalidHookResultError extends LlmspellError {
  static override readonly code: string = 'InvalidHookResultError';
  readonly hookId: string;
  readonly hookPoint: HookPoint;
  /** What the hook returned. */
  readonly value: unknown;

  constructor(options: {
    hookId: string;
    hookPoint: HookPoint;
    value: unknown;
    /** What is wrong with a HookResult the point cannot use; default: it is not a HookResult at all. */
    problem?: string;
  }) {
    super(
      options.problem !== undefined
        ? `Hook '${options.hookId}' at ${options.hookPoint} returned a result it cannot use: ${options.problem}`
        : `Hook '${options.hookId}' at ${options.hookPoint} returned ${describeResult(options.value)}, ` +
            'which is not a HookResult; return one built with HookResult.continue(), HookResult.modified(…) and so on',
    );
    this.hookId = options.hookId;
    this.hookPoint = options.hookPoint;
    this.value = options.value;
  }
}

function describeResult(value: unknown): string {
  try {
    if (value !== null && typeof value === 'object' && 'type' in value) {
      const type = (value as { type: unknown }).type;
      return `a malformed result of type ${describeValue(type)}`;
    }
  } catch {
    // Reading the value threw (a throwing getter, a revoked proxy): describe it without looking inside.
  }
  return describeValue(value);
}
