import { HookCancelledError, HookPoint, HookResult } from '@llmspell/core';
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
});
