import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { HookCancelledError, HookPoint, HookResult } from '@llmspell/core';
import { HookRegistry } from '@llmspell/registry';
import { simulateReadableStream, streamText, wrapLanguageModel } from 'ai';
import { convertReadableStreamToArray } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { aiMajor, echoModel, hook, streamedParts, streamingModel, usage } from './__fixtures__/models.js';
import { hooksMiddleware } from './hooks-middleware.js';

const { BeforeAgentExecution: Before, AfterAgentExecution: After, AgentError } = HookPoint;

/** A registry with a spy at After and AgentError that records what those points saw. */
async function spiedRegistry() {
  const registry = new HookRegistry();
  const after: Record<string, unknown>[] = [];
  const errors: Record<string, unknown>[] = [];
  await registry.register(
    After,
    hook('after-spy', (context) => {
      after.push({ ...context.data });
      return HookResult.continue();
    }),
  );
  await registry.register(
    AgentError,
    hook('error-spy', (context) => {
      errors.push({ ...context.data });
      return HookResult.continue();
    }),
  );
  return { registry, after, errors };
}

function callOptions(text: string) {
  return { prompt: [{ role: 'user' as const, content: [{ type: 'text' as const, text }] }] };
}

describe('hooksMiddleware with streamText', () => {
  it('streams the model text and runs After once the stream finishes, with the text and usage collected', async () => {
    const { registry, after } = await spiedRegistry();
    const model = wrapLanguageModel({
      model: echoModel({ inputTokens: 4, outputTokens: 6 }),
      middleware: hooksMiddleware({ registry }),
    });
    const result = streamText({ model, prompt: 'stream me' });
    const chunks: string[] = [];
    for await (const chunk of result.textStream) chunks.push(chunk);
    expect(chunks.join('')).toBe('echo: stream me');
    expect(chunks.length).toBeGreaterThan(1);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({
      output: { text: 'echo: stream me' },
      model: 'mock-model',
      tokensUsed: { input: 4, output: 6 },
    });
    expect(await result.usage).toMatchObject({ inputTokens: 4, outputTokens: 6 });
  });

  it('runs After only when the stream ends, not when doStream resolves', async () => {
    const { registry, after } = await spiedRegistry();
    const model = wrapLanguageModel({ model: echoModel(), middleware: hooksMiddleware({ registry }) });
    const { stream } = await model.doStream(callOptions('later'));
    expect(after).toHaveLength(0);
    const reader = stream.getReader();
    await reader.read();
    expect(after).toHaveLength(0);
    const rest: LanguageModelV3StreamPart[] = [];
    for (let next = await reader.read(); !next.done; next = await reader.read()) rest.push(next.value);
    expect(after).toHaveLength(1);
    expect(rest.at(-1)?.type).toBe('finish');
  });

  it('rejects doStream with HookCancelledError when a Before hook cancels, and streamText reports it', async () => {
    const registry = new HookRegistry();
    await registry.register(
      Before,
      hook('guard', () => HookResult.cancel('blocked')),
    );
    const inner = echoModel();
    const model = wrapLanguageModel({ model: inner, middleware: hooksMiddleware({ registry }) });
    await expect(model.doStream(callOptions('hi'))).rejects.toBeInstanceOf(HookCancelledError);

    const reported: unknown[] = [];
    const result = streamText({ model, prompt: 'hi', onError: ({ error }) => void reported.push(error) });
    await result.consumeStream();
    expect(reported[0]).toBeInstanceOf(HookCancelledError);
    expect(inner.doStreamCalls).toHaveLength(0);
  });

  it('replays a cache answer as a stream without calling the model, and After sees data.cached', async () => {
    const { registry, after } = await spiedRegistry();
    await registry.register(
      Before,
      hook('cache', () => HookResult.cache({ result: { text: 'cached answer' }, ttlMs: 1000 })),
    );
    const inner = echoModel();
    const model = wrapLanguageModel({ model: inner, middleware: hooksMiddleware({ registry }) });
    const result = streamText({ model, prompt: 'hi' });
    expect(await result.text).toBe('cached answer');
    expect(await result.finishReason).toBe('stop');
    expect(inner.doStreamCalls).toHaveLength(0);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ cached: true, output: { text: 'cached answer' } });
  });

  it('streams the model answer to the modified prompt', async () => {
    const registry = new HookRegistry();
    await registry.register(
      Before,
      hook('rewrite', () => HookResult.modified({ input: { text: 'polite question' } })),
    );
    const model = wrapLanguageModel({ model: echoModel(), middleware: hooksMiddleware({ registry }) });
    expect(await streamText({ model, prompt: 'rude question' }).text).toBe('echo: polite question');
  });

  it('ends the stream with a HookCancelledError part before finish when an After hook cancels', async () => {
    const registry = new HookRegistry();
    await registry.register(
      After,
      hook('censor', () => HookResult.cancel('output refused')),
    );
    const model = wrapLanguageModel({ model: echoModel(), middleware: hooksMiddleware({ registry }) });
    const { stream } = await model.doStream(callOptions('hi'));
    const parts = await convertReadableStreamToArray(stream);
    const types = parts.map((part) => part.type);
    expect(types.slice(-2)).toEqual(['error', 'finish']);
    const errorPart = parts.at(-2) as { error: unknown };
    expect(errorPart.error).toBeInstanceOf(HookCancelledError);
    expect(errorPart.error).toMatchObject({ reason: 'output refused', hookPoint: After });
  });

  it('gives After hooks data.error when the stream carried an error part', async () => {
    const { registry, after } = await spiedRegistry();
    const failing = echoModel();
    failing.doStream = async () => ({
      stream: simulateReadableStream({
        chunks: [
          ...streamedParts(['partial']).slice(0, -1),
          { type: 'error', error: new Error('provider overloaded') },
          ...streamedParts([]).slice(-1),
        ] as LanguageModelV3StreamPart[],
        initialDelayInMs: null,
        chunkDelayInMs: null,
      }),
    });
    const model = wrapLanguageModel({ model: failing, middleware: hooksMiddleware({ registry }) });
    const { stream } = await model.doStream(callOptions('hi'));
    await convertReadableStreamToArray(stream);
    expect(after).toHaveLength(1);
    expect(after[0]?.error).toMatchObject({ message: 'provider overloaded' });
    expect(after[0]?.output).toEqual({ text: 'partial' });
  });

  it('runs AgentError and passes the error on when the model stream breaks', async () => {
    const { registry, after, errors } = await spiedRegistry();
    const breaking = echoModel();
    const failure = new Error('connection reset');
    breaking.doStream = async () => ({
      stream: new ReadableStream<LanguageModelV3StreamPart>({
        start(controller) {
          controller.enqueue({ type: 'stream-start', warnings: [] });
          controller.enqueue({ type: 'text-start', id: 't' });
        },
        pull(controller) {
          controller.error(failure);
        },
      }),
    });
    const model = wrapLanguageModel({ model: breaking, middleware: hooksMiddleware({ registry }) });
    const { stream } = await model.doStream(callOptions('hi'));
    await expect(convertReadableStreamToArray(stream)).rejects.toBe(failure);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.error).toBe(failure);
    expect(after).toHaveLength(0);
  });

  it('runs AgentError when the reader cancels the stream before it finishes', async () => {
    const { registry, after, errors } = await spiedRegistry();
    const model = wrapLanguageModel({ model: echoModel(), middleware: hooksMiddleware({ registry }) });
    const { stream } = await model.doStream(callOptions('hi'));
    const reader = stream.getReader();
    await reader.read();
    await reader.cancel('user left');
    expect(after).toHaveLength(0);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.error).toMatchObject({ message: expect.stringContaining('cancelled by its reader') });
  });

  it('answers with a replayed stream when doStream fails and an AgentError hook answers replace', async () => {
    const registry = new HookRegistry();
    await registry.register(
      AgentError,
      hook('fallback', () => HookResult.replace({ text: 'fallback answer' })),
    );
    const broken = echoModel();
    broken.doStream = async () => {
      throw new Error('down');
    };
    const model = wrapLanguageModel({ model: broken, middleware: hooksMiddleware({ registry }) });
    expect(await streamText({ model, prompt: 'hi', maxRetries: 0 }).text).toBe('fallback answer');
  });

  it('collects streamed tool calls into data.output.content', async () => {
    const { registry, after } = await spiedRegistry();
    const toolCalling = echoModel();
    toolCalling.doStream = async () => ({
      stream: simulateReadableStream({
        chunks: [
          { type: 'stream-start', warnings: [] },
          { type: 'reasoning-start', id: 'r' },
          { type: 'reasoning-delta', id: 'r', delta: 'need the weather' },
          { type: 'reasoning-end', id: 'r' },
          { type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: '{"city":"Oslo"}' },
          {
            type: 'finish',
            finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
            usage: usage(3, 5),
          },
        ] as LanguageModelV3StreamPart[],
        initialDelayInMs: null,
        chunkDelayInMs: null,
      }),
    });
    const model = wrapLanguageModel({ model: toolCalling, middleware: hooksMiddleware({ registry }) });
    const { stream } = await model.doStream(callOptions('weather in Oslo?'));
    await convertReadableStreamToArray(stream);
    expect(after[0]?.output).toEqual({
      text: '',
      content: [
        { type: 'reasoning', text: 'need the weather' },
        { type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: '{"city":"Oslo"}' },
      ],
    });
    expect(after[0]?.tokensUsed).toEqual({ input: 3, output: 5 });
  });

  it('collects every generated part: file bytes as base64, and parts only AI SDK 7 has', async () => {
    const { registry, after } = await spiedRegistry();
    const bytes = new Uint8Array([104, 105]);
    // AI SDK 7 (specification V4) wraps file bytes as { type: 'data', data } and adds `custom` parts.
    const fileData = (data: unknown) => (aiMajor >= 7 ? { type: 'data', data } : data);
    const custom = { type: 'custom', kind: 'acme.note', providerMetadata: { acme: { note: 'kept' } } };
    const model = wrapLanguageModel({
      model: streamingModel([
        { type: 'stream-start', warnings: [] },
        { type: 'file', mediaType: 'text/plain', data: fileData(bytes) },
        ...(aiMajor >= 7 ? [custom] : []),
        { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: usage(3, 5) },
      ]),
      middleware: hooksMiddleware({ registry }),
    });
    const { stream } = await model.doStream(callOptions('a file, please'));
    const received = await convertReadableStreamToArray(stream);
    expect(received).toContainEqual({ type: 'file', mediaType: 'text/plain', data: fileData(bytes) });
    expect(after[0]?.output).toEqual({
      text: '',
      content: [
        { type: 'file', mediaType: 'text/plain', data: fileData('aGk=') },
        ...(aiMajor >= 7 ? [custom] : []),
      ],
    });
  });

  it('keeps reasoning and tool calls in order behind the text a chunk hook still holds back', async () => {
    const registry = new HookRegistry();
    await registry.register(HookPoint.AgentStreamChunk, {
      id: 'holder',
      metadata: () => ({ streamHoldBackChars: 4 }),
      execute: () => HookResult.continue(),
    });
    const model = echoModel();
    model.doStream = async () => ({
      stream: simulateReadableStream({
        chunks: [
          { type: 'stream-start', warnings: [] },
          { type: 'reasoning-start', id: 'r' },
          { type: 'reasoning-delta', id: 'r', delta: 'thinking' },
          { type: 'reasoning-end', id: 'r' },
          { type: 'text-start', id: 't' },
          { type: 'text-delta', id: 't', delta: 'Calling ' },
          { type: 'text-delta', id: 't', delta: 'weather' },
          { type: 'text-end', id: 't' },
          { type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: '{}' },
          { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage: usage(1, 2) },
        ] as LanguageModelV3StreamPart[],
        initialDelayInMs: null,
        chunkDelayInMs: null,
      }),
    });
    const wrapped = wrapLanguageModel({ model, middleware: hooksMiddleware({ registry }) });
    const { stream } = await wrapped.doStream(callOptions('weather?'));
    const parts = await convertReadableStreamToArray(stream);
    const types = parts.map((part) => part.type);
    expect(types.slice(0, 5)).toEqual([
      'stream-start',
      'reasoning-start',
      'reasoning-delta',
      'reasoning-end',
      'text-start',
    ]);
    expect(types.slice(-3)).toEqual(['text-end', 'tool-call', 'finish']);
    const text = parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : []));
    expect(text.join('')).toBe('Calling weather');
    expect(text.length).toBeGreaterThan(1);
    expect(parts.filter((part) => part.type === 'text-delta').every((part) => part.id === 't')).toBe(true);
  });

  it('ends a stream a chunk hook cancelled with the open text part closed and an error part, without finish', async () => {
    const registry = new HookRegistry();
    await registry.register(
      HookPoint.AgentStreamChunk,
      hook('refuser', (context) =>
        (context.data.output as { text: string }).text.length > 0
          ? HookResult.cancel('no more')
          : HookResult.continue(),
      ),
    );
    const wrapped = wrapLanguageModel({ model: echoModel(), middleware: hooksMiddleware({ registry }) });
    const { stream } = await wrapped.doStream(callOptions('stop me'));
    const parts = await convertReadableStreamToArray(stream);
    expect(parts.map((part) => part.type)).toEqual([
      'stream-start',
      'text-start',
      'text-delta',
      'text-end',
      'error',
    ]);
    const error = (parts.at(-1) as { error: unknown }).error;
    expect(error).toBeInstanceOf(HookCancelledError);
    expect(error).toMatchObject({ hookPoint: HookPoint.AgentStreamChunk, reason: 'no more' });
  });

  it('errors the stream with the abort reason only after AgentError cleanup, though the model ignores the abort', async () => {
    const registry = new HookRegistry();
    let cleaned = false;
    await registry.register(
      AgentError,
      hook('slow-release', async () => {
        await new Promise((resolve) => setTimeout(resolve, 40));
        cleaned = true;
        return HookResult.continue();
      }),
    );
    const stalled = echoModel();
    stalled.doStream = async () => ({
      stream: new ReadableStream<LanguageModelV3StreamPart>({
        start(controller) {
          controller.enqueue({ type: 'stream-start', warnings: [] });
        },
        pull: () => new Promise(() => undefined),
      }),
    });
    const wrapped = wrapLanguageModel({ model: stalled, middleware: hooksMiddleware({ registry }) });
    const controller = new AbortController();
    const reason = new Error('caller left');
    const { stream } = await wrapped.doStream({ ...callOptions('hi'), abortSignal: controller.signal });
    const reader = stream.getReader();
    expect((await reader.read()).value?.type).toBe('stream-start');
    controller.abort(reason);
    await expect(reader.read()).rejects.toBe(reason);
    expect(cleaned).toBe(true);
  });

  it('a text-delta without a string delta ends the stream with an error, not silently truncated (rest and usage lost)', async () => {
    for (const delta of [undefined, 42, { text: 'x' }, null]) {
      const { registry, after, errors } = await spiedRegistry();
      const parts = streamedParts(['ok ', 'SLOT', ' end'], 7, 9).map((part) =>
        part.type === 'text-delta' && part.delta === 'SLOT' ? ({ ...part, delta } as never) : part,
      );
      const model = wrapLanguageModel({
        model: streamingModel(parts),
        middleware: hooksMiddleware({ registry }),
      });
      const { stream } = await model.doStream(callOptions('hi'));
      const failure = await convertReadableStreamToArray(stream).catch((error: unknown) => error);
      expect(failure, String(delta)).toBeInstanceOf(Error);
      expect((failure as Error).message).toContain('text-delta');
      expect(after).toHaveLength(0);
      expect(errors).toHaveLength(1);
    }
  });
});
