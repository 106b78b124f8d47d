import { LlmspellError } from '@llmspell/core';

/** A cache store could not answer: not connected, too slow, or the command failed. The hook treats it as a miss. */
export class CacheStoreError extends LlmspellError {
  static override readonly code: string = 'CacheStoreError';
  /** The store operation that failed: `get`, `set`, `delete` or `close`. */
  readonly operation: string;

  constructor(operation: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.operation = operation;
  }
}
