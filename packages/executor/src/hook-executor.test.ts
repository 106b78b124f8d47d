import {
  EventBus,
  HookConfigError,
  HookPoint,
  HookResult,
  HookTimeoutError,
  InMemoryMetrics,
  LlmspellError,
} from '@llmspell/core';
import { HookRegistry } from '@llmspell/registry';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { delay, hook, makeContext, never, point, registryWith } from './__fixtures__/hooks.js';
import { InvalidHookResultError } from './errors/invalid-hook-result-error.js';
import { HookExecutor } from './hook-executor.js';

/** A hook that notes its id in `ran` and answers `result`. */
function tracked(ran: string[], id: string, result: HookResult) {
  return hook(id, () => {
    ran.push(id);
    return result;
  });
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('HookExecutor result semantics', () => {
  it('resolves continue with no records at a point without hooks', async () => {
    const executor = new HookExecutor(new HookRegistry());
    const outcome = await executor.execute(point, makeContext());
    expect(outcome).toEqual({ result: { type: 'continue' }, records: [] });
  });

  it('goes on past continue and skipped and resolves continue when no hook modified', async () => {
    const ran: string[] = [];
    const registry = await registryWith([
      tracked(ran, 'a', HookResult.continue()),
      tracked(ran, 'b', HookResult.skipped('not today')),
      tracked(ran, 'c', HookResult.continue()),
    ]);
    const outcome = await new HookExecutor(registry).execute(point, makeContext());
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(outcome.result).toEqual({ type: 'continue' });
    expect(outcome.records.map((record) => [record.hookId, record.result.type])).toEqual([
      ['a', 'continue'],
      ['b', 'skipped'],
      ['c', 'continue'],
    ]);
  });

  it('merge-patches modified data into context.data so the next hook sees it, and resolves modified', async () => {
    let seenByB: unknown;
    const registry = await registryWith([
      hook('a', () => HookResult.modified({ input: { text: 'patched', extra: 1 }, drop: null, added: true })),
      hook('b', (context) => {
        seenByB = structuredClone(context.data);
        return HookResult.modified({ input: { extra: null } });
      }),
    ]);
    const context = makeContext({ data: { input: { text: 'original', keep: 'yes' }, drop: 'me' } });
    const outcome = await new HookExecutor(registry).execute(point, context);
    expect(seenByB).toEqual({ input: { text: 'patched', keep: 'yes', extra: 1 }, added: true });
    expect(context.data).toEqual({ input: { text: 'patched', keep: 'yes' }, added: true });
    expect(outcome.result).toEqual({ type: 'modified', data: context.data });
  });

  const stoppingResults: HookResult[] = [
    HookResult.cancel('no'),
    HookResult.cache({ result: { text: 'cached' }, ttlMs: 1000 }),
    HookResult.replace({ text: 'replaced' }),
    HookResult.redirect('other-agent'),
    HookResult.retry({ delayMs: 10, maxAttempts: 3 }),
    HookResult.fork([{ id: 'f1', operationType: 'summarize', parameters: { n: 1 } }]),
  ];
  for (const stop of stoppingResults) {
    it(`stops at a ${stop.type} result, which becomes the outcome, and runs no later hook`, async () => {
      const later = vi.fn(() => HookResult.continue());
      const registry = await registryWith([
        hook('first', () => HookResult.modified({ touched: true })),
        hook('stopper', async () => stop),
        hook('later', later),
      ]);
      const outcome = await new HookExecutor(registry).execute(point, makeContext());
      expect(outcome.result).toBe(stop);
      expect(later).not.toHaveBeenCalled();
      expect(outcome.records.map((record) => record.hookId)).toEqual(['first', 'stopper']);
    });
  }

  it('runs hooks in priority order, lower first, equal priorities in registration order', async () => {
    const ran: string[] = [];
    const registry = new HookRegistry();
    const make = (id: string) => tracked(ran, id, HookResult.continue());
    await registry.register(point, make('normal-1'), 0);
    await registry.register(point, make('low'), 100);
    await registry.register(point, make('highest'), -1000);
    await registry.register(point, make('normal-2'), 0);
    await new HookExecutor(registry).execute(point, makeContext());
    expect(ran).toEqual(['highest', 'normal-1', 'normal-2', 'low']);
  });

  it('runs sync hooks without awaiting: every sync hook has run when execute() returns', async () => {
    const ran: string[] = [];
    const registry = await registryWith([
      tracked(ran, 'a', HookResult.continue()),
      tracked(ran, 'b', HookResult.modified({ b: 1 })),
      tracked(ran, 'c', HookResult.continue()),
    ]);
    const pending = new HookExecutor(registry).execute(point, makeContext());
    expect(ran).toEqual(['a', 'b', 'c']);
    expect((await pending).result).toEqual({ type: 'modified', data: { b: 1 } });
  });

  it('keeps order and merging across a mix of sync and async hooks', async () => {
    const registry = await registryWith([
      hook('sync-1', () => HookResult.modified({ trail: ['sync-1'] })),
      hook('async-1', async (context) => {
        await delay(5);
        return HookResult.modified({ trail: [...(context.data.trail as string[]), 'async-1'] });
      }),
      hook('sync-2', (context) =>
        HookResult.modified({ trail: [...(context.data.trail as string[]), 'sync-2'] }),
      ),
    ]);
    const context = makeContext();
    const outcome = await new HookExecutor(registry).execute(point, context);
    expect(context.data.trail).toEqual(['sync-1', 'async-1', 'sync-2']);
    expect(outcome.records.every((record) => record.durationMs >= 0)).toBe(true);
  });
});

describe('HookExecutor failures', () => {
  it('records a throwing hook with its error and goes on under the default fail-open policy', async () => {
    const boom = new Error('boom');
    const registry = await registryWith([
      hook('thrower', () => {
        throw boom;
      }),
      hook('next', () => HookResult.modified({ reached: true })),
    ]);
    const outcome = await new HookExecutor(registry).execute(point, makeContext());
    expect(outcome.records[0]).toMatchObject({
      hookId: 'thrower',
      result: { type: 'continue' },
      error: boom,
    });
    expect(outcome.result).toEqual({ type: 'modified', data: { reached: true } });
  });

  it('records a rejecting hook with its error and goes on', async () => {
    const registry = await registryWith([
      hook('rejecter', async () => {
        throw new RangeError('nope');
      }),
      hook('next', () => HookResult.continue()),
    ]);
    const outcome = await new HookExecutor(registry).execute(point, makeContext());
    expect(outcome.records[0]!.error).toBeInstanceOf(RangeError);
    expect(outcome.records.map((record) => record.hookId)).toEqual(['rejecter', 'next']);
  });

  it('wraps a thrown non-Error value in an LlmspellError whose cause is the value', async () => {
    const registry = await registryWith([
      hook('string-thrower', () => {
        throw 'plain string';
      }),
      hook('object-rejecter', () => Promise.reject({ code: 42 })),
    ]);
    const outcome = await new HookExecutor(registry).execute(point, makeContext());
    const [first, second] = outcome.records;
    expect(LlmspellError.isInstance(first!.error)).toBe(true);
    expect(first!.error!.message).toContain("Hook 'string-thrower' threw a non-Error value: plain string");
    expect(first!.error!.cause).toBe('plain string');
    expect(second!.error!.message).toContain('{"code":42}');
    expect(second!.error!.cause).toEqual({ code: 42 });
  });

  it('records an answer that is not a HookResult as an InvalidHookResultError', async () => {
    const registry = await registryWith([
      hook('undefined', () => undefined),
      hook('number', () => 42),
      hook('bad-type', () => ({ type: 'teleport' })),
      hook('bad-field', async () => ({ type: 'cancel', reason: 7 })),
      hook('fine', () => HookResult.continue()),
    ]);
    const outcome = await new HookExecutor(registry).execute(point, makeContext());
    const errors = outcome.records.map((record) => record.error);
    expect(errors.slice(0, 4).every((error) => error instanceof InvalidHookResultError)).toBe(true);
    expect(errors[2]!.message).toContain(
      "Hook 'bad-type' at BeforeAgentExecution returned a malformed result",
    );
    expect(errors[4]).toBeUndefined();
    expect(outcome.result).toEqual({ type: 'continue' });
  });

  it('stops with cancel naming the hook and the error when a fail-closed hook throws', async () => {
    const later = vi.fn(() => HookResult.continue());
    const registry = await registryWith([
      hook(
        'guard',
        () => {
          throw new Error('validator crashed');
        },
        { failurePolicy: 'closed' },
      ),
      hook('later', later),
    ]);
    const outcome = await new HookExecutor(registry).execute(point, makeContext());
    expect(outcome.result).toEqual({ type: 'cancel', reason: "Hook 'guard' failed: validator crashed" });
    expect(outcome.records[0]!.result).toEqual(outcome.result);
    expect(later).not.toHaveBeenCalled();
  });

  it('stops with cancel when a fail-closed hook answers garbage', async () => {
    const registry = await registryWith([hook('guard', () => 'yes', { failurePolicy: 'closed' })]);
    const outcome = await new HookExecutor(registry).execute(point, makeContext());
    expect(outcome.result.type).toBe('cancel');
    expect(outcome.result.type === 'cancel' && outcome.result.reason).toContain("Hook 'guard' failed:");
  });

  it('abandons a hook that never resolves at its deadline, aborts its signal and goes on', async () => {
    let hungSignal: AbortSignal | undefined;
    const registry = await registryWith([
      hook('hung', (context) => {
        hungSignal = context.signal;
        return never();
      }),
      hook('next', () => HookResult.modified({ reached: true })),
    ]);
    const executor = new HookExecutor(registry, { defaultTimeoutMs: 100 });
    const startedAt = performance.now();
    const outcome = await executor.execute(point, makeContext());
    const elapsedMs = performance.now() - startedAt;
    expect(elapsedMs).toBeGreaterThanOrEqual(95);
    expect(elapsedMs).toBeLessThan(100 + 900);
    expect(hungSignal!.aborted).toBe(true);
    expect(hungSignal!.reason).toBeInstanceOf(HookTimeoutError);
    expect(outcome.records[0]!.error).toBeInstanceOf(HookTimeoutError);
    expect(outcome.result).toEqual({ type: 'modified', data: { reached: true } });
  });

  it("uses a hook's metadata().timeoutMs over the executor default", async () => {
    const registry = await registryWith([hook('quick-deadline', () => never(), { timeoutMs: 30 })]);
    const executor = new HookExecutor(registry, { defaultTimeoutMs: 60_000 });
    const startedAt = performance.now();
    const outcome = await executor.execute(point, makeContext());
    expect(performance.now() - startedAt).toBeLessThan(30 + 900);
    expect((outcome.records[0]!.error as HookTimeoutError).timeoutMs).toBe(30);
  });

  it('gives a hook that reads its signal only after its timeout an already-aborted signal', async () => {
    let lateSignal: AbortSignal | undefined;
    const registry = await registryWith([
      hook('late-reader', async (context) => {
        await delay(80);
        lateSignal = context.signal;
        return HookResult.continue();
      }),
    ]);
    await new HookExecutor(registry, { defaultTimeoutMs: 20 }).execute(point, makeContext());
    await delay(120);
    expect(lateSignal!.aborted).toBe(true);
    expect(lateSignal!.reason).toBeInstanceOf(HookTimeoutError);
  });

  it('stops with cancel when a fail-closed hook times out', async () => {
    const registry = await registryWith([
      hook('slow-guard', () => never(), { failurePolicy: 'closed', timeoutMs: 20 }),
    ]);
    const outcome = await new HookExecutor(registry).execute(point, makeContext());
    expect(outcome.result).toEqual({ type: 'cancel', reason: "Hook 'slow-guard' timed out after 20 ms" });
  });

  it('never turns the late rejection of an abandoned hook into an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const registry = await registryWith([
        hook('late-failure', async () => {
          await delay(60);
          throw new Error('too late');
        }),
      ]);
      const outcome = await new HookExecutor(registry, { defaultTimeoutMs: 20 }).execute(
        point,
        makeContext(),
      );
      expect(outcome.records[0]!.error).toBeInstanceOf(HookTimeoutError);
      await delay(150);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it("abandons the in-flight hook when the caller aborts, aborting the hook's signal with the caller's reason", async () => {
    const controller = new AbortController();
    let hookSignal: AbortSignal | undefined;
    const later = vi.fn(() => HookResult.continue());
    const registry = await registryWith([
      hook('hung', (context) => {
        hookSignal = context.signal;
        return never();
      }),
      hook('later', later),
    ]);
    const executor = new HookExecutor(registry, { defaultTimeoutMs: 60_000 });
    const pending = executor.execute(point, makeContext({ signal: controller.signal }));
    const reason = new Error('user went away');
    setTimeout(() => controller.abort(reason), 20);
    const outcome = await pending;
    expect(outcome.result).toEqual({
      type: 'cancel',
      reason: "Aborted by the caller while hook 'hung' was running",
    });
    expect(outcome.records[0]!.error).toBe(reason);
    expect(hookSignal!.reason).toBe(reason);
    expect(later).not.toHaveBeenCalled();
  });

  it('stops at the first async hook when the caller had already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    const registry = await registryWith([
      hook('sync', () => HookResult.continue()),
      hook('async', () => never()),
    ]);
    const outcome = await new HookExecutor(registry).execute(
      point,
      makeContext({ signal: controller.signal }),
    );
    expect(outcome.records.map((record) => record.hookId)).toEqual(['sync', 'async']);
    expect(outcome.result.type).toBe('cancel');
  });

  it('creates no AbortController for hooks that never read context.signal', async () => {
    const caller = new AbortController();
    const registry = await registryWith([
      hook('sync', () => HookResult.continue()),
      hook('async', async () => HookResult.continue()),
    ]);
    const executor = new HookExecutor(registry);
    const context = makeContext({ signal: caller.signal });
    let created = 0;
    const Original = globalThis.AbortController;
    globalThis.AbortController = class extends Original {
      constructor() {
        super();
        created++;
      }
    };
    try {
      await executor.execute(point, context);
    } finally {
      globalThis.AbortController = Original;
    }
    expect(created).toBe(0);
  });

  it('rejects with a TypeError when not given a HookContext, instead of blaming the hooks', async () => {
    const registry = await registryWith([hook('a', () => HookResult.continue())]);
    await expect(new HookExecutor(registry).execute(point, { data: {} } as never)).rejects.toThrow(
      'needs a HookContext',
    );
  });

  it('keeps dispatching when the event sink or metrics recorder throws', async () => {
    const brokenSink = {
      publish() {
        throw new Error('sink down');
      },
    };
    const brokenMetrics = {
      increment() {
        throw new Error('metrics down');
      },
      observe() {
        throw new Error('metrics down');
      },
    };
    const registry = await registryWith([hook('a', () => HookResult.modified({ ok: true }))]);
    const executor = new HookExecutor(registry, { events: brokenSink, metrics: brokenMetrics });
    const outcome = await executor.execute(point, makeContext());
    expect(outcome.result).toEqual({ type: 'modified', data: { ok: true } });
  });
});

describe('HookExecutor events, metrics and stats', () => {
  it('publishes hook.executed per hook with the context correlation id, component and point', async () => {
    const events = new EventBus();
    const registry = await registryWith([
      hook('a', () => HookResult.continue()),
      hook('b', async () => HookResult.replace('x')),
    ]);
    const context = makeContext();
    await new HookExecutor(registry, { events }).execute(point, context);
    const executed = events.query('hook.executed');
    expect(executed.map((event) => event.payload)).toEqual([
      { hookId: 'a', hookPoint: point, resultType: 'continue', durationMs: expect.any(Number) },
      { hookId: 'b', hookPoint: point, resultType: 'replace', durationMs: expect.any(Number) },
    ]);
    expect(executed[0]).toMatchObject({
      correlationId: context.correlationId,
      componentId: context.componentId,
      hookPoint: point,
    });
  });

  it('publishes hook.failed and hook.timeout for failures and timeouts', async () => {
    const events = new EventBus();
    const registry = await registryWith([
      hook('thrower', () => {
        throw new Error('boom');
      }),
      hook('hung', () => never(), { timeoutMs: 20 }),
    ]);
    await new HookExecutor(registry, { events }).execute(point, makeContext());
    expect(events.query('hook.failed')[0]!.payload).toMatchObject({
      hookId: 'thrower',
      error: 'boom',
      errorName: 'Error',
      failurePolicy: 'open',
    });
    expect(events.query('hook.timeout')[0]!.payload).toMatchObject({ hookId: 'hung', timeoutMs: 20 });
  });

  it("publishes to the context's event sink when the executor has none", async () => {
    const events = new EventBus();
    const registry = await registryWith([hook('a', () => HookResult.continue())]);
    await new HookExecutor(registry).execute(point, makeContext({ events }));
    expect(events.query('hook.executed')).toHaveLength(1);
  });

  it('counts executions, failures and timeouts per hook and point, and observes durations', async () => {
    const metrics = new InMemoryMetrics();
    const registry = await registryWith([
      hook('ok', () => HookResult.continue()),
      hook('thrower', () => {
        throw new Error('boom');
      }),
      hook('hung', () => never(), { timeoutMs: 20 }),
    ]);
    const executor = new HookExecutor(registry, { metrics, timingSampleInterval: 1 });
    await executor.execute(point, makeContext());
    await executor.execute(point, makeContext());
    const snapshot = metrics.snapshot();
    expect(snapshot.hook_executions!.byLabels).toEqual({
      [`hookId=ok,hookPoint=${point}`]: 2,
      [`hookId=thrower,hookPoint=${point}`]: 2,
      [`hookId=hung,hookPoint=${point}`]: 2,
    });
    expect(snapshot.hook_failures!.count).toBe(2);
    expect(snapshot.hook_timeouts!.count).toBe(2);
    expect(snapshot.hook_duration_ms!.count).toBeGreaterThanOrEqual(4);
  });

  it('reports calls, failures, timeouts and duration percentiles per hook in stats()', async () => {
    vi.useFakeTimers();
    const durations = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    let call = 0;
    const registry = await registryWith([
      hook('measured', () => {
        vi.advanceTimersByTime(durations[call++ % durations.length]!);
        return HookResult.continue();
      }),
      hook('flaky', () => {
        if (call % 2 === 0) throw new Error('odd');
        return HookResult.continue();
      }),
    ]);
    const executor = new HookExecutor(registry, { timingSampleInterval: 1, circuitBreaker: false });
    for (let index = 0; index < 10; index++) await executor.execute(point, makeContext());
    const stats = executor.stats();
    const measured = stats.find((entry) => entry.hookId === 'measured')!;
    expect(measured).toMatchObject({ hookPoint: point, calls: 10, failures: 0, timeouts: 0, skips: 0 });
    expect(measured.p50Ms).toBeCloseTo(5, 5);
    expect(measured.p95Ms).toBeCloseTo(10, 5);
    expect(measured.p99Ms).toBeCloseTo(10, 5);
    expect(stats.find((entry) => entry.hookId === 'flaky')).toMatchObject({ calls: 10, failures: 5 });
  });

  it('times only a sample of sync calls (one in timingSampleInterval)', async () => {
    const registry = await registryWith([hook('fast', () => HookResult.continue())]);
    const executor = new HookExecutor(registry, { timingSampleInterval: 64 });
    for (let index = 0; index < 640; index++) await executor.execute(point, makeContext());
    const [stats] = executor.stats();
    expect(stats!.calls).toBe(640);
    // 10 samples, plus the call after any sample that happened to be slow on a busy machine.
    expect(stats!.timedCalls).toBeGreaterThanOrEqual(10);
    expect(stats!.timedCalls).toBeLessThan(40);
  });

  it('reports no stats before any hook ran', () => {
    const executor = new HookExecutor(new HookRegistry());
    expect(executor.stats()).toEqual([]);
  });
});

describe('HookExecutor options', () => {
  it('throws HookConfigError listing every bad field', () => {
    const attempt = () =>
      new HookExecutor(new HookRegistry(), {
        defaultTimeoutMs: -1,
        circuitBreaker: { failureThreshold: 0, windowMs: 'soon' as unknown as number },
        logger: { warn() {} } as never,
        bogus: true,
      } as never);
    expect(attempt).toThrow(HookConfigError);
    try {
      attempt();
    } catch (error) {
      expect((error as HookConfigError).issues.map((issue) => issue.path).sort()).toEqual(
        [
          '/bogus',
          '/circuitBreaker/failureThreshold',
          '/circuitBreaker/windowMs',
          '/defaultTimeoutMs',
          '/logger',
        ].sort(),
      );
    }
  });

  it('refuses a timeout setTimeout cannot honour', () => {
    expect(() => new HookExecutor(new HookRegistry(), { defaultTimeoutMs: 2 ** 31 })).toThrow(
      HookConfigError,
    );
  });

  it('accepts circuitBreaker: false and runs without breakers', async () => {
    const registry = await registryWith([
      hook('always-fails', () => {
        throw new Error('boom');
      }),
    ]);
    const executor = new HookExecutor(registry, { circuitBreaker: false });
    for (let index = 0; index < 20; index++) await executor.execute(point, makeContext());
    expect(executor.stats()[0]).toMatchObject({ calls: 20, failures: 20, skips: 0, circuitState: 'closed' });
  });

  it('falls back to the default timeout when metadata().timeoutMs is unusable, with a warning', async () => {
    const warn = vi.fn();
    const logger = { debug() {}, info() {}, warn, error() {} };
    const registry = await registryWith([hook('weird', () => never(), { timeoutMs: -5 })]);
    const executor = new HookExecutor(registry, { defaultTimeoutMs: 25, logger });
    const outcome = await executor.execute(HookPoint.BeforeAgentExecution, makeContext());
    expect((outcome.records[0]!.error as HookTimeoutError).timeoutMs).toBe(25);
    expect(warn.mock.calls.some(([, message]) => String(message).includes('metadata().timeoutMs -5'))).toBe(
      true,
    );
  });
});
