import { randomUUID } from 'node:crypto';
import { type RedisServerHandle, startRedisServer } from '@llmspell/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingLogger } from './__fixtures__/contexts.js';
import { CostTrackingHook } from './cost-tracking-hook.js';
import { CostStoreError } from './errors/cost-store-error.js';
import { RedisCostStore } from './redis-cost-store.js';
import { recordScript } from './redis-scripts.js';

const quiet = recordingLogger().logger;
let server: RedisServerHandle;
let admin: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  admin = new Redis(server.url);
});

afterAll(async () => {
  admin?.disconnect();
  await server?.stop();
});

const usage = (id: string, costPicoUsd: bigint) => ({
  id,
  component: 'writer',
  userId: 'ann',
  inputTokens: 10,
  outputTokens: 5,
  costPicoUsd,
});

describe('RedisCostStore under hostile amounts', () => {
  it("refuses a '1e30'-dollar reservation before any write, and later reserves of the scope still work", async () => {
    const keyPrefix = `attack:${randomUUID()}:`;
    const store = new RedisCostStore(server.url, { keyPrefix, logger: quiet });
    const checks = [{ scope: 'user' as const, name: 'ann', budgetPicoUsd: 5_000_000n }];
    const huge = 10n ** 30n * 10n ** 12n;
    await expect(store.reserve({ id: 'r1', checks, amountPicoUsd: huge, ttlMs: 60_000 })).rejects.toThrow(
      CostStoreError,
    );
    expect(await admin.keys(`${keyPrefix}*`)).toEqual([]);
    expect(await store.reserve({ id: 'r2', checks, amountPicoUsd: 1_000_000n, ttlMs: 60_000 })).toEqual({
      admitted: true,
    });
    await store.close();
  });

  it('a record script whose check fails writes nothing and no marker, so the replay applies it once', async () => {
    const keyPrefix = `attack:${randomUUID()}:`;
    const store = new RedisCostStore(server.url, { keyPrefix, logger: quiet });
    const totalsKey = `${keyPrefix}{user:ann}:totals`;
    // A user total already at the edge of what HINCRBY can hold: adding to it must fail before any write.
    await admin.hset(totalsKey, 'costMicroUsd', '9'.repeat(19));
    await expect(store.record(usage('call-1', 3_000_000n))).rejects.toThrow(/too large to add to/);
    expect(await admin.hget(totalsKey, 'calls')).toBeNull();
    expect((await store.totals('component', 'writer')).calls).toBe(1);
    // The component's share was applied once; after the user's total is repaired the replay applies the rest.
    await admin.hset(totalsKey, 'costMicroUsd', '0');
    const replay = await store.record(usage('call-1', 3_000_000n));
    expect(replay.applied).toBe(true);
    expect(replay.component.calls).toBe(1);
    expect(replay.user?.calls).toBe(1);
    expect((await store.record(usage('call-1', 3_000_000n))).applied).toBe(false);
    await store.close();
  });

  it('the record script checks every argument before its first write', async () => {
    const base = `attack:${randomUUID()}:{user:eve}:`;
    const keys = [`${base}totals`, `${base}reserved`, `${base}expiry`, `${base}records:`];
    for (const bad of [
      ['id', '600000', '1e30', '0', '1', '0', '0', ''],
      ['id', '600000', '1', '1', '1', '1'.repeat(25), '0', ''],
      ['id', '600000', '1', '1', '1', '5', '-3', ''],
    ]) {
      await expect(admin.eval(recordScript.source, keys.length, ...keys, ...bad)).rejects.toThrow(/llmspell/);
    }
    expect(await admin.keys(`${base.slice(0, -1)}*`)).toEqual([]);
  });

  it('report() pages through 200,000 users', async () => {
    const keyPrefix = `report:${randomUUID()}:`;
    const store = new RedisCostStore(server.url, { keyPrefix, logger: quiet });
    const users = 200_000;
    // Seeded through the store's own scripts for the first names, the rest written in bulk in its key format.
    await store.record(usage('seed', 1_000_000n));
    for (let start = 0; start < users; start += 10_000) {
      const pipeline = admin.pipeline();
      for (let index = start; index < start + 10_000; index++) {
        const name = `user-${index}`;
        pipeline.hset(`${keyPrefix}{user:${name}}:totals`, 'calls', 1, 'costMicroUsd', 1);
        pipeline.sadd(`${keyPrefix}{names:user:${index % 16}}`, name);
      }
      await pipeline.exec();
    }
    const hook = new CostTrackingHook({ store, logger: quiet });
    const startedAt = performance.now();
    const report = await hook.report({ scope: 'user' });
    const seconds = (performance.now() - startedAt) / 1000;
    expect(Object.keys(report)).toHaveLength(users + 1);
    expect(report['user-199999']?.calls).toBe(1);
    expect(report.ann?.calls).toBe(1);
    console.log(`report() over ${users + 1} users: ${seconds.toFixed(1)} s`);
    await hook.close();
    await store.close();
  }, 120_000);
});
