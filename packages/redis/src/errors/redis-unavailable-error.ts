import { LlmspellError } from '@llmspell/core';

/**
 * A Redis command did not succeed: not connected, no answer within the deadline, or refused by the server.
 * `reason` is the real cause in one line (WRONGPASS …, NOPERM …, a TLS certificate error, MOVED …), the string
 * the Redis pieces put in the `error` field of their events.
 */
export class RedisUnavailableError extends LlmspellError {
  static override readonly code: string = 'RedisUnavailableError';
  /** The operation that failed, as the piece names it (`get`, `take`, `record` …). */
  readonly operation: string;

  constructor(operation: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.operation = operation;
  }
}
