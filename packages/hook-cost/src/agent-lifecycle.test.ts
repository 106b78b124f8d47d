import { EventBus, type Hook, HookCancelledError, HookPoint, HookResult, Priority } from '@llmspell/core';
import { createAgent } from '@llmspell/executor';
import { HookRegistry } from '@llmspell/registry';
import { afterEach, describe, expect, it } from 'vitest';
import { recordingLogger } from './__fixtures__/contexts.js';
import { startWebhookServer, type WebhookServer } from './__fixtures__/webhook-server.js';
import { CostTrackingHook } from './cost-tracking-hook.js';

let webhook: WebhookServer | undefined;
afterEach(async () => {
  await webhook?.close();
  webhook = undefined;
});

async function agentWith(hook: CostTrackingHook, events = new EventBus()) {
  const registry = new HookRegistry();
  await registry.registerMultiple([
    [HookPoint.BeforeAgentExecution, hook],
    [HookPoint.AfterAgentExecution, hook],
    [HookPoint.AgentError, hook],
  ]);
  let operations = 0;
  const agent = createAgent({
    name: 'writer',
    registry,
    events,
    execute: async (input) => {
      operations++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (input.text === 'fail') throw new Error('model unavailable');
      return { text: 'ok', model: 'gpt-4', tokensUsed: { input: 1000, output: 0 } };
    },
  });
  return { agent, registry, operations: () => operations };
}

describe('CostTrackingHook in the agent lifecycle', () => {
  it('charges each agent call and hands data.cost to the hooks after it', async () => {
    const hook = new CostTrackingHook({ logger: recordingLogger().logger });
    const { agent, registry } = await agentWith(hook);
    const seen: unknown[] = [];
    const reader: Hook = {
      id: 'cost-reader',
      execute(context) {
        seen.push(context.data.cost);
        return HookResult.continue();
      },
    };
    await registry.register(HookPoint.AfterAgentExecution, reader, Priority.Low);
    await agent.execute({ text: 'one' });
    await agent.execute({ text: 'two' });
    expect(seen).toEqual([
      { sessionCost: 0.03, totalCost: 0.03, model: 'gpt-4' },
      { sessionCost: 0.03, totalCost: 0.06, model: 'gpt-4' },
    ]);
    await registry.unregister(HookPoint.AfterAgentExecution, 'cost-reader');
  });

  it('lets 10 of 100 concurrent agent calls run against a budget for 10; the rest throw Budget exceeded', async () => {
    const hook = new CostTrackingHook({ budgets: { perUserUsd: 0.3 }, logger: recordingLogger().logger });
    const { agent, operations } = await agentWith(hook);
    const settled = await Promise.allSettled(
      Array.from({ length: 100 }, () =>
        agent.execute({ text: 'hi' }, { metadata: { userId: 'ann', maxCostUsd: '0.03' } }),
      ),
    );
    const rejected = settled.filter((outcome) => outcome.status === 'rejected');
    expect(operations()).toBe(10);
    expect(rejected).toHaveLength(90);
    for (const outcome of rejected) {
      const reason = (outcome as PromiseRejectedResult).reason;
      expect(HookCancelledError.isInstance(reason)).toBe(true);
      expect((reason as HookCancelledError).reason).toBe('Budget exceeded');
    }
    expect((await hook.totals('ann', { scope: 'user' })).costUsd).toBe(0.3);
  });

  it('releases the reservation of a failed agent call', async () => {
    const hook = new CostTrackingHook({
      budgets: { perComponentUsd: 0.03 },
      logger: recordingLogger().logger,
    });
    const { agent } = await agentWith(hook);
    const metadata = { maxCostUsd: '0.03' };
    await expect(agent.execute({ text: 'fail' }, { metadata })).rejects.toThrow('model unavailable');
    await expect(agent.execute({ text: 'ok' }, { metadata })).resolves.toMatchObject({ text: 'ok' });
    await expect(agent.execute({ text: 'ok' }, { metadata })).rejects.toThrow(/Budget exceeded/);
  });

  it('returns the agent result without waiting for a hanging webhook', async () => {
    webhook = await startWebhookServer('hang');
    const hook = new CostTrackingHook({
      alertThresholdUsd: 0.01,
      webhookUrl: webhook.url,
      webhookTimeoutMs: 3_000,
      webhookMaxAttempts: 1,
      logger: recordingLogger().logger,
    });
    const { agent, registry } = await agentWith(hook);
    const started = performance.now();
    await expect(agent.execute({ text: 'hi' })).resolves.toMatchObject({ text: 'ok' });
    expect(performance.now() - started).toBeLessThan(1_500);
    await hook.flush();
    expect(webhook.bodies).toHaveLength(1);
    // Leaving the registry closes the hook and waits for the (finished) alert.
    await registry.unregister(HookPoint.BeforeAgentExecution, hook.id);
    await registry.unregister(HookPoint.AfterAgentExecution, hook.id);
    await registry.unregister(HookPoint.AgentError, hook.id);
  });
});
