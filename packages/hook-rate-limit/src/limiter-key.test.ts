import { MockContext } from '@llmspell/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { operation } from './__fixtures__/operation.js';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import { limiterKey, RESERVED_KEY } from './limiter-key.js';
import { RateLimitingHook } from './rate-limiting-hook.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('limiter keys', () => {
  it("gives component 'c' with user 'a:b' and component 'c:a' with user 'b' separate windows (separator finding)", () => {
    const hook = new RateLimitingHook({ requestsPerWindow: 1, windowMs: 60_000, byUser: true });
    expect(hook.execute(operation({ component: 'c', userId: 'a:b' }).before)).toEqual({ type: 'continue' });
    expect(hook.execute(operation({ component: 'c:a', userId: 'b' }).before)).toEqual({ type: 'continue' });
    expect(limiterKey('c', 'a:b')).not.toBe(limiterKey('c:a', 'b'));
  });

  it("does not let user 'global' share the window of callers without a user id (global finding)", () => {
    const hook = new RateLimitingHook({
      requestsPerWindow: 1,
      windowMs: 60_000,
      byComponent: false,
      byUser: true,
    });
    expect(hook.execute(operation({}).before)).toEqual({ type: 'continue' });
    expect(hook.execute(operation({ userId: 'global' }).before)).toEqual({ type: 'continue' });
    expect(hook.execute(operation({ userId: RESERVED_KEY }).before)).toEqual({ type: 'continue' });
    expect(hook.execute(operation({}).before)).toMatchObject({ type: 'cancel' });
  });

  it('never gives two different calls of one hook the same key, and never puts a brace in one', () => {
    const part = fc.oneof(fc.string(), fc.stringMatching(/^[\\:{}ab]{0,8}$/));
    const user = fc.option(
      part.filter((text) => text !== ''),
      { nil: undefined },
    );
    // Within one hook the component part is always there (byComponent) or never.
    fc.assert(
      fc.property(fc.boolean(), part, user, part, user, (byComponent, c1, u1, c2, u2) => {
        const first = limiterKey(byComponent ? c1 : undefined, u1);
        const second = limiterKey(byComponent ? c2 : undefined, u2);
        expect(first).not.toMatch(/[{}]/);
        if ((byComponent && c1 !== c2) || u1 !== u2) expect(first).not.toBe(second);
      }),
      { numRuns: 2_000 },
    );
  });

  it('keeps keys of 100 KB user ids short and distinct', () => {
    const long = 'u'.repeat(100_000);
    const key = limiterKey('agent-a', long);
    expect(key.length).toBeLessThan(80);
    expect(key).not.toBe(limiterKey('agent-a', `${long}x`));
    const mock = new MockContext();
    const hook = new RateLimitingHook({ requestsPerWindow: 1, windowMs: 60_000, byUser: true });
    hook.execute(operation({ mock, userId: long }).before);
    hook.execute(operation({ mock, userId: long }).before);
    const [event] = mock.events.query('rate_limit.exceeded');
    expect((event!.payload as { limiterKey: string }).limiterKey).toBe(key);
  });
});

describe('expired permits', () => {
  it('are swept on a timer, not only when their key is full (100,000 never-released permits finding)', async () => {
    const limiter = new ConcurrencyLimiter(1, 100);
    const now = performance.now();
    for (let user = 0; user < 100_000; user++) limiter.tryAcquire(`user-${user}`, now);
    expect(limiter.held).toBe(100_000);
    await sleep(400);
    expect(limiter.held).toBe(0);
  });

  it('keeps permits that have not expired', async () => {
    const limiter = new ConcurrencyLimiter(2, 60_000);
    limiter.tryAcquire('a', performance.now());
    limiter.sweep(performance.now() + 1_000);
    expect(limiter.held).toBe(1);
    limiter.sweep(performance.now() + 61_000);
    expect(limiter.held).toBe(0);
    limiter.close();
  });
});
