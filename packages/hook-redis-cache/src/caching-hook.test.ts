import { componentId, HookConfigError, HookContext, HookPoint, HookResult } from '@llmspell/core';
import { hookConformanceSuite } from '@llmspell/testing';
import { describe, expect, it } from 'vitest';
import { hookedAgent } from './__fixtures__/hooked-agent.js';
import { harness, runOperation } from './__fixtures__/run-operation.js';
import { cacheKey } from './cache-key.js';
import type { CacheStore } from './cache-store.js';
import { CachingHook } from './caching-hook.js';
import { MemoryCacheStore } from './memory-cache-store.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A store whose every call rejects, as an unreachable backend would. */
const brokenStore: CacheStore = {
  get: () => Promise.reject(new Error('backend unreachable')),
  set: () => Promise.reject(new Error('backend unreachable')),
  delete: () => Promise.reject(new Error('backend unreachable')),
  close: () => Promise.resolve(),
};

function counter() {
  let runs = 0;
  return {
    get runs() {
      return runs;
    },
    operation:
      (output: unknown, delayMs = 0) =>
      async () => {
        runs++;
        if (delayMs > 0) await sleep(delayMs);
        return output;
      },
  };
}

describe('CachingHook', () => {
  it('misses, stores the output at the After point, then answers cache for the same input', async () => {
    const hook = new CachingHook();
    const setup = harness();
    const count = counter();
    const first = await runOperation(
      hook,
      setup,
      { text: 'capital of France?' },
      count.operation({ text: 'Paris' }),
    );
    const second = await runOperation(
      hook,
      setup,
      { text: 'capital of France?' },
      count.operation({ text: 'x' }),
    );
    expect(first).toEqual({ output: { text: 'Paris' }, cached: false });
    expect(second).toEqual({ output: { text: 'Paris' }, cached: true });
    expect(count.runs).toBe(1);
    const metrics = setup.metrics.snapshot();
    expect(metrics.cache_misses?.count).toBe(1);
    expect(metrics.cache_hits?.count).toBe(1);
    expect(metrics.cache_writes?.count).toBe(1);
  });

  it('through a hooked agent: the repeat call skips the work, and its After point writes nothing', async () => {
    const hooked = await hookedAgent(new CachingHook());
    try {
      expect(await hooked.agent.execute({ text: 'q' })).toEqual({ text: 'answer to q' });
      expect(await hooked.agent.execute({ text: 'q' })).toEqual({ text: 'answer to q' });
      expect(hooked.runs).toBe(1);
      const metrics = hooked.metrics.snapshot();
      expect(metrics.cache_hits?.count).toBe(1);
      expect(metrics.cache_writes?.count).toBe(1);
    } finally {
      await hooked.unregister();
    }
  });

  it('answers a HookResult.cache with the result, the TTL and the key', async () => {
    const hook = new CachingHook({ ttlMs: 60_000 });
    const setup = harness();
    await runOperation(hook, setup, { text: 'q' }, async () => ({ text: 'a' }));
    const context = new HookContext({
      hookPoint: HookPoint.BeforeAgentExecution,
      componentId: setup.component,
      data: { input: { text: 'q' } },
    });
    expect(await hook.execute(context)).toEqual(
      HookResult.cache({
        result: { text: 'a' },
        ttlMs: 60_000,
        key: cacheKey(setup.component, { text: 'q' }),
      }),
    );
  });

  it('hits for the same input with object keys in another order', async () => {
    const hook = new CachingHook();
    const setup = harness();
    await runOperation(hook, setup, { text: 'q', options: { a: 1, b: 2 } }, async () => 'answer');
    const again = await runOperation(
      hook,
      setup,
      { options: { b: 2, a: 1 }, text: 'q' },
      async () => 'other',
    );
    expect(again).toEqual({ output: 'answer', cached: true });
  });

  it('keeps components apart: the same input for another component or type misses', async () => {
    const hook = new CachingHook();
    const count = counter();
    await runOperation(hook, harness('agent-a'), { text: 'q' }, count.operation('a'));
    const otherName = await runOperation(hook, harness('agent-b'), { text: 'q' }, count.operation('b'));
    const otherType = await runOperation(
      hook,
      harness('agent-a', 'tool'),
      { text: 'q' },
      count.operation('c'),
    );
    expect(otherName).toEqual({ output: 'b', cached: false });
    expect(otherType).toEqual({ output: 'c', cached: false });
    expect(count.runs).toBe(3);
  });

  it('expires entries after ttlMs', async () => {
    const hook = new CachingHook({ ttlMs: 100 });
    const setup = harness();
    await runOperation(hook, setup, { text: 'q' }, async () => 'first');
    expect((await runOperation(hook, setup, { text: 'q' }, async () => 'second')).cached).toBe(true);
    await sleep(200);
    expect(await runOperation(hook, setup, { text: 'q' }, async () => 'third')).toEqual({
      output: 'third',
      cached: false,
    });
  });

  it('spreads TTLs by ± ttlJitterMs', async () => {
    const ttls: number[] = [];
    const store = new MemoryCacheStore();
    const recording: CacheStore = {
      get: (key) => store.get(key),
      set: (key, value, ttlMs) => {
        ttls.push(ttlMs);
        return store.set(key, value, ttlMs);
      },
      delete: (key) => store.delete(key),
      close: () => store.close(),
    };
    const hook = new CachingHook({ store: recording, ttlMs: 10_000, ttlJitterMs: 1_000 });
    const setup = harness();
    for (let index = 0; index < 40; index++) {
      await runOperation(hook, setup, { text: `q${index}` }, async () => index);
    }
    expect(Math.min(...ttls)).toBeGreaterThanOrEqual(9_000);
    expect(Math.max(...ttls)).toBeLessThanOrEqual(11_000);
    expect(new Set(ttls).size).toBeGreaterThan(10);
  });

  it('does not store when data.cached is set, when data.error is set, or when there is no output', async () => {
    const store = new MemoryCacheStore();
    const hook = new CachingHook({ store });
    const setup = harness();
    for (const data of [
      { input: { text: 'q' }, output: 'from cache', cached: true },
      { input: { text: 'q' }, output: 'partial', error: new Error('model failed') },
      { input: { text: 'q' } },
    ]) {
      const context = new HookContext({
        hookPoint: HookPoint.AfterAgentExecution,
        componentId: setup.component,
        data,
      });
      expect(await hook.execute(context)).toEqual(HookResult.continue());
    }
    expect(store.size).toBe(0);
  });

  it('does not cache a failed operation: the next identical call runs it again', async () => {
    const hook = new CachingHook();
    const setup = harness();
    await expect(
      runOperation(hook, setup, { text: 'q' }, async () => {
        throw new Error('model failed');
      }),
    ).rejects.toThrow('model failed');
    expect(await runOperation(hook, setup, { text: 'q' }, async () => 'ok')).toEqual({
      output: 'ok',
      cached: false,
    });
  });

  it('continues without caching when there is no data.input', async () => {
    const store = new MemoryCacheStore();
    const hook = new CachingHook({ store });
    const setup = harness();
    const before = new HookContext({
      hookPoint: HookPoint.BeforeAgentExecution,
      componentId: setup.component,
    });
    expect(await hook.execute(before)).toEqual(HookResult.continue());
    before.data.output = 'x';
    expect(await hook.execute(before.child(HookPoint.AfterAgentExecution))).toEqual(HookResult.continue());
    expect(store.size).toBe(0);
  });

  it('reports an input JSON cannot hold as cache.error and continues', async () => {
    const hook = new CachingHook();
    const setup = harness();
    const errors: unknown[] = [];
    setup.events.subscribe('cache.error', (event) => {
      errors.push(event.payload);
    });
    const run = await runOperation(hook, setup, { text: 'q', big: 10n }, async () => 'ok');
    expect(run).toEqual({ output: 'ok', cached: false });
    expect(errors).toEqual([{ operation: 'key', message: expect.stringContaining('BigInt') }]);
  });

  it('treats a corrupted or foreign value under the key as a miss and overwrites it', async () => {
    const store = new MemoryCacheStore();
    const hook = new CachingHook({ store });
    const setup = harness();
    const errors: unknown[] = [];
    setup.events.subscribe('cache.error', (event) => {
      errors.push(event.payload);
    });
    const key = cacheKey(setup.component, { text: 'q' });
    for (const foreign of ['{not json', '"a plain string"', '{"value":1}', 'null']) {
      await store.set(key, foreign, 60_000);
      const run = await runOperation(hook, setup, { text: 'q' }, async () => 'fresh');
      expect(run).toEqual({ output: 'fresh', cached: false });
      expect((await runOperation(hook, setup, { text: 'q' }, async () => 'again')).cached).toBe(true);
    }
    expect(errors).toHaveLength(4);
    expect(errors[0]).toMatchObject({ operation: 'decode', key });
  });

  it('fails open when the store rejects: continue, cache_errors counted, cache.error emitted', async () => {
    const hook = new CachingHook({ store: brokenStore });
    const setup = harness();
    const errors: unknown[] = [];
    setup.events.subscribe('cache.error', (event) => {
      errors.push(event.payload);
    });
    const run = await runOperation(hook, setup, { text: 'q' }, async () => 'answer');
    expect(run).toEqual({ output: 'answer', cached: false });
    expect(setup.metrics.snapshot().cache_errors?.count).toBe(1);
    expect(setup.metrics.snapshot().cache_misses?.count).toBe(1);
    // The lookup failed, so the write is skipped: one failing store costs a call one timeout, not two.
    expect(errors).toEqual([
      {
        operation: 'get',
        key: expect.stringMatching(/^llmspell:cache:/),
        message: 'backend unreachable',
        error: 'backend unreachable',
      },
    ]);
  });

  it('reports a failed write as cache.error and continues', async () => {
    const store = new MemoryCacheStore();
    const hook = new CachingHook({
      store: { ...brokenStore, get: (key) => store.get(key) },
    });
    const setup = harness();
    const errors: unknown[] = [];
    setup.events.subscribe('cache.error', (event) => {
      errors.push(event.payload);
    });
    expect(await runOperation(hook, setup, { text: 'q' }, async () => 'answer')).toEqual({
      output: 'answer',
      cached: false,
    });
    expect(errors).toEqual([expect.objectContaining({ operation: 'set', message: 'backend unreachable' })]);
    expect(setup.metrics.snapshot().cache_errors?.count).toBe(1);
  });

  it('reports an output JSON cannot hold as cache.error and continues', async () => {
    const hook = new CachingHook();
    const setup = harness();
    const errors: unknown[] = [];
    setup.events.subscribe('cache.error', (event) => {
      errors.push(event.payload);
    });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await runOperation(hook, setup, { text: 'q' }, async () => cyclic);
    expect(errors).toEqual([expect.objectContaining({ operation: 'encode' })]);
  });

  describe('single-flight', () => {
    it('runs the operation once for 50 concurrent identical misses; the others answer from its result', async () => {
      const hook = new CachingHook();
      const setup = harness();
      const count = counter();
      const runs = await Promise.all(
        Array.from({ length: 50 }, () =>
          runOperation(hook, setup, { text: 'same question' }, count.operation({ text: 'one answer' }, 50)),
        ),
      );
      expect(count.runs).toBe(1);
      expect(runs.filter((run) => run.cached)).toHaveLength(49);
      for (const run of runs) expect(run.output).toEqual({ text: 'one answer' });
      // Each waiter gets its own copy: mutating one answer cannot change another.
      expect(new Set(runs.map((run) => run.output)).size).toBe(50);
    });

    it('releases the waiters when the first call fails; they run the operation themselves', async () => {
      const hook = new CachingHook();
      const setup = harness();
      let runs = 0;
      const operation = async () => {
        runs++;
        await sleep(50);
        if (runs === 1) throw new Error('first call failed');
        return 'recovered';
      };
      const results = await Promise.allSettled(
        Array.from({ length: 5 }, () => runOperation(hook, setup, { text: 'q' }, operation)),
      );
      expect(results.filter((result) => result.status === 'rejected')).toHaveLength(1);
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(4);
      expect(runs).toBe(5);
    });

    it('releases the waiters after singleFlightWaitMs when the first call never finishes', async () => {
      const hook = new CachingHook({ singleFlightWaitMs: 150 });
      const setup = harness();
      const stuck = new HookContext({
        hookPoint: HookPoint.BeforeAgentExecution,
        componentId: setup.component,
        data: { input: { text: 'q' } },
      });
      expect(await hook.execute(stuck)).toEqual(HookResult.continue());
      const started = Date.now();
      const waiter = await runOperation(hook, setup, { text: 'q' }, async () => 'ran myself');
      const waitedMs = Date.now() - started;
      expect(waiter).toEqual({ output: 'ran myself', cached: false });
      expect(waitedMs).toBeGreaterThanOrEqual(100);
      expect(waitedMs).toBeLessThan(2_000);
    });

    it('stops waiting when the waiting call is aborted', async () => {
      const hook = new CachingHook({ singleFlightWaitMs: 30_000 });
      const setup = harness();
      const first = new HookContext({
        hookPoint: HookPoint.BeforeAgentExecution,
        componentId: setup.component,
        data: { input: { text: 'q' } },
      });
      await hook.execute(first);
      const controller = new AbortController();
      const waiter = new HookContext({
        hookPoint: HookPoint.BeforeAgentExecution,
        componentId: setup.component,
        data: { input: { text: 'q' } },
        signal: controller.signal,
      });
      const pending = hook.execute(waiter);
      setTimeout(() => controller.abort(), 50);
      expect(await pending).toEqual(HookResult.continue());
      await hook.onUnregister();
    });

    it('with singleFlightWaitMs 0, concurrent identical misses all run the operation', async () => {
      const hook = new CachingHook({ singleFlightWaitMs: 0 });
      const setup = harness();
      const count = counter();
      await Promise.all(
        Array.from({ length: 5 }, () => runOperation(hook, setup, { text: 'q' }, count.operation('a', 20))),
      );
      expect(count.runs).toBe(5);
    });

    it('onUnregister releases every waiter at once', async () => {
      const hook = new CachingHook({ singleFlightWaitMs: 30_000 });
      const setup = harness();
      const make = () =>
        new HookContext({
          hookPoint: HookPoint.BeforeAgentExecution,
          componentId: setup.component,
          data: { input: { text: 'q' } },
        });
      await hook.execute(make());
      const waiting = Promise.all([hook.execute(make()), hook.execute(make())]);
      await sleep(20);
      await hook.onUnregister();
      expect(await waiting).toEqual([HookResult.continue(), HookResult.continue()]);
    });
  });

  it('answers continue at points it does not act on', async () => {
    const hook = new CachingHook();
    const context = new HookContext({
      hookPoint: HookPoint.SessionStart,
      componentId: componentId('s', 'system'),
      data: { input: 'x' },
    });
    expect(await hook.execute(context)).toEqual(HookResult.continue());
  });

  it('has id redis-cache and fail-open metadata whose timeout covers the single-flight wait', () => {
    const hook = new CachingHook({ singleFlightWaitMs: 3_000 });
    expect(hook.id).toBe('redis-cache');
    expect(hook.metadata()).toMatchObject({ failurePolicy: 'open', timeoutMs: 4_000 });
  });

  it('rejects bad options with a HookConfigError listing every bad field', () => {
    let thrown: unknown;
    try {
      new CachingHook({
        ttlMs: -1,
        keyPrefix: 5,
        singleFlightWaitMs: 'long',
        store: { get() {} },
        ttl: 10,
      } as never);
    } catch (error) {
      thrown = error;
    }
    expect(HookConfigError.isInstance(thrown)).toBe(true);
    const paths = (thrown as HookConfigError).issues.map((issue) => issue.path).sort();
    expect(paths).toEqual(['/keyPrefix', '/singleFlightWaitMs', '/store', '/ttl', '/ttlMs']);
    expect((thrown as Error).message).toContain('ttlMs');
  });

  it('rejects a ttlJitterMs that is not below ttlMs', () => {
    expect(() => new CachingHook({ ttlMs: 1_000, ttlJitterMs: 1_000 })).toThrow(/ttlJitterMs/);
  });
});

describe('CachingHook on MemoryCacheStore: conformance', () => {
  hookConformanceSuite(it, () => new CachingHook({ singleFlightWaitMs: 200 }), {
    points: [HookPoint.BeforeAgentExecution, HookPoint.AfterAgentExecution, HookPoint.AgentError],
  });
});
