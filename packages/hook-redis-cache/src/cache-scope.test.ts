import { componentId, HookContext, HookPoint } from '@llmspell/core';
import { describe, expect, it } from 'vitest';
import { cacheKey } from './cache-key.js';
import { CachingHook } from './caching-hook.js';

const component = componentId('bank-assistant', 'agent');

/** One call through the hook as the runtime makes it, for the caller described by `metadata`. */
async function ask(
  hook: CachingHook,
  metadata: Record<string, string>,
  text: string,
  work: () => Promise<string>,
): Promise<{ text: string; cached: boolean }> {
  const before = new HookContext({
    hookPoint: HookPoint.BeforeAgentExecution,
    componentId: component,
    data: { input: { text } },
    metadata,
  });
  const result = await hook.execute(before);
  if (result.type === 'cache') {
    before.data.cached = true;
    await hook.execute(before.child(HookPoint.AfterAgentExecution));
    return { text: (result.result as { text: string }).text, cached: true };
  }
  const answer = await work();
  before.data.output = { text: answer };
  await hook.execute(before.child(HookPoint.AfterAgentExecution));
  return { text: answer, cached: false };
}

describe('CachingHook scope', () => {
  it('never serves Bob the answer computed for Alice (cross-user cache finding)', async () => {
    const hook = new CachingHook();
    const alice = await ask(hook, { userId: 'alice' }, 'What is my balance?', async () => 'Alice: $1,200');
    const bob = await ask(hook, { userId: 'bob' }, 'What is my balance?', async () => 'Bob: $30');
    const aliceAgain = await ask(hook, { userId: 'alice' }, 'What is my balance?', async () => 'recomputed');
    expect(alice).toEqual({ text: 'Alice: $1,200', cached: false });
    expect(bob).toEqual({ text: 'Bob: $30', cached: false });
    expect(aliceAgain).toEqual({ text: 'Alice: $1,200', cached: true });
  });

  it('keeps tenants apart, and callers without a user id apart from users', async () => {
    const hook = new CachingHook();
    await ask(hook, { tenantId: 'acme', userId: 'u1' }, 'q', async () => 'acme u1');
    expect(await ask(hook, { tenantId: 'globex', userId: 'u1' }, 'q', async () => 'globex u1')).toEqual({
      text: 'globex u1',
      cached: false,
    });
    expect(await ask(hook, {}, 'q', async () => 'anonymous')).toEqual({ text: 'anonymous', cached: false });
    expect(await ask(hook, { userId: '' }, 'q', async () => 'empty id')).toEqual({
      text: 'empty id',
      cached: false,
    });
  });

  it('does not let a concurrent identical request of another user wait for the first one (single-flight key)', async () => {
    const hook = new CachingHook({ singleFlightWaitMs: 5_000 });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const alice = ask(hook, { userId: 'alice' }, 'What is my balance?', async () => {
      await gate;
      return 'Alice: $1,200';
    });
    const bob = await ask(hook, { userId: 'bob' }, 'What is my balance?', async () => 'Bob: $30');
    release();
    expect(bob).toEqual({ text: 'Bob: $30', cached: false });
    expect((await alice).text).toBe('Alice: $1,200');
  });

  it('shares answers between all callers with scope: []', async () => {
    const hook = new CachingHook({ scope: [] });
    await ask(hook, { userId: 'alice' }, 'What is the capital of France?', async () => 'Paris');
    expect(await ask(hook, { userId: 'bob' }, 'What is the capital of France?', async () => 'x')).toEqual({
      text: 'Paris',
      cached: true,
    });
  });

  it('scopes by any metadata keys it is given', async () => {
    const hook = new CachingHook({ scope: ['sessionId'] });
    await ask(hook, { userId: 'alice', sessionId: 's1' }, 'q', async () => 's1');
    expect(await ask(hook, { userId: 'bob', sessionId: 's1' }, 'q', async () => 'x')).toEqual({
      text: 's1',
      cached: true,
    });
    expect(await ask(hook, { userId: 'alice', sessionId: 's2' }, 'q', async () => 's2')).toEqual({
      text: 's2',
      cached: false,
    });
  });

  it('cannot be fooled by separators: the scope values are length-prefixed', () => {
    const input = { text: 'q' };
    expect(cacheKey(component, input, 'p:', { tenantId: 'a', userId: 'b=1:c' })).not.toBe(
      cacheKey(component, input, 'p:', { tenantId: 'a=1:b', userId: 'c' }),
    );
    expect(cacheKey(component, input, 'p:', { userId: 'x' })).not.toBe(
      cacheKey(component, input, 'p:', { tenantId: 'x' }),
    );
    expect(cacheKey(component, input, 'p:', { userId: 'u', tenantId: 't' })).toBe(
      cacheKey(component, input, 'p:', { tenantId: 't', userId: 'u' }),
    );
    expect(cacheKey(component, input, 'p:', {})).toBe(cacheKey(component, input, 'p:'));
  });

  it('refuses a scope that is not a list of distinct non-empty names', () => {
    expect(() => new CachingHook({ scope: 'userId' as never })).toThrow(/\/scope/);
    expect(() => new CachingHook({ scope: [''] })).toThrow(/\/scope\/0/);
    expect(() => new CachingHook({ scope: ['userId', 'userId'] })).toThrow(/\/scope/);
  });
});
