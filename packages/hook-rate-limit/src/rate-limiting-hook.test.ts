import { componentId, HookContext, HookPoint, HookResult, Priority } from '@llmspell/core';
import { assertHookResult, hookConformanceSuite, MockContext } from '@llmspell/testing';
import { describe, expect, it } from 'vitest';
import { operation } from './__fixtures__/operation.js';
import { RateLimitingHook } from './rate-limiting-hook.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function admittedCount(results: Array<HookResult | Promise<HookResult>>): Promise<number> {
  const settled = await Promise.all(results);
  return settled.filter((result) => result.type === 'continue').length;
}

describe('RateLimitingHook in reject mode (in process)', () => {
  it('admits exactly 50 of 500 concurrent calls in one window and admits again in the next', async () => {
    const hook = new RateLimitingHook({ requestsPerWindow: 50, windowMs: 400 });
    const mock = new MockContext();
    const burst = () => Array.from({ length: 500 }, () => hook.execute(operation({ mock }).before));
    expect(await admittedCount(burst())).toBe(50);
    await sleep(450);
    expect(await admittedCount(burst())).toBe(50);
    await hook.onUnregister();
  });

  it('answers synchronously, so the executor takes its no-await fast path', () => {
    const hook = new RateLimitingHook({ requestsPerWindow: 1, windowMs: 60_000 });
    const first = hook.execute(operation().before);
    const second = hook.execute(operation().before);
    expect(first).toEqual({ type: 'continue' });
    expect(second).toEqual({ type: 'cancel', reason: 'Rate limit exceeded' });
  });

  it("cancels with 'Rate limit exceeded' and emits rate_limit.exceeded with the key and component", async () => {
    const hook = new RateLimitingHook({ requestsPerWindow: 2, windowMs: 60_000, byUser: true });
    const mock = new MockContext();
    for (let i = 0; i < 2; i++)
      hook.execute(operation({ mock, component: 'writer', userId: 'alice' }).before);
    const result = await hook.execute(operation({ mock, component: 'writer', userId: 'alice' }).before);
    assertHookResult(result, 'cancel', (cancel) => expect(cancel.reason).toBe('Rate limit exceeded'));
    const events = mock.events.query('rate_limit.exceeded');
    expect(events).toHaveLength(1);
    expect(events[0]?.payload).toEqual({ limiterKey: 'writer:alice', component: 'writer', kind: 'window' });
    const metrics = mock.metrics.snapshot();
    expect(metrics.rate_limit_admitted?.sum).toBe(2);
    expect(metrics.rate_limit_exceeded?.byLabels).toEqual({ 'kind=window': 1 });
  });

  it('sets data.rateLimit to the limit, the calls left and the ms until the window resets', () => {
    const hook = new RateLimitingHook({ requestsPerWindow: 3, windowMs: 10_000 });
    const first = operation().before;
    hook.execute(first);
    expect(first.data.rateLimit).toMatchObject({ limit: 3, remaining: 2 });
    const { resetMs } = first.data.rateLimit as { resetMs: number };
    expect(resetMs).toBeGreaterThan(9_000);
    expect(resetMs).toBeLessThanOrEqual(10_000);
    hook.execute(operation().before);
    hook.execute(operation().before);
    const refused = operation().before;
    hook.execute(refused);
    expect(refused.data.rateLimit).toMatchObject({ limit: 3, remaining: 0 });
  });

  it('keys by component name and user id joined with ":", or a reserved key when neither is chosen', () => {
    const keyOf = (options: { byComponent: boolean; byUser: boolean }, userId?: string) => {
      const hook = new RateLimitingHook({ requestsPerWindow: 1, windowMs: 60_000, ...options });
      const mock = new MockContext();
      hook.execute(operation({ mock, component: 'planner', ...(userId ? { userId } : {}) }).before);
      hook.execute(operation({ mock, component: 'planner', ...(userId ? { userId } : {}) }).before);
      const [event] = mock.events.query('rate_limit.exceeded');
      return (event?.payload as { limiterKey?: string } | undefined)?.limiterKey;
    };
    expect(keyOf({ byComponent: true, byUser: true }, 'bob')).toBe('planner:bob');
    expect(keyOf({ byComponent: true, byUser: false }, 'bob')).toBe('planner');
    expect(keyOf({ byComponent: false, byUser: true }, 'bob')).toBe('bob');
    expect(keyOf({ byComponent: false, byUser: false }, 'bob')).toBe('\\global');
    expect(keyOf({ byComponent: true, byUser: true })).toBe('planner');
    expect(keyOf({ byComponent: false, byUser: true })).toBe('\\global');
  });

  it('limits each key on its own: one user over the limit does not block another', () => {
    const hook = new RateLimitingHook({ requestsPerWindow: 1, windowMs: 60_000, byUser: true });
    expect(hook.execute(operation({ userId: 'alice' }).before)).toEqual(HookResult.continue());
    expect(hook.execute(operation({ userId: 'alice' }).before)).toMatchObject({ type: 'cancel' });
    expect(hook.execute(operation({ userId: 'bob' }).before)).toEqual(HookResult.continue());
  });

  it('counts only at Before points: After, Error and other points answer continue and consume nothing', () => {
    const hook = new RateLimitingHook({ requestsPerWindow: 1, windowMs: 60_000 });
    const component = componentId('agent-a', 'agent');
    for (const hookPoint of [
      HookPoint.AfterAgentExecution,
      HookPoint.AgentError,
      HookPoint.SystemStartup,
      HookPoint.custom('billing'),
    ]) {
      expect(hook.execute(new HookContext({ hookPoint, componentId: component }))).toEqual({
        type: 'continue',
      });
    }
    expect(
      hook.execute(new HookContext({ hookPoint: HookPoint.ToolValidation, componentId: component })),
    ).toEqual({ type: 'continue' });
    expect(
      hook.execute(new HookContext({ hookPoint: HookPoint.BeforeAgentExecution, componentId: component })),
    ).toMatchObject({ type: 'cancel' });
  });

  it('declares id rate-limiter, priority High and fail-open, with no timeout of its own in process', () => {
    const hook = new RateLimitingHook({ requestsPerWindow: 1, windowMs: 1_000 });
    expect(hook.id).toBe('rate-limiter');
    expect(hook.metadata()).toMatchObject({ priority: Priority.High, failurePolicy: 'open' });
    expect(hook.metadata().timeoutMs).toBeUndefined();
  });

  it('asks the executor for a timeout longer than its own waits in queue mode', () => {
    const hook = new RateLimitingHook({
      requestsPerWindow: 1,
      windowMs: 1_000,
      mode: 'queue',
      maxWaitMs: 5_000,
    });
    expect(hook.metadata().timeoutMs).toBeGreaterThan(5_000);
  });
});

describe('RateLimitingHook maxConcurrent in reject mode', () => {
  it('refuses a call over maxConcurrent in flight and admits again after an After point releases', () => {
    const hook = new RateLimitingHook({ requestsPerWindow: 1_000, windowMs: 60_000, maxConcurrent: 2 });
    const mock = new MockContext();
    const first = operation({ mock });
    const second = operation({ mock });
    expect(hook.execute(first.before)).toEqual(HookResult.continue());
    expect(hook.execute(second.before)).toEqual(HookResult.continue());
    expect(hook.execute(operation({ mock }).before)).toEqual(HookResult.cancel('Rate limit exceeded'));
    expect(mock.events.query('rate_limit.exceeded')[0]?.payload).toMatchObject({ kind: 'concurrency' });
    hook.execute(first.after);
    expect(hook.execute(operation({ mock }).before)).toEqual(HookResult.continue());
  });

  it('releases the permit at the Error point, and only once when After follows', () => {
    const hook = new RateLimitingHook({ requestsPerWindow: 1_000, windowMs: 60_000, maxConcurrent: 1 });
    const failing = operation();
    hook.execute(failing.before);
    hook.execute(failing.error);
    hook.execute(failing.after);
    const next = operation();
    expect(hook.execute(next.before)).toEqual(HookResult.continue());
    expect(hook.execute(operation().before)).toMatchObject({ type: 'cancel' });
  });

  it('leaves zero permits held after 10,000 operations with random failures', async () => {
    const maxConcurrent = 8;
    const hook = new RateLimitingHook({ requestsPerWindow: 1_000_000, windowMs: 60_000, maxConcurrent });
    const mock = new MockContext();
    let completed = 0;
    let refused = 0;
    let next = 0;
    // 16 clients share 10,000 operations: twice the cap, so calls are refused and retried all along.
    const client = async () => {
      while (next < 10_000) {
        const op = operation({ mock });
        if ((await hook.execute(op.before)).type !== 'continue') {
          refused++;
          await sleep(0);
          continue;
        }
        next++;
        await sleep(Math.random() < 0.5 ? 0 : 1);
        await hook.execute(Math.random() < 0.3 ? op.error : op.after);
        completed++;
      }
    };
    await Promise.all(Array.from({ length: 16 }, client));
    expect(completed).toBeGreaterThanOrEqual(10_000);
    expect(refused).toBeGreaterThan(0);
    // Exactly maxConcurrent fresh operations fit: no permit leaked.
    const fresh = Array.from({ length: maxConcurrent + 1 }, () => hook.execute(operation({ mock }).before));
    expect(fresh.slice(0, maxConcurrent)).toEqual(Array(maxConcurrent).fill(HookResult.continue()));
    expect(fresh[maxConcurrent]).toMatchObject({ type: 'cancel' });
  });

  it('reclaims a permit whose operation never reached After or Error once permitTimeoutMs passes', async () => {
    const hook = new RateLimitingHook({
      requestsPerWindow: 1_000,
      windowMs: 60_000,
      maxConcurrent: 1,
      permitTimeoutMs: 50,
    });
    expect(hook.execute(operation().before)).toEqual(HookResult.continue());
    expect(hook.execute(operation().before)).toMatchObject({ type: 'cancel' });
    await sleep(80);
    expect(hook.execute(operation().before)).toEqual(HookResult.continue());
  });

  it('does not spend a window slot on a call refused for concurrency', () => {
    const hook = new RateLimitingHook({ requestsPerWindow: 2, windowMs: 60_000, maxConcurrent: 1 });
    const first = operation();
    hook.execute(first.before);
    expect(hook.execute(operation().before)).toMatchObject({ type: 'cancel' });
    hook.execute(first.after);
    expect(hook.execute(operation().before)).toEqual(HookResult.continue());
  });
});

describe('RateLimitingHook conformance (in process)', () => {
  hookConformanceSuite(
    it,
    () => new RateLimitingHook({ requestsPerWindow: 100, windowMs: 1_000, maxConcurrent: 50 }),
    {
      points: [HookPoint.BeforeAgentExecution, HookPoint.AfterAgentExecution, HookPoint.AgentError],
    },
  );
});

describe('RateLimitingHook conformance (queue mode)', () => {
  hookConformanceSuite(
    it,
    () =>
      new RateLimitingHook({
        requestsPerWindow: 100,
        windowMs: 1_000,
        mode: 'queue',
        maxConcurrent: 50,
        minTimeMs: 1,
        maxWaitMs: 2_000,
      }),
    { points: [HookPoint.BeforeToolExecution, HookPoint.AfterToolExecution, HookPoint.ToolError] },
  );
});

describe('RateLimitingHook after onUnregister', () => {
  it('keeps the counts it has taken, so unregistering and registering again does not reset a window', async () => {
    const hook = new RateLimitingHook({ requestsPerWindow: 1, windowMs: 60_000 });
    expect(hook.execute(operation().before)).toEqual(HookResult.continue());
    await hook.onUnregister();
    await hook.onRegister();
    expect(hook.execute(operation().before)).toMatchObject({ type: 'cancel' });
  });
});
