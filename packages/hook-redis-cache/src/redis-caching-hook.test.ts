import { HookConfigError, HookPoint } from '@llmspell/core';
import { hookConformanceSuite, type RedisServerHandle, startRedisServer } from '@llmspell/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hookedAgent } from './__fixtures__/hooked-agent.js';
import { harness, runOperation } from './__fixtures__/run-operation.js';
import { cacheKey } from './cache-key.js';
import { RedisCacheStore } from './redis-cache-store.js';
import { RedisCachingHook } from './redis-caching-hook.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let server: RedisServerHandle;
let admin: Redis;
let prefixCount = 0;
/** A fresh key prefix per test, so tests sharing one Redis never see each other's entries. */
const freshPrefix = () => `llmspell-test:${process.pid}:${Date.now()}:${prefixCount++}:`;

beforeAll(async () => {
  server = await startRedisServer();
  admin = new Redis(server.url);
});

afterAll(async () => {
  await admin?.quit();
  await server?.stop();
});

describe('RedisCachingHook on a real redis-server', () => {
  it('misses, stores, then answers from Redis; a second hook on the same Redis hits too', async () => {
    const keyPrefix = freshPrefix();
    const first = await RedisCachingHook.create(server.url, { keyPrefix });
    const second = await RedisCachingHook.create(server.url, { keyPrefix });
    try {
      const setup = harness();
      let runs = 0;
      const operation = async () => {
        runs++;
        return { text: 'Paris' };
      };
      expect(await runOperation(first, setup, { text: 'capital?' }, operation)).toEqual({
        output: { text: 'Paris' },
        cached: false,
      });
      expect(await runOperation(first, setup, { text: 'capital?' }, operation)).toEqual({
        output: { text: 'Paris' },
        cached: true,
      });
      expect(await runOperation(second, setup, { text: 'capital?' }, operation)).toEqual({
        output: { text: 'Paris' },
        cached: true,
      });
      expect(runs).toBe(1);
      const metrics = setup.metrics.snapshot();
      expect(metrics.cache_hits?.count).toBe(2);
      expect(metrics.cache_misses?.count).toBe(1);
      expect(await admin.exists(cacheKey(setup.component, { text: 'capital?' }, keyPrefix))).toBe(1);
    } finally {
      await first.onUnregister();
      await second.onUnregister();
    }
  });

  it('stores entries with a Redis TTL and misses once it has passed', async () => {
    const keyPrefix = freshPrefix();
    const hook = await RedisCachingHook.create(server.url, { keyPrefix, ttlMs: 300 });
    try {
      const setup = harness();
      await runOperation(hook, setup, { text: 'q' }, async () => 'first');
      const ttlMs = await admin.pttl(cacheKey(setup.component, { text: 'q' }, keyPrefix));
      expect(ttlMs).toBeGreaterThan(0);
      expect(ttlMs).toBeLessThanOrEqual(300);
      expect((await runOperation(hook, setup, { text: 'q' }, async () => 'second')).cached).toBe(true);
      await sleep(600);
      expect(await runOperation(hook, setup, { text: 'q' }, async () => 'third')).toEqual({
        output: 'third',
        cached: false,
      });
    } finally {
      await hook.onUnregister();
    }
  });

  it('keys are stable across key order and keep components apart', async () => {
    const keyPrefix = freshPrefix();
    const hook = await RedisCachingHook.create(server.url, { keyPrefix });
    try {
      const agentA = harness('agent-a');
      await runOperation(hook, agentA, { text: 'q', options: { a: 1, b: 2 } }, async () => 'A');
      expect(
        await runOperation(hook, agentA, { options: { b: 2, a: 1 }, text: 'q' }, async () => 'x'),
      ).toEqual({
        output: 'A',
        cached: true,
      });
      const agentB = harness('agent-b');
      expect(
        await runOperation(hook, agentB, { text: 'q', options: { a: 1, b: 2 } }, async () => 'B'),
      ).toEqual({
        output: 'B',
        cached: false,
      });
      const toolA = harness('agent-a', 'tool');
      expect(
        await runOperation(hook, toolA, { text: 'q', options: { a: 1, b: 2 } }, async () => 'T'),
      ).toEqual({
        output: 'T',
        cached: false,
      });
    } finally {
      await hook.onUnregister();
    }
  });

  it('runs the operation once for 50 concurrent identical misses', async () => {
    const hook = await RedisCachingHook.create(server.url, { keyPrefix: freshPrefix() });
    try {
      const setup = harness();
      let runs = 0;
      const results = await Promise.all(
        Array.from({ length: 50 }, () =>
          runOperation(hook, setup, { text: 'same' }, async () => {
            runs++;
            await sleep(50);
            return { text: 'once' };
          }),
        ),
      );
      expect(runs).toBe(1);
      for (const result of results) expect(result.output).toEqual({ text: 'once' });
    } finally {
      await hook.onUnregister();
    }
  });

  it('a hooked agent called 50 times at once with the same input does its work once', async () => {
    const hook = await RedisCachingHook.create(server.url, { keyPrefix: freshPrefix() });
    const hooked = await hookedAgent(hook, { delayMs: 50 });
    try {
      const outputs = await Promise.all(
        Array.from({ length: 50 }, () => hooked.agent.execute({ text: 'same question' })),
      );
      expect(hooked.runs).toBe(1);
      for (const output of outputs) expect(output).toEqual({ text: 'answer to same question' });
      const metrics = hooked.metrics.snapshot();
      expect(metrics.cache_hits?.count).toBe(49);
      expect(metrics.cache_misses?.count).toBe(1);
      await hooked.agent.execute({ text: 'same question' });
      expect(hooked.runs).toBe(1);
    } finally {
      await hooked.unregister();
    }
  });

  it('treats a foreign value under the key as a miss and replaces it', async () => {
    const keyPrefix = freshPrefix();
    const hook = await RedisCachingHook.create(server.url, { keyPrefix });
    try {
      const setup = harness();
      const key = cacheKey(setup.component, { text: 'q' }, keyPrefix);
      await admin.set(key, 'not json at all', 'PX', 60_000);
      expect(await runOperation(hook, setup, { text: 'q' }, async () => 'fresh')).toEqual({
        output: 'fresh',
        cached: false,
      });
      expect(setup.metrics.snapshot().cache_errors?.count).toBe(1);
      expect((await runOperation(hook, setup, { text: 'q' }, async () => 'again')).cached).toBe(true);
    } finally {
      await hook.onUnregister();
    }
  });

  it('accepts ioredis options and closes the client it created in onUnregister', async () => {
    const hook = await RedisCachingHook.create(
      { host: server.host, port: server.port },
      { keyPrefix: freshPrefix() },
    );
    const store = hook.store as RedisCacheStore;
    expect(store.client.status).toBe('ready');
    await runOperation(hook, harness(), { text: 'q' }, async () => 'a');
    await hook.onUnregister();
    expect(store.client.status).toBe('end');
  });

  it('uses a client passed in as it is and never closes it', async () => {
    const client = new Redis(server.url);
    try {
      const keyPrefix = freshPrefix();
      const hook = await RedisCachingHook.create(client, { keyPrefix });
      const setup = harness();
      await runOperation(hook, setup, { text: 'q' }, async () => 'a');
      expect((await runOperation(hook, setup, { text: 'q' }, async () => 'b')).cached).toBe(true);
      await hook.onUnregister();
      expect(client.status).toBe('ready');
      expect(await client.exists(cacheKey(setup.component, { text: 'q' }, keyPrefix))).toBe(1);
    } finally {
      await client.quit();
    }
  });

  it('create() resolves within connectTimeoutMs when Redis is unreachable, and the hook misses at once', async () => {
    const unreachable = `redis://127.0.0.1:${server.port === 1 ? 2 : 1}`;
    const started = Date.now();
    const hook = await RedisCachingHook.create(unreachable, { connectTimeoutMs: 300 });
    try {
      expect(Date.now() - started).toBeLessThan(2_000);
      const setup = harness();
      const callStarted = Date.now();
      expect(await runOperation(hook, setup, { text: 'q' }, async () => 'live')).toEqual({
        output: 'live',
        cached: false,
      });
      expect(Date.now() - callStarted).toBeLessThan(500);
      expect(setup.metrics.snapshot().cache_errors?.count).toBe(1);
    } finally {
      await hook.onUnregister();
    }
  });

  it('rejects bad options and a bad connection with HookConfigError', async () => {
    await expect(
      RedisCachingHook.create(server.url, { commandTimeoutMs: 0, ttlMs: 'long' } as never),
    ).rejects.toSatisfy(
      (error) =>
        HookConfigError.isInstance(error) &&
        error.issues
          .map((issue) => issue.path)
          .sort()
          .join() === '/commandTimeoutMs,/ttlMs',
    );
    await expect(RedisCachingHook.create(42 as never)).rejects.toSatisfy(
      (error) => HookConfigError.isInstance(error) && error.issues[0]?.path === '/connection',
    );
    expect(() => new RedisCacheStore({ client: {} as never })).toThrow(HookConfigError);
  });

  it('names itself RedisCachingHook with id redis-cache', async () => {
    const hook = await RedisCachingHook.create(server.url);
    try {
      expect(hook.id).toBe('redis-cache');
      expect(hook.metadata()).toMatchObject({ name: 'RedisCachingHook', failurePolicy: 'open' });
    } finally {
      await hook.onUnregister();
    }
  });
});

describe('RedisCachingHook: conformance', () => {
  hookConformanceSuite(
    it,
    () => RedisCachingHook.create(server.url, { keyPrefix: freshPrefix(), singleFlightWaitMs: 200 }),
    { points: [HookPoint.BeforeAgentExecution, HookPoint.AfterAgentExecution, HookPoint.AgentError] },
  );
});
