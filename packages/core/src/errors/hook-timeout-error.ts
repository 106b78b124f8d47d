import type { HookPoint } from '../hook-point.js';
import { LlmspellError } from './llmspell-error.js';

/** A hook did not answer within its deadline; it was abandoned and its `context.signal` aborted. */
export class HookTimeoutError extends LlmspellError {
  static override readonly code: string = 'HookTimeoutError';
  readonly hookId: string;
  readonly hookPoint: HookPoint;
  readonly timeoutMs: number;

  constructor(options: { hookId: string; hookPoint: HookPoint; timeoutMs: number }) {
    super(
      `Hook '${options.hookId}' at ${options.hookPoint} did not answer within ${options.timeoutMs} ms; ` +
        'make it faster, honour context.signal, or raise its metadata().timeoutMs',
    );
    this.hookId = options.hookId;
    this.hookPoint = options.hookPoint;
    this.timeoutMs = options.timeoutMs;
  }
}
