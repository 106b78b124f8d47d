import { HookPoint } from '@llmspell/core';
import { assertHookResult, MockContext } from '@llmspell/testing';
import { describe, expect, it } from 'vitest';
import { CachingHook } from './caching-hook.js';

describe('CachingHook on a synchronous store', () => {
  it('answers miss, write and hit without a promise, so the executor stays on its sync path', () => {
    const hook = new CachingHook();
    const state = new Map<string, unknown>();
    const mock = new MockContext().withInput('same question').withState(state);
    const miss = hook.execute(mock.withHookPoint(HookPoint.BeforeAgentExecution).build());
    expect(miss).not.toBeInstanceOf(Promise);
    assertHookResult(miss, 'continue');
    const write = hook.execute(
      mock.withHookPoint(HookPoint.AfterAgentExecution).withData('output', { text: 'answer' }).build(),
    );
    expect(write).not.toBeInstanceOf(Promise);
    const hit = hook.execute(
      new MockContext().withInput('same question').withHookPoint(HookPoint.BeforeAgentExecution).build(),
    );
    expect(hit).not.toBeInstanceOf(Promise);
    assertHookResult(hit, 'cache', (result) => expect(result.result).toEqual({ text: 'answer' }));
    expect(mock.metrics.snapshot()).toMatchObject({ cache_misses: { count: 1 }, cache_writes: { count: 1 } });
  });

  it('still answers with a promise for a store that returns promises', async () => {
    const hook = new CachingHook({
      store: {
        get: async () => undefined,
        set: async () => {},
        delete: async () => false,
        close: async () => {},
      },
    });
    const answer = hook.execute(new MockContext().withInput('q').build());
    expect(answer).toBeInstanceOf(Promise);
    assertHookResult(await answer, 'continue');
  });
});
