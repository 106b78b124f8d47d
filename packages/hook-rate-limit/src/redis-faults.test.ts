import { HookPoint, HookResult } from '@llmspell/core';
import { createAgent } from '@llmspell/executor';
import { HookRegistry } from '@llmspell/registry';
import { MockContext, type RedisServerHandle, startRedisServer } from '@llmspell/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operation } from './__fixtures__/operation.js';
import { RateLimitingHook } from './rate-limiting-hook.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const STORE_TIMEOUT_MS = 300;
/** Room for a loaded 2-core machine on top of the store timeout. */
const MARGIN_MS = 700;

let server: RedisServerHandle;

beforeAll(async () => {
  // Killing and pausing needs a server this test started, never REDIS_URL's.
  server = await startRedisServer({
    useEnvironment: false,
    args: ['--user', 'no-scripts', 'on', '>pw', '~*', '+@all', '-@scripting'],
  });
});

afterAll(async () => {
  server?.resume();
  await server?.stop();
});

async function admittedCount(hook: RateLimitingHook, component: string, calls: number): Promise<number> {
  const mock = new MockContext();
  const results = await Promise.all(
    Array.from({ length: calls }, () => hook.execute(operation({ mock, component }).before)),
  );
  expect(mock.events.query('rate_limit.store_error')).toEqual([]);
  return results.filter((result) => result.type === 'continue').length;
}

/** Calls until one is decided by Redis again (no store error), or fails after `timeoutMs`. */
async function untilRedisDecides(hook: RateLimitingHook, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const mock = new MockContext();
    await hook.execute(operation({ mock, component: 'probe' }).before);
    if (mock.events.query('rate_limit.store_error').length === 0) return;
    await sleep(50);
  }
  throw new Error(`Redis did not decide again within ${timeoutMs} ms`);
}

describe('RateLimitingHook when Redis fails', () => {
  it('keeps deciding within the store timeout while Redis is killed, and is exact again after a restart', async () => {
    const hook = new RateLimitingHook({
      requestsPerWindow: 20,
      windowMs: 60_000,
      redis: server.url,
      storeTimeoutMs: STORE_TIMEOUT_MS,
      keyPrefix: 'faults:kill:',
    });
    await hook.onRegister();
    await untilRedisDecides(hook, 5_000);
    const mock = new MockContext();
    const latencies: number[] = [];
    let running = true;
    const stream = (async () => {
      while (running) {
        const startedAt = performance.now();
        const result = await hook.execute(operation({ mock, component: 'stream' }).before);
        latencies.push(performance.now() - startedAt);
        expect(HookResult.isHookResult(result)).toBe(true);
        await sleep(10);
      }
    })();
    await sleep(150);
    await server.kill();
    await sleep(600);
    await server.restart();
    await untilRedisDecides(hook, 8_000);
    running = false;
    await stream;

    expect(latencies.length).toBeGreaterThan(10);
    expect(Math.max(...latencies)).toBeLessThan(STORE_TIMEOUT_MS + MARGIN_MS);
    const storeErrors = mock.events.query('rate_limit.store_error');
    expect(storeErrors.length).toBeGreaterThan(0);
    expect(storeErrors[0]?.payload).toMatchObject({ limiterKey: 'stream', decision: 'allow' });
    // Exact again: the restarted Redis counts from zero.
    expect(await admittedCount(hook, 'after-restart', 200)).toBe(20);
    await hook.onUnregister();
  });

  it("denies while Redis is down when onStoreError is 'deny', and admits again once it is back", async () => {
    const hook = new RateLimitingHook({
      requestsPerWindow: 5,
      windowMs: 60_000,
      redis: server.url,
      storeTimeoutMs: STORE_TIMEOUT_MS,
      onStoreError: 'deny',
      keyPrefix: 'faults:deny:',
    });
    await untilRedisDecides(hook, 5_000);
    await server.kill();
    const startedAt = performance.now();
    expect(await hook.execute(operation().before)).toEqual(HookResult.cancel('Rate limit store unavailable'));
    expect(performance.now() - startedAt).toBeLessThan(STORE_TIMEOUT_MS + MARGIN_MS);
    await server.restart();
    await untilRedisDecides(hook, 8_000);
    expect(await admittedCount(hook, 'after-deny', 50)).toBe(5);
    await hook.onUnregister();
  });

  it('decides within storeTimeoutMs while Redis hangs, and is exact again once it answers', async () => {
    const allowing = new RateLimitingHook({
      requestsPerWindow: 5,
      windowMs: 60_000,
      redis: server.url,
      storeTimeoutMs: STORE_TIMEOUT_MS,
      keyPrefix: 'faults:hang:',
    });
    const denying = new RateLimitingHook({
      requestsPerWindow: 5,
      windowMs: 60_000,
      redis: server.url,
      storeTimeoutMs: STORE_TIMEOUT_MS,
      onStoreError: 'deny',
      keyPrefix: 'faults:hang-deny:',
    });
    await untilRedisDecides(allowing, 5_000);
    await untilRedisDecides(denying, 5_000);
    server.pause();
    try {
      const mock = new MockContext();
      const startedAt = performance.now();
      const [allowed, denied] = await Promise.all([
        allowing.execute(operation({ mock }).before),
        denying.execute(operation({ mock }).before),
      ]);
      const elapsedMs = performance.now() - startedAt;
      expect(allowed).toEqual(HookResult.continue());
      expect(denied).toEqual(HookResult.cancel('Rate limit store unavailable'));
      expect(elapsedMs).toBeGreaterThanOrEqual(STORE_TIMEOUT_MS - 20);
      expect(elapsedMs).toBeLessThan(STORE_TIMEOUT_MS + MARGIN_MS);
      const errors = mock.events.query('rate_limit.store_error').map((event) => event.payload);
      expect(errors).toHaveLength(2);
      expect((errors[0] as { error: string }).error).toContain(`within ${STORE_TIMEOUT_MS} ms`);
    } finally {
      server.resume();
    }
    await untilRedisDecides(allowing, 5_000);
    expect(await admittedCount(allowing, 'after-hang', 100)).toBe(5);
    await allowing.onUnregister();
    await denying.onUnregister();
  });

  it('names the real cause (NOPERM, WRONGPASS) in rate_limit.store_error and in its logger', async () => {
    for (const [user, cause] of [
      ['no-scripts:pw', /NOPERM/],
      ['no-scripts:wrong', /WRONGPASS/],
    ] as const) {
      const warnings: unknown[] = [];
      const logger = { debug() {}, info() {}, error() {}, warn: (fields: unknown) => warnings.push(fields) };
      const hook = new RateLimitingHook({
        requestsPerWindow: 5,
        windowMs: 60_000,
        redis: `redis://${user}@127.0.0.1:${server.port}`,
        storeTimeoutMs: 1_000,
        logger,
      });
      const mock = new MockContext();
      expect((await hook.execute(operation({ mock, component: 'acl' }).before)).type).toBe('continue');
      const [event] = mock.events.query('rate_limit.store_error');
      expect(String((event?.payload as { error?: string } | undefined)?.error)).toMatch(cause);
      expect(JSON.stringify(warnings)).toMatch(cause);
      await hook.onUnregister();
    }
  });
});

describe('RateLimitingHook abandoned while Redis answers slowly', () => {
  it('gives back a queue permit its Before obtained after the caller aborted, so the next call is admitted', async () => {
    const hook = new RateLimitingHook({
      requestsPerWindow: 1_000,
      windowMs: 60_000,
      mode: 'queue',
      maxConcurrent: 1,
      maxWaitMs: 1_500,
      redis: server.url,
      storeTimeoutMs: STORE_TIMEOUT_MS,
      keyPrefix: 'faults:abandoned:',
    });
    const registry = new HookRegistry();
    for (const point of [
      HookPoint.BeforeAgentExecution,
      HookPoint.AfterAgentExecution,
      HookPoint.AgentError,
    ]) {
      await registry.register(point, hook);
    }
    const agent = createAgent({ name: 'writer', registry, execute: async (input) => ({ text: input.text }) });
    await untilRedisDecides(hook, 5_000);
    await agent.execute({ text: 'warm' });

    server.pause();
    const controller = new AbortController();
    const first = agent.execute({ text: 'first' }, { signal: controller.signal });
    // Its Before holds the queue permit and waits for Redis; the caller gives up meanwhile.
    await sleep(50);
    controller.abort(new Error('caller left'));
    await expect(first).rejects.toThrow('caller left');
    // The store answers (or times out) only now, after the hook was abandoned.
    await sleep(STORE_TIMEOUT_MS + 100);
    server.resume();
    await untilRedisDecides(hook, 5_000);

    const startedAt = performance.now();
    await expect(agent.execute({ text: 'second' })).resolves.toEqual({ text: 'second' });
    expect(performance.now() - startedAt).toBeLessThan(1_000);
    await hook.onUnregister();
  });
});

describe('RateLimitingHook tokens abandoned while Redis answers slowly', () => {
  it('gives back tokens its Before reserved after the caller aborted, so the next call is admitted', async () => {
    const hook = new RateLimitingHook({
      requestsPerWindow: 1_000,
      windowMs: 60_000,
      tokensPerWindow: 1_000,
      estimateTokens: () => 1_000,
      redis: server.url,
      storeTimeoutMs: 2_000,
      keyPrefix: 'faults:abandoned-tokens:',
    });
    const registry = new HookRegistry();
    for (const point of [
      HookPoint.BeforeAgentExecution,
      HookPoint.AfterAgentExecution,
      HookPoint.AgentError,
    ]) {
      await registry.register(point, hook);
    }
    const agent = createAgent({
      name: 'writer',
      registry,
      execute: async (input) => ({ text: input.text, tokensUsed: { input: 0, output: 0 } }),
    });
    await untilRedisDecides(hook, 5_000);

    server.pause();
    const controller = new AbortController();
    const first = agent.execute({ text: 'first' }, { signal: controller.signal });
    // Its Before waits for Redis; the caller gives up meanwhile, and only then does Redis reserve its tokens.
    await sleep(50);
    controller.abort(new Error('caller left'));
    await expect(first).rejects.toThrow('caller left');
    server.resume();
    await sleep(300);

    await expect(agent.execute({ text: 'second' })).resolves.toMatchObject({ text: 'second' });
    await hook.onUnregister();
  });
});
