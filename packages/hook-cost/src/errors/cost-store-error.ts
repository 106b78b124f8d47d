import { LlmspellError } from '@llmspell/core';

/** A cost store could not be read or written (Redis down, slow or closed). */
export class CostStoreError extends LlmspellError {
  static override readonly code: string = 'CostStoreError';
}
