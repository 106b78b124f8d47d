import { EventBus, HookConfigError, HookPoint, HookResult, InMemoryMetrics } from '@llmspell/core';
import { describe, expect, it, vi } from 'vitest';
import { callContext, recordingLogger } from './__fixtures__/contexts.js';
import { CostTrackingHook } from './cost-tracking-hook.js';
import { PICO_PER_USD } from './money.js';

const quiet = recordingLogger().logger;

describe('CostTrackingHook', () => {
  it('has id cost-tracker and answers continue at points it does not handle', async () => {
    const hook = new CostTrackingHook({ logger: quiet });
    expect(hook.id).toBe('cost-tracker');
    expect(await hook.execute(callContext({ hookPoint: HookPoint.SessionStart }))).toEqual(
      HookResult.continue(),
    );
  });

  it('charges the gpt-4 worked example: 1500 input + 500 output tokens cost $0.075', async () => {
    const hook = new CostTrackingHook({ logger: quiet });
    const context = callContext({ model: 'gpt-4', tokensUsed: { input: 1500, output: 500 } });
    const result = await hook.execute(context);
    expect(result.type).toBe('continue');
    expect(context.data.cost).toEqual({ sessionCost: 0.075, totalCost: 0.075, model: 'gpt-4' });
    const totals = await hook.totals('writer');
    expect(totals).toEqual({
      calls: 1,
      inputTokens: 1500,
      outputTokens: 500,
      unpricedCalls: 0,
      costPicoUsd: 75_000_000_000n,
      costUsd: 0.075,
    });
  });

  it('totals exactly $0.30 after 1,000 calls of 10 gpt-4 input tokens', async () => {
    const hook = new CostTrackingHook({ logger: quiet });
    for (let call = 0; call < 1_000; call++) {
      await hook.execute(callContext({ model: 'gpt-4', tokensUsed: { input: 10, output: 0 } }));
    }
    const totals = await hook.totals('writer');
    expect(totals.costPicoUsd).toBe(300_000_000_000n);
    expect(totals.costUsd).toBe(0.3);
    expect(totals.calls).toBe(1_000);
  });

  it('has no drift after a million calls: the total equals the integer product', async () => {
    const hook = new CostTrackingHook({ logger: quiet });
    const context = callContext({ model: 'gpt-4o-mini' });
    for (let call = 0; call < 1_000_000; call++) {
      context.data.tokensUsed = { input: 7, output: 13 };
      await hook.execute(context);
    }
    // gpt-4o-mini: $0.15 / $0.60 per 1M tokens = 150_000 / 600_000 pico-dollars per token.
    const expected = 1_000_000n * (7n * 150_000n + 13n * 600_000n);
    const totals = await hook.totals('writer');
    expect(totals.costPicoUsd).toBe(expected);
    expect(totals.costUsd).toBe(8.85);
    expect(totals.inputTokens).toBe(7_000_000);
    expect(context.data.cost).toMatchObject({ totalCost: 8.85, sessionCost: 0.00000885 });
  }, 60_000);

  it('reports an unknown model as unknown, never $0: event, one warning, tokens counted', async () => {
    const { lines, logger } = recordingLogger();
    const events = new EventBus();
    const metrics = new InMemoryMetrics();
    const hook = new CostTrackingHook({ logger });
    for (let call = 0; call < 3; call++) {
      const context = callContext({
        model: 'llama-local',
        tokensUsed: { input: 100, output: 50 },
        events,
        metrics,
      });
      await hook.execute(context);
      expect(context.data.cost).toEqual({ sessionCost: null, totalCost: 0, model: 'llama-local' });
    }
    const unknown = events.query('cost.unknown_model');
    expect(unknown).toHaveLength(3);
    expect(unknown[0]!.payload).toMatchObject({
      model: 'llama-local',
      component: 'writer',
      inputTokens: 100,
    });
    expect(lines.filter((line) => line.level === 'warn')).toHaveLength(1);
    expect(lines[0]!.message).toContain("No price for model 'llama-local'");
    expect(metrics.snapshot().cost_unknown_model?.count).toBe(3);
    expect(await hook.totals('writer')).toMatchObject({
      calls: 3,
      inputTokens: 300,
      outputTokens: 150,
      unpricedCalls: 3,
      costPicoUsd: 0n,
    });
  });

  it('charges the price in force when the call ends (o3 before and after its 2025-06-10 price cut)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const hook = new CostTrackingHook({ logger: quiet });
      const tokensUsed = { input: 1_000, output: 1_000 };
      vi.setSystemTime(new Date('2025-06-09T23:59:00Z'));
      const before = callContext({ model: 'o3', tokensUsed });
      await hook.execute(before);
      vi.setSystemTime(new Date('2025-06-10T00:01:00Z'));
      const after = callContext({ model: 'o3', tokensUsed });
      await hook.execute(after);
      // 10 / 40 per 1M before the cut, 2 / 8 after.
      expect(before.data.cost).toMatchObject({ sessionCost: 0.05 });
      expect(after.data.cost).toMatchObject({ sessionCost: 0.01, totalCost: 0.06 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('halves a Flex call and reports a service tier without a price as unpriced, naming the tier', async () => {
    const { lines, logger } = recordingLogger();
    const events = new EventBus();
    const hook = new CostTrackingHook({ logger });
    const tokensUsed = { input: 1_000_000, output: 0 };
    const flex = callContext({ model: 'gpt-5', tokensUsed, data: { serviceTier: 'flex' }, events });
    await hook.execute(flex);
    expect(flex.data.cost).toMatchObject({ sessionCost: 0.625 });
    const priority = callContext({ model: 'gpt-5', tokensUsed, data: { serviceTier: 'priority' }, events });
    await hook.execute(priority);
    expect(priority.data.cost).toMatchObject({ sessionCost: null, totalCost: 0.625 });
    expect(events.query('cost.unknown_model')[0]!.payload).toMatchObject({
      model: 'gpt-5',
      serviceTier: 'priority',
    });
    expect(lines[0]!.message).toContain("No price for service tier 'priority' of model 'gpt-5'");
    expect((await hook.totals('writer')).unpricedCalls).toBe(1);
  });

  it('treats a call with token usage but no model as an unknown model', async () => {
    const events = new EventBus();
    const hook = new CostTrackingHook({ logger: quiet });
    const context = callContext({ tokensUsed: { input: 5, output: 5 }, events });
    await hook.execute(context);
    expect(context.data.cost).toEqual({ sessionCost: null, totalCost: 0, model: null });
    expect(events.query('cost.unknown_model')[0]!.payload).toMatchObject({ model: null });
  });

  it('charges nothing for a cached answer and reports the running total', async () => {
    const hook = new CostTrackingHook({ logger: quiet });
    await hook.execute(callContext({ model: 'gpt-4', tokensUsed: { input: 1000, output: 0 } }));
    const cached = callContext({
      model: 'gpt-4',
      tokensUsed: { input: 1000, output: 0 },
      data: { cached: true },
    });
    await hook.execute(cached);
    expect(cached.data.cost).toEqual({ sessionCost: 0, totalCost: 0.03, model: 'gpt-4' });
    expect((await hook.totals('writer')).calls).toBe(1);
  });

  it('records nothing for a call without token usage and warns about malformed usage', async () => {
    const { lines, logger } = recordingLogger();
    const hook = new CostTrackingHook({ logger });
    const none = callContext({ model: 'gpt-4' });
    expect((await hook.execute(none)).type).toBe('continue');
    expect(none.data.cost).toBeUndefined();
    await hook.execute(callContext({ model: 'gpt-4', tokensUsed: { input: -3, output: 1.5 } }));
    expect(lines.some((line) => line.message?.includes('non-negative integers'))).toBe(true);
    expect(await hook.report()).toEqual({});
  });

  it('keeps totals per component and per user, and reports them all', async () => {
    const hook = new CostTrackingHook({ logger: quiet });
    await hook.execute(
      callContext({ component: 'a', userId: 'u1', model: 'gpt-4', tokensUsed: { input: 1000, output: 0 } }),
    );
    await hook.execute(
      callContext({ component: 'b', userId: 'u1', model: 'gpt-4', tokensUsed: { input: 0, output: 1000 } }),
    );
    await hook.execute(
      callContext({
        component: 'b',
        userId: 'u2',
        model: 'gpt-3.5-turbo',
        tokensUsed: { input: 1000, output: 1000 },
      }),
    );
    const components = await hook.report();
    expect(Object.keys(components).sort()).toEqual(['a', 'b']);
    expect(components.a!.costUsd).toBe(0.03);
    expect(components.b!.costPicoUsd).toBe((63n * PICO_PER_USD) / 1000n);
    const users = await hook.report({ scope: 'user' });
    expect(users.u1!.costUsd).toBe(0.09);
    expect(users.u2!.costUsd).toBe(0.003);
    expect(await hook.totals('u1', { scope: 'user' })).toMatchObject({ calls: 2, inputTokens: 1000 });
  });

  it('charges tools that report usage at AfterToolExecution', async () => {
    const hook = new CostTrackingHook({ logger: quiet });
    const context = callContext({
      hookPoint: HookPoint.AfterToolExecution,
      component: 'summarizer',
      componentType: 'tool',
      model: 'claude-3-5-haiku-20241022',
      tokensUsed: { input: 1_000_000, output: 1_000_000 },
    });
    await hook.execute(context);
    expect(context.data.cost).toEqual({
      sessionCost: 4.8,
      totalCost: 4.8,
      model: 'claude-3-5-haiku-20241022',
    });
  });

  it('uses modelRates over the shipped prices', async () => {
    const hook = new CostTrackingHook({
      logger: quiet,
      modelRates: { 'gpt-4': { inputPer1k: 0.01, outputPer1k: 0.02 } },
    });
    const context = callContext({ model: 'gpt-4', tokensUsed: { input: 1000, output: 1000 } });
    await hook.execute(context);
    expect(context.data.cost).toMatchObject({ sessionCost: 0.03 });
  });

  it('counts calls, tokens and cost through context.metrics', async () => {
    const metrics = new InMemoryMetrics();
    const hook = new CostTrackingHook({ logger: quiet });
    await hook.execute(callContext({ model: 'gpt-4', tokensUsed: { input: 10, output: 20 }, metrics }));
    const snapshot = metrics.snapshot();
    expect(snapshot.cost_calls).toEqual({ count: 1, sum: 1, byLabels: { 'model=gpt-4': 1 } });
    expect(snapshot.cost_input_tokens?.sum).toBe(10);
    expect(snapshot.cost_output_tokens?.sum).toBe(20);
    expect(snapshot.cost_usd?.sum).toBeCloseTo(0.0015, 12);
  });

  it('rejects a bad configuration with HookConfigError listing every bad field', () => {
    let caught: unknown;
    try {
      new CostTrackingHook({
        alertThresholdUsd: -1,
        webhookUrl: 'not a url',
        modelRates: { x: { inputPer1k: -1, outputPer1k: 0.0000000001 } },
        budgets: { perUserUsd: 0 },
        onStoreError: 'maybe' as 'allow',
        store: 'http://redis',
        typo: true,
      } as never);
    } catch (error) {
      caught = error;
    }
    expect(HookConfigError.isInstance(caught)).toBe(true);
    const paths = (caught as HookConfigError).issues.map((issue) => issue.path);
    for (const path of [
      '/alertThresholdUsd',
      '/webhookUrl',
      '/modelRates/x/inputPer1k',
      '/modelRates/x/outputPer1k',
      '/budgets/perUserUsd',
      '/onStoreError',
      '/store',
      '/typo',
    ]) {
      expect(paths).toContain(path);
    }
  });
});
