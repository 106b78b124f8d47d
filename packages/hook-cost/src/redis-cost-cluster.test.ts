import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { EventBus } from '@llmspell/core';
import { type RedisClusterHandle, redisCli, startRedisCluster } from '@llmspell/testing';
import { Cluster } from 'ioredis';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingLogger } from './__fixtures__/contexts.js';
import { simulateCall } from './__fixtures__/lifecycle.js';
import { CostTrackingHook } from './cost-tracking-hook.js';
import { RedisCostStore } from './redis-cost-store.js';

const run = promisify(execFile);
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = recordingLogger().logger;

let cluster: RedisClusterHandle;
let client: Cluster;

beforeAll(async () => {
  cluster = await startRedisCluster();
  client = new Cluster([...cluster.startupNodes], { enableOfflineQueue: false });
}, 60_000);

afterAll(async () => {
  client?.disconnect();
  await cluster?.stop();
});

describe('RedisCostStore on a Redis Cluster (3 masters, 3 replicas)', () => {
  it('sums 4 child processes × 2,500 records exactly, with totals spread over every master', async () => {
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
        external: ['@llmspell/core', '@llmspell/redis', 'ajv', 'ioredis'],
      });
      const modulePath = pathToFileURL(join(outDir, 'index.js')).href;
      const keyPrefix = `cluster-${Date.now()}:`;
      const script = join(packageDir, 'src/__fixtures__/record-usage.mjs');
      const nodes = JSON.stringify(cluster.startupNodes);
      const children = await Promise.all(
        [0, 1, 2, 3].map((index) =>
          run(process.execPath, [script, modulePath, nodes, keyPrefix, `agent-${index % 2}`, '2500'], {
            timeout: 90_000,
          }),
        ),
      );
      for (const child of children) expect(JSON.parse(child.stdout)).toEqual({ unconfirmed: 0, pending: 0 });

      let expectedPico = 0n;
      for (let index = 0; index < 2_500; index++) {
        expectedPico += BigInt(1 + (index % 5)) * 2_500_000n + 2n * 10_000_000n;
      }
      const store = new RedisCostStore(client, { keyPrefix });
      const hook = new CostTrackingHook({ store, logger: quiet });
      const components = await hook.report();
      expect(Object.keys(components)).toEqual(['agent-0', 'agent-1']);
      for (const totals of Object.values(components)) {
        expect(totals).toMatchObject({ calls: 5_000, costPicoUsd: 2n * expectedPico });
      }
      const users = await hook.report({ scope: 'user' });
      expect(Object.keys(users)).toEqual(['user-0', 'user-1', 'user-2']);
      expect(Object.values(users).reduce((sum, user) => sum + user.costPicoUsd, 0n)).toBe(4n * expectedPico);
      const perMaster = await Promise.all(
        client.nodes('master').map(async (node) => (await node.keys(`${keyPrefix}*`)).length),
      );
      expect(perMaster.filter((count) => count > 0).length).toBeGreaterThanOrEqual(2);
      await hook.close();
      await store.close();
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  }, 150_000);

  it('enforces a component and a user budget on a Cluster client (no CROSSSLOT)', async () => {
    const store = new RedisCostStore(client, { keyPrefix: `budget-${Date.now()}:` });
    const hook = new CostTrackingHook({
      store,
      logger: quiet,
      budgets: { perUserUsd: 0.000_01 },
    });
    const events = new EventBus();
    const errors: unknown[] = [];
    events.subscribe('cost.store_error', (event) => {
      errors.push(event.payload);
    });
    const call = () =>
      simulateCall(hook, { userId: 'ann', model: 'gpt-4', tokensUsed: { input: 1, output: 0 }, events });
    const outcomes = [];
    for (let index = 0; index < 3; index++) outcomes.push(await call());
    expect(errors).toEqual([]);
    // gpt-4 input: $0.00003 per token, over the $0.00001 budget after the first call.
    expect(outcomes).toEqual(['ran', 'cancelled', 'cancelled']);
    await hook.close();
    await store.close();
  });

  it('names the fix when given one Cluster node’s URL (MOVED)', async () => {
    const warnings = recordingLogger();
    const store = new RedisCostStore(cluster.nodes[0]!.url, { logger: warnings.logger });
    const failures: string[] = [];
    for (let index = 0; index < 6; index++) {
      await store.totals('user', `u${index}`).catch((error: Error) => failures.push(error.message));
    }
    await store.close();
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((message) => /MOVED .*pass an ioredis Cluster client/.test(message))).toBe(true);
  });

  // Last in the file: it kills a master. The user's replica is cut off (SIGSTOP, then its master drops the link)
  // while calls are recorded, so the failover loses what that master acknowledged meanwhile.
  it('keeps totals exact through a failover that loses acknowledged writes, with confirmReplicas: 1', async () => {
    const keyPrefix = `failover-${Date.now()}`;
    const confirmedStore = new RedisCostStore(client, {
      keyPrefix: `${keyPrefix}:confirmed:`,
      confirmReplicas: 1,
      commandTimeoutMs: 600,
      logger: quiet,
    });
    const plainStore = new RedisCostStore(client, { keyPrefix: `${keyPrefix}:plain:`, logger: quiet });
    const hooks = [confirmedStore, plainStore].map((store) => new CostTrackingHook({ store, logger: quiet }));
    // 'ann' has the same hash tag under both prefixes: both stores write her totals on one shard.
    const calls = (count: number) =>
      Promise.all(
        hooks.flatMap((hook) =>
          Array.from({ length: count }, () =>
            simulateCall(hook, { userId: 'ann', model: 'gpt-4', tokensUsed: { input: 10, output: 5 } }),
          ),
        ),
      );
    try {
      await calls(10);
      const { master, replicas } = await cluster.shardOf(`${keyPrefix}:confirmed:{user:ann}:totals`);
      const [replica] = replicas;
      replica!.pause();
      await redisCli(master.port, ['CLIENT', 'KILL', 'TYPE', 'replica']);
      await calls(10);
      await master.kill();
      replica!.resume();
      await cluster.waitUntilHealthy(30_000);
      await master.restart();
      await cluster.waitUntilHealthy(30_000);
      await calls(10);
      await Promise.all(hooks.map((hook) => hook.flush()));
      expect(hooks[0]!.pendingRecords).toBe(0);

      const [confirmed, plain] = await Promise.all([
        confirmedStore.totals('user', 'ann'),
        plainStore.totals('user', 'ann'),
      ]);
      // gpt-4: $0.03 / $0.06 per 1K input / output tokens → $0.0006 per call.
      expect(confirmed).toMatchObject({ calls: 30, inputTokens: 300, costPicoUsd: 30n * 600_000_000n });
      // Without confirmation the 10 calls the dying master acknowledged are gone.
      expect(plain).toMatchObject({ calls: 20, inputTokens: 200 });
    } finally {
      await Promise.all(hooks.map((hook) => hook.close()));
      await Promise.all([confirmedStore.close(), plainStore.close()]);
    }
  }, 90_000);
});
