import { randomUUID } from 'node:crypto';
import { HookPoint, HookResult } from '@llmspell/core';
import {
  hookConformanceSuite,
  MockContext,
  type RedisServerHandle,
  startRedisServer,
} from '@llmspell/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operation } from './__fixtures__/operation.js';
import { RateLimitingHook } from './rate-limiting-hook.js';
import type { RateLimitingOptions } from './rate-limiting-options.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Keys of this run only, in case REDIS_URL points at a shared server.
const run = `test-${randomUUID().slice(0, 8)}`;
let server: RedisServerHandle;
let inspector: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  inspector = new Redis(server.url);
});

afterAll(async () => {
  inspector?.disconnect();
  await server?.stop();
});

async function admittedCount(results: Array<HookResult | Promise<HookResult>>): Promise<number> {
  const settled = await Promise.all(results);
  return settled.filter((result) => result.type === 'continue').length;
}

describe('RateLimitingHook with Redis', () => {
  it('admits exactly 50 of 500 concurrent calls in one window and admits again in the next', async () => {
    const hook = new RateLimitingHook({
      requestsPerWindow: 50,
      windowMs: 1_500,
      redis: server.url,
      keyPrefix: `${run}:burst:`,
    });
    await hook.onRegister();
    const mock = new MockContext();
    const burst = () => Array.from({ length: 500 }, () => hook.execute(operation({ mock }).before));
    expect(await admittedCount(burst())).toBe(50);
    expect(mock.events.query('rate_limit.store_error')).toEqual([]);
    await sleep(1_600);
    expect(await admittedCount(burst())).toBe(50);
    await hook.onUnregister();
  });

  it('keeps a key in one Redis key whose hash tag is the limiter key, expiring after windowMs', async () => {
    const hook = new RateLimitingHook({
      requestsPerWindow: 5,
      windowMs: 1_500,
      byUser: true,
      redis: server.url,
      keyPrefix: `${run}:tag:`,
    });
    await hook.execute(operation({ component: 'writer', userId: 'alice' }).before);
    expect(await inspector.get(`${run}:tag:{writer:alice}`)).toBe('1');
    const ttlMs = await inspector.pttl(`${run}:tag:{writer:alice}`);
    // Milliseconds, not whole seconds: a 1.5 s window lasts 1.5 s.
    expect(ttlMs).toBeGreaterThan(1_000);
    expect(ttlMs).toBeLessThanOrEqual(1_500);
    await hook.onUnregister();
  });

  it('resets a sub-second window (windows are kept in milliseconds)', async () => {
    const hook = new RateLimitingHook({
      requestsPerWindow: 1,
      windowMs: 200,
      redis: server.url,
      keyPrefix: `${run}:short:`,
    });
    expect(await hook.execute(operation().before)).toEqual(HookResult.continue());
    expect(await hook.execute(operation().before)).toEqual(HookResult.cancel('Rate limit exceeded'));
    await sleep(300);
    expect(await hook.execute(operation().before)).toEqual(HookResult.continue());
    await hook.onUnregister();
  });

  it('sets data.rateLimit from the shared count and the window Redis reports', async () => {
    const hook = new RateLimitingHook({
      requestsPerWindow: 3,
      windowMs: 5_000,
      redis: server.url,
      keyPrefix: `${run}:info:`,
    });
    const first = operation().before;
    await hook.execute(first);
    expect(first.data.rateLimit).toMatchObject({ limit: 3, remaining: 2 });
    expect((first.data.rateLimit as { resetMs: number }).resetMs).toBeGreaterThan(4_000);
    await hook.onUnregister();
  });

  it('shares one limit between two hooks on the same Redis, as two processes would', async () => {
    const options = { requestsPerWindow: 10, windowMs: 5_000, redis: server.url, keyPrefix: `${run}:pair:` };
    const first = new RateLimitingHook(options);
    const second = new RateLimitingHook(options);
    const calls = Array.from({ length: 40 }, (_, i) => (i % 2 ? first : second).execute(operation().before));
    expect(await admittedCount(calls)).toBe(10);
    await first.onUnregister();
    await second.onUnregister();
  });

  it("uses the caller's ioredis client and leaves it open on unregister", async () => {
    const client = new Redis(server.url);
    const hook = new RateLimitingHook({
      requestsPerWindow: 2,
      windowMs: 5_000,
      redis: client,
      keyPrefix: `${run}:own:`,
    });
    const results = await Promise.all(Array.from({ length: 5 }, () => hook.execute(operation().before)));
    expect(results.filter((result) => result.type === 'continue')).toHaveLength(2);
    await hook.onUnregister();
    expect(client.status).toBe('ready');
    expect(await client.get(`${run}:own:{agent-a}`)).toBe('5');
    client.disconnect();
  });

  it('counts a call made before the owned client has connected, without a store error', async () => {
    const hook = new RateLimitingHook({
      requestsPerWindow: 1,
      windowMs: 5_000,
      redis: server.url,
      keyPrefix: `${run}:cold:`,
    });
    const mock = new MockContext();
    expect(await hook.execute(operation({ mock }).before)).toEqual(HookResult.continue());
    expect(await hook.execute(operation({ mock }).before)).toMatchObject({ type: 'cancel' });
    expect(mock.events.query('rate_limit.store_error')).toEqual([]);
    await hook.onUnregister();
  });

  it('reports a Redis that cannot be reached within storeTimeoutMs as a store error and admits', async () => {
    const hook = new RateLimitingHook({
      requestsPerWindow: 1,
      windowMs: 5_000,
      // Nothing listens on port 1.
      redis: 'redis://127.0.0.1:1',
      storeTimeoutMs: 200,
    });
    const mock = new MockContext();
    const startedAt = performance.now();
    expect(await hook.execute(operation({ mock }).before)).toEqual(HookResult.continue());
    expect(performance.now() - startedAt).toBeLessThan(1_000);
    const events = mock.events.query('rate_limit.store_error');
    expect(events).toHaveLength(1);
    expect(events[0]?.payload).toMatchObject({
      limiterKey: 'agent-a',
      component: 'agent-a',
      decision: 'allow',
    });
    expect(mock.metrics.snapshot().rate_limit_store_errors?.sum).toBe(1);
    await hook.onUnregister();
  });

  it("cancels on a store error when onStoreError is 'deny'", async () => {
    const hook = new RateLimitingHook({
      requestsPerWindow: 1,
      windowMs: 5_000,
      redis: 'redis://127.0.0.1:1',
      storeTimeoutMs: 200,
      onStoreError: 'deny',
    });
    expect(await hook.execute(operation().before)).toEqual(HookResult.cancel('Rate limit store unavailable'));
    await hook.onUnregister();
  });
});

describe('RateLimitingHook with Redis: conformance', () => {
  hookConformanceSuite(
    it,
    () =>
      new RateLimitingHook({
        requestsPerWindow: 1_000,
        windowMs: 1_000,
        maxConcurrent: 100,
        redis: server.url,
        keyPrefix: `${run}:conformance:`,
      }),
    { points: [HookPoint.BeforeAgentExecution, HookPoint.AfterAgentExecution, HookPoint.AgentError] },
  );
});

describe('RateLimitingHook tokensPerWindow with Redis', () => {
  const estimateTokens = (context: { data: Record<string, unknown> }) => context.data.estimate as number;
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };

  function tokenHook(name: string, options: Partial<RateLimitingOptions> = {}) {
    return new RateLimitingHook({
      requestsPerWindow: 10,
      windowMs: 60_000,
      tokensPerWindow: 1_000,
      estimateTokens,
      redis: server.url,
      keyPrefix: `${run}:${name}:`,
      logger: quiet,
      ...options,
    });
  }

  function call(estimate: number, mock?: MockContext) {
    const op = operation(mock ? { mock } : {});
    op.before.data.estimate = estimate;
    return op;
  }

  it('keeps the tokens of a key in one hash beside its count key, in the same slot, expiring with the window', async () => {
    const hook = tokenHook('tokens', { windowMs: 1_500 });
    await hook.onRegister();
    const op = call(400);
    expect(await hook.execute(op.before)).toEqual(HookResult.continue());
    const key = `${run}:tokens:{agent-a}:tokens`;
    expect(await inspector.hmget(key, 'count', 'tokens')).toEqual(['1', '400']);
    const ttl = await inspector.pttl(key);
    expect(ttl).toBeGreaterThan(1_000);
    expect(ttl).toBeLessThanOrEqual(1_500);
    op.after.data.tokensUsed = { input: 100, output: 50 };
    await hook.execute(op.after);
    expect(await inspector.hget(key, 'tokens')).toBe('150');
    await hook.onUnregister();
  });

  it('ignores a settlement that arrives after its window ended, so the next window keeps all its tokens', async () => {
    const hook = tokenHook('late', { windowMs: 300 });
    await hook.onRegister();
    const old = call(1_000);
    expect(await hook.execute(old.before)).toEqual(HookResult.continue());
    await sleep(400);
    expect(await hook.execute(call(1_000).before)).toEqual(HookResult.continue());
    await hook.execute(old.error);
    expect(await hook.execute(call(1).before)).toEqual(HookResult.cancel('Rate limit exceeded'));
    await hook.onUnregister();
  });

  it('reports a settlement Redis did not take as a store error and lets the call finish', async () => {
    const mock = new MockContext();
    const hook = tokenHook('gone', { storeTimeoutMs: 200 });
    await hook.onRegister();
    const op = call(500, mock);
    expect(await hook.execute(op.before)).toEqual(HookResult.continue());
    await inspector.client('PAUSE', 600, 'ALL');
    op.after.data.tokensUsed = { input: 10, output: 0 };
    expect(await hook.execute(op.after)).toEqual(HookResult.continue());
    expect(mock.events.query('rate_limit.store_error')[0]?.payload).toMatchObject({
      operation: 'settle',
      decision: 'allow',
    });
    await sleep(500);
    await hook.onUnregister();
  });

  it('in queue mode, releases a reservation made after the call already ended', async () => {
    const hook = tokenHook('queued', { mode: 'queue', maxWaitMs: 1_000 });
    await hook.onRegister();
    const op = call(1_000);
    // The executor gave up on Before and ran the Error point first.
    await hook.execute(op.error);
    expect(await hook.execute(op.before)).toEqual(HookResult.continue());
    await sleep(100);
    expect(await hook.execute(call(1_000).before)).toEqual(HookResult.continue());
    await hook.onUnregister();
  });
});
