import { HookCancelledError, HookPoint, HookResult, LlmspellError } from '@llmspell/core';
import { HookRegistry } from '@llmspell/registry';
import { describe, expect, it } from 'vitest';
import { hook } from '../__fixtures__/hooks.js';
import { createAgent } from './create-agent.js';

const { AgentStreamChunk: Chunk, AfterAgentExecution: After, AgentError } = HookPoint;

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const deltas: string[] = [];
  for await (const delta of iterable) deltas.push(delta);
  return deltas;
}

async function* words(...parts: unknown[]): AsyncGenerator<never> {
  for (const part of parts) yield part as never;
}

describe('agent.stream', () => {
  it('returns the released text in output, with the model and usage of the finish part', async () => {
    const registry = new HookRegistry();
    const seen: unknown[] = [];
    await registry.register(
      After,
      hook('after-spy', (context) => {
        seen.push({
          output: context.data.output,
          model: context.data.model,
          tokensUsed: context.data.tokensUsed,
        });
        return HookResult.continue();
      }),
    );
    const agent = createAgent({
      name: 'writer',
      registry,
      stream: () =>
        words(
          'Hi ',
          { type: 'text', text: 'there' },
          { type: 'finish', model: 'm-1', tokensUsed: { input: 1, output: 2 } },
        ),
    });
    const stream = agent.stream({ text: 'greet' });
    expect(await collect(stream.textStream)).toEqual(['Hi ', 'there']);
    const expected = { text: 'Hi there', model: 'm-1', tokensUsed: { input: 1, output: 2 } };
    expect(await stream.output).toEqual(expected);
    expect(seen).toEqual([{ output: expected, model: 'm-1', tokensUsed: { input: 1, output: 2 } }]);
  });

  it('collects a stream-only agent for execute, through the chunk hooks', async () => {
    const registry = new HookRegistry();
    await registry.register(
      Chunk,
      hook('upper', (context) =>
        HookResult.modified({ chunk: { text: (context.data.chunk as { text: string }).text.toUpperCase() } }),
      ),
    );
    const agent = createAgent({ name: 'writer', registry, stream: () => words('quiet ', 'words') });
    await expect(agent.execute({ text: 'x' })).resolves.toEqual({ text: 'QUIET WORDS' });
  });

  it("streams an execute-only agent's answer as one judged delta", async () => {
    const registry = new HookRegistry();
    const judged: string[] = [];
    await registry.register(
      Chunk,
      hook('spy', (context) => {
        judged.push((context.data.chunk as { text: string }).text);
        return HookResult.continue();
      }),
    );
    const agent = createAgent({
      name: 'writer',
      registry,
      execute: async (input) => ({ text: `echo: ${input.text}`, model: 'm-2' }),
    });
    const stream = agent.stream({ text: 'ping' });
    expect(await collect(stream.textStream)).toEqual(['echo: ping']);
    expect(await stream.output).toEqual({ text: 'echo: ping', model: 'm-2' });
    expect(judged).toEqual(['echo: ping', '']);
  });

  it("streams a redirect target's stream", async () => {
    const registry = new HookRegistry();
    await registry.register(
      HookPoint.BeforeAgentExecution,
      hook('router', () => HookResult.redirect('cheap')),
    );
    const cheap = createAgent({
      name: 'cheap',
      registry: new HookRegistry(),
      stream: () => words('from ', 'cheap'),
    });
    const agent = createAgent({
      name: 'router',
      registry,
      redirects: { cheap },
      stream: () => words('from ', 'main'),
    });
    const stream = agent.stream({ text: 'x' });
    expect((await collect(stream.textStream)).join('')).toBe('from cheap');
  });

  it('opens the stream again when opening it failed and an AgentError hook answers retry', async () => {
    const registry = new HookRegistry();
    await registry.register(
      AgentError,
      hook('retry', () => HookResult.retry({ delayMs: 0, maxAttempts: 2 })),
    );
    let opened = 0;
    const agent = createAgent({
      name: 'flaky',
      registry,
      stream: async () => {
        opened++;
        if (opened === 1) throw new Error('connection refused');
        return words('second ', 'try');
      },
    });
    expect((await collect(agent.stream({ text: 'x' }).textStream)).join('')).toBe('second try');
    expect(opened).toBe(2);
  });

  it('ends the call with an error naming what a stream yielded that is not text', async () => {
    const agent = createAgent({
      name: 'broken',
      registry: new HookRegistry(),
      stream: () => words('ok', 42),
    });
    const stream = agent.stream({ text: 'x' });
    await expect(collect(stream.textStream)).rejects.toThrow(/stream yielded 42; yield strings/);
    await expect(stream.output).rejects.toBeInstanceOf(LlmspellError);
  });

  it('can be read once', async () => {
    const agent = createAgent({ name: 'once', registry: new HookRegistry(), stream: () => words('a') });
    const stream = agent.stream({ text: 'x' });
    await collect(stream.textStream);
    expect(() => stream.textStream[Symbol.asyncIterator]()).toThrow(/can be read once/);
  });

  it('settles a reader that breaks out only after cleanup, and output rejects with the reader cancel', async () => {
    const registry = new HookRegistry();
    let cleanedUp = false;
    await registry.register(
      AgentError,
      hook('slow-release', async (context) => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        cleanedUp = String((context.data.error as Error).message).includes('cancelled by its reader');
        return HookResult.continue();
      }),
    );
    async function* endless() {
      for (let index = 0; ; index++) yield `${index} `;
    }
    const agent = createAgent({ name: 'endless', registry, stream: () => endless() });
    const stream = agent.stream({ text: 'x' });
    for await (const _delta of stream.textStream) break;
    expect(cleanedUp).toBe(true);
    await expect(stream.output).rejects.toThrow('cancelled by its reader');
  });

  it('rejects output with the HookCancelledError of a chunk hook', async () => {
    const registry = new HookRegistry();
    await registry.register(
      Chunk,
      hook('no', () => HookResult.cancel('nope')),
    );
    const agent = createAgent({ name: 'refused', registry, stream: () => words('a') });
    await expect(agent.stream({ text: 'x' }).output).rejects.toBeInstanceOf(HookCancelledError);
  });
});
