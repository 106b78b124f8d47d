import { AssertionError } from 'node:assert';
import { type Hook, HookPoint, HookResult } from '@llmspell/core';
import { describe, expect, it } from 'vitest';
import { assertHookResult } from './assert-hook-result.js';
import { hookConformanceSuite } from './conformance-suite.js';
import { faultyHook } from './faulty-hook.js';
import { MockCacheHook } from './mock-cache-hook.js';
import { MockContext } from './mock-context.js';

describe('MockContext', () => {
  it('builds a context with the documented defaults', () => {
    const context = new MockContext().build();
    expect(context.hookPoint).toBe(HookPoint.BeforeAgentExecution);
    expect(context.componentId.name).toBe('test-component');
    expect(context.componentId.componentType).toBe('agent');
    expect(context.data).toEqual({});
  });

  it('records emitted events and metrics on the mock', () => {
    const mock = new MockContext()
      .withInput('hi')
      .withComponent('tool-x', 'tool')
      .withMetadata('userId', 'u1');
    const context = mock.withHookPoint(HookPoint.BeforeToolExecution).withData('model', 'gpt-4').build();
    context.emitEvent('test.event', { ok: true });
    context.metrics.increment('calls');
    expect(context.data).toEqual({ input: { text: 'hi' }, model: 'gpt-4' });
    expect(context.metadata).toEqual({ userId: 'u1' });
    expect(mock.events.query('test.*')).toHaveLength(1);
    expect(mock.events.query('test.*')[0]?.componentId?.name).toBe('tool-x');
    expect(mock.metrics.snapshot().calls).toEqual({ count: 1, sum: 1 });
  });

  it('gives every built context its own copy of the data', () => {
    const mock = new MockContext().withInput('same');
    const first = mock.build();
    (first.data.input as { text: string }).text = 'changed';
    expect(mock.build().data.input).toEqual({ text: 'same' });
  });
});

describe('assertHookResult', () => {
  it('passes and narrows on the expected variant', () => {
    let reason = '';
    assertHookResult(HookResult.cancel('nope'), 'cancel', (result) => {
      reason = result.reason;
    });
    expect(reason).toBe('nope');
  });

  it('throws an AssertionError on another variant or on a non-result', () => {
    expect(() => assertHookResult(HookResult.continue(), 'cancel')).toThrow(AssertionError);
    expect(() => assertHookResult({ type: 'cancel' }, 'cancel')).toThrow(/not a HookResult/);
  });
});

describe('MockCacheHook', () => {
  it('answers cache for a stored key and continue otherwise', () => {
    const cache = new MockCacheHook();
    const hit = new MockContext().withInput('cached question').build();
    cache.set(cache.keyFor(hit), { text: 'cached answer' });
    assertHookResult(cache.execute(hit), 'cache', (result) => {
      expect(result.result).toEqual({ text: 'cached answer' });
    });
    assertHookResult(cache.execute(new MockContext().withInput('other').build()), 'continue');
    expect([cache.hits, cache.misses]).toEqual([1, 1]);
  });
});

describe('faultyHook', () => {
  it('throws what it was told to throw, even non-Error values', () => {
    const hook = faultyHook({ throws: 'a string' });
    expect(() => hook.execute(new MockContext().build())).toThrow('a string');
  });

  it('answers garbage when told to', () => {
    const hook = faultyHook({ result: { type: 'nonsense' } });
    expect(HookResult.isHookResult(hook.execute(new MockContext().build()))).toBe(false);
  });

  it('hangs until aborted when delayMs is Infinity', async () => {
    const controller = new AbortController();
    const hook = faultyHook({ delayMs: Number.POSITIVE_INFINITY });
    const pending = hook.execute(new MockContext().withSignal(controller.signal).build());
    controller.abort();
    expect(pending).toBeInstanceOf(Promise);
    expect(hook.aborted).toBe(1);
  });

  it('answers after delayMs', async () => {
    const hook = faultyHook({ delayMs: 5, result: HookResult.cancel('late') });
    assertHookResult(await hook.execute(new MockContext().build()), 'cancel');
  });
});

describe('hookConformanceSuite on a well-behaved hook', () => {
  const timers = new Set<NodeJS.Timeout>();
  hookConformanceSuite(it, () => {
    const hook: Hook = {
      id: 'well-behaved',
      metadata: () => ({ priority: 10 }),
      onRegister() {
        timers.add(setInterval(() => {}, 1_000));
      },
      onUnregister() {
        for (const timer of timers) clearInterval(timer);
        timers.clear();
      },
      execute: (context) => (context.data.input ? HookResult.continue() : HookResult.skipped('no input')),
    };
    return hook;
  });
});

describe('hookConformanceSuite catches broken hooks', () => {
  const recorded: { name: string; fn: () => Promise<void> }[] = [];
  const collect = (name: string, fn: () => Promise<void>) => recorded.push({ name, fn });

  it('fails a fail-open hook that throws on an empty context', async () => {
    recorded.length = 0;
    hookConformanceSuite(collect, () => ({
      id: 'fragile',
      execute: (context) => {
        if (!context.data.input) throw new Error('no input');
        return HookResult.continue();
      },
    }));
    const emptyTest = recorded.find((test) => test.name.includes('empty context'));
    await expect(emptyTest!.fn()).rejects.toThrow(/fail-open hook threw/);
  });

  it('fails a hook that leaves an interval running after onUnregister', async () => {
    recorded.length = 0;
    let leak: NodeJS.Timeout | undefined;
    hookConformanceSuite(
      collect,
      () => ({
        id: 'leaky',
        onRegister() {
          leak = setInterval(() => {}, 1_000);
        },
        execute: () => HookResult.continue(),
      }),
      { handleSettleMs: 100 },
    );
    const leakTest = recorded.find((test) => test.name.includes('open handles'));
    await expect(leakTest!.fn()).rejects.toThrow(/handles still open/);
    clearInterval(leak);
  });
});
