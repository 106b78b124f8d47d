import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { EventBus, HookPoint } from '@llmspell/core';
import { createAgent } from '@llmspell/executor';
import { HookRegistry } from '@llmspell/registry';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { callContext, recordingLogger } from './__fixtures__/contexts.js';
import { simulateCall } from './__fixtures__/lifecycle.js';
import { startWebhookServer, type WebhookServer } from './__fixtures__/webhook-server.js';
import type { CostStore } from './cost-store.js';
import { CostTrackingHook } from './cost-tracking-hook.js';
import { MemoryCostStore } from './memory-cost-store.js';

const quiet = recordingLogger().logger;

describe('CostTrackingHook against hostile callers', () => {
  it("keeps enforcing budgets after five calls with maxCostUsd '1e99999999999': no throw, no open circuit (Bob's $0.36 finding)", async () => {
    const registry = new HookRegistry();
    const hook = new CostTrackingHook({ budgets: { perUserUsd: 0.05 }, logger: quiet });
    for (const point of [
      HookPoint.BeforeAgentExecution,
      HookPoint.AfterAgentExecution,
      HookPoint.AgentError,
    ]) {
      await registry.register(point, hook);
    }
    const events = new EventBus();
    // Every call costs $0.03: 1000 gpt-4 input tokens.
    const agent = createAgent({
      name: 'assistant',
      registry,
      events,
      execute: async () => ({ text: 'ok', model: 'gpt-4', tokensUsed: { input: 1000, output: 0 } }),
    });
    for (let attempt = 0; attempt < 5; attempt++) {
      await expect(
        agent.execute({ text: 'x' }, { metadata: { userId: 'mallory', maxCostUsd: '1e99999999999' } }),
      ).rejects.toThrow(/Budget check refused: metadata.maxCostUsd is out of range/);
    }
    expect(events.query('hook.failed')).toEqual([]);
    expect(events.query('hook.circuit_opened')).toEqual([]);
    let spent = 0;
    for (let call = 0; call < 12; call++) {
      try {
        await agent.execute({ text: 'balance' }, { metadata: { userId: 'bob' } });
        spent += 0.03;
      } catch {
        // Refused: Bob's budget is spent.
      }
    }
    // At most one call beyond the budget: 0.03 + 0.03 (the second is admitted at $0.03 spent < $0.05).
    expect(spent).toBeCloseTo(0.06, 10);
    expect((await hook.totals('bob', { scope: 'user' })).costUsd).toBe(0.06);
  });

  it("refuses maxCostUsd '1e100000000' in microseconds instead of blocking the event loop for seconds", async () => {
    const hook = new CostTrackingHook({ budgets: { perComponentUsd: 1 }, logger: quiet });
    const started = performance.now();
    for (const maxCostUsd of ['1e100000000', '1e999999999', `0.${'0'.repeat(1_000_000)}1`, '-1', 'NaN']) {
      const result = await hook.execute(
        callContext({ hookPoint: HookPoint.BeforeAgentExecution, metadata: { maxCostUsd } }),
      );
      expect(result).toMatchObject({
        type: 'cancel',
        reason: expect.stringMatching(/^Budget check refused/),
      });
    }
    // ~10 ms here (the million-digit string is most of it); computing 10n ** 100000000n alone takes minutes.
    // The bound leaves room for a busy CI machine.
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('never reserves more than the budget it is checked against, so one huge estimate cannot lock others out past it', async () => {
    const reserved: bigint[] = [];
    const memory = new MemoryCostStore();
    const store: CostStore = {
      record: (usage) => memory.record(usage),
      release: (...args) => memory.release(...args),
      totals: (...args) => memory.totals(...args),
      names: (scope) => memory.names(scope),
      close: () => memory.close(),
      reserve: (request) => {
        reserved.push(request.amountPicoUsd);
        return memory.reserve(request);
      },
    };
    const hook = new CostTrackingHook({
      store,
      budgets: { perComponentUsd: 0.05, perUserUsd: 1 },
      logger: quiet,
    });
    const hostile = callContext({
      hookPoint: HookPoint.BeforeAgentExecution,
      metadata: { maxCostUsd: '1e30', userId: 'mallory' },
    });
    expect((await hook.execute(hostile)).type).toBe('continue');
    expect(reserved).toEqual([50_000_000_000n]);
  });

  it('keeps nothing for budget checks of made-up user ids once they settle (memory growth finding)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const store = new MemoryCostStore();
    const hook = new CostTrackingHook({ store, budgets: { perUserUsd: 1 }, logger: quiet });
    const probe = async (from: number, count: number) => {
      for (let user = from; user < from + count; user++) {
        const before = callContext({
          hookPoint: HookPoint.BeforeAgentExecution,
          metadata: { userId: `fake-${user}-${'x'.repeat(500)}`, maxCostUsd: '0.01' },
        });
        await hook.execute(before);
        const failed = before.child(HookPoint.AgentError);
        failed.data.error = new Error('cancelled');
        await hook.execute(failed);
      }
    };
    await probe(0, 1_000);
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    await probe(1_000, 20_000);
    gc();
    // Kept, 20,000 accounts of 500-character ids would hold well over 15 MB.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(5_000_000);
    expect(await store.names('user')).toEqual([]);
  }, 60_000);

  it('reports 20,000 users of the memory store in one pass, never one store read per user (report() on 10^6 users finding)', async () => {
    const store = new MemoryCostStore();
    for (let user = 0; user < 20_000; user++) {
      await store.record({
        id: `r${user}`,
        component: 'assistant',
        userId: `user-${user}`,
        inputTokens: 10,
        outputTokens: 1,
        costPicoUsd: 7n,
      });
    }
    // Before, report() listed the names and then awaited totals() for each of them: 6.8 s for 10^6 users.
    const totals = vi.spyOn(store, 'totals');
    const names = vi.spyOn(store, 'names');
    const hook = new CostTrackingHook({ store, logger: quiet });
    const report = await hook.report({ scope: 'user' });
    expect(Object.keys(report)).toHaveLength(20_000);
    expect(report['user-19999']).toMatchObject({ calls: 1, costPicoUsd: 7n });
    expect(totals).not.toHaveBeenCalled();
    expect(names).not.toHaveBeenCalled();
  });

  it('reports a user named __proto__ like any other', async () => {
    const hook = new CostTrackingHook({ logger: quiet });
    await simulateCall(hook, { model: 'gpt-4', tokensUsed: { input: 1000, output: 0 }, userId: '__proto__' });
    const report = await hook.report({ scope: 'user' });
    expect(Object.keys(report)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(report)).toBe(Object.prototype);
  });
});

describe('webhook alerts against hostile targets', () => {
  const servers: WebhookServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it('does not follow a redirect: the alert never reaches /internal-admin (redirect finding)', async () => {
    const webhook = await startWebhookServer('redirect');
    servers.push(webhook);
    const events = new EventBus();
    const hook = new CostTrackingHook({
      alertThresholdUsd: 0.01,
      webhookUrl: webhook.url,
      webhookMaxAttempts: 1,
      logger: quiet,
    });
    await hook.execute(callContext({ model: 'gpt-4', tokensUsed: { input: 1000, output: 0 }, events }));
    await hook.flush();
    expect(webhook.requests.map((request) => request.path)).toEqual(['/alerts']);
    expect(events.query('cost.alert_failed')[0]!.payload).toMatchObject({
      error: expect.stringMatching(/redirect, which is not followed/),
    });
  });

  it('sends URL credentials as Basic authorization and keeps them out of events and logs (credential finding)', async () => {
    const webhook = await startWebhookServer('ok');
    servers.push(webhook);
    const url = webhook.url.replace('http://', 'http://alerts:s3cr%40t@');
    const hook = new CostTrackingHook({ alertThresholdUsd: 0.01, webhookUrl: url, logger: quiet });
    await hook.execute(callContext({ model: 'gpt-4', tokensUsed: { input: 1000, output: 0 } }));
    await hook.flush();
    expect(webhook.requests[0]?.authorization).toBe(
      `Basic ${Buffer.from('alerts:s3cr@t').toString('base64')}`,
    );

    const { logger, lines } = recordingLogger();
    const events = new EventBus();
    const refused = new CostTrackingHook({
      alertThresholdUsd: 0.01,
      webhookUrl: 'http://alerts:s3cr3t@127.0.0.1:1/alerts',
      webhookMaxAttempts: 1,
      logger,
    });
    await refused.execute(callContext({ model: 'gpt-4', tokensUsed: { input: 1000, output: 0 }, events }));
    await refused.flush();
    expect(events.query('cost.alert_failed')).toHaveLength(1);
    expect(JSON.stringify(events.query('*').map((event) => event.payload))).not.toContain('s3cr3t');
    expect(JSON.stringify(lines)).not.toContain('s3cr3t');
  });
});
