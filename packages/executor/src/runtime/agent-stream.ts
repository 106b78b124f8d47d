import { describeValue, LlmspellError } from '@llmspell/core';
import type { StreamSource } from './operation.js';

/** What an agent answers. `model` and `tokensUsed` reach the After hooks as `data.model` / `data.tokensUsed`. */
export interface AgentOutput {
  text: string;
  model?: string;
  tokensUsed?: { input: number; output: number };
  [key: string]: unknown;
}

/** One piece of an agent's stream besides plain strings: text, or the finish with the model and its usage. */
export type AgentStreamPart =
  | { type: 'text'; text: string }
  | { type: 'finish'; model?: string; tokensUsed?: { input: number; output: number } };

/** What `agent.stream()` returns. */
export interface AgentStream {
  /** The released text, delta by delta (after the AgentStreamChunk hooks). Can be iterated once. */
  textStream: AsyncIterable<string>;
  /** Settles when the stream ends (after After, or after cleanup); `output.text` is the released text. */
  output: Promise<AgentOutput>;
}

/** What a streaming agent's source reported at its finish, kept for `data.output`. */
interface Finish {
  model?: string;
  tokensUsed?: { input: number; output: number };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object';
}

function isTokens(value: unknown): value is { input: number; output: number } {
  return isRecord(value) && typeof value.input === 'number' && typeof value.output === 'number';
}

/** `data.output` of a streamed agent call: the released text, with the model and usage its finish reported. */
function outputOf(released: string, finish: Finish): AgentOutput {
  const output: AgentOutput = { text: released };
  if (finish.model !== undefined) output.model = finish.model;
  if (finish.tokensUsed !== undefined) output.tokensUsed = finish.tokensUsed;
  return output;
}

/**
 * Reads an agent's `stream()` iterable as the lifecycle's source: strings and text parts are text, a finish part
 * puts `model` and `tokensUsed` into `data` (where After and cleanup hooks read them). Anything else ends the
 * call with an error naming what was yielded.
 */
export function iterableSource(
  iterable: AsyncIterable<string | AgentStreamPart>,
  data: () => Record<string, unknown>,
): StreamSource<never, IteratorResult<string | AgentStreamPart>> {
  const iterator = iterable[Symbol.asyncIterator]();
  const finish: Finish = {};
  const piece = (result: IteratorResult<string | AgentStreamPart>): string | undefined | null => {
    if (result.done === true) return undefined;
    const value = result.value;
    if (typeof value === 'string') return value;
    if (isRecord(value) && value.type === 'text' && typeof value.text === 'string') return value.text;
    if (isRecord(value) && value.type === 'finish') {
      if (typeof value.model === 'string') {
        finish.model = value.model;
        data().model = value.model;
      }
      if (isTokens(value.tokensUsed)) {
        finish.tokensUsed = { input: value.tokensUsed.input, output: value.tokensUsed.output };
        data().tokensUsed = finish.tokensUsed;
      }
      return null;
    }
    throw new LlmspellError(
      `An agent's stream yielded ${describeValue(value)}; yield strings, { type: 'text', text } or ` +
        `{ type: 'finish', model?, tokensUsed? }`,
    );
  };
  const read = (): Promise<string | undefined> =>
    iterator.next().then((result) => {
      const next = piece(result);
      return next === null ? read() : next;
    });
  return {
    read,
    // Read split in two: the lifecycle awaits the iterator's own promise, one per piece.
    next: () => iterator.next(),
    piece,
    cancel(reason) {
      // An async generator suspended in an await finishes that await first; the call does not wait for it.
      Promise.resolve(iterator.return?.(reason)).catch(() => undefined);
    },
    output: (released) => outputOf(released, finish),
  };
}

/** A source that streams one finished answer (an `execute` result, or a hook's cache/replace answer) as one delta. */
export function outputSource(output: AgentOutput, data: () => Record<string, unknown>): StreamSource<never> {
  const finish: Finish = {};
  if (typeof output.model === 'string') finish.model = output.model;
  if (isTokens(output.tokensUsed)) finish.tokensUsed = output.tokensUsed;
  let sent = false;
  return {
    read() {
      if (sent) return Promise.resolve(undefined);
      sent = true;
      const target = data();
      if (finish.model !== undefined) target.model = finish.model;
      if (finish.tokensUsed !== undefined) target.tokensUsed = finish.tokensUsed;
      return Promise.resolve(output.text);
    },
    cancel() {
      sent = true;
    },
    output: (released) => ({ ...output, ...outputOf(released, finish) }),
  };
}

/** An answer a hook gave for a streaming call, as agent output: a string, or an object with a string `text`. */
export function answerAsOutput(value: unknown, answeredBy: string): AgentOutput {
  if (typeof value === 'string') return { text: value };
  if (isRecord(value) && typeof value.text === 'string') return value as AgentOutput;
  throw new LlmspellError(
    `A ${answeredBy} answer for a streaming agent must be a string or an object with a string 'text', ` +
      `got ${describeValue(value)}`,
  );
}

/** A source reading another agent's stream (a redirect target), with its output's model and usage at the end. */
export function agentStreamSource(
  stream: AgentStream,
  data: () => Record<string, unknown>,
): StreamSource<never> {
  const iterator = stream.textStream[Symbol.asyncIterator]();
  const finish: Finish = {};
  let ended = false;
  return {
    async read() {
      if (ended) return undefined;
      const next = await iterator.next();
      if (next.done !== true) return next.value;
      ended = true;
      const output = await stream.output;
      const target = data();
      if (typeof output.model === 'string') finish.model = target.model = output.model;
      if (isTokens(output.tokensUsed)) finish.tokensUsed = target.tokensUsed = output.tokensUsed;
      return undefined;
    },
    cancel() {
      ended = true;
      Promise.resolve(iterator.return?.()).catch(() => undefined);
    },
    output: (released) => outputOf(released, finish),
  };
}
