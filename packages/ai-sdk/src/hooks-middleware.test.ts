import { HookCancelledError, HookConfigError, HookPoint, HookResult } from '@llmspell/core';
import { HookExecutor, UnknownRedirectTargetError } from '@llmspell/executor';
import { HookRegistry } from '@llmspell/registry';
import { generateText, wrapLanguageModel } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { aiMajor, echoModel, generated, hook } from './__fixtures__/models.js';
import { InvalidModelOutputError } from './errors/invalid-model-output-error.js';
import { hooksMiddleware } from './hooks-middleware.js';

const { BeforeAgentExecution: Before, AfterAgentExecution: After, AgentError } = HookPoint;

function snapshot(data: Record<string, unknown>): Record<string, unknown> {
  return structuredClone(data);
}

describe('hooksMiddleware with generateText', () => {
  it('gives Before hooks the last user message as data.input.text, the whole prompt and the model id', async () => {
    const registry = new HookRegistry();
    let seen: Record<string, unknown> | undefined;
    await registry.register(
      Before,
      hook('spy', (context) => {
        seen = snapshot(context.data);
        return HookResult.continue();
      }),
    );
    const model = wrapLanguageModel({ model: echoModel(), middleware: hooksMiddleware({ registry }) });
    await generateText({
      model,
      system: 'Be brief.',
      messages: [
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: 'first answer' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'second' },
            { type: 'text', text: 'question' },
          ],
        },
      ],
      temperature: 0.2,
    });
    const input = seen?.input as { text: string; messages: { role: string }[]; settings: unknown };
    expect(input.text).toBe('second\nquestion');
    expect(input.messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(input.settings).toMatchObject({ temperature: 0.2 });
    expect(seen?.model).toBe('mock-model');
  });

  it('gives After hooks the generated text, the model id and the usage totals as data.tokensUsed', async () => {
    const registry = new HookRegistry();
    let seen: Record<string, unknown> | undefined;
    await registry.register(
      After,
      hook('spy', (context) => {
        seen = snapshot(context.data);
        return HookResult.continue();
      }),
    );
    const model = wrapLanguageModel({
      model: echoModel({ inputTokens: 7, outputTokens: 11 }),
      middleware: hooksMiddleware({ registry }),
    });
    const result = await generateText({ model, prompt: 'hello' });
    expect(result.text).toBe('echo: hello');
    expect(seen).toMatchObject({
      output: { text: 'echo: hello' },
      model: 'mock-model',
      tokensUsed: { input: 7, output: 11 },
    });
    expect(seen?.cached).toBeUndefined();
  });

  it('reports cache reads, cache writes and reasoning as parts of data.tokensUsed, with the provider id', async () => {
    const registry = new HookRegistry();
    let seen: Record<string, unknown> | undefined;
    await registry.register(
      After,
      hook('spy', (context) => {
        seen = snapshot(context.data);
        return HookResult.continue();
      }),
    );
    const reported = generated('cached answer', 100, 40);
    reported.usage = {
      inputTokens: { total: 100, noCache: 20, cacheRead: 70, cacheWrite: 10 },
      outputTokens: { total: 40, text: 15, reasoning: 25 },
    };
    const model = wrapLanguageModel({
      model: new MockLanguageModelV3({
        provider: 'anthropic.messages',
        modelId: 'claude-sonnet-4-5',
        doGenerate: async () => reported,
      }),
      middleware: hooksMiddleware({ registry }),
    });
    await generateText({ model, prompt: 'hello' });
    expect(seen).toMatchObject({
      model: 'claude-sonnet-4-5',
      provider: 'anthropic.messages',
      tokensUsed: { input: 100, output: 40, cachedInput: 70, cacheWrite: 10, reasoning: 25 },
    });
  });

  it('rejects with HookCancelledError and never calls the model when a Before hook cancels', async () => {
    const registry = new HookRegistry();
    await registry.register(
      Before,
      hook('guard', () => HookResult.cancel('not on my watch')),
    );
    const inner = echoModel();
    const model = wrapLanguageModel({ model: inner, middleware: hooksMiddleware({ registry }) });
    const failure = await generateText({ model, prompt: 'hi' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(HookCancelledError);
    expect(failure).toMatchObject({ reason: 'not on my watch', hookId: 'guard', hookPoint: Before });
    expect(inner.doGenerateCalls).toHaveLength(0);
  });

  it('answers a cache result without calling the model, and After sees data.cached', async () => {
    const registry = new HookRegistry();
    const afterData: Record<string, unknown>[] = [];
    await registry.register(
      Before,
      hook('cache', () => HookResult.cache({ result: { text: 'from cache' }, ttlMs: 1000 })),
    );
    await registry.register(
      After,
      hook('after', (context) => {
        afterData.push(snapshot(context.data));
        return HookResult.continue();
      }),
    );
    const inner = echoModel();
    const model = wrapLanguageModel({ model: inner, middleware: hooksMiddleware({ registry }) });
    const result = await generateText({ model, prompt: 'hi' });
    expect(result.text).toBe('from cache');
    expect(result.finishReason).toBe('stop');
    expect(result.usage.inputTokens).toBe(0);
    expect(result.providerMetadata).toEqual({ llmspell: { answeredBy: 'cache', hookId: 'cache' } });
    expect(inner.doGenerateCalls).toHaveLength(0);
    expect(afterData).toHaveLength(1);
    expect(afterData[0]).toMatchObject({ cached: true, output: { text: 'from cache' } });
    expect(afterData[0]?.tokensUsed).toBeUndefined();
  });

  it('answers a replace result (a plain string too) without calling the model', async () => {
    const registry = new HookRegistry();
    await registry.register(
      Before,
      hook('canned', () => HookResult.replace('We are closed today.')),
    );
    const inner = echoModel();
    const model = wrapLanguageModel({ model: inner, middleware: hooksMiddleware({ registry }) });
    const result = await generateText({ model, prompt: 'hi' });
    expect(result.text).toBe('We are closed today.');
    expect(result.providerMetadata).toEqual({ llmspell: { answeredBy: 'replace', hookId: 'canned' } });
    expect(inner.doGenerateCalls).toHaveLength(0);
  });

  it('rejects with InvalidModelOutputError when a hook answers with something that is not model output', async () => {
    const registry = new HookRegistry();
    await registry.register(
      Before,
      hook('odd', () => HookResult.replace(42)),
    );
    const model = wrapLanguageModel({ model: echoModel(), middleware: hooksMiddleware({ registry }) });
    const failure = await generateText({ model, prompt: 'hi' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InvalidModelOutputError);
    expect((failure as Error).message).toContain("hook 'odd' answered 'replace' with number 42");
  });

  it('sends the modified text to the model, keeping the rest of the prompt', async () => {
    const registry = new HookRegistry();
    await registry.register(
      Before,
      hook('rewrite', () => HookResult.modified({ input: { text: 'rewritten question' } })),
    );
    const inner = echoModel();
    const model = wrapLanguageModel({ model: inner, middleware: hooksMiddleware({ registry }) });
    const result = await generateText({ model, system: 'Be brief.', prompt: 'original question' });
    expect(result.text).toBe('echo: rewritten question');
    const prompt = inner.doGenerateCalls[0]!.prompt;
    expect(prompt[0]).toMatchObject({ role: 'system', content: 'Be brief.' });
    expect(prompt[1]).toMatchObject({
      role: 'user',
      content: [{ type: 'text', text: 'rewritten question' }],
    });
  });

  it('sends modified messages and settings to the model', async () => {
    const registry = new HookRegistry();
    await registry.register(
      Before,
      hook('rewrite', () =>
        HookResult.modified({
          input: {
            messages: [{ role: 'user', content: [{ type: 'text', text: 'replaced prompt' }] }],
            settings: { temperature: 0, maxOutputTokens: 50 },
          },
        }),
      ),
    );
    const inner = echoModel();
    const model = wrapLanguageModel({ model: inner, middleware: hooksMiddleware({ registry }) });
    const result = await generateText({ model, prompt: 'original', temperature: 0.9 });
    expect(result.text).toBe('echo: replaced prompt');
    expect(inner.doGenerateCalls[0]).toMatchObject({ temperature: 0, maxOutputTokens: 50 });
    expect(inner.doGenerateCalls[0]!.prompt).toHaveLength(1);
  });

  it('sends the call to the redirect target and reports its model id', async () => {
    const registry = new HookRegistry();
    let afterModel: unknown;
    await registry.register(
      Before,
      hook('router', () => HookResult.redirect('cheap')),
    );
    await registry.register(
      After,
      hook('after', (context) => {
        afterModel = context.data.model;
        return HookResult.continue();
      }),
    );
    const inner = echoModel();
    const cheap = echoModel({ modelId: 'cheap-model' });
    const model = wrapLanguageModel({
      model: inner,
      middleware: hooksMiddleware({ registry, redirects: { cheap } }),
    });
    await generateText({ model, prompt: 'hi' });
    expect(inner.doGenerateCalls).toHaveLength(0);
    expect(cheap.doGenerateCalls).toHaveLength(1);
    expect(afterModel).toBe('cheap-model');

    const unrouted = wrapLanguageModel({ model: inner, middleware: hooksMiddleware({ registry }) });
    await expect(generateText({ model: unrouted, prompt: 'hi' })).rejects.toBeInstanceOf(
      UnknownRedirectTargetError,
    );
  });

  it('calls the model again when an AgentError hook answers retry, and gives it data.error', async () => {
    const registry = new HookRegistry();
    let errorSeen: unknown;
    await registry.register(
      AgentError,
      hook('retry', (context) => {
        errorSeen = context.data.error;
        return HookResult.retry({ delayMs: 1, maxAttempts: 3 });
      }),
    );
    let calls = 0;
    const flaky = echoModel();
    const doGenerate = flaky.doGenerate;
    flaky.doGenerate = async (options) => {
      calls++;
      if (calls === 1) throw new Error('upstream hiccup');
      return doGenerate(options);
    };
    const model = wrapLanguageModel({ model: flaky, middleware: hooksMiddleware({ registry }) });
    expect((await generateText({ model, prompt: 'hi', maxRetries: 0 })).text).toBe('echo: hi');
    expect(calls).toBe(2);
    expect((errorSeen as Error).message).toBe('upstream hiccup');
  });

  it('answers with the replace result of an AgentError hook when the model fails', async () => {
    const registry = new HookRegistry();
    await registry.register(
      AgentError,
      hook('fallback', () => HookResult.replace({ text: 'Sorry, try again later.' })),
    );
    const broken = echoModel();
    broken.doGenerate = async () => {
      throw new Error('down');
    };
    const model = wrapLanguageModel({ model: broken, middleware: hooksMiddleware({ registry }) });
    expect((await generateText({ model, prompt: 'hi', maxRetries: 0 })).text).toBe('Sorry, try again later.');
  });

  it('returns the replace result of an After hook, and what After hooks modified in data.output', async () => {
    const replacing = new HookRegistry();
    await replacing.register(
      After,
      hook('polish', () => HookResult.replace({ text: 'polished' })),
    );
    const replaced = wrapLanguageModel({
      model: echoModel(),
      middleware: hooksMiddleware({ registry: replacing }),
    });
    const result = await generateText({ model: replaced, prompt: 'hi' });
    expect(result.text).toBe('polished');
    expect(result.usage.outputTokens).toBe(20);

    const modifying = new HookRegistry();
    await modifying.register(
      After,
      hook('redact', (context) => {
        const output = context.data.output as { text: string };
        return HookResult.modified({ output: { text: output.text.replace('secret', '[redacted]') } });
      }),
    );
    const modified = wrapLanguageModel({
      model: echoModel(),
      middleware: hooksMiddleware({ registry: modifying }),
    });
    expect((await generateText({ model: modified, prompt: 'the secret' })).text).toBe('echo: the [redacted]');
  });

  it('names the component after the model by default, or after the name option', async () => {
    const registry = new HookRegistry();
    const names: string[] = [];
    await registry.register(
      Before,
      hook('spy', (context) => {
        names.push(`${context.componentId.componentType}:${context.componentId.name}`);
        return HookResult.continue();
      }),
    );
    const middleware = hooksMiddleware({ registry });
    await generateText({
      model: wrapLanguageModel({ model: echoModel({ modelId: 'a' }), middleware }),
      prompt: 'x',
    });
    await generateText({
      model: wrapLanguageModel({ model: echoModel({ modelId: 'b' }), middleware }),
      prompt: 'x',
    });
    const named = hooksMiddleware({ registry, name: 'support-bot' });
    await generateText({ model: wrapLanguageModel({ model: echoModel(), middleware: named }), prompt: 'x' });
    expect(names).toEqual(['agent:a', 'agent:b', 'agent:support-bot']);
  });

  it('passes metadata, a metadata function and providerOptions.llmspell to the hooks as context.metadata', async () => {
    const registry = new HookRegistry();
    let metadata: Record<string, string> | undefined;
    await registry.register(
      Before,
      hook('spy', (context) => {
        metadata = { ...context.metadata };
        return HookResult.continue();
      }),
    );
    const middleware = hooksMiddleware({
      registry,
      metadata: ({ modelId }) => ({ tenantId: 'acme', modelId }),
    });
    const inner = echoModel();
    const model = wrapLanguageModel({ model: inner, middleware });
    await generateText({ model, prompt: 'x', providerOptions: { llmspell: { userId: 'u-1' } } });
    expect(metadata).toEqual({ tenantId: 'acme', modelId: 'mock-model', userId: 'u-1' });
    await generateText({
      model,
      prompt: 'x',
      providerOptions: { llmspell: { tenantId: 'spoofed', userId: 'u-2' } },
    });
    expect(metadata).toEqual({ tenantId: 'acme', modelId: 'mock-model', userId: 'u-2' });
  });

  it('reuses the given executor', async () => {
    const registry = new HookRegistry();
    await registry.register(
      Before,
      hook('noop', () => HookResult.continue()),
    );
    const executor = new HookExecutor(registry);
    const model = wrapLanguageModel({
      model: echoModel(),
      middleware: hooksMiddleware({ registry, executor }),
    });
    await generateText({ model, prompt: 'x' });
    expect(executor.stats()).toMatchObject([{ hookId: 'noop', hookPoint: Before, calls: 1 }]);
  });

  it('keeps the model untouched when no hook is registered', async () => {
    const inner = echoModel();
    const model = wrapLanguageModel({
      model: inner,
      middleware: hooksMiddleware({ registry: new HookRegistry() }),
    });
    const result = await generateText({ model, prompt: 'plain' });
    expect(result.text).toBe('echo: plain');
    expect(result.usage).toMatchObject({ inputTokens: 10, outputTokens: 20 });
    expect(inner.doGenerateCalls[0]!.prompt).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'plain' }] },
    ]);
  });

  it('shows file bytes to hooks as base64 and sends the model the prompt as it was', async () => {
    const registry = new HookRegistry();
    let messages: unknown;
    await registry.register(
      Before,
      hook('spy', (context) => {
        messages = (context.data.input as { messages: unknown }).messages;
        return HookResult.continue();
      }),
    );
    const inner = echoModel();
    const model = wrapLanguageModel({ model: inner, middleware: hooksMiddleware({ registry }) });
    const bytes = new Uint8Array([104, 105]);
    const prompt = [
      {
        role: 'user' as const,
        content: [
          { type: 'text' as const, text: 'What is in this file?' },
          // AI SDK 7 (specification V4) wraps file bytes as { type: 'data', data }.
          {
            type: 'file' as const,
            mediaType: 'text/plain',
            data: aiMajor >= 7 ? { type: 'data', data: bytes } : bytes,
          },
        ],
      },
    ];
    await model.doGenerate({ prompt } as Parameters<typeof model.doGenerate>[0]);
    expect(messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in this file?' },
          {
            type: 'file',
            mediaType: 'text/plain',
            data: aiMajor >= 7 ? { type: 'data', data: 'aGk=' } : 'aGk=',
          },
        ],
      },
    ]);
    const sent = inner.doGenerateCalls[0]!.prompt[0]!.content;
    expect(sent[1]).toMatchObject({ type: 'file', data: bytes });
    expect((sent[1] as { data: unknown }).data).toBe(bytes);
  });

  it('replays a cached tool-call answer as tool calls, not as empty text', async () => {
    const registry = new HookRegistry();
    const stored: unknown[] = [];
    await registry.register(
      After,
      hook('store', (context) => {
        stored.push(context.data.output);
        return HookResult.continue();
      }),
    );
    const toolCalling = echoModel();
    toolCalling.doGenerate = async () => ({
      ...generated(''),
      content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: '{"city":"Paris"}' }],
      finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
    });
    const model = wrapLanguageModel({ model: toolCalling, middleware: hooksMiddleware({ registry }) });
    await generateText({ model, prompt: 'weather?' });
    expect(stored[0]).toEqual({
      text: '',
      content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: '{"city":"Paris"}' }],
    });

    const replaying = new HookRegistry();
    await replaying.register(
      Before,
      hook('cache', () => HookResult.cache({ result: stored[0], ttlMs: 1000 })),
    );
    const replayed = await generateText({
      model: wrapLanguageModel({ model: echoModel(), middleware: hooksMiddleware({ registry: replaying }) }),
      prompt: 'weather?',
    });
    expect(replayed.finishReason).toBe('tool-calls');
    expect(replayed.toolCalls).toMatchObject([
      { toolCallId: 'c1', toolName: 'weather', input: { city: 'Paris' } },
    ]);
  });
});

describe('hooksMiddleware options', () => {
  it('throws HookConfigError listing every bad field', () => {
    const failure = (() => {
      try {
        hooksMiddleware({
          registry: {} as HookRegistry,
          name: '',
          metadata: { userId: 7 as unknown as string },
          redirects: { cheap: {} as never },
          colour: 'blue',
        } as never);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(failure).toBeInstanceOf(HookConfigError);
    expect((failure as HookConfigError).issues.map((issue) => issue.path).sort()).toEqual([
      '/colour',
      '/metadata/userId',
      '/name',
      '/redirects/cheap',
      '/registry',
    ]);
  });
});
