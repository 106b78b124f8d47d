import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { type StreamScript, streamLifecycleSuite } from '@llmspell/testing';
import { simulateReadableStream, streamText, wrapLanguageModel } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { describe, it } from 'vitest';
import { echoOf, streamedParts } from './__fixtures__/models.js';
import { hooksMiddleware } from './hooks-middleware.js';

interface ScriptedRecord {
  prompts: string[];
  cancelled: boolean;
}

/**
 * The model's stream for `script`, made by the AI SDK's own `simulateReadableStream` (which never looks at the
 * call's abort signal); after `stallAfter` deltas it stops sending for good. A cancel by the middleware is
 * recorded on the way through.
 */
function scriptedStream(
  script: StreamScript,
  record: ScriptedRecord,
): ReadableStream<LanguageModelV3StreamPart> {
  const parts = streamedParts(script.deltas, script.usage?.input, script.usage?.output);
  if (script.usage === undefined) {
    const finish = parts.at(-1) as Extract<LanguageModelV3StreamPart, { type: 'finish' }>;
    parts[parts.length - 1] = {
      ...finish,
      usage: {
        inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
        outputTokens: { total: undefined, text: undefined, reasoning: undefined },
      },
    };
  }
  // stream-start and text-start come before the first delta.
  const stallAt = script.stallAfter === undefined ? Number.POSITIVE_INFINITY : script.stallAfter + 2;
  let sent = 0;
  const source = simulateReadableStream({
    chunks: parts,
    initialDelayInMs: null,
    chunkDelayInMs: null,
    _internal: { delay: () => (sent++ >= stallAt ? new Promise<void>(() => undefined) : Promise.resolve()) },
  });
  const reader = source.getReader();
  return new ReadableStream<LanguageModelV3StreamPart>({
    async pull(controller) {
      const next = await reader.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel(reason) {
      record.cancelled = true;
      return reader.cancel(reason);
    },
  });
}

/** The reader's text from `streamText`'s full stream: text deltas, and an error part thrown as its error. */
async function* textOf(fullStream: AsyncIterable<{ type: string; text?: string; error?: unknown }>) {
  for await (const part of fullStream) {
    if (part.type === 'text-delta') yield part.text!;
    else if (part.type === 'error') throw part.error;
    else if (part.type === 'abort') throw new Error('The stream was aborted');
  }
}

describe('the stream lifecycle through streamText and hooksMiddleware', () => {
  streamLifecycleSuite(it, {
    create({ registry, script }) {
      const model: ScriptedRecord = { prompts: [], cancelled: false };
      const mock = new MockLanguageModelV3({
        doStream: async ({ prompt }) => {
          model.prompts.push(echoOf(prompt).slice('echo: '.length));
          return { stream: scriptedStream(script, model) };
        },
      });
      const wrapped = wrapLanguageModel({
        model: mock,
        middleware: hooksMiddleware({ registry, name: 'suite-agent' }),
      });
      return {
        model,
        stream: ({ text = 'Tell me something', signal, metadata } = {}) => {
          const result = streamText({
            model: wrapped,
            prompt: text,
            abortSignal: signal,
            maxRetries: 0,
            onError: () => undefined,
            providerOptions: metadata === undefined ? undefined : { llmspell: metadata },
          });
          return { textStream: textOf(result.fullStream) };
        },
      };
    },
  });
});
