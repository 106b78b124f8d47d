import { EventBus, HookCancelledError, HookPoint, InMemoryMetrics } from '@llmspell/core';
import { createAgent } from '@llmspell/executor';
import { HookRegistry } from '@llmspell/registry';
import { describe, expect, it } from 'vitest';
import { RateLimitingHook } from './rate-limiting-hook.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const agentPoints = [HookPoint.BeforeAgentExecution, HookPoint.AfterAgentExecution, HookPoint.AgentError];

async function hookedAgent(hook: RateLimitingHook, work: () => Promise<void> = async () => {}) {
  const registry = new HookRegistry();
  for (const point of agentPoints) await registry.register(point, hook);
  const events = new EventBus();
  const metrics = new InMemoryMetrics();
  const agent = createAgent({
    name: 'writer',
    registry,
    events,
    metrics,
    async execute(input) {
      await work();
      return { text: `echo: ${input.text}` };
    },
  });
  return { agent, registry, events, metrics };
}

describe('RateLimitingHook around an agent', () => {
  it('lets exactly requestsPerWindow of 30 concurrent agent calls run; the rest throw HookCancelledError', async () => {
    const hook = new RateLimitingHook({ requestsPerWindow: 7, windowMs: 60_000, byUser: true });
    const { agent, events } = await hookedAgent(hook);
    const settled = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        agent.execute({ text: `q${i}` }, { metadata: { userId: 'alice' } }),
      ),
    );
    expect(settled.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(7);
    const refusals = settled.filter((outcome) => outcome.status === 'rejected');
    expect(refusals).toHaveLength(23);
    for (const refusal of refusals) {
      const error = (refusal as PromiseRejectedResult).reason;
      expect(HookCancelledError.isInstance(error)).toBe(true);
      expect((error as HookCancelledError).reason).toBe('Rate limit exceeded');
    }
    expect(events.query('rate_limit.exceeded')[0]?.payload).toEqual({
      limiterKey: 'writer:alice',
      component: 'writer',
      kind: 'window',
    });
  });

  it('releases every permit through After and AgentError: 300 calls with failures leave none held', async () => {
    const hook = new RateLimitingHook({ requestsPerWindow: 100_000, windowMs: 60_000, maxConcurrent: 3 });
    let calls = 0;
    const { agent } = await hookedAgent(hook, async () => {
      calls++;
      await sleep(1);
      if (calls % 3 === 0) throw new Error('model failed');
    });
    for (let round = 0; round < 100; round++) {
      await Promise.allSettled(Array.from({ length: 3 }, () => agent.execute({ text: 'hi' })));
    }
    expect(calls).toBe(300);
    // All three slots are free again: three calls that hold them at once all run.
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { agent: slowAgent } = await hookedAgent(hook, () => gate);
    const held = Array.from({ length: 3 }, () => slowAgent.execute({ text: 'slow' }));
    await sleep(20);
    await expect(slowAgent.execute({ text: 'one too many' })).rejects.toThrow('Rate limit exceeded');
    release();
    await Promise.all(held);
  });

  it('queues agent calls with maxConcurrent 2: all 16 finish and never more than 2 run at once', async () => {
    const hook = new RateLimitingHook({
      requestsPerWindow: 1_000,
      windowMs: 60_000,
      mode: 'queue',
      maxConcurrent: 2,
      maxWaitMs: 20_000,
    });
    let running = 0;
    let mostRunning = 0;
    const { agent } = await hookedAgent(hook, async () => {
      running++;
      mostRunning = Math.max(mostRunning, running);
      await sleep(150);
      running--;
    });
    // The last Before waits about 8 × 150 ms: longer than the executor's default 1 s hook timeout, so this
    // passes only because the hook's metadata asks for a timeout that covers maxWaitMs.
    const outputs = await Promise.all(Array.from({ length: 16 }, (_, i) => agent.execute({ text: `q${i}` })));
    expect(outputs).toHaveLength(16);
    expect(mostRunning).toBe(2);
    await hook.onUnregister();
  });
});
