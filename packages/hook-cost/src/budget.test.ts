import { EventBus, HookPoint } from '@llmspell/core';
import { describe, expect, it } from 'vitest';
import { callContext, recordingLogger } from './__fixtures__/contexts.js';
import { simulateCall } from './__fixtures__/lifecycle.js';
import type { CostStore } from './cost-store.js';
import { CostTrackingHook } from './cost-tracking-hook.js';
import { MemoryCostStore } from './memory-cost-store.js';

const quiet = recordingLogger().logger;
// 1000 gpt-4 input tokens cost exactly $0.03.
const gpt4Call = { model: 'gpt-4', tokensUsed: { input: 1000, output: 0 } };

describe('budgets', () => {
  it('runs at most 10 of 100 concurrent calls against a budget that allows 10', async () => {
    const hook = new CostTrackingHook({ budgets: { perComponentUsd: 0.3 }, logger: quiet });
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, (_unused, index) =>
        simulateCall(hook, { ...gpt4Call, metadata: { maxCostUsd: '0.03' }, workMs: index % 7 }),
      ),
    );
    const ran = outcomes.filter((outcome) => outcome === 'ran').length;
    expect(ran).toBe(10);
    expect(outcomes.filter((outcome) => outcome === 'cancelled')).toHaveLength(90);
    expect((await hook.totals('writer')).costUsd).toBe(0.3);
  });

  it('cancels with reason "Budget exceeded" and a cost.budget_exceeded event once the budget is spent', async () => {
    const events = new EventBus();
    const hook = new CostTrackingHook({ budgets: { perComponentUsd: 0.05 }, logger: quiet });
    expect(await simulateCall(hook, gpt4Call)).toBe('ran');
    expect(await simulateCall(hook, gpt4Call)).toBe('ran');
    const before = callContext({ hookPoint: HookPoint.BeforeAgentExecution, events });
    expect(await hook.execute(before)).toEqual({ type: 'cancel', reason: 'Budget exceeded' });
    expect(events.query('cost.budget_exceeded')[0]!.payload).toEqual({
      scope: 'component',
      name: 'writer',
      budgetUsd: 0.05,
      spentUsd: 0.06,
    });
  });

  it('limits each user by metadata.userId and leaves other users alone', async () => {
    const hook = new CostTrackingHook({ budgets: { perUserUsd: 0.03 }, logger: quiet });
    expect(await simulateCall(hook, { ...gpt4Call, userId: 'ann' })).toBe('ran');
    expect(await simulateCall(hook, { ...gpt4Call, userId: 'ann' })).toBe('cancelled');
    expect(await simulateCall(hook, { ...gpt4Call, userId: 'bob' })).toBe('ran');
    expect(await simulateCall(hook, { ...gpt4Call })).toBe('ran');
  });

  it('releases the reservation of a call that fails, so the budget is not lost', async () => {
    const hook = new CostTrackingHook({ budgets: { perComponentUsd: 0.03 }, logger: quiet });
    const reserved = { ...gpt4Call, metadata: { maxCostUsd: '0.03' } };
    expect(await simulateCall(hook, { ...reserved, fails: true })).toBe('failed');
    expect(await simulateCall(hook, reserved)).toBe('ran');
    expect(await simulateCall(hook, reserved)).toBe('cancelled');
  });

  it('settles the reservation at the real cost after the call', async () => {
    const hook = new CostTrackingHook({ budgets: { perComponentUsd: 0.1 }, logger: quiet });
    // Reserve $0.09 but spend $0.03: the next reservation of $0.09 sees only $0.03 committed.
    const reserved = { ...gpt4Call, metadata: { maxCostUsd: '0.09' } };
    expect(await simulateCall(hook, reserved)).toBe('ran');
    expect(await simulateCall(hook, reserved)).toBe('ran');
    expect(await simulateCall(hook, reserved)).toBe('ran');
    expect((await hook.totals('writer')).costUsd).toBe(0.09);
  });

  it('lets an unsettled reservation expire after reservationTtlMs', async () => {
    const hook = new CostTrackingHook({
      budgets: { perComponentUsd: 0.03 },
      reservationTtlMs: 50,
      logger: quiet,
    });
    const before = callContext({
      hookPoint: HookPoint.BeforeAgentExecution,
      metadata: { maxCostUsd: '0.03' },
    });
    expect((await hook.execute(before)).type).toBe('continue');
    // The caller never settles (it crashed); a second call is refused while the reservation holds.
    expect(await simulateCall(hook, { ...gpt4Call, metadata: { maxCostUsd: '0.03' } })).toBe('cancelled');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await simulateCall(hook, { ...gpt4Call, metadata: { maxCostUsd: '0.03' } })).toBe('ran');
  });

  it('estimates from data.maxTokens: output at the model price plus one token per input byte', async () => {
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
    const hook = new CostTrackingHook({ store, budgets: { perComponentUsd: 1 }, logger: quiet });
    const before = callContext({
      hookPoint: HookPoint.BeforeAgentExecution,
      data: { model: 'gpt-4', maxTokens: 100, input: { text: 'héllo' } },
    });
    await hook.execute(before);
    // 6 input bytes × 30_000_000 + 100 output tokens × 60_000_000 pico-dollars.
    expect(reserved).toEqual([6n * 30_000_000n + 100n * 60_000_000n]);
  });

  it('denies calls on a failing store only when onStoreError is deny', async () => {
    const failing = new MemoryCostStore();
    failing.reserve = async () => {
      throw new Error('store down');
    };
    const allow = new CostTrackingHook({ store: failing, budgets: { perUserUsd: 1 }, logger: quiet });
    const deny = new CostTrackingHook({
      store: failing,
      budgets: { perUserUsd: 1 },
      onStoreError: 'deny',
      logger: quiet,
    });
    const context = () => callContext({ hookPoint: HookPoint.BeforeAgentExecution, userId: 'ann' });
    expect((await allow.execute(context())).type).toBe('continue');
    expect(await deny.execute(context())).toMatchObject({ type: 'cancel' });
  });

  it('answers continue at Before points synchronously when no budgets are set', () => {
    const hook = new CostTrackingHook({ logger: quiet });
    expect(hook.execute(callContext({ hookPoint: HookPoint.BeforeAgentExecution }))).toEqual({
      type: 'continue',
    });
  });
});
