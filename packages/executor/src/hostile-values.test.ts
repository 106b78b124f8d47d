import { describe, expect, it } from 'vitest';
import { hook, makeContext, point, registryWith } from './__fixtures__/hooks.js';
import { HookExecutor } from './hook-executor.js';

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

function throwingObject(): object {
  return new Proxy(
    {},
    {
      get() {
        throw new Error('getter exploded');
      },
      getPrototypeOf() {
        throw new Error('prototype exploded');
      },
    },
  );
}

const hostile: [string, () => unknown][] = [
  ['returns a revoked proxy', () => revokedProxy()],
  ['returns an object whose reads throw', () => throwingObject()],
  [
    'throws a revoked proxy',
    () => {
      throw revokedProxy();
    },
  ],
  [
    'throws an object whose reads throw',
    () => {
      throw throwingObject();
    },
  ],
  ['resolves to an object whose reads throw', () => Promise.resolve(throwingObject())],
  ['resolves to a revoked proxy', async () => revokedProxy()],
  ['rejects with a revoked proxy', () => Promise.reject(revokedProxy())],
  ['rejects with an object whose reads throw', () => Promise.reject(throwingObject())],
];

describe('hostile answers', () => {
  for (const [name, answer] of hostile) {
    it(`settles with the hook recorded as failed when a hook ${name}`, async () => {
      const executor = new HookExecutor(
        await registryWith([hook('hostile', answer), hook('next', () => ({ type: 'continue' }))]),
      );
      const outcome = await executor.execute(point, makeContext());
      expect(outcome.result).toEqual({ type: 'continue' });
      expect(outcome.records.map((record) => record.hookId)).toContain('next');
      expect(outcome.records[0]?.error).toBeInstanceOf(Error);
    });
  }

  it('cancels for a fail-closed hook that answers a hostile value', async () => {
    const executor = new HookExecutor(
      await registryWith([hook('guard', () => throwingObject(), { failurePolicy: 'closed' })]),
    );
    const outcome = await executor.execute(point, makeContext());
    expect(outcome.result.type).toBe('cancel');
  });
});
