import { type RedisServerHandle, startRedisServer } from '@llmspell/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type HookedAgent, hookedAgent } from './__fixtures__/hooked-agent.js';
import { CacheStoreError } from './errors/cache-store-error.js';
import { RedisCacheStore } from './redis-cache-store.js';
import { RedisCachingHook } from './redis-caching-hook.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const commandTimeoutMs = 100;
/** Scheduling slack on a busy 2-core machine; a hang would exceed it by far. */
const marginMs = 400;

let server: RedisServerHandle;

beforeAll(async () => {
  // Its own server: these tests kill and pause it, so never a shared REDIS_URL.
  server = await startRedisServer({ useEnvironment: false });
});

beforeEach(async () => {
  // Each test starts from a running, empty server whatever the previous one did to it.
  await server.restart();
});

afterAll(async () => {
  await server?.stop();
});

/** Calls the agent until it answers from the cache (its work does not run), at most `timeoutMs`. */
async function waitForHit(hooked: HookedAgent, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const runs = hooked.runs;
    await hooked.agent.execute({ text: 'after the outage' });
    if (hooked.runs === runs) return true;
    await sleep(50);
  }
  return false;
}

/** Calls the agent in a loop for `durationMs`; every call must succeed. Returns each call's time. */
async function callFor(hooked: HookedAgent, durationMs: number) {
  const durations: number[] = [];
  const deadline = Date.now() + durationMs;
  for (let index = 0; Date.now() < deadline; index++) {
    const text = index % 2 === 0 ? 'warm question' : `question ${index}`;
    const started = performance.now();
    const output = await hooked.agent.execute({ text });
    durations.push(performance.now() - started);
    expect(output.text).toBe(`answer to ${text}`);
    await sleep(10);
  }
  return durations;
}

describe('RedisCachingHook when Redis fails', () => {
  it('a hooked agent keeps answering while Redis is killed, each call within commandTimeoutMs, and hits again after a restart', async () => {
    const hook = await RedisCachingHook.create(server.url, { commandTimeoutMs });
    const hooked = await hookedAgent(hook);
    const errors: unknown[] = [];
    hooked.events.subscribe('cache.error', (event) => {
      errors.push(event.payload);
    });
    try {
      await hooked.agent.execute({ text: 'warm question' });
      await hooked.agent.execute({ text: 'warm question' });
      expect(hooked.runs).toBe(1);

      await server.kill();
      const durations = await callFor(hooked, 2_000);
      expect(durations.length).toBeGreaterThan(20);
      expect(Math.max(...durations)).toBeLessThan(commandTimeoutMs + marginMs);
      const cacheErrors = hooked.metrics.snapshot().cache_errors?.count ?? 0;
      expect(cacheErrors).toBeGreaterThan(10);
      expect(errors.length).toBe(cacheErrors);

      await server.restart();
      expect(await waitForHit(hooked, 10_000)).toBe(true);
    } finally {
      await hooked.unregister();
    }
    expect((hook.store as RedisCacheStore).client.status).toBe('end');
  }, 30_000);

  it('bounds every call of a hooked agent by commandTimeoutMs while Redis hangs, and hits again once it answers', async () => {
    const hook = await RedisCachingHook.create(server.url, { commandTimeoutMs });
    // Without a breaker, every call really reaches the hung Redis; with one, slow calls would soon skip the hook.
    const hooked = await hookedAgent(hook, { executor: { circuitBreaker: false } });
    try {
      await hooked.agent.execute({ text: 'warm question' });

      server.pause();
      let durations: number[];
      try {
        durations = await callFor(hooked, 1_000);
      } finally {
        server.resume();
      }
      expect(durations.length).toBeGreaterThan(3);
      expect(Math.max(...durations)).toBeLessThan(commandTimeoutMs + marginMs);
      expect(hooked.metrics.snapshot().cache_errors?.count).toBeGreaterThan(3);

      expect(await waitForHit(hooked, 10_000)).toBe(true);
    } finally {
      await hooked.unregister();
    }
  }, 30_000);

  it('fails open just as fast on a client passed in with ioredis defaults (offline queue on, 20 retries)', async () => {
    const client = new Redis(server.url);
    client.on('error', () => {});
    const hook = await RedisCachingHook.create(client, { commandTimeoutMs });
    const hooked = await hookedAgent(hook);
    try {
      await hooked.agent.execute({ text: 'warm question' });
      await server.kill();
      const durations = await callFor(hooked, 1_000);
      expect(durations.length).toBeGreaterThan(20);
      expect(Math.max(...durations)).toBeLessThan(commandTimeoutMs + marginMs);
      // Calls made while it was disconnected queued nothing; only a command caught in flight by the kill may wait
      // there for ioredis to retry it.
      expect(
        (client as unknown as { offlineQueue: { length: number } }).offlineQueue.length,
      ).toBeLessThanOrEqual(2);
      await server.restart();
      expect(await waitForHit(hooked, 10_000)).toBe(true);
      await hooked.unregister();
      expect(client.status).toBe('ready');
    } finally {
      client.disconnect();
    }
  }, 30_000);

  it('RedisCacheStore rejects with CacheStoreError after commandTimeoutMs on a hung server', async () => {
    const client = new Redis(server.url);
    const store = new RedisCacheStore({ client, commandTimeoutMs, closeClient: true });
    try {
      await client.ping();
      await store.set('llmspell-test:store', '1', 60_000);
      server.pause();
      const started = performance.now();
      const failure = await store.get('llmspell-test:store').catch((error: unknown) => error);
      const elapsedMs = performance.now() - started;
      server.resume();
      expect(CacheStoreError.isInstance(failure)).toBe(true);
      expect((failure as CacheStoreError).operation).toBe('get');
      expect(elapsedMs).toBeGreaterThanOrEqual(commandTimeoutMs - 5);
      expect(elapsedMs).toBeLessThan(commandTimeoutMs + marginMs);
    } finally {
      server.resume();
      await store.close();
    }
    expect(client.status).toBe('end');
  }, 30_000);
});
