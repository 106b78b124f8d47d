import { LlmspellError } from '@llmspell/core';

/**
 * The shared rate-limit store (Redis) could not answer: disconnected, failed, or silent past `storeTimeoutMs`.
 * The hook never throws it; it decides by `onStoreError` and reports it in the `rate_limit.store_error` event.
 */
export class RateLimitStoreError extends LlmspellError {
  static override readonly code: string = 'RateLimitStoreError';
}
