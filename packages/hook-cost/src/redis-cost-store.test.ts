import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { EventBus, HookConfigError } from '@llmspell/core';
import { type RedisServerHandle, startRedisServer } from '@llmspell/testing';
import { Redis } from 'ioredis';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callContext, recordingLogger } from './__fixtures__/contexts.js';
import { simulateCall } from './__fixtures__/lifecycle.js';
import { CostTrackingHook } from './cost-tracking-hook.js';
import { CostStoreError } from './errors/cost-store-error.js';
import { RedisCostStore } from './redis-cost-store.js';

const run = promisify(execFile);
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = recordingLogger().logger;
const prefix = () => `test:${randomUUID()}:`;

const openStores: RedisCostStore[] = [];
/** A store closed after all tests (a hook never closes a store it was given). */
function redisStore(url: string, options: ConstructorParameters<typeof RedisCostStore>[1]): RedisCostStore {
  const store = new RedisCostStore(url, options);
  openStores.push(store);
  return store;
}
afterAll(async () => {
  await Promise.all(openStores.map((store) => store.close()));
});

let redis: RedisServerHandle;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

function usage(cost: bigint | null, extra: { component?: string; userId?: string; id?: string } = {}) {
  return {
    id: extra.id ?? randomUUID(),
    component: extra.component ?? 'writer',
    userId: extra.userId,
    inputTokens: 1,
    outputTokens: 2,
    costPicoUsd: cost,
  };
}

describe('RedisCostStore', () => {
  it('adds exactly, carrying pico-dollar remainders into micro-dollars', async () => {
    const store = new RedisCostStore(redis.url, { keyPrefix: prefix() });
    await store.record(usage(999_999n));
    const outcome = await store.record(usage(999_999n, { userId: 'ann' }));
    expect(outcome.component.costPicoUsd).toBe(1_999_998n);
    expect(outcome.user?.costPicoUsd).toBe(999_999n);
    const big = 9_007_199_254_740_993n; // above 2^53: no double could hold it
    await store.record(usage(big));
    await store.record(usage(null));
    expect(await store.totals('component', 'writer')).toEqual({
      calls: 4,
      inputTokens: 4,
      outputTokens: 8,
      unpricedCalls: 1,
      costPicoUsd: 1_999_998n + big,
    });
    expect(await store.names('component')).toEqual(['writer']);
    expect(await store.names('user')).toEqual(['ann']);
    await store.close();
  });

  it('applies a replayed record (same id) only once', async () => {
    const store = new RedisCostStore(redis.url, { keyPrefix: prefix() });
    const record = usage(5n, { id: 'call-1' });
    expect((await store.record(record)).applied).toBe(true);
    const replay = await store.record(record);
    expect(replay.applied).toBe(false);
    expect(replay.component.costPicoUsd).toBe(5n);
    await store.close();
  });

  it('leaves a client it was given open, and closes one it opened', async () => {
    const client = new Redis(redis.url);
    const given = new RedisCostStore(client, { keyPrefix: prefix() });
    await given.record(usage(1n));
    await given.close();
    expect(await client.ping()).toBe('PONG');
    await client.quit();
    const owned = new RedisCostStore(redis.url, { keyPrefix: prefix() });
    await owned.record(usage(1n));
    await owned.close();
    await expect(owned.totals('component', 'writer')).rejects.toThrow(/closed/);
  });

  it('rejects bad options with HookConfigError', () => {
    expect(() => new RedisCostStore(redis.url, { commandTimeoutMs: 0 })).toThrow(HookConfigError);
  });
});

describe('CostTrackingHook on Redis', () => {
  it('keeps totals across hooks (processes) that share the store', async () => {
    const keyPrefix = prefix();
    const first = new CostTrackingHook({
      store: redisStore(redis.url, { keyPrefix }),
      logger: quiet,
    });
    const second = new CostTrackingHook({
      store: redisStore(redis.url, { keyPrefix }),
      logger: quiet,
    });
    await first.execute(
      callContext({ model: 'gpt-4', tokensUsed: { input: 1000, output: 0 }, userId: 'ann' }),
    );
    const context = callContext({ model: 'gpt-4', tokensUsed: { input: 0, output: 1000 }, userId: 'ann' });
    await second.execute(context);
    expect(context.data.cost).toEqual({ sessionCost: 0.06, totalCost: 0.09, model: 'gpt-4' });
    expect((await first.totals('writer')).costUsd).toBe(0.09);
    expect(Object.keys(await first.report({ scope: 'user' }))).toEqual(['ann']);
    for (const hook of [first, second]) await hook.close();
  });

  it('sums 4 child processes × 2,500 records exactly', async () => {
    const outDir = await mkdtemp(join(packageDir, 'node_modules', '.fixture-build-'));
    try {
      await build({
        entry: { index: join(packageDir, 'src/index.ts') },
        format: ['esm'],
        outDir,
        dts: false,
        silent: true,
        config: false,
        target: 'node20',
        external: ['@llmspell/core', 'ajv', 'ioredis'],
      });
      const modulePath = pathToFileURL(join(outDir, 'index.js')).href;
      const keyPrefix = prefix();
      const script = join(packageDir, 'src/__fixtures__/record-usage.mjs');
      const children = await Promise.all(
        [0, 1, 2, 3].map(() =>
          run(process.execPath, [script, modulePath, redis.url, keyPrefix, 'shared-agent', '2500'], {
            timeout: 60_000,
          }),
        ),
      );
      for (const child of children) expect(JSON.parse(child.stdout)).toEqual({ unconfirmed: 0, pending: 0 });

      // gpt-4o: $2.50 / $10.00 per 1M = 2_500_000 / 10_000_000 pico-dollars per token.
      let expectedPico = 0n;
      let expectedInput = 0;
      for (let index = 0; index < 2_500; index++) {
        const input = 1 + (index % 5);
        expectedInput += input;
        expectedPico += BigInt(input) * 2_500_000n + 2n * 10_000_000n;
      }
      const hook = new CostTrackingHook({
        store: redisStore(redis.url, { keyPrefix }),
        logger: quiet,
      });
      const totals = await hook.totals('shared-agent');
      expect(totals).toMatchObject({
        calls: 10_000,
        inputTokens: 4 * expectedInput,
        outputTokens: 20_000,
        costPicoUsd: 4n * expectedPico,
      });
      const users = await hook.report({ scope: 'user' });
      expect(Object.values(users).reduce((sum, user) => sum + user.calls, 0)).toBe(10_000);
      expect(Object.values(users).reduce((sum, user) => sum + user.costPicoUsd, 0n)).toBe(4n * expectedPico);
      await hook.close();
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('runs at most 10 of 100 concurrent calls from two hooks sharing a budget that allows 10', async () => {
    const keyPrefix = prefix();
    const hooks = [0, 1].map(
      () =>
        new CostTrackingHook({
          store: redisStore(redis.url, { keyPrefix, commandTimeoutMs: 5_000 }),
          budgets: { perComponentUsd: 0.3 },
          logger: quiet,
        }),
    );
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, (_unused, index) =>
        simulateCall(hooks[index % 2]!, {
          model: 'gpt-4',
          tokensUsed: { input: 1000, output: 0 },
          metadata: { maxCostUsd: '0.03' },
          workMs: index % 5,
        }),
      ),
    );
    expect(outcomes.filter((outcome) => outcome === 'ran')).toHaveLength(10);
    expect((await hooks[0]!.totals('writer')).costUsd).toBe(0.3);
    for (const hook of hooks) await hook.close();
  });

  it('keeps the keys of a period under the hash tag of its scope and expires them two period lengths after it ends', async () => {
    const keyPrefix = prefix();
    const hook = new CostTrackingHook({
      store: redisStore(redis.url, { keyPrefix }),
      budgets: { perUserUsd: 1, period: { windowMs: 60_000 } },
      logger: quiet,
    });
    expect(
      await simulateCall(hook, {
        model: 'gpt-4',
        tokensUsed: { input: 1000, output: 0 },
        userId: 'ann',
        metadata: { maxCostUsd: '0.03' },
      }),
    ).toBe('ran');
    const inspector = new Redis(redis.url);
    const keys = (await inspector.keys(`${keyPrefix}*period*`)).sort();
    const window = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
    expect(keys).toContain(`${keyPrefix}{user:ann}:period:${window}:totals`);
    expect(keys).toContain(`${keyPrefix}{component:writer}:period:${window}:totals`);
    const ttl = await inspector.pttl(`${keyPrefix}{user:ann}:period:${window}:totals`);
    // The window ends within 60 s; its keys are kept 120 s more.
    expect(ttl).toBeGreaterThan(120_000);
    expect(ttl).toBeLessThanOrEqual(180_000);
    inspector.disconnect();
    await hook.close();
  });

  it('settles, releases and expires reservations in Redis as in memory', async () => {
    const keyPrefix = prefix();
    const hook = new CostTrackingHook({
      store: redisStore(redis.url, { keyPrefix }),
      budgets: { perUserUsd: 0.03 },
      reservationTtlMs: 100,
      logger: quiet,
    });
    const reserved = {
      model: 'gpt-4',
      tokensUsed: { input: 1000, output: 0 },
      userId: 'ann',
      metadata: { maxCostUsd: '0.03' },
    };
    expect(await simulateCall(hook, { ...reserved, fails: true })).toBe('failed');
    const before = callContext({
      hookPoint: 'BeforeAgentExecution',
      userId: 'ann',
      metadata: { maxCostUsd: '0.03' },
    });
    expect((await hook.execute(before)).type).toBe('continue');
    expect(await simulateCall(hook, reserved)).toBe('cancelled');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await simulateCall(hook, reserved)).toBe('ran');
    expect(await simulateCall(hook, reserved)).toBe('cancelled');
    await hook.close();
  });
});

describe('CostTrackingHook when Redis fails', () => {
  let own: RedisServerHandle;
  beforeAll(async () => {
    own = await startRedisServer({ useEnvironment: false });
  });
  afterAll(async () => {
    await own?.stop();
  });

  it('never fails or stalls the call while Redis is down, and replays the usage when it is back', async () => {
    const { lines, logger } = recordingLogger();
    const events = new EventBus();
    const store = redisStore(own.url, { keyPrefix: prefix(), commandTimeoutMs: 3_000 });
    const hook = new CostTrackingHook({ store, logger });
    const call = () => callContext({ model: 'gpt-4', tokensUsed: { input: 1000, output: 0 }, events });
    await hook.execute(call());
    await own.kill();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    const down = call();
    expect((await hook.execute(down)).type).toBe('continue');
    // Far below the 3 s command timeout: a disconnected client fails at once instead of queueing.
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(down.data.cost).toEqual({ sessionCost: 0.03, totalCost: null, model: 'gpt-4' });
    expect(hook.pendingRecords).toBe(1);
    expect(events.query('cost.store_error')[0]!.payload).toMatchObject({ operation: 'record' });
    expect(lines.some((line) => line.level === 'warn' && line.message?.includes('Cost store failed'))).toBe(
      true,
    );
    await expect(hook.totals('writer')).rejects.toSatisfy((error) => CostStoreError.isInstance(error));

    await own.restart();
    const deadline = Date.now() + 10_000;
    let back = call();
    await hook.execute(back);
    while (
      back.data.cost &&
      (back.data.cost as { totalCost: unknown }).totalCost === null &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      back = call();
      await hook.execute(back);
    }
    await hook.flush();
    expect(hook.pendingRecords).toBe(0);
    // A restarted Redis without persistence lost the first call; the replayed call and the later ones are there.
    const totals = await hook.totals('writer');
    expect(totals.calls).toBeGreaterThanOrEqual(2);
    expect(totals.costPicoUsd).toBe(BigInt(totals.calls) * 30_000_000_000n);
    await hook.close();
  }, 30_000);

  it('answers within the command timeout when Redis hangs', async () => {
    await own.restart();
    const hook = new CostTrackingHook({
      store: redisStore(own.url, { keyPrefix: prefix(), commandTimeoutMs: 200 }),
      budgets: { perComponentUsd: 1 },
      logger: quiet,
    });
    await hook.execute(callContext({ model: 'gpt-4', tokensUsed: { input: 1, output: 0 } }));
    own.pause();
    try {
      const started = performance.now();
      const outcome = await simulateCall(hook, { model: 'gpt-4', tokensUsed: { input: 1, output: 0 } });
      expect(outcome).toBe('ran');
      expect(performance.now() - started).toBeLessThan(1_500);
      expect(hook.pendingRecords).toBe(1);
    } finally {
      own.resume();
    }
    await hook.flush();
    expect(hook.pendingRecords).toBe(0);
    expect((await hook.totals('writer')).calls).toBe(2);
    await hook.close();
  }, 30_000);
});
