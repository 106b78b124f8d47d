import { type HookPoint, LlmspellError } from '@llmspell/core';

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object without a string text or a content array';
  return typeof value === 'string' ? JSON.stringify(value) : `${typeof value} ${String(value)}`;
}

/** A hook answered a model call (`cache`, `replace`, or a changed `data.output`) with something that is not model output. */
export class InvalidModelOutputError extends LlmspellError {
  static override readonly code: string = 'InvalidModelOutputError';
  /** The point whose hook answered. */
  readonly hookPoint: HookPoint;
  /** The hook that answered, when known. */
  readonly hookId: string | undefined;

  constructor(options: { hookPoint: HookPoint; hookId: string | undefined; answer: string; value: unknown }) {
    const by = options.hookId ? `hook '${options.hookId}'` : 'a hook';
    super(
      `At ${options.hookPoint}, ${by} answered '${options.answer}' with ${describe(options.value)}, which is not ` +
        'model output; answer with a string or { text: string, content?: ContentPart[] }',
    );
    this.hookPoint = options.hookPoint;
    this.hookId = options.hookId;
  }
}
