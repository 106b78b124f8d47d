import type { HookPoint } from '../hook-point.js';
import { LlmspellError } from './llmspell-error.js';

/** Thrown to the caller of an agent or tool when a hook answered `cancel`. */
export class HookCancelledError extends LlmspellError {
  static override readonly code: string = 'HookCancelledError';
  /** The reason the hook gave. */
  readonly reason: string;
  /** The id of the hook that cancelled, when known. */
  readonly hookId: string | undefined;
  /** The point at which the operation was cancelled. */
  readonly hookPoint: HookPoint;

  constructor(options: {
    reason: string;
    hookPoint: HookPoint;
    hookId?: string | undefined;
    cause?: unknown;
  }) {
    const by = options.hookId ? ` by hook '${options.hookId}'` : '';
    super(`Operation cancelled at ${options.hookPoint}${by}: ${options.reason}`, { cause: options.cause });
    this.reason = options.reason;
    this.hookId = options.hookId;
    this.hookPoint = options.hookPoint;
  }
}
