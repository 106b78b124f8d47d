import type {
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
} from '@ai-sdk/provider';
import type { Hook, HookContext, HookResult } from '@llmspell/core';
import { simulateReadableStream } from 'ai';
import * as aiTest from 'ai/test';
import { MockLanguageModelV3 } from 'ai/test';

/** The major version of the AI SDK under test: `ai` is AI SDK 6, or AI SDK 7 in the `ai@7` test project. */
export const aiMajor = 'MockLanguageModelV4' in aiTest ? 7 : 6;

/** Usage as a provider reports it. */
export function usage(input: number, output: number): LanguageModelV3Usage {
  return {
    inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: output, text: output, reasoning: 0 },
  };
}

/** A `doGenerate` result answering `text`. */
export function generated(text: string, input = 10, output = 20): LanguageModelV3GenerateResult {
  return {
    content: [{ type: 'text', text }],
    finishReason: { unified: 'stop', raw: 'stop' },
    usage: usage(input, output),
    warnings: [],
  };
}

/** The parts a model streams for `chunks`, ending with a finish part. */
export function streamedParts(
  chunks: readonly string[],
  input = 10,
  output = 20,
): LanguageModelV3StreamPart[] {
  return [
    { type: 'stream-start', warnings: [] },
    { type: 'text-start', id: 't1' },
    ...chunks.map((delta): LanguageModelV3StreamPart => ({ type: 'text-delta', id: 't1', delta })),
    { type: 'text-end', id: 't1' },
    { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: usage(input, output) },
  ];
}

export interface EchoModelOptions {
  modelId?: string;
  /** Tokens the model reports per call. Default 10 in, 20 out. */
  inputTokens?: number;
  outputTokens?: number;
}

/** The text the echo model answers for a prompt. */
export function echoOf(prompt: LanguageModelV3CallOptions['prompt']): string {
  const last = [...prompt].reverse().find((message) => message.role === 'user');
  const text =
    last?.role === 'user'
      ? last.content.map((part) => (part.type === 'text' ? part.text : '')).join('')
      : '(no user message)';
  return `echo: ${text}`;
}

/** A mock model (the AI SDK's own) that answers "echo: <last user text>", streaming it in two chunks. */
export function echoModel(options: EchoModelOptions = {}): MockLanguageModelV3 {
  const { modelId = 'mock-model', inputTokens = 10, outputTokens = 20 } = options;
  return new MockLanguageModelV3({
    modelId,
    doGenerate: async ({ prompt }) => generated(echoOf(prompt), inputTokens, outputTokens),
    doStream: async ({ prompt }) => {
      const text = echoOf(prompt);
      const middle = Math.ceil(text.length / 2);
      return {
        stream: simulateReadableStream({
          chunks: streamedParts([text.slice(0, middle), text.slice(middle)], inputTokens, outputTokens),
          initialDelayInMs: null,
          chunkDelayInMs: null,
        }),
      };
    },
  });
}

/**
 * A mock model streaming `parts` as they are: a model of the AI SDK's own specification (V4 under AI SDK 7, V3
 * under 6), so that parts only the newer specification has reach the middleware unconverted.
 */
export function streamingModel(parts: readonly unknown[]): MockLanguageModelV3 {
  const stream = async () => ({
    stream: simulateReadableStream({ chunks: [...parts], initialDelayInMs: null, chunkDelayInMs: null }),
  });
  const Model = (aiTest as Record<string, unknown>).MockLanguageModelV4 ?? MockLanguageModelV3;
  return new (Model as typeof MockLanguageModelV3)({ doStream: stream as never });
}

/** A hook with an id that answers with `answer`. */
export function hook(id: string, answer: (context: HookContext) => HookResult | Promise<HookResult>): Hook {
  return { id, execute: answer };
}
