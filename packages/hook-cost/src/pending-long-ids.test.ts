import { createHash, randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { componentId, EventBus, HookContext, HookPoint, InMemoryMetrics, silentLogger } from '@llmspell/core';
import { type RedisServerHandle, startRedisServer } from '@llmspell/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CostStore, UsageRecord } from './cost-store.js';
import { CostTrackingHook } from './cost-tracking-hook.js';
import { MemoryCostStore } from './memory-cost-store.js';
import { MAX_PENDING_BYTES } from './pending-records.js';
import { RedisCostStore } from './redis-cost-store.js';

const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
const ID_LENGTH = 100_000;
const PICO_PER_CALL = 30_000_000_000n; // $0.03: 1,000 gpt-4 input tokens.

/** A distinct 100 KB user id, as a flat string of its own (as a parsed request body gives). */
function hundredKbId(index: number): string {
  const bytes = Buffer.alloc(ID_LENGTH, 'u');
  bytes.write(`${index}:`, 'latin1');
  return bytes.toString('latin1');
}

const events = new EventBus({ capacity: 0 });
const metrics = new InMemoryMetrics();

/** The After point of a $0.03 call by `userId`, as the runtime hands it to the hook. */
function call(userId: string | undefined, component = 'writer'): HookContext {
  return new HookContext({
    hookPoint: HookPoint.AfterAgentExecution,
    componentId: componentId(component, 'agent'),
    data: { model: 'gpt-4', tokensUsed: { input: 1000, output: 0 }, output: { text: 'done' } },
    metadata: userId === undefined ? {} : { userId },
    events,
    metrics,
  });
}

function heapAfterGc(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('pending records while Redis is down, with 100 KB user ids', () => {
  let redis: RedisServerHandle;
  beforeAll(async () => {
    redis = await startRedisServer({ useEnvironment: false });
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('keeps 10,000 pending records of 100 KB user ids within 64 MB while Redis is down, and replays them to the same totals', async () => {
    const store = new RedisCostStore(redis.url, {
      keyPrefix: `pending:${randomUUID()}:`,
      commandTimeoutMs: 3_000,
      logger: silentLogger,
    });
    const hook = new CostTrackingHook({ store, logger: silentLogger });
    // Connected once, so that the killed Redis fails each write at once.
    await hook.execute(call(undefined, 'warmup'));
    await redis.kill();
    await new Promise((resolve) => setTimeout(resolve, 100));

    const count = 10_000;
    const heapBefore = heapAfterGc();
    for (let index = 0; index < count; index++) await hook.execute(call(hundredKbId(index)));
    expect(hook.pendingRecords).toBe(count);
    const grown = heapAfterGc() - heapBefore;
    // Kept as sent (with the call context holding them), the ids alone hold 10,000 × 100 KB = 1 GB.
    expect(grown).toBeLessThan(64_000_000);
    console.info(`10,000 pending records of 100 KB user ids: heap grew ${(grown / 1e6).toFixed(1)} MB`);

    await redis.restart();
    const deadline = Date.now() + 10_000;
    while (hook.pendingRecords > 0 && Date.now() < deadline) {
      await hook.flush();
      if (hook.pendingRecords > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(hook.pendingRecords).toBe(0);
    const writer = await hook.totals('writer');
    expect(writer.calls).toBe(count);
    expect(writer.costPicoUsd).toBe(BigInt(count) * PICO_PER_CALL);
    // Each user's record counts once, under the digest of the id as sent: not hashed twice on replay.
    for (const index of [0, 1, 4_999, count - 1]) {
      expect(await hook.totals(hundredKbId(index), { scope: 'user' })).toMatchObject({
        calls: 1,
        costUsd: 0.03,
      });
    }
    const users = await hook.report({ scope: 'user' });
    expect(Object.keys(users)).toHaveLength(count);
    expect(users[sha256(hundredKbId(7))]).toMatchObject({ calls: 1 });
    await hook.close();
    await store.close();
  }, 120_000);

  it('replays a caller id that begins with sha256: as a user of its own, not as the user whose digest it is', async () => {
    await redis.restart();
    const store = new RedisCostStore(redis.url, {
      keyPrefix: `pending:${randomUUID()}:`,
      logger: silentLogger,
    });
    const hook = new CostTrackingHook({ store, logger: silentLogger });
    await hook.execute(call(undefined, 'warmup'));
    await redis.kill();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const alice = hundredKbId(1);
    await hook.execute(call(alice));
    await hook.execute(call(sha256(alice)));
    await hook.execute(call(alice));
    expect(hook.pendingRecords).toBe(3);
    await redis.restart();
    const deadline = Date.now() + 10_000;
    while (hook.pendingRecords > 0 && Date.now() < deadline) {
      await hook.flush();
      if (hook.pendingRecords > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await hook.totals(alice, { scope: 'user' })).calls).toBe(2);
    expect((await hook.totals(sha256(alice), { scope: 'user' })).calls).toBe(1);
    expect(await hook.report({ scope: 'user' })).toEqual({
      [sha256(alice)]: expect.objectContaining({ calls: 2 }),
      [sha256(sha256(alice))]: expect.objectContaining({ calls: 1 }),
    });
    await hook.close();
    await store.close();
  }, 30_000);
});

/** A store of the application's own (no `takesStoredNames`) that is down until `up` is set. */
class FlakyStore implements CostStore {
  up = false;
  readonly seen: UsageRecord[] = [];
  readonly #inner = new MemoryCostStore();
  record(usage: UsageRecord) {
    if (!this.up) return Promise.reject(new Error('store down'));
    this.seen.push(usage);
    return this.#inner.record({ ...usage });
  }
  reserve: CostStore['reserve'] = (request) => this.#inner.reserve(request);
  release: CostStore['release'] = (...args) => this.#inner.release(...args);
  totals: CostStore['totals'] = (...args) => this.#inner.totals(...args);
  names: CostStore['names'] = (scope) => this.#inner.names(scope);
  close = () => Promise.resolve();
}

describe('pending records for a custom store, with 100 KB user ids', () => {
  it('bounds 1,000 pending records of 100 KB user ids by bytes, dropping the oldest, and replays the rest with the ids as sent', async () => {
    const store = new FlakyStore();
    const hook = new CostTrackingHook({ store, logger: silentLogger });
    const dropped = () => metrics.snapshot().cost_records_dropped?.sum ?? 0;
    const droppedBefore = dropped();
    const count = 1_000;
    for (let index = 0; index < count; index++) await hook.execute(call(hundredKbId(index)));
    const kept = hook.pendingRecords;
    expect(kept).toBeGreaterThan(0);
    // Each record holds its 100 KB id as sent (2 bytes a character, estimated): the bytes bound the queue.
    expect(kept * 2 * ID_LENGTH).toBeLessThanOrEqual(MAX_PENDING_BYTES);
    expect(kept).toBeLessThan(count);
    expect(dropped() - droppedBefore).toBe(count - kept);

    store.up = true;
    await hook.flush();
    expect(hook.pendingRecords).toBe(0);
    // The newest records survive, in order, with the names a custom store expects: the caller's own.
    expect(store.seen.map((usage) => usage.userId)).toEqual(
      Array.from({ length: kept }, (_, offset) => hundredKbId(count - kept + offset)),
    );
    expect(store.seen.every((usage) => usage.namesStored === undefined)).toBe(true);
    expect((await hook.totals('writer')).calls).toBe(kept);
    await hook.close();
  }, 60_000);
});
