import { LlmspellError } from '@llmspell/core';

/** `SecurityValidationHook` ran on a context without `data.input`; being fail-closed, the operation is cancelled. */
export class MissingInputError extends LlmspellError {
  static override readonly code: string = 'MissingInputError';

  constructor(hookPoint: string) {
    super(
      `No input text found at ${hookPoint}: SecurityValidationHook needs context.data.input ` +
        '(an agent input { text }, a string, or a tool argument object); register it at a point that has one',
    );
  }
}
