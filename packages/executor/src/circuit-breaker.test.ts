import { EventBus, HookConfigError, HookResult } from '@llmspell/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { hook, makeContext, point, registryWith } from './__fixtures__/hooks.js';
import { CircuitBreaker, resolveCircuitBreakerConfig } from './circuit-breaker.js';
import { HookExecutor } from './hook-executor.js';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

/** A hook whose behaviour the test switches: 'ok', 'fail' (throws) or 'slow' (takes 150 ms of fake time). */
function switchableHook(id: string, failurePolicy: 'open' | 'closed' = 'open') {
  const control = { mode: 'ok' as 'ok' | 'fail' | 'slow', calls: 0 };
  const target = hook(
    id,
    () => {
      control.calls++;
      if (control.mode === 'fail') throw new Error('down');
      if (control.mode === 'slow') vi.advanceTimersByTime(150);
      return HookResult.continue();
    },
    { failurePolicy },
  );
  return { control, target };
}

describe('circuit breaker', () => {
  it('opens after failureThreshold failures in the window and then skips the hook', async () => {
    const events = new EventBus();
    const { control, target } = switchableHook('flaky');
    const executor = new HookExecutor(await registryWith([target]), {
      events,
      circuitBreaker: { failureThreshold: 3 },
    });
    control.mode = 'fail';
    for (let index = 0; index < 3; index++) await executor.execute(point, makeContext());
    expect(events.query('hook.circuit_opened')[0]!.payload).toMatchObject({
      hookId: 'flaky',
      hookPoint: point,
      reason: 'failures',
    });
    control.mode = 'ok';
    const outcome = await executor.execute(point, makeContext());
    expect(control.calls).toBe(3);
    expect(outcome.records[0]!.result).toEqual({
      type: 'skipped',
      reason: 'Circuit breaker open for hook: flaky',
    });
    expect(outcome.result).toEqual({ type: 'continue' });
    expect(executor.stats()[0]).toMatchObject({ calls: 3, failures: 3, skips: 1, circuitState: 'open' });
  });

  it('yields cancel with the breaker reason for an open fail-closed hook', async () => {
    const { control, target } = switchableHook('guard', 'closed');
    const executor = new HookExecutor(await registryWith([target]), {
      circuitBreaker: { failureThreshold: 2 },
    });
    control.mode = 'fail';
    await executor.execute(point, makeContext());
    await executor.execute(point, makeContext());
    control.mode = 'ok';
    const outcome = await executor.execute(point, makeContext());
    expect(outcome.result).toEqual({ type: 'cancel', reason: 'Circuit breaker open for hook: guard' });
    expect(control.calls).toBe(2);
  });

  it('does not open when the failures are spread wider than windowMs', async () => {
    const { control, target } = switchableHook('sometimes');
    const executor = new HookExecutor(await registryWith([target]), {
      circuitBreaker: { failureThreshold: 3, windowMs: 1000 },
    });
    control.mode = 'fail';
    for (let index = 0; index < 6; index++) {
      await executor.execute(point, makeContext());
      vi.advanceTimersByTime(600);
    }
    expect(control.calls).toBe(6);
    expect(executor.stats()[0]!.circuitState).toBe('closed');
  });

  it('lets probes through after openMs and closes after halfOpenSuccesses successes', async () => {
    const events = new EventBus();
    const { control, target } = switchableHook('recovering');
    const executor = new HookExecutor(await registryWith([target]), {
      events,
      circuitBreaker: { failureThreshold: 2, openMs: 5000, halfOpenSuccesses: 2 },
    });
    control.mode = 'fail';
    await executor.execute(point, makeContext());
    await executor.execute(point, makeContext());
    control.mode = 'ok';
    vi.advanceTimersByTime(4999);
    await executor.execute(point, makeContext());
    expect(control.calls).toBe(2);
    vi.advanceTimersByTime(1);
    await executor.execute(point, makeContext());
    expect(control.calls).toBe(3);
    expect(executor.stats()[0]!.circuitState).toBe('half-open');
    expect(events.query('hook.circuit_closed')).toHaveLength(0);
    await executor.execute(point, makeContext());
    expect(executor.stats()[0]!.circuitState).toBe('closed');
    expect(events.query('hook.circuit_closed')[0]!.payload).toEqual({
      hookId: 'recovering',
      hookPoint: point,
    });
  });

  it('reopens on one failed half-open probe', async () => {
    const events = new EventBus();
    const { control, target } = switchableHook('relapsing');
    const executor = new HookExecutor(await registryWith([target]), {
      events,
      circuitBreaker: { failureThreshold: 2, openMs: 1000, halfOpenSuccesses: 3 },
    });
    control.mode = 'fail';
    await executor.execute(point, makeContext());
    await executor.execute(point, makeContext());
    vi.advanceTimersByTime(1000);
    control.mode = 'ok';
    await executor.execute(point, makeContext());
    control.mode = 'fail';
    await executor.execute(point, makeContext());
    expect(executor.stats()[0]!.circuitState).toBe('open');
    expect(
      events.query('hook.circuit_opened').map((event) => (event.payload as { reason: string }).reason),
    ).toEqual(['failures', 'probe_failed']);
    control.mode = 'ok';
    await executor.execute(point, makeContext());
    expect(control.calls).toBe(4);
  });

  it('opens on slowCallThreshold slow calls of a fail-open hook', async () => {
    const events = new EventBus();
    const { control, target } = switchableHook('sluggish');
    const executor = new HookExecutor(await registryWith([target]), {
      events,
      circuitBreaker: { slowCallMs: 100, slowCallThreshold: 3 },
    });
    control.mode = 'slow';
    for (let index = 0; index < 3; index++) await executor.execute(point, makeContext());
    expect(executor.stats()[0]!.circuitState).toBe('open');
    expect(events.query('hook.circuit_opened')[0]!.payload).toMatchObject({ reason: 'slow_calls' });
  });

  it('never opens on slow calls of a fail-closed hook', async () => {
    const { control, target } = switchableHook('thorough-guard', 'closed');
    const executor = new HookExecutor(await registryWith([target]), {
      circuitBreaker: { slowCallMs: 100, slowCallThreshold: 3 },
    });
    control.mode = 'slow';
    for (let index = 0; index < 10; index++) await executor.execute(point, makeContext());
    expect(executor.stats()[0]).toMatchObject({ calls: 10, circuitState: 'closed' });
  });

  it("uses a hook's metadata().slowCallMs instead of the executor's slow-call threshold", async () => {
    const waits = { calls: 0 };
    const patient = hook(
      'patient-cache',
      () => {
        waits.calls++;
        vi.advanceTimersByTime(150);
        return HookResult.continue();
      },
      { slowCallMs: 1_000 },
    );
    const executor = new HookExecutor(await registryWith([patient]), {
      circuitBreaker: { slowCallMs: 100, slowCallThreshold: 3 },
    });
    for (let index = 0; index < 10; index++) await executor.execute(point, makeContext());
    expect(executor.stats()[0]).toMatchObject({ calls: 10, circuitState: 'closed' });
  });

  it('counts timeouts of async hooks as failures', async () => {
    const target = hook('hangs', () => new Promise(() => {}), { timeoutMs: 50 });
    const executor = new HookExecutor(await registryWith([target]), {
      circuitBreaker: { failureThreshold: 2 },
    });
    for (let index = 0; index < 2; index++) {
      const pending = executor.execute(point, makeContext());
      await vi.advanceTimersByTimeAsync(50);
      expect((await pending).records[0]!.error?.name).toBe('HookTimeoutError');
    }
    expect(executor.stats()[0]).toMatchObject({ timeouts: 2, circuitState: 'open' });
  });

  it('keeps a separate circuit per point for the same hook', async () => {
    const { control, target } = switchableHook('shared');
    const registry = await registryWith([target]);
    await registry.register('AfterAgentExecution', target);
    const executor = new HookExecutor(registry, { circuitBreaker: { failureThreshold: 1 } });
    control.mode = 'fail';
    await executor.execute(point, makeContext());
    control.mode = 'ok';
    await executor.execute('AfterAgentExecution', makeContext({ hookPoint: 'AfterAgentExecution' }));
    expect(control.calls).toBe(2);
    const states = Object.fromEntries(executor.stats().map((entry) => [entry.hookPoint, entry.circuitState]));
    expect(states).toEqual({ [point]: 'open', AfterAgentExecution: 'closed' });
  });
});

describe('CircuitBreaker config', () => {
  it('fills the documented defaults', () => {
    expect(resolveCircuitBreakerConfig(undefined)).toEqual({
      failureThreshold: 5,
      slowCallMs: 100,
      slowCallThreshold: 5,
      windowMs: 30_000,
      openMs: 15_000,
      halfOpenSuccesses: 2,
    });
  });

  it('lists every bad field in one HookConfigError', () => {
    try {
      resolveCircuitBreakerConfig({ failureThreshold: 1.5, slowCallMs: 0, openMs: Number.NaN, typo: 1 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(HookConfigError);
      expect((error as HookConfigError).issues.map((issue) => issue.path)).toEqual([
        '/typo',
        '/failureThreshold',
        '/slowCallMs',
        '/openMs',
      ]);
    }
  });

  it('counts exactly threshold events within the window, sliding', () => {
    const breaker = new CircuitBreaker(resolveCircuitBreakerConfig({ failureThreshold: 3, windowMs: 100 }));
    expect(breaker.onFailure(0)).toBeUndefined();
    expect(breaker.onFailure(50)).toBeUndefined();
    expect(breaker.onFailure(101)).toBeUndefined(); // the first has slid out
    expect(breaker.onFailure(140)).toBe('opened'); // 50, 101, 140 are within 100 ms
  });
});
