import type { StreamScript } from '@llmspell/testing';
import type { AgentStreamPart } from '../runtime/agent-stream.js';

/** What a scripted stream reports about itself to the suite. */
export interface ScriptedRecord {
  prompts: string[];
  cancelled: boolean;
}

/**
 * An agent's stream that follows `script`: its deltas, then a finish with the script's usage. After
 * `stallAfter` deltas it never answers again; like a provider that ignores its abort signal, a cancel
 * (`return()`) is recorded but does not end a pending read.
 */
export function scriptedStream(
  script: StreamScript,
  record: ScriptedRecord,
): AsyncIterable<string | AgentStreamPart> {
  let index = 0;
  let finished = false;
  const iterator: AsyncIterator<string | AgentStreamPart> = {
    next() {
      if (record.cancelled) return Promise.resolve({ value: undefined, done: true });
      if (script.stallAfter !== undefined && index >= script.stallAfter) return new Promise(() => undefined);
      if (index < script.deltas.length)
        return Promise.resolve({ value: script.deltas[index++]!, done: false });
      if (!finished && script.usage !== undefined) {
        finished = true;
        return Promise.resolve({ value: { type: 'finish', tokensUsed: script.usage }, done: false });
      }
      return Promise.resolve({ value: undefined, done: true });
    },
    return() {
      record.cancelled = true;
      return Promise.resolve({ value: undefined, done: true });
    },
  };
  return { [Symbol.asyncIterator]: () => iterator };
}
