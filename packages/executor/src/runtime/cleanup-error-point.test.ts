import { HookCancelledError, HookPoint, HookResult, Priority } from '@llmspell/core';
import { HookRegistry } from '@llmspell/registry';
import { describe, expect, it } from 'vitest';
import { hook } from '../__fixtures__/hooks.js';
import { createAgent } from './create-agent.js';
import { createTool } from './create-tool.js';

/** A hook that takes a permit at Before and gives it back at After or Error, as a rate limiter does. */
function permitHook() {
  const held = new Set<string>();
  const value = hook('permits', (context) => {
    if (context.hookPoint.startsWith('Before')) {
      held.add(context.correlationId);
      context.state.set('permit', true);
    } else if (context.state.get('permit')) {
      held.delete(context.correlationId);
      context.state.delete('permit');
    }
    return HookResult.continue();
  });
  return { value, held };
}

async function agentWith(
  extra: Parameters<HookRegistry['register']>[] = [],
  operation?: () => Promise<never>,
) {
  const registry = new HookRegistry();
  const permits = permitHook();
  await registry.register(HookPoint.BeforeAgentExecution, permits.value, -10);
  await registry.register(HookPoint.AfterAgentExecution, permits.value);
  await registry.register(HookPoint.AgentError, permits.value);
  for (const args of extra) await registry.register(...args);
  const errorsSeen: unknown[] = [];
  await registry.register(
    HookPoint.AgentError,
    hook('error-witness', (context) => {
      errorsSeen.push(context.data.error);
      return HookResult.retry({ delayMs: 0, maxAttempts: 5 });
    }),
  );
  const agent = createAgent({
    name: 'cleanup-agent',
    registry,
    execute: operation ?? (async (input) => ({ text: input.text })),
  });
  return { agent, held: permits.held, errorsSeen };
}

describe('the Error point as cleanup', () => {
  it('runs once when a later Before hook cancels, so an earlier hook releases what it took', async () => {
    const { agent, held, errorsSeen } = await agentWith([
      [HookPoint.BeforeAgentExecution, hook('guard', () => HookResult.cancel('no'))],
    ]);
    await expect(agent.execute({ text: 'x' })).rejects.toSatisfy((error) =>
      HookCancelledError.isInstance(error),
    );
    expect(held.size).toBe(0);
    expect(errorsSeen).toHaveLength(1);
    expect(HookCancelledError.isInstance(errorsSeen[0])).toBe(true);
  });

  it('runs when the caller aborts during the operation, and its retry answer cannot resurrect the call', async () => {
    const controller = new AbortController();
    let runs = 0;
    const { agent, held, errorsSeen } = await agentWith([], () => {
      runs++;
      setTimeout(() => controller.abort(new Error('user went away')), 5);
      return new Promise<never>(() => {});
    });
    await expect(agent.execute({ text: 'x' }, { signal: controller.signal })).rejects.toThrow(
      'user went away',
    );
    expect(runs).toBe(1);
    expect(held.size).toBe(0);
    expect(errorsSeen.map((error) => (error as Error).message)).toEqual(['user went away']);
  });

  it('runs when the caller aborts while a hook is still running at Before', async () => {
    const controller = new AbortController();
    const { agent, held, errorsSeen } = await agentWith([
      [
        HookPoint.BeforeAgentExecution,
        hook('slow-guard', () => {
          setTimeout(() => controller.abort(new Error('gave up')), 5);
          return new Promise(() => {});
        }),
      ],
    ]);
    await expect(agent.execute({ text: 'x' }, { signal: controller.signal })).rejects.toThrow('gave up');
    expect(held.size).toBe(0);
    expect(errorsSeen.map((error) => (error as Error).message)).toEqual(['gave up']);
  });

  it('does not run the Error point again when the caller aborts while it is handling a failure', async () => {
    const registry = new HookRegistry();
    const controller = new AbortController();
    let errorRuns = 0;
    await registry.register(
      HookPoint.AgentError,
      hook('aborts-midway', () => {
        errorRuns++;
        controller.abort(new Error('caller left'));
        return HookResult.retry({ delayMs: 0, maxAttempts: 3 });
      }),
    );
    const agent = createAgent({
      name: 'failing-agent',
      registry,
      async execute() {
        throw new Error('model down');
      },
    });
    await expect(agent.execute({ text: 'x' }, { signal: controller.signal })).rejects.toThrow('caller left');
    expect(errorRuns).toBe(1);
  });

  it('does not run the Error point twice when the operation throws and the Error point rethrows', async () => {
    const registry = new HookRegistry();
    const seen: unknown[] = [];
    await registry.register(
      HookPoint.ToolError,
      hook('witness', (context) => {
        seen.push(context.data.error);
        return HookResult.continue();
      }),
    );
    const tool = createTool({
      name: 'broken-tool',
      registry,
      async execute() {
        throw new Error('disk full');
      },
    });
    await expect(tool.execute({})).rejects.toThrow('disk full');
    expect(seen).toHaveLength(1);
  });

  it('runs the Error hooks after a cancel that cut the failure run short, as cleanup with the same error', async () => {
    const registry = new HookRegistry();
    const permits = permitHook();
    await registry.register(HookPoint.BeforeAgentExecution, permits.value);
    await registry.register(
      HookPoint.AgentError,
      hook('triage', () => HookResult.cancel('not retryable')),
      Priority.Highest,
    );
    const released: unknown[] = [];
    await registry.register(
      HookPoint.AgentError,
      hook('release-witness', (context) => {
        released.push(context.data.error);
        return permits.value.execute(context);
      }),
    );
    const failure = new Error('model down');
    const agent = createAgent({
      name: 'failing-agent',
      registry,
      async execute() {
        throw failure;
      },
    });
    await expect(agent.execute({ text: 'x' })).rejects.toBe(failure);
    expect(released).toEqual([failure]);
    expect(permits.held.size).toBe(0);
  });

  it('keeps releasing when a Priority.Highest fallback answers replace during cleanup of a Before cancel', async () => {
    const registry = new HookRegistry();
    const permits = permitHook();
    await registry.register(HookPoint.BeforeAgentExecution, permits.value, -10);
    await registry.register(
      HookPoint.BeforeAgentExecution,
      hook('gate', () => HookResult.cancel('refused')),
    );
    await registry.register(
      HookPoint.AgentError,
      hook('fallback', () => HookResult.replace({ text: 'fallback' })),
      Priority.Highest,
    );
    await registry.register(HookPoint.AgentError, permits.value);
    const agent = createAgent({
      name: 'guarded',
      registry,
      execute: async (input) => ({ text: input.text }),
    });
    await expect(agent.execute({ text: 'x' })).rejects.toMatchObject({ reason: 'refused' });
    expect(permits.held.size).toBe(0);
  });

  it('settles only after cleanup, with a fresh signal, when the caller aborts an operation that ignores it', async () => {
    const registry = new HookRegistry();
    const cleanup: { signalAborted?: boolean; doneAt?: number } = {};
    await registry.register(
      HookPoint.AgentError,
      hook('slow-release', async (context) => {
        cleanup.signalAborted = context.signal.aborted;
        await new Promise((resolve) => setTimeout(resolve, 40));
        cleanup.doneAt = performance.now();
        return HookResult.continue();
      }),
    );
    const agent = createAgent({ name: 'stuck', registry, execute: () => new Promise(() => undefined) });
    const controller = new AbortController();
    const call = agent.execute({ text: 'x' }, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('caller left')), 10);
    await expect(call).rejects.toThrow('caller left');
    const settledAt = performance.now();
    expect(cleanup.signalAborted).toBe(false);
    expect(cleanup.doneAt).toBeLessThanOrEqual(settledAt);
  });
});
