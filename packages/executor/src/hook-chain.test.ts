import { HookRegistrationError, HookResult } from '@llmspell/core';
import { describe, expect, it, vi } from 'vitest';
import { hook, makeContext, point, registryWith } from './__fixtures__/hooks.js';
import { InvalidHookResultError } from './errors/invalid-hook-result-error.js';
import { HookChain } from './hook-chain.js';
import { HookExecutor } from './hook-executor.js';

describe('HookChain', () => {
  it('answers with the first result that is not continue and runs no hook after it', async () => {
    const after = vi.fn(() => HookResult.continue());
    const chain = new HookChain('chain', [
      hook('a', () => HookResult.continue()),
      hook('b', async () => HookResult.cancel('b says no')),
      hook('c', after),
    ]);
    expect(await chain.execute(makeContext())).toEqual({ type: 'cancel', reason: 'b says no' });
    expect(after).not.toHaveBeenCalled();
  });

  it('answers continue when every hook continues', () => {
    const chain = new HookChain('chain', [
      hook('a', () => HookResult.continue()),
      hook('b', () => HookResult.continue()),
    ]);
    expect(chain.execute(makeContext())).toEqual({ type: 'continue' });
  });

  it('stays synchronous while its hooks answer synchronously', () => {
    const chain = new HookChain('chain', [
      hook('a', () => HookResult.continue()),
      hook('b', () => HookResult.replace(1)),
    ]);
    expect(chain.execute(makeContext())).toEqual({ type: 'replace', result: 1 });
  });

  it('treats modified as a decisive answer, as the chain-of-responsibility contract says', () => {
    const chain = new HookChain('chain', [
      hook('a', () => HookResult.modified({ x: 1 })),
      hook('b', () => HookResult.cancel('never reached')),
    ]);
    expect(chain.execute(makeContext())).toEqual({ type: 'modified', data: { x: 1 } });
  });

  it('throws InvalidHookResultError naming the inner hook that answered garbage', () => {
    const chain = new HookChain('chain', [hook('liar', () => 'yes')]);
    expect(() => chain.execute(makeContext())).toThrow(InvalidHookResultError);
    expect(() => chain.execute(makeContext())).toThrow("'chain/liar'");
  });

  it('runs as one hook in an executor, with its metadata', async () => {
    const chain = new HookChain('guards', [hook('a', () => HookResult.continue())], {
      failurePolicy: 'closed',
    });
    expect(chain.metadata()).toEqual({ name: 'guards', failurePolicy: 'closed' });
    const registry = await registryWith([chain]);
    const outcome = await new HookExecutor(registry).execute(point, makeContext());
    expect(outcome.records.map((record) => record.hookId)).toEqual(['guards']);
  });

  it('forwards onRegister and onUnregister to every inner hook', async () => {
    const registered = vi.fn();
    const unregistered = vi.fn();
    const inner = {
      ...hook('a', () => HookResult.continue()),
      onRegister: registered,
      onUnregister: unregistered,
    };
    const other = { ...hook('b', () => HookResult.continue()), onUnregister: unregistered };
    const registry = await registryWith([new HookChain('chain', [inner, other])]);
    expect(registered).toHaveBeenCalledTimes(1);
    await registry.unregister(point, 'chain');
    expect(unregistered).toHaveBeenCalledTimes(2);
  });

  it('refuses a missing id or an entry that is not a hook', () => {
    expect(() => new HookChain('', [])).toThrow(HookRegistrationError);
    expect(() => new HookChain('chain', [{ id: 'x' } as never])).toThrow(HookRegistrationError);
  });
});
