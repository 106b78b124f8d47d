import { randomUUID } from 'node:crypto';
import { HookConfigError, HookPoint } from '@llmspell/core';
import { type RedisServerHandle, startRedisServer } from '@llmspell/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { callContext, recordingLogger } from './__fixtures__/contexts.js';
import { simulateCall } from './__fixtures__/lifecycle.js';
import type { CostStore } from './cost-store.js';
import { CostTrackingHook } from './cost-tracking-hook.js';
import type { CostBudgets } from './cost-tracking-hook-options.js';
import { CostQueryError } from './errors/cost-query-error.js';
import { MemoryCostStore } from './memory-cost-store.js';
import { RedisCostStore } from './redis-cost-store.js';

const quiet = recordingLogger().logger;
// 1000 gpt-4 input tokens cost exactly $0.03; the reservation is the same $0.03.
const call = { model: 'gpt-4', tokensUsed: { input: 1000, output: 0 }, metadata: { maxCostUsd: '0.03' } };
const setClock = (iso: string) => vi.setSystemTime(new Date(iso));

let redis: RedisServerHandle;
const stores: CostStore[] = [];
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await redis?.stop();
});
afterEach(() => {
  vi.useRealTimers();
});

const storeKinds = {
  memory: () => new MemoryCostStore(),
  Redis: () => new RedisCostStore(redis.url, { keyPrefix: `test:${randomUUID()}:`, commandTimeoutMs: 5_000 }),
};

describe.each(Object.keys(storeKinds) as (keyof typeof storeKinds)[])(
  'renewing budgets on the %s store',
  (kind) => {
    function hookWith(budgets: CostBudgets, store = storeKinds[kind]()): CostTrackingHook {
      stores.push(store);
      return new CostTrackingHook({ store, budgets, logger: quiet });
    }

    it('renews a daily budget at UTC midnight', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      const hook = hookWith({ perComponentUsd: 0.06, period: 'day' });
      setClock('2026-11-30T23:58:00Z');
      expect(await simulateCall(hook, call)).toBe('ran');
      expect(await simulateCall(hook, call)).toBe('ran');
      expect(await simulateCall(hook, call)).toBe('cancelled');
      setClock('2026-11-30T23:59:59.999Z');
      expect(await simulateCall(hook, call)).toBe('cancelled');
      setClock('2026-12-01T00:00:00.000Z');
      expect(await simulateCall(hook, call)).toBe('ran');
      expect(await simulateCall(hook, call)).toBe('ran');
      expect(await simulateCall(hook, call)).toBe('cancelled');
      expect(await hook.totals('writer', { period: 'current' })).toMatchObject({
        calls: 2,
        costUsd: 0.06,
        period: { id: '2026-12-01', start: '2026-12-01T00:00:00.000Z', end: '2026-12-02T00:00:00.000Z' },
      });
      expect(await hook.totals('writer', { period: new Date('2026-11-30T08:00:00Z') })).toMatchObject({
        calls: 2,
        period: { id: '2026-11-30' },
      });
      // Lifetime totals keep counting across periods.
      expect(await hook.totals('writer')).toMatchObject({ calls: 4, costUsd: 0.12 });
      expect((await hook.totals('writer')).period).toBeUndefined();
    });

    it('runs exactly 10 of 100 concurrent calls against a daily budget that allows 10', async () => {
      const hook = hookWith({ perUserUsd: 0.3, period: 'day' });
      const outcomes = await Promise.all(
        Array.from({ length: 100 }, (_unused, index) =>
          simulateCall(hook, { ...call, userId: 'ann', workMs: index % 7 }),
        ),
      );
      expect(outcomes.filter((outcome) => outcome === 'ran')).toHaveLength(10);
      expect(await hook.totals('ann', { scope: 'user', period: 'current' })).toMatchObject({
        calls: 10,
        costUsd: 0.3,
      });
    });

    it('charges a call admitted before midnight to that day, though it ends after midnight', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      const hook = hookWith({ perComponentUsd: 0.03, period: 'day' });
      setClock('2026-11-30T23:59:59Z');
      const before = callContext({ ...call, hookPoint: HookPoint.BeforeAgentExecution });
      expect((await hook.execute(before)).type).toBe('continue');
      setClock('2026-12-01T00:00:01Z');
      const after = before.child(HookPoint.AfterAgentExecution);
      after.data.tokensUsed = call.tokensUsed;
      await hook.execute(after);
      expect(await hook.totals('writer', { period: new Date('2026-11-30T12:00:00Z') })).toMatchObject({
        calls: 1,
      });
      expect(await hook.totals('writer', { period: 'current' })).toMatchObject({ calls: 0, costPicoUsd: 0n });
      // The new day's budget is whole, and its reservation check saw nothing of yesterday's call.
      expect(await simulateCall(hook, call)).toBe('ran');
      expect(await simulateCall(hook, call)).toBe('cancelled');
    });

    it('keeps each day within its budget when callers’ clocks straddle midnight', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      const store = storeKinds[kind]();
      // Two processes sharing one store, one clock a little ahead of the other: their calls interleave.
      const behind = hookWith({ perComponentUsd: 0.3, period: 'day' }, store);
      const ahead = hookWith({ perComponentUsd: 0.3, period: 'day' }, store);
      const outcomes: string[] = [];
      for (let index = 0; index < 40; index++) {
        const late = index % 2 === 1;
        setClock(late ? '2026-12-01T00:00:00.200Z' : '2026-11-30T23:59:59.800Z');
        outcomes.push(await simulateCall(late ? ahead : behind, call));
      }
      const days = [new Date('2026-11-30T12:00:00Z'), new Date('2026-12-01T12:00:00Z')];
      for (const day of days) {
        expect(await behind.totals('writer', { period: day })).toMatchObject({ calls: 10, costUsd: 0.3 });
      }
      expect(outcomes.filter((outcome) => outcome === 'ran')).toHaveLength(20);
    });

    it('renews every windowMs', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      const hook = hookWith({ perComponentUsd: 0.03, period: { windowMs: 3_600_000 } });
      setClock('2026-11-30T10:59:00Z');
      expect(await simulateCall(hook, call)).toBe('ran');
      expect(await simulateCall(hook, call)).toBe('cancelled');
      setClock('2026-11-30T11:00:00Z');
      expect(await simulateCall(hook, call)).toBe('ran');
      expect(await hook.totals('writer', { period: 'current' })).toMatchObject({
        period: { id: '2026-11-30T11:00:00.000Z', end: '2026-11-30T12:00:00.000Z' },
      });
    });
  },
);

describe('renewing budget options', () => {
  it('renews a monthly budget at midnight of the first in budgets.timeZone', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const hook = new CostTrackingHook({
      budgets: { perComponentUsd: 0.03, period: 'month', timeZone: 'Asia/Tokyo' },
      logger: quiet,
    });
    // Midnight of December 1st in Tokyo is 15:00 UTC on November 30th.
    setClock('2026-11-30T14:59:59Z');
    expect(await simulateCall(hook, call)).toBe('ran');
    expect(await simulateCall(hook, call)).toBe('cancelled');
    setClock('2026-11-30T15:00:00Z');
    expect(await simulateCall(hook, call)).toBe('ran');
    expect((await hook.totals('writer', { period: 'current' })).period).toEqual({
      id: '2026-12',
      start: '2026-11-30T15:00:00.000Z',
      end: '2026-12-31T15:00:00.000Z',
    });
  });

  it('refuses a bad period or time zone, a time zone without a period, and a store that keeps no periods', () => {
    const refused = (budgets: unknown, store?: CostStore) => {
      try {
        new CostTrackingHook({ budgets: budgets as CostBudgets, store, logger: quiet });
      } catch (error) {
        expect(error).toBeInstanceOf(HookConfigError);
        return (error as HookConfigError).issues.map((issue) => issue.path);
      }
      throw new Error('accepted');
    };
    expect(refused({ perUserUsd: 1, period: 'week' })).toContain('/budgets/period');
    expect(refused({ perUserUsd: 1, period: { windowMs: 0 } })).toContain('/budgets/period/windowMs');
    expect(refused({ perUserUsd: 1, period: 'day', timeZone: 'Mars/Olympus' })).toEqual([
      '/budgets/timeZone',
    ]);
    expect(refused({ perUserUsd: 1, timeZone: 'UTC' })).toEqual(['/budgets/timeZone']);
    expect(refused({ period: 'day' })).toEqual(['/budgets/period']);
    const memory = new MemoryCostStore();
    const lifetimeOnly: CostStore = {
      record: (usage) => memory.record(usage),
      reserve: (request) => memory.reserve(request),
      release: (...args) => memory.release(...args),
      totals: (...args) => memory.totals(...args),
      names: (scope) => memory.names(scope),
      close: () => memory.close(),
    };
    expect(refused({ perUserUsd: 1, period: 'day' }, lifetimeOnly)).toEqual(['/store']);
  });

  it('answers a period query without budgets.period, or with a date that is not one, with CostQueryError', async () => {
    const lifetime = new CostTrackingHook({ logger: quiet });
    await expect(lifetime.totals('writer', { period: 'current' })).rejects.toBeInstanceOf(CostQueryError);
    const daily = new CostTrackingHook({ budgets: { perUserUsd: 1, period: 'day' }, logger: quiet });
    await expect(daily.totals('writer', { period: new Date('nonsense') })).rejects.toBeInstanceOf(
      CostQueryError,
    );
    await expect(daily.report({ period: Number.NaN })).rejects.toBeInstanceOf(CostQueryError);
  });
});
