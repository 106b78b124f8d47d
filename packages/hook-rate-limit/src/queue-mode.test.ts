import { HookResult } from '@llmspell/core';
import { MockContext } from '@llmspell/testing';
import { describe, expect, it } from 'vitest';
import { operation } from './__fixtures__/operation.js';
import { RateLimitingHook } from './rate-limiting-hook.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RateLimitingHook in queue mode', () => {
  it('runs 20 calls with maxConcurrent 2 never more than 2 in flight, and all of them finish', async () => {
    const hook = new RateLimitingHook({
      requestsPerWindow: 1_000,
      windowMs: 60_000,
      mode: 'queue',
      maxConcurrent: 2,
      maxWaitMs: 20_000,
    });
    let inFlight = 0;
    let mostInFlight = 0;
    let finished = 0;
    const call = async () => {
      const op = operation();
      expect(await hook.execute(op.before)).toEqual(HookResult.continue());
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await sleep(15);
      inFlight--;
      await hook.execute(op.after);
      finished++;
    };
    await Promise.all(Array.from({ length: 20 }, call));
    expect(finished).toBe(20);
    expect(mostInFlight).toBe(2);
    await hook.onUnregister();
  });

  it('cancels a call that gets no capacity within maxWaitMs, and admits once capacity is back', async () => {
    const hook = new RateLimitingHook({
      requestsPerWindow: 1_000,
      windowMs: 60_000,
      mode: 'queue',
      maxConcurrent: 1,
      maxWaitMs: 150,
    });
    const mock = new MockContext();
    const holder = operation({ mock });
    expect(await hook.execute(holder.before)).toEqual(HookResult.continue());
    const startedAt = performance.now();
    expect(await hook.execute(operation({ mock }).before)).toEqual(HookResult.cancel('Rate limit exceeded'));
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(140);
    expect(mock.events.query('rate_limit.exceeded')[0]?.payload).toMatchObject({ kind: 'queue_timeout' });
    await hook.execute(holder.after);
    expect(await hook.execute(operation({ mock }).before)).toEqual(HookResult.continue());
    await hook.onUnregister();
  });

  it('lets a call over the window count wait for the next window when that is within maxWaitMs', async () => {
    const hook = new RateLimitingHook({
      requestsPerWindow: 2,
      windowMs: 300,
      mode: 'queue',
      maxWaitMs: 2_000,
    });
    const startedAt = performance.now();
    const results = await Promise.all(Array.from({ length: 3 }, () => hook.execute(operation().before)));
    expect(results).toEqual([HookResult.continue(), HookResult.continue(), HookResult.continue()]);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(250);
  });

  it('cancels a call over the window count when the window ends after maxWaitMs', async () => {
    const hook = new RateLimitingHook({
      requestsPerWindow: 1,
      windowMs: 60_000,
      mode: 'queue',
      maxWaitMs: 2_000,
    });
    const mock = new MockContext();
    await hook.execute(operation({ mock }).before);
    const startedAt = performance.now();
    expect(await hook.execute(operation({ mock }).before)).toEqual(HookResult.cancel('Rate limit exceeded'));
    // It knows at once that the window will not end in time: no pointless wait.
    expect(performance.now() - startedAt).toBeLessThan(1_000);
    expect(mock.events.query('rate_limit.exceeded')[0]?.payload).toMatchObject({ kind: 'window' });
  });

  it('admits exactly requestsPerWindow per window when many calls queue for the next one', async () => {
    const hook = new RateLimitingHook({ requestsPerWindow: 5, windowMs: 300, mode: 'queue', maxWaitMs: 500 });
    const admittedAt: number[] = [];
    const startedAt = performance.now();
    const results = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const result = await hook.execute(operation().before);
        if (result.type === 'continue') admittedAt.push(performance.now() - startedAt);
        return result;
      }),
    );
    // Windows [0, 300) and [300, 600) start within the 500 ms wait; a third would not.
    expect(results.filter((result) => result.type === 'continue')).toHaveLength(10);
    expect(admittedAt.filter((ms) => ms < 250)).toHaveLength(5);
  });

  it('spaces the starts of calls of one key by minTimeMs', async () => {
    const hook = new RateLimitingHook({
      requestsPerWindow: 1_000,
      windowMs: 60_000,
      mode: 'queue',
      minTimeMs: 60,
      maxWaitMs: 5_000,
    });
    const startedAt = performance.now();
    const results = await Promise.all(Array.from({ length: 5 }, () => hook.execute(operation().before)));
    expect(results.every((result) => result.type === 'continue')).toBe(true);
    // Five starts spaced 60 ms apart cannot all happen in less than 4 × 60 ms.
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(4 * 60 - 5);
    await hook.onUnregister();
  });

  it('refuses at once a call that minTimeMs spacing could not start within maxWaitMs', async () => {
    const hook = new RateLimitingHook({
      requestsPerWindow: 1_000,
      windowMs: 60_000,
      mode: 'queue',
      minTimeMs: 200,
      maxWaitMs: 300,
    });
    const startedAt = performance.now();
    const quick: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const result = await hook.execute(operation().before);
        if (result.type === 'cancel') quick.push(performance.now() - startedAt);
        return result;
      }),
    );
    expect(results.filter((result) => result.type === 'continue').length).toBeGreaterThanOrEqual(2);
    expect(quick.length).toBeGreaterThanOrEqual(3);
    expect(Math.min(...quick)).toBeLessThan(250);
    await hook.onUnregister();
  });

  it('stops waiting when the caller aborts', async () => {
    const hook = new RateLimitingHook({
      requestsPerWindow: 1_000,
      windowMs: 60_000,
      mode: 'queue',
      maxConcurrent: 1,
      maxWaitMs: 10_000,
    });
    await hook.execute(operation().before);
    const controller = new AbortController();
    const waiting = hook.execute(operation({ signal: controller.signal }).before);
    setTimeout(() => controller.abort(), 50);
    const startedAt = performance.now();
    expect(await waiting).toMatchObject({ type: 'cancel' });
    expect(performance.now() - startedAt).toBeLessThan(2_000);
    await hook.onUnregister();
  });

  it('gives the slot back when the operation ended before its queued Before got one', async () => {
    const hook = new RateLimitingHook({
      requestsPerWindow: 1_000,
      windowMs: 60_000,
      mode: 'queue',
      maxConcurrent: 1,
      maxWaitMs: 10_000,
    });
    const holder = operation();
    await hook.execute(holder.before);
    const late = operation();
    const lateBefore = hook.execute(late.before);
    // The executor gave up on the late Before and the operation reached its After point already.
    await hook.execute(late.after);
    await hook.execute(holder.after);
    await lateBefore;
    const next = operation();
    const startedAt = performance.now();
    expect(await hook.execute(next.before)).toEqual(HookResult.continue());
    expect(performance.now() - startedAt).toBeLessThan(5_000);
    await hook.onUnregister();
  });
});
