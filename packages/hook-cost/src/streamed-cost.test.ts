import { approximateTokens, EventBus, type Hook, HookPoint, HookResult, Priority } from '@llmspell/core';
import { createAgent } from '@llmspell/executor';
import { HookRegistry } from '@llmspell/registry';
import { describe, expect, it } from 'vitest';
import { recordingLogger } from './__fixtures__/contexts.js';
import { CostTrackingHook } from './cost-tracking-hook.js';

const PROMPT = 'Tell me a long story about the sea';
// gpt-4: 30 / 60 USD per 1M tokens, i.e. 30_000_000 / 60_000_000 pico-dollars per token.
const GPT4 = { input: 30_000_000n, output: 60_000_000n };

async function streamingAgent(hook: CostTrackingHook, extra: [HookPoint, Hook, number?][] = []) {
  const registry = new HookRegistry();
  const events = new EventBus();
  await registry.registerMultiple([
    [HookPoint.BeforeAgentExecution, hook],
    [HookPoint.AfterAgentExecution, hook],
    [HookPoint.AgentError, hook],
    ...extra,
  ]);
  const agent = createAgent({
    name: 'storyteller',
    registry,
    events,
    async *stream(_input, context) {
      // The model is known from the start of the call; its usage only at the finish.
      context.data.model = 'gpt-4';
      yield 'Once upon ';
      yield 'a time, ';
      await new Promise<void>((resolve) => {
        if (context.signal.aborted) resolve();
        context.signal.addEventListener('abort', () => resolve(), { once: true });
        setTimeout(resolve, 200);
      });
      yield 'the end.';
      yield { type: 'finish', model: 'gpt-4', tokensUsed: { input: 12, output: 9 } };
    },
  });
  return { agent, events, registry };
}

async function readThenAbort(
  stream: { textStream: AsyncIterable<string>; output: Promise<unknown> },
  deltas: number,
  controller: AbortController,
) {
  const released: string[] = [];
  for await (const delta of stream.textStream) {
    released.push(delta);
    if (released.length === deltas) controller.abort(new Error('the reader went away'));
  }
  return released;
}

describe('CostTrackingHook on streams that end early', () => {
  it('charges a stream the caller aborted for its prompt and the text it released, marked as an estimate', async () => {
    const hook = new CostTrackingHook({ logger: recordingLogger().logger });
    const { agent, events } = await streamingAgent(hook);
    const controller = new AbortController();
    const stream = agent.stream({ text: PROMPT }, { signal: controller.signal });
    const released = await readThenAbort(stream, 2, controller).catch(() => undefined);
    await expect(stream.output).rejects.toThrow();
    expect(released === undefined || released.join('') === 'Once upon a time, ').toBe(true);
    const input = approximateTokens(PROMPT);
    const output = approximateTokens('Once upon a time, ');
    const totals = await hook.totals('storyteller');
    expect(totals).toMatchObject({ calls: 1, inputTokens: input, outputTokens: output, unpricedCalls: 0 });
    expect(totals.costPicoUsd).toBe(BigInt(input) * GPT4.input + BigInt(output) * GPT4.output);
    const estimated = events.query('cost.usage_estimated');
    expect(estimated).toHaveLength(1);
    expect(estimated[0]!.payload).toMatchObject({
      component: 'storyteller',
      model: 'gpt-4',
      inputTokens: input,
      outputTokens: output,
      estimated: true,
    });
  });

  it('charges the usage the provider reported when the finish arrived before a chunk hook cancelled', async () => {
    const hook = new CostTrackingHook({ logger: recordingLogger().logger });
    const refuseTheEnd: Hook = {
      id: 'refuse-the-end',
      execute: (context) =>
        (context.data.chunk as { final: boolean }).final
          ? HookResult.cancel('no endings')
          : HookResult.continue(),
    };
    const { agent, events } = await streamingAgent(hook, [[HookPoint.AgentStreamChunk, refuseTheEnd]]);
    const stream = agent.stream({ text: PROMPT });
    await expect(stream.output).rejects.toThrow('no endings');
    const totals = await hook.totals('storyteller');
    expect(totals).toMatchObject({ calls: 1, inputTokens: 12, outputTokens: 9 });
    expect(totals.costPicoUsd).toBe(12n * GPT4.input + 9n * GPT4.output);
    expect(events.query('cost.usage_estimated')).toEqual([]);
  });

  it('charges a call once when a later After hook cancels it and the cleanup Error point runs', async () => {
    const hook = new CostTrackingHook({ logger: recordingLogger().logger });
    const vetoAfter: Hook = { id: 'veto-after', execute: () => HookResult.cancel('vetoed') };
    const { agent } = await streamingAgent(hook, [
      [HookPoint.AfterAgentExecution, vetoAfter, Priority.Lowest],
    ]);
    await expect(agent.stream({ text: PROMPT }).output).rejects.toThrow('vetoed');
    expect(await hook.totals('storyteller')).toMatchObject({ calls: 1, inputTokens: 12, outputTokens: 9 });
  });

  it('charges nothing and releases the reservation when the call ended before anything was generated', async () => {
    const hook = new CostTrackingHook({ budgets: { perUserUsd: 0.03 }, logger: recordingLogger().logger });
    const refuse: Hook = { id: 'refuse', execute: () => HookResult.cancel('not today') };
    const { agent, events } = await streamingAgent(hook, [
      [HookPoint.BeforeAgentExecution, refuse, Priority.Lowest],
    ]);
    const metadata = { userId: 'ann', maxCostUsd: '0.03' };
    await expect(agent.stream({ text: PROMPT }, { metadata }).output).rejects.toThrow('not today');
    expect((await hook.totals('storyteller')).calls).toBe(0);
    // The $0.03 reservation was given back: the budget admits the next call (which the other hook refuses).
    await expect(agent.stream({ text: PROMPT }, { metadata }).output).rejects.toThrow('not today');
    expect(events.query('cost.budget_exceeded')).toEqual([]);
  });
});
