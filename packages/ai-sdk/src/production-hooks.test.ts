import {
  approximateTokens,
  type Hook,
  HookCancelledError,
  type HookPoint,
  HookPoint as Point,
  Priority,
} from '@llmspell/core';
import { CostTrackingHook } from '@llmspell/hook-cost';
import { RateLimitingHook } from '@llmspell/hook-rate-limit';
import { CachingHook, MemoryCacheStore } from '@llmspell/hook-redis-cache';
import { HookRegistry } from '@llmspell/registry';
import { generateText, streamText, wrapLanguageModel } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { afterEach, describe, expect, it } from 'vitest';
import { echoModel } from './__fixtures__/models.js';
import { hooksMiddleware } from './hooks-middleware.js';

const { BeforeAgentExecution: Before, AfterAgentExecution: After, AgentError } = Point;
const lifecycle = [Before, After, AgentError] as const;

/** Registries to empty after each test, so every hook's onUnregister closes what it opened. */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function registryWith(entries: [Hook, number, readonly HookPoint[]][]): Promise<HookRegistry> {
  const registry = new HookRegistry();
  for (const [hook, priority, points] of entries) {
    for (const point of points) await registry.register(point, hook, priority);
  }
  cleanups.push(async () => {
    for (const [hook, , points] of entries) {
      for (const point of points) await registry.unregister(point, hook.id);
    }
  });
  return registry;
}

describe('hooksMiddleware with the cache hook (memory store)', () => {
  async function cached() {
    const cache = new CachingHook({ store: new MemoryCacheStore({ maxEntries: 100 }) });
    const registry = await registryWith([[cache, Priority.Normal, lifecycle]]);
    const inner = echoModel();
    const model = wrapLanguageModel({
      model: inner,
      middleware: hooksMiddleware({ registry, name: 'assistant' }),
    });
    return { inner, model };
  }

  it('answers a repeated prompt from the cache: the model is called once', async () => {
    const { inner, model } = await cached();
    const first = await generateText({ model, prompt: 'What is 2 + 2?' });
    const second = await generateText({ model, prompt: 'What is 2 + 2?' });
    expect(second.text).toBe(first.text);
    expect(inner.doGenerateCalls).toHaveLength(1);
    expect(second.providerMetadata).toMatchObject({ llmspell: { answeredBy: 'cache' } });
  });

  it('calls the model once for identical concurrent prompts (single-flight)', async () => {
    const { inner, model } = await cached();
    const texts = await Promise.all(
      Array.from({ length: 5 }, () => generateText({ model, prompt: 'Same question, same time' })),
    );
    expect(new Set(texts.map((result) => result.text))).toEqual(new Set(['echo: Same question, same time']));
    expect(inner.doGenerateCalls).toHaveLength(1);
  });

  it('tells apart prompts, system prompts and answer-shaping settings', async () => {
    const { inner, model } = await cached();
    await generateText({ model, prompt: 'Say hi' });
    await generateText({ model, prompt: 'Say bye' });
    await generateText({ model, system: 'Answer in French.', prompt: 'Say hi' });
    await generateText({ model, prompt: 'Say hi', temperature: 0 });
    await generateText({ model, prompt: 'Say hi', providerOptions: { llmspell: { requestId: 'r-9' } } });
    expect(inner.doGenerateCalls).toHaveLength(4);
  });

  it('keeps users apart: another userId misses, the same userId hits', async () => {
    const { inner, model } = await cached();
    const as = (userId: string) => ({ providerOptions: { llmspell: { userId } } });
    const alice = await generateText({ model, prompt: 'What is my balance?', ...as('alice') });
    const bob = await generateText({ model, prompt: 'What is my balance?', ...as('bob') });
    const aliceAgain = await generateText({ model, prompt: 'What is my balance?', ...as('alice') });
    expect(inner.doGenerateCalls).toHaveLength(2);
    expect(bob.providerMetadata?.llmspell?.answeredBy).not.toBe('cache');
    expect(aliceAgain.text).toBe(alice.text);
    expect(aliceAgain.providerMetadata).toMatchObject({ llmspell: { answeredBy: 'cache' } });
  });

  it('caches a stream and replays it: the model streams once', async () => {
    const { inner, model } = await cached();
    const first = streamText({ model, prompt: 'Tell me a story' });
    const firstText = await first.text;
    const second = streamText({ model, prompt: 'Tell me a story' });
    const chunks: string[] = [];
    for await (const chunk of second.textStream) chunks.push(chunk);
    expect(chunks.join('')).toBe(firstText);
    expect(firstText).toBe('echo: Tell me a story');
    expect(inner.doStreamCalls).toHaveLength(1);
    expect(await second.finishReason).toBe('stop');
    expect(await generateText({ model, prompt: 'Tell me a story' })).toMatchObject({ text: firstText });
    expect(inner.doGenerateCalls).toHaveLength(0);
  });

  it('does not cache a stream that broke off', async () => {
    const { inner, model } = await cached();
    const { stream } = await model.doStream({
      prompt: [{ role: 'user', content: [{ type: 'text', text: 'long answer' }] }],
    });
    const reader = stream.getReader();
    await reader.read();
    await reader.cancel();
    await streamText({ model, prompt: 'long answer' }).consumeStream();
    expect(inner.doStreamCalls).toHaveLength(2);
  });
});

describe('hooksMiddleware with the cost hook', () => {
  it('totals exactly the usage the mock model reported, for generate and stream calls', async () => {
    const cost = new CostTrackingHook();
    const registry = await registryWith([[cost, Priority.Low, [After]]]);
    const model = wrapLanguageModel({
      model: echoModel({ modelId: 'gpt-4', inputTokens: 10, outputTokens: 20 }),
      middleware: hooksMiddleware({ registry, name: 'writer' }),
    });
    await generateText({ model, prompt: 'one' });
    await generateText({ model, prompt: 'two' });
    await streamText({ model, prompt: 'three' }).consumeStream();
    const totals = await cost.totals('writer');
    expect(totals).toMatchObject({ calls: 3, inputTokens: 30, outputTokens: 60, unpricedCalls: 0 });
    // gpt-4: $0.03 per 1k input, $0.06 per 1k output → 30 × 0.00003 + 60 × 0.00006 = $0.0045.
    expect(totals.costPicoUsd).toBe(4_500_000_000n);
    expect(totals.costUsd).toBe(0.0045);
  });

  it('charges a stream the caller aborted for its prompt and the text it released, marked as an estimate', async () => {
    const cost = new CostTrackingHook();
    const registry = await registryWith([[cost, Priority.Low, lifecycle]]);
    const released = 'The first part of a long answer';
    const slow = new MockLanguageModelV3({
      modelId: 'gpt-4',
      doStream: async ({ abortSignal }) => ({
        stream: new ReadableStream({
          async start(controller) {
            controller.enqueue({ type: 'stream-start', warnings: [] });
            controller.enqueue({ type: 'text-start', id: 't1' });
            controller.enqueue({ type: 'text-delta', id: 't1', delta: released });
            // The rest never comes before the caller gives up.
            await new Promise((resolve) => abortSignal?.addEventListener('abort', resolve, { once: true }));
            controller.error(abortSignal?.reason);
          },
        }),
      }),
    });
    const model = wrapLanguageModel({
      model: slow,
      middleware: hooksMiddleware({ registry, name: 'writer' }),
    });
    const controller = new AbortController();
    const result = streamText({
      model,
      prompt: 'Write me a long essay',
      abortSignal: controller.signal,
      onError: () => {},
    });
    // AI SDK 6 throws the abort reason out of textStream; AI SDK 7 ends the stream quietly.
    await (async () => {
      for await (const delta of result.textStream) {
        if (delta.length > 0) controller.abort(new Error('the reader went away'));
      }
    })().catch((error: unknown) => expect(error).toHaveProperty('message', 'the reader went away'));
    // Cleanup runs off the reader's path: wait (bounded) until it has charged the call.
    for (let waited = 0; (await cost.totals('writer')).calls === 0 && waited < 5_000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const input = approximateTokens('Write me a long essay');
    const output = approximateTokens(released);
    const totals = await cost.totals('writer');
    expect(totals).toMatchObject({ calls: 1, inputTokens: input, outputTokens: output });
    // gpt-4: 30_000_000 / 60_000_000 pico-dollars per input / output token.
    expect(totals.costPicoUsd).toBe(BigInt(input) * 30_000_000n + BigInt(output) * 60_000_000n);
  });

  it('charges nothing for an answer served from the cache', async () => {
    const cost = new CostTrackingHook();
    const cache = new CachingHook({ store: new MemoryCacheStore() });
    const registry = await registryWith([
      [cache, Priority.Normal, lifecycle],
      [cost, Priority.Low, [After]],
    ]);
    const model = wrapLanguageModel({
      model: echoModel({ modelId: 'gpt-4', inputTokens: 100, outputTokens: 50 }),
      middleware: hooksMiddleware({ registry, name: 'cached-writer' }),
    });
    await generateText({ model, prompt: 'same' });
    await generateText({ model, prompt: 'same' });
    await streamText({ model, prompt: 'same' }).consumeStream();
    const totals = await cost.totals('cached-writer');
    expect(totals).toMatchObject({ inputTokens: 100, outputTokens: 50 });
    expect(totals.costPicoUsd).toBe(6_000_000_000n);
  });
});

describe('hooksMiddleware with the rate-limit hook', () => {
  it('admits exactly requestsPerWindow calls and cancels the rest', async () => {
    const limiter = new RateLimitingHook({ requestsPerWindow: 2, windowMs: 60_000 });
    const registry = await registryWith([[limiter, Priority.High, lifecycle]]);
    const inner = echoModel();
    const model = wrapLanguageModel({ model: inner, middleware: hooksMiddleware({ registry }) });
    await generateText({ model, prompt: 'a' });
    await generateText({ model, prompt: 'b' });
    const failure = await generateText({ model, prompt: 'c' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(HookCancelledError);
    expect((failure as HookCancelledError).reason).toBe('Rate limit exceeded');
    expect(inner.doGenerateCalls).toHaveLength(2);
  });

  it('releases the concurrency permit of a call its caller aborted', async () => {
    const limiter = new RateLimitingHook({ requestsPerWindow: 100, windowMs: 60_000, maxConcurrent: 1 });
    const registry = await registryWith([[limiter, Priority.High, lifecycle]]);
    const slow = echoModel();
    const answer = slow.doGenerate;
    slow.doGenerate = (options) =>
      new Promise((resolve, reject) => {
        const signal = options.abortSignal;
        if (signal === undefined) {
          resolve(answer(options));
          return;
        }
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    const model = wrapLanguageModel({ model: slow, middleware: hooksMiddleware({ registry }) });
    const controller = new AbortController();
    const pending = generateText({ model, prompt: 'slow', abortSignal: controller.signal, maxRetries: 0 });
    await expect(generateText({ model, prompt: 'blocked', maxRetries: 0 })).rejects.toBeInstanceOf(
      HookCancelledError,
    );
    controller.abort(new Error('caller gave up'));
    await expect(pending).rejects.toThrow('caller gave up');
    expect((await generateText({ model, prompt: 'admitted again' })).text).toBe('echo: admitted again');
  });

  it('releases the permit at once when the caller aborts a generate call whose model ignores the abort', async () => {
    const limiter = new RateLimitingHook({ requestsPerWindow: 100, windowMs: 60_000, maxConcurrent: 1 });
    const registry = await registryWith([[limiter, Priority.High, lifecycle]]);
    const deaf = echoModel();
    deaf.doGenerate = () => new Promise(() => undefined);
    const model = wrapLanguageModel({ model: deaf, middleware: hooksMiddleware({ registry }) });
    const controller = new AbortController();
    const pending = generateText({ model, prompt: 'hangs', abortSignal: controller.signal, maxRetries: 0 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort(new Error('caller gave up'));
    await expect(pending).rejects.toThrow('caller gave up');
    deaf.doGenerate = echoModel().doGenerate;
    expect((await generateText({ model, prompt: 'next' })).text).toBe('echo: next');
  });

  it('holds a concurrency permit for the whole stream and releases it when the stream finishes or is cancelled', async () => {
    const limiter = new RateLimitingHook({ requestsPerWindow: 100, windowMs: 60_000, maxConcurrent: 1 });
    const registry = await registryWith([[limiter, Priority.High, lifecycle]]);
    const model = wrapLanguageModel({ model: echoModel(), middleware: hooksMiddleware({ registry }) });
    const options = { prompt: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'hi' }] }] };

    const open = await model.doStream(options);
    await expect(model.doStream(options)).rejects.toBeInstanceOf(HookCancelledError);
    const reader = open.stream.getReader();
    while (!(await reader.read()).done) {
      // drain: the permit is released when the stream finishes
    }
    const next = await model.doStream(options);
    await next.stream.cancel();
    const last = await model.doStream(options);
    await last.stream.cancel();
  });

  it('keeps a client that spoofs userId in providerOptions.llmspell under the per-user limit the server set', async () => {
    const limiter = new RateLimitingHook({ requestsPerWindow: 1, windowMs: 60_000, byUser: true });
    const registry = await registryWith([[limiter, Priority.High, lifecycle]]);
    const inner = echoModel();
    // The server knows who is calling and says so; the client may still send providerOptions.
    const model = wrapLanguageModel({
      model: inner,
      middleware: hooksMiddleware({ registry, metadata: { userId: 'mallory' } }),
    });
    await generateText({ model, prompt: 'first' });
    const spoofed = await generateText({
      model,
      prompt: 'second, as someone else',
      providerOptions: { llmspell: { userId: 'alice', tenantId: 'acme' } },
    }).catch((error: unknown) => error);
    expect(spoofed).toBeInstanceOf(HookCancelledError);
    expect((spoofed as HookCancelledError).reason).toBe('Rate limit exceeded');
    expect(inner.doGenerateCalls).toHaveLength(1);
  });
});
