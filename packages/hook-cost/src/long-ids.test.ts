import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type RedisServerHandle, startRedisServer } from '@llmspell/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingLogger } from './__fixtures__/contexts.js';
import { simulateCall } from './__fixtures__/lifecycle.js';
import { MAX_COST_NAME_LENGTH, storedCostName } from './cost-name.js';
import type { CostStore } from './cost-store.js';
import { CostTrackingHook } from './cost-tracking-hook.js';
import { MemoryCostStore } from './memory-cost-store.js';
import { RedisCostStore } from './redis-cost-store.js';

const quiet = recordingLogger().logger;
const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
/** Two different 100 KB user ids that differ only in their last character. */
const alice = `${'a'.repeat(99_999)}1`;
const bob = `${'a'.repeat(99_999)}2`;

let redis: RedisServerHandle;
let admin: Redis;
beforeAll(async () => {
  redis = await startRedisServer();
  admin = new Redis(redis.url);
});
afterAll(async () => {
  admin?.disconnect();
  await redis?.stop();
});

describe('storedCostName', () => {
  it('keeps a name of up to 256 characters and hashes a longer one or one that begins with sha256:', () => {
    const longest = 'u'.repeat(MAX_COST_NAME_LENGTH);
    expect(storedCostName(longest)).toBe(longest);
    expect(storedCostName(`${longest}u`)).toBe(sha256(`${longest}u`));
    expect(storedCostName(alice)).toBe(sha256(alice));
    expect(storedCostName(alice)).not.toBe(storedCostName(bob));
    // A caller cannot send the digest form of another id and be that id.
    expect(storedCostName(sha256(alice))).toBe(sha256(sha256(alice)));
    expect(storedCostName('ann')).toBe('ann');
  });
});

const stores: [string, () => CostStore][] = [
  ['memory', () => new MemoryCostStore()],
  ['Redis', () => new RedisCostStore(redis.url, { keyPrefix: `long:${randomUUID()}:`, logger: quiet })],
];

describe.each(stores)('100 KB ids on the %s store', (_kind, makeStore) => {
  const call = (hook: CostTrackingHook, userId: string, component?: string) =>
    simulateCall(hook, {
      model: 'gpt-4',
      // $0.03 a call.
      tokensUsed: { input: 1000, output: 0 },
      userId,
      ...(component === undefined ? {} : { component }),
      metadata: { maxCostUsd: '0.03' },
    });

  it('budgets a 100 KB userId per user: the same id twice is one user, another 100 KB id is another', async () => {
    const store = makeStore();
    const hook = new CostTrackingHook({ store, budgets: { perUserUsd: 0.05 }, logger: quiet });
    // $0.05 admits two calls of $0.03 (the second starts at $0.03 spent), then refuses.
    expect([await call(hook, alice), await call(hook, alice), await call(hook, alice)]).toEqual([
      'ran',
      'ran',
      'cancelled',
    ]);
    expect([await call(hook, bob), await call(hook, bob), await call(hook, bob)]).toEqual([
      'ran',
      'ran',
      'cancelled',
    ]);
    // The id's digest form, sent as an id, is a user of its own.
    expect(await call(hook, sha256(alice))).toBe('ran');
    expect((await hook.totals(alice, { scope: 'user' })).costUsd).toBe(0.06);
    expect((await hook.totals(bob, { scope: 'user' })).costUsd).toBe(0.06);
    expect((await hook.totals(sha256(alice), { scope: 'user' })).costUsd).toBe(0.03);
    await hook.close();
    await store.close();
  });

  it('reports a 100 KB userId and component as sha256: names, and totals() finds them by the name itself', async () => {
    const store = makeStore();
    const hook = new CostTrackingHook({ store, logger: quiet });
    const tool = 't'.repeat(100_000);
    await call(hook, alice, tool);
    await call(hook, alice, tool);
    await call(hook, bob, tool);
    await call(hook, 'ann');
    const users = await hook.report({ scope: 'user' });
    expect(Object.keys(users).sort()).toEqual(['ann', sha256(alice), sha256(bob)].sort());
    expect(users[sha256(alice)]).toMatchObject({ calls: 2, costUsd: 0.06 });
    expect(users[sha256(bob)]).toMatchObject({ calls: 1, costUsd: 0.03 });
    expect(Object.keys(await hook.report())).toEqual(expect.arrayContaining([sha256(tool), 'writer']));
    expect((await hook.totals(alice, { scope: 'user' })).calls).toBe(2);
    expect((await hook.totals(tool)).calls).toBe(3);
    expect(Math.max(...(await store.names('user')).map((name) => name.length))).toBe(71);
    await hook.close();
    await store.close();
  });
});

describe('MemoryCostStore with 100 KB userIds', () => {
  it('keeps 200 different 100 KB userIds in bounded memory: 71-character names, not the ids', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const store = new MemoryCostStore();
    const hook = new CostTrackingHook({ store, logger: quiet });
    const record = async (count: number) => {
      for (let index = 0; index < count; index++) await call(hook, randomBytes(50_000).toString('hex'));
    };
    await record(10);
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    await record(200);
    gc();
    // Kept as they came, the ids alone would hold 20 MB.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(2_000_000);
    const names = await store.names('user');
    expect(names).toHaveLength(210);
    for (const name of names) expect(name).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe('RedisCostStore with a 100 KB userId', () => {
  it('keeps a 100 KB userId to a bounded key in Redis: key names, names index and memory', async () => {
    const keyPrefix = `long:${randomUUID()}:`;
    const store = new RedisCostStore(redis.url, { keyPrefix, logger: quiet });
    const hook = new CostTrackingHook({
      store,
      budgets: { perUserUsd: 1, period: { windowMs: 60_000 } },
      logger: quiet,
    });
    // One call recorded (lifetime and period keys, record ids, names index), and one reservation left held.
    expect(await call(hook, alice)).toBe('ran');
    const held = await store.reserve({
      id: 'held',
      checks: [{ scope: 'user', name: alice, budgetPicoUsd: 10n ** 15n }],
      amountPicoUsd: 1n,
      ttlMs: 60_000,
    });
    expect(held).toEqual({ admitted: true });
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, page] = await admin.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1_000);
      keys.push(...page);
      cursor = next;
    } while (cursor !== '0');
    const userKeys = keys.filter((key) => key.includes('{user:'));
    // Lifetime totals, reserved and expiry, the record-id window, and the period's three keys.
    expect(userKeys.length).toBeGreaterThanOrEqual(5);
    for (const key of keys) expect(key.length).toBeLessThan(keyPrefix.length + 160);
    let bytes = 0;
    for (const key of userKeys) bytes += Number(await admin.memory('USAGE', key));
    const indexed = (
      await Promise.all(keys.filter((key) => key.includes('{names:user:')).map((key) => admin.smembers(key)))
    ).flat();
    expect(indexed).toEqual([sha256(alice)]);
    // Before, each key held the whole id: over 400 KB for these keys alone.
    expect(bytes).toBeLessThan(8_000);
    expect((await hook.totals(alice, { scope: 'user' })).calls).toBe(1);
    await hook.close();
    await store.close();
  });
});

function call(hook: CostTrackingHook, userId: string) {
  return simulateCall(hook, {
    model: 'gpt-4',
    tokensUsed: { input: 1000, output: 0 },
    userId,
    metadata: { maxCostUsd: '0.03' },
  });
}
