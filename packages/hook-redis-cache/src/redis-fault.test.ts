import { type RedisServerHandle, startRedisServer } from '@llmspell/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, type OperationHarness, runOperation } from './__fixtures__/run-operation.js';
import { RedisCachingHook } from './redis-caching-hook.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const commandTimeoutMs = 100;
/** Scheduling slack on a busy 2-core machine; a hang would exceed it by far. */
const marginMs = 200;

let server: RedisServerHandle;

beforeAll(async () => {
  // Its own server: these tests kill and pause it, so never a shared REDIS_URL.
  server = await startRedisServer({ useEnvironment: false });
});

afterAll(async () => {
  await server?.stop();
});

/** Calls the hooked operation until it answers from the cache, at most `timeoutMs`. */
async function waitForHit(hook: RedisCachingHook, setup: OperationHarness, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const run = await runOperation(hook, setup, { text: 'after the outage' }, async () => 'fresh');
    if (run.cached) return true;
    await sleep(50);
  }
  return false;
}

/** Calls the hooked operation in a loop for `durationMs`; every call must succeed. Returns each call's time. */
async function callFor(hook: RedisCachingHook, setup: OperationHarness, durationMs: number) {
  const durations: number[] = [];
  const deadline = Date.now() + durationMs;
  for (let index = 0; Date.now() < deadline; index++) {
    const text = index % 2 === 0 ? 'warm question' : `question ${index}`;
    const started = performance.now();
    const run = await runOperation(hook, setup, { text }, async () => `answer to ${text}`);
    durations.push(performance.now() - started);
    expect(run.output).toBe(`answer to ${text}`);
    await sleep(10);
  }
  return durations;
}

describe('RedisCachingHook when Redis fails', () => {
  it('keeps answering while Redis is killed, within commandTimeoutMs, and hits again after a restart', async () => {
    const hook = await RedisCachingHook.create(server.url, { commandTimeoutMs });
    const setup = harness();
    const errors: unknown[] = [];
    setup.events.subscribe('cache.error', (event) => {
      errors.push(event.payload);
    });
    try {
      await runOperation(hook, setup, { text: 'warm question' }, async () => 'answer to warm question');
      expect((await runOperation(hook, setup, { text: 'warm question' }, async () => 'x')).cached).toBe(true);

      await server.kill();
      const durations = await callFor(hook, setup, 2_000);
      expect(durations.length).toBeGreaterThan(20);
      expect(Math.max(...durations)).toBeLessThan(commandTimeoutMs + marginMs);
      expect(setup.metrics.snapshot().cache_errors?.count).toBeGreaterThan(10);
      expect(errors.length).toBe(setup.metrics.snapshot().cache_errors?.count);

      await server.restart();
      expect(await waitForHit(hook, setup, 10_000)).toBe(true);
    } finally {
      await hook.onUnregister();
    }
  }, 30_000);

  it('bounds every call by commandTimeoutMs while Redis hangs, and hits again once it answers', async () => {
    const hook = await RedisCachingHook.create(server.url, { commandTimeoutMs });
    const setup = harness();
    try {
      await runOperation(hook, setup, { text: 'warm question' }, async () => 'answer to warm question');

      server.pause();
      let durations: number[];
      try {
        durations = await callFor(hook, setup, 1_000);
      } finally {
        server.resume();
      }
      expect(durations.length).toBeGreaterThan(3);
      expect(Math.max(...durations)).toBeLessThan(commandTimeoutMs + marginMs);
      expect(setup.metrics.snapshot().cache_errors?.count).toBeGreaterThan(3);

      expect(await waitForHit(hook, setup, 10_000)).toBe(true);
    } finally {
      await hook.onUnregister();
    }
  }, 30_000);
});
