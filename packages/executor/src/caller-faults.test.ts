import { EventBus, HookResult } from '@llmspell/core';
import { describe, expect, it } from 'vitest';
import { hook, makeContext, point, registryWith } from './__fixtures__/hooks.js';
import { HookExecutor } from './hook-executor.js';

describe('circuit breakers count hook faults only', () => {
  it('stays closed when a caller aborts its own calls and the hook gives up on them (abort attack)', async () => {
    const events = new EventBus();
    const guard = hook(
      'guard',
      (context) => {
        context.signal.throwIfAborted();
        return HookResult.continue();
      },
      { failurePolicy: 'closed' },
    );
    const executor = new HookExecutor(await registryWith([guard]), { events });
    for (let attempt = 0; attempt < 10; attempt++) {
      const outcome = await executor.execute(point, makeContext({ signal: AbortSignal.abort() }));
      expect(outcome.result.type).toBe('cancel');
    }
    expect(events.query('hook.circuit_opened')).toEqual([]);
    const alice = await executor.execute(point, makeContext({ signal: new AbortController().signal }));
    expect(alice.result).toEqual({ type: 'continue' });
  });

  it('still opens for a hook that fails on calls nobody aborted', async () => {
    const events = new EventBus();
    const broken = hook('broken', () => {
      throw new Error('down');
    });
    const executor = new HookExecutor(await registryWith([broken]), { events });
    for (let attempt = 0; attempt < 5; attempt++) await executor.execute(point, makeContext());
    expect(events.query('hook.circuit_opened')).toHaveLength(1);
  });
});
