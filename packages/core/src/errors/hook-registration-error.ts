import { LlmspellError } from './llmspell-error.js';

/** A hook or plugin could not be registered (duplicate id, bad hook shape, incompatible plugin …). */
export class HookRegistrationError extends LlmspellError {
  static override readonly code: string = 'HookRegistrationError';
}
