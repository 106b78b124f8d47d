import { EventBus, HookConfigError, HookResult, InMemoryMetrics } from '@llmspell/core';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { hook, makeContext, point, registryWith } from './__fixtures__/hooks.js';
import { HookExecutor } from './hook-executor.js';
import { withTiming } from './with-timing.js';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

function logger() {
  return { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
}

describe('withTiming', () => {
  it('observes the duration of every call under the hook id and point', () => {
    const metrics = new InMemoryMetrics();
    const timed = withTiming(
      hook('work', () => {
        vi.advanceTimersByTime(30);
        return HookResult.continue();
      }),
      { metrics, logger: logger() },
    );
    expect(timed.execute(makeContext())).toEqual({ type: 'continue' });
    expect(metrics.snapshot().hook_timing_ms).toEqual({
      count: 1,
      sum: 30,
      byLabels: { [`hookId=work,hookPoint=${point}`]: 30 },
    });
  });

  it('warns, counts and emits hook.slow when a call takes at least slowMs', async () => {
    const metrics = new InMemoryMetrics();
    const events = new EventBus();
    const log = logger();
    const timed = withTiming(
      hook('slow', async () => {
        await new Promise((resolve) => setTimeout(resolve, 250));
        return HookResult.modified({ done: true });
      }),
      { metrics, slowMs: 200, logger: log },
    );
    const pending = timed.execute(makeContext({ events }));
    await vi.advanceTimersByTimeAsync(250);
    expect(await pending).toEqual({ type: 'modified', data: { done: true } });
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(String(log.warn.mock.calls[0]![1])).toContain("Slow hook 'slow'");
    expect(metrics.snapshot().hook_slow_calls!.count).toBe(1);
    expect(events.query('hook.slow')[0]!.payload).toMatchObject({
      hookId: 'slow',
      durationMs: 250,
      slowMs: 200,
    });
  });

  it('does not warn about a call faster than slowMs', () => {
    const log = logger();
    const timed = withTiming(
      hook('fast', () => HookResult.continue()),
      { slowMs: 100, logger: log },
    );
    timed.execute(makeContext());
    expect(log.warn).not.toHaveBeenCalled();
  });

  it('records the duration of a failing call and rethrows its error', async () => {
    const metrics = new InMemoryMetrics();
    const failure = new Error('inner failed');
    const timedSync = withTiming(
      hook('sync-fail', () => {
        throw failure;
      }),
      { metrics, logger: logger() },
    );
    const timedAsync = withTiming(
      hook('async-fail', async () => {
        throw failure;
      }),
      { metrics, logger: logger() },
    );
    expect(() => timedSync.execute(makeContext())).toThrow(failure);
    await expect(timedAsync.execute(makeContext())).rejects.toBe(failure);
    expect(metrics.snapshot().hook_timing_ms!.count).toBe(2);
  });

  it('keeps the id, metadata and lifecycle of the wrapped hook', async () => {
    const onUnregister = vi.fn();
    const inner = { ...hook('inner', () => HookResult.continue(), { priority: -100 }), onUnregister };
    const timed = withTiming(inner, { logger: logger() });
    expect(timed.id).toBe('inner');
    expect(timed.metadata?.()).toEqual({ priority: -100 });
    const registry = await registryWith([timed]);
    await registry.unregister(point, 'inner');
    expect(onUnregister).toHaveBeenCalledTimes(1);
  });

  it('runs inside an executor like the hook it wraps', async () => {
    const registry = await registryWith([
      withTiming(
        hook('inner', () => HookResult.cancel('stop')),
        { logger: logger() },
      ),
    ]);
    const outcome = await new HookExecutor(registry).execute(point, makeContext());
    expect(outcome.result).toEqual({ type: 'cancel', reason: 'stop' });
  });

  it('throws only HookConfigError for random options', () => {
    const target = hook('x', () => HookResult.continue());
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.record(
            {
              metrics: fc.anything(),
              slowMs: fc.anything(),
              logger: fc.anything(),
              metricName: fc.anything(),
            },
            { requiredKeys: [] },
          ),
        ),
        (options) => {
          try {
            withTiming(target, options as never);
          } catch (error) {
            expect(error).toBeInstanceOf(HookConfigError);
          }
        },
      ),
    );
  });
});
