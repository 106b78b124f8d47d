import {
  EventBus,
  HookCancelledError,
  HookConfigError,
  type HookContext,
  HookPoint,
  HookResult,
  InMemoryMetrics,
} from '@llmspell/core';
import { HookRegistry } from '@llmspell/registry';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hook } from '../__fixtures__/hooks.js';
import { UnknownRedirectTargetError } from '../errors/unknown-redirect-target-error.js';
import { HookExecutor } from '../hook-executor.js';
import { type AgentInput, type AgentOutput, createAgent } from './create-agent.js';

const { BeforeAgentExecution: Before, AfterAgentExecution: After, AgentError } = HookPoint;

afterEach(() => {
  vi.useRealTimers();
});

function echoOperation() {
  return vi.fn(
    async (input: AgentInput): Promise<AgentOutput> => ({
      text: `echo: ${input.text}`,
      model: 'gpt-4',
      tokensUsed: { input: 3, output: 4 },
    }),
  );
}

describe('createAgent', () => {
  it('runs the lifecycle and publishes hook.executed events (seed scenario)', async () => {
    const registry = new HookRegistry();
    const events = new EventBus();
    await registry.register(
      Before,
      hook('before', () => HookResult.continue()),
    );
    await registry.register(
      After,
      hook('after', () => HookResult.continue()),
    );
    const agent = createAgent({ name: 'assistant', registry, events, execute: echoOperation() });
    const output = await agent.execute({ text: 'hello' });
    expect(output.text).toBe('echo: hello');
    expect(events.query('hook.executed').length).toBeGreaterThan(0);
    expect(agent.componentId).toMatchObject({ name: 'assistant', componentType: 'agent' });
  });

  it('throws HookCancelledError with the reason, hook and point when a Before hook cancels', async () => {
    const registry = new HookRegistry();
    await registry.register(
      Before,
      hook('guard', () => HookResult.cancel('not allowed')),
    );
    const operation = echoOperation();
    const agent = createAgent({ name: 'assistant', registry, execute: operation });
    const failure = await agent.execute({ text: 'hi' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(HookCancelledError);
    expect(failure).toMatchObject({ reason: 'not allowed', hookId: 'guard', hookPoint: Before });
    expect(operation).not.toHaveBeenCalled();
  });

  it('answers a cache result without running the operation, and After still runs with data.cached', async () => {
    const registry = new HookRegistry();
    let afterData: Record<string, unknown> | undefined;
    await registry.register(
      Before,
      hook('cache', () => HookResult.cache({ result: { text: 'from cache' }, ttlMs: 1000 })),
    );
    await registry.register(
      After,
      hook('after', (context) => {
        afterData = { ...context.data };
        return HookResult.continue();
      }),
    );
    const operation = echoOperation();
    const agent = createAgent({ name: 'assistant', registry, execute: operation });
    expect(await agent.execute({ text: 'hi' })).toEqual({ text: 'from cache' });
    expect(operation).not.toHaveBeenCalled();
    expect(afterData).toMatchObject({ cached: true, output: { text: 'from cache' } });
  });

  it('answers a replace result without running the operation, and After still runs', async () => {
    const registry = new HookRegistry();
    const after = vi.fn(() => HookResult.continue());
    await registry.register(
      Before,
      hook('replace', () => HookResult.replace({ text: 'replaced' })),
    );
    await registry.register(After, hook('after', after));
    const operation = echoOperation();
    const agent = createAgent({ name: 'assistant', registry, execute: operation });
    expect(await agent.execute({ text: 'hi' })).toEqual({ text: 'replaced' });
    expect(operation).not.toHaveBeenCalled();
    expect(after).toHaveBeenCalledTimes(1);
  });

  it('runs the redirect target instead of the operation', async () => {
    const registry = new HookRegistry();
    await registry.register(
      Before,
      hook('router', () => HookResult.redirect('specialist')),
    );
    const specialist = createAgent({
      name: 'specialist',
      registry: new HookRegistry(),
      execute: async (input) => ({ text: `specialist: ${input.text}` }),
    });
    const operation = echoOperation();
    const agent = createAgent({ name: 'assistant', registry, redirects: { specialist }, execute: operation });
    expect(await agent.execute({ text: 'hard question' })).toEqual({ text: 'specialist: hard question' });
    expect(operation).not.toHaveBeenCalled();
  });

  it('throws UnknownRedirectTargetError for a target missing from redirects', async () => {
    const registry = new HookRegistry();
    await registry.register(
      Before,
      hook('router', () => HookResult.redirect('toString')),
    );
    const agent = createAgent({ name: 'assistant', registry, execute: echoOperation() });
    const failure = await agent.execute({ text: 'x' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UnknownRedirectTargetError);
    expect((failure as Error).message).toContain("redirected by hook 'router' to 'toString'");
  });

  it('gives the operation the input as modified by Before hooks, and the call context', async () => {
    const registry = new HookRegistry();
    await registry.register(
      Before,
      hook('rewrite', () => HookResult.modified({ input: { text: 'rewritten' } })),
    );
    const operation = echoOperation();
    const agent = createAgent({ name: 'assistant', registry, execute: operation });
    expect((await agent.execute({ text: 'original', extra: 1 })).text).toBe('echo: rewritten');
    const [input, context] = operation.mock.calls[0]! as unknown as [AgentInput, HookContext];
    expect(input).toEqual({ text: 'rewritten', extra: 1 });
    expect(context.componentId.name).toBe('assistant');
  });

  it('re-runs a failing operation after delayMs when an AgentError hook answers retry', async () => {
    vi.useFakeTimers();
    const registry = new HookRegistry();
    let errorSeen: unknown;
    await registry.register(
      AgentError,
      hook('retry', (context) => {
        errorSeen = context.data.error;
        return HookResult.retry({ delayMs: 100, maxAttempts: 3 });
      }),
    );
    let calls = 0;
    const operation = vi.fn(async (): Promise<AgentOutput> => {
      calls++;
      if (calls < 2) throw new Error('flaky upstream');
      return { text: 'ok' };
    });
    const agent = createAgent({ name: 'assistant', registry, execute: operation });
    const pending = agent.execute({ text: 'x' });
    await vi.advanceTimersByTimeAsync(99);
    expect(operation).toHaveBeenCalledTimes(1);
    expect((errorSeen as Error).message).toBe('flaky upstream');
    await vi.advanceTimersByTimeAsync(1);
    expect(await pending).toEqual({ text: 'ok' });
    expect(operation).toHaveBeenCalledTimes(2);
  });

  it('runs the operation at most maxAttempts times in all, then rethrows its error', async () => {
    const registry = new HookRegistry();
    await registry.register(
      AgentError,
      hook('retry', () => HookResult.retry({ delayMs: 1, maxAttempts: 3 })),
    );
    const failure = new Error('always down');
    const operation = vi.fn(async (): Promise<AgentOutput> => {
      throw failure;
    });
    const agent = createAgent({ name: 'assistant', registry, execute: operation });
    await expect(agent.execute({ text: 'x' })).rejects.toBe(failure);
    expect(operation).toHaveBeenCalledTimes(3);
  });

  it('answers with the replace result of an AgentError hook, and rethrows without one', async () => {
    const registry = new HookRegistry();
    await registry.register(
      AgentError,
      hook('fallback', () => HookResult.replace({ text: 'fallback' })),
    );
    const failing = async (): Promise<AgentOutput> => {
      throw new Error('down');
    };
    const agent = createAgent({ name: 'assistant', registry, execute: failing });
    expect(await agent.execute({ text: 'x' })).toEqual({ text: 'fallback' });
    const bare = createAgent({ name: 'bare', registry: new HookRegistry(), execute: failing });
    await expect(bare.execute({ text: 'x' })).rejects.toThrow('down');
  });

  it('gives After hooks the output, model and token counts, and returns data.output as they left it', async () => {
    const registry = new HookRegistry();
    let seen: Record<string, unknown> | undefined;
    await registry.register(
      After,
      hook('after', (context) => {
        seen = { ...context.data };
        return HookResult.modified({ output: { text: 'polished' } });
      }),
    );
    const agent = createAgent({ name: 'assistant', registry, execute: echoOperation() });
    const output = await agent.execute({ text: 'hi' });
    expect(seen).toMatchObject({
      input: { text: 'hi' },
      output: { text: 'echo: hi' },
      model: 'gpt-4',
      tokensUsed: { input: 3, output: 4 },
    });
    expect(output).toEqual({ text: 'polished', model: 'gpt-4', tokensUsed: { input: 3, output: 4 } });
  });

  it('returns the replace result of an After hook and throws on its cancel', async () => {
    const replacing = new HookRegistry();
    await replacing.register(
      After,
      hook('after', () => HookResult.replace({ text: 'new' })),
    );
    expect(
      await createAgent({ name: 'a', registry: replacing, execute: echoOperation() }).execute({ text: 'x' }),
    ).toEqual({
      text: 'new',
    });
    const cancelling = new HookRegistry();
    await cancelling.register(
      After,
      hook('censor', () => HookResult.cancel('output refused')),
    );
    const failure = await createAgent({ name: 'a', registry: cancelling, execute: echoOperation() })
      .execute({ text: 'x' })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'HookCancelledError', hookPoint: After, hookId: 'censor' });
  });

  it('re-runs the operation when an After hook answers retry, within maxAttempts', async () => {
    const registry = new HookRegistry();
    await registry.register(
      After,
      hook('never-happy', () => HookResult.retry({ delayMs: 1, maxAttempts: 2 })),
    );
    const operation = echoOperation();
    const agent = createAgent({ name: 'assistant', registry, execute: operation });
    expect((await agent.execute({ text: 'x' })).text).toBe('echo: x');
    expect(operation).toHaveBeenCalledTimes(2);
  });

  it('runs forked operations beside the operation and puts their results or errors at data.forks', async () => {
    const registry = new HookRegistry();
    await registry.register(
      Before,
      hook('fan-out', () =>
        HookResult.fork([
          { id: 'summary', operationType: 'summarize', parameters: { words: 10 } },
          { id: 'broken', operationType: 'translate', parameters: {} },
        ]),
      ),
    );
    let forksAtAfter: unknown;
    await registry.register(
      After,
      hook('after', (context) => {
        forksAtAfter = context.data.forks;
        return HookResult.continue();
      }),
    );
    const fork = vi.fn(async (operation: { id: string; parameters: unknown }) => {
      if (operation.id === 'broken') throw new Error('no translator');
      return `summary of ${JSON.stringify(operation.parameters)}`;
    });
    const operation = echoOperation();
    const agent = createAgent({ name: 'assistant', registry, fork, execute: operation });
    await agent.execute({ text: 'x' });
    expect(operation).toHaveBeenCalledTimes(1);
    expect(fork).toHaveBeenCalledTimes(2);
    const forks = forksAtAfter as Record<string, unknown>;
    expect(forks.summary).toBe('summary of {"words":10}');
    expect((forks.broken as Error).message).toBe('no translator');
  });

  it("keeps a fork whose id is '__proto__' as a key of data.forks (prototype-key attack)", async () => {
    const registry = new HookRegistry();
    await registry.register(
      Before,
      hook('fan-out', () =>
        HookResult.fork([
          { id: '__proto__', operationType: 'probe', parameters: 1 },
          { id: 'constructor', operationType: 'probe', parameters: 2 },
        ]),
      ),
    );
    let forksAtAfter: Record<string, unknown> = {};
    await registry.register(
      After,
      hook('after', (context) => {
        forksAtAfter = context.data.forks as Record<string, unknown>;
        return HookResult.continue();
      }),
    );
    const fork = async (operation: { parameters: unknown }) => ({ ran: operation.parameters });
    const agent = createAgent({ name: 'assistant', registry, fork, execute: echoOperation() });
    await agent.execute({ text: 'x' });
    expect(Object.keys(forksAtAfter)).toEqual(['__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(forksAtAfter, '__proto__')?.value).toEqual({ ran: 1 });
    expect(Object.getPrototypeOf(forksAtAfter)).toBe(Object.prototype);
  });

  it('reports forks through hook.fork_unhandled and runs only the operation without a fork option', async () => {
    const registry = new HookRegistry();
    const events = new EventBus();
    const operations = [{ id: 'side', operationType: 'log', parameters: null }];
    await registry.register(
      Before,
      hook('fan-out', () => HookResult.fork(operations)),
    );
    const operation = echoOperation();
    const agent = createAgent({ name: 'assistant', registry, events, execute: operation });
    expect((await agent.execute({ text: 'x' })).text).toBe('echo: x');
    expect(operation).toHaveBeenCalledTimes(1);
    expect(events.query('hook.fork_unhandled')[0]!.payload).toEqual({ component: 'assistant', operations });
  });

  it('shares one state map and one correlation id across Before, AgentError and After', async () => {
    const registry = new HookRegistry();
    const seen: [string, Map<string, unknown>, string][] = [];
    for (const at of [Before, AgentError, After]) {
      await registry.register(
        at,
        hook(`at-${at}`, (context) => {
          seen.push([context.hookPoint, context.state, context.correlationId]);
          return at === AgentError ? HookResult.retry({ delayMs: 0, maxAttempts: 2 }) : HookResult.continue();
        }),
      );
    }
    let calls = 0;
    const agent = createAgent({
      name: 'assistant',
      registry,
      execute: async () => {
        if (++calls === 1) throw new Error('first try fails');
        return { text: 'ok' };
      },
    });
    await agent.execute({ text: 'x' });
    expect(seen.map(([at]) => at)).toEqual([Before, AgentError, After]);
    expect(new Set(seen.map(([, state]) => state)).size).toBe(1);
    expect(new Set(seen.map(([, , correlationId]) => correlationId)).size).toBe(1);
  });

  it('passes call metadata into the context and rejects with the reason of an aborted signal', async () => {
    const registry = new HookRegistry();
    let userId: string | undefined;
    await registry.register(
      Before,
      hook('who', (context) => {
        userId = context.metadata.userId;
        return HookResult.continue();
      }),
    );
    const controller = new AbortController();
    const reason = new Error('stop now');
    const agent = createAgent({
      name: 'assistant',
      registry,
      execute: (_input, context) =>
        new Promise((_resolve, reject) => {
          context.signal.addEventListener('abort', () => reject(context.signal.reason));
          controller.abort(reason);
        }),
    });
    const failure = await agent
      .execute({ text: 'x' }, { metadata: { userId: 'u-1' }, signal: controller.signal })
      .catch((error: unknown) => error);
    expect(userId).toBe('u-1');
    expect(failure).toBe(reason);
  });

  it('re-runs Before hooks after delayMs on a Before retry, and cancels once its attempts are used up', async () => {
    const registry = new HookRegistry();
    let evaluations = 0;
    await registry.register(
      Before,
      hook('wait-your-turn', () => {
        evaluations++;
        return evaluations < 2 ? HookResult.retry({ delayMs: 5, maxAttempts: 3 }) : HookResult.continue();
      }),
    );
    const agent = createAgent({ name: 'assistant', registry, execute: echoOperation() });
    expect((await agent.execute({ text: 'x' })).text).toBe('echo: x');
    expect(evaluations).toBe(2);

    const stubborn = new HookRegistry();
    await stubborn.register(
      Before,
      hook('never', () => HookResult.retry({ delayMs: 1, maxAttempts: 2 })),
    );
    const blocked = createAgent({ name: 'assistant', registry: stubborn, execute: echoOperation() });
    await expect(blocked.execute({ text: 'x' })).rejects.toBeInstanceOf(HookCancelledError);
  });

  it('uses a given executor, and every context carries the agent events and metrics', async () => {
    const registry = new HookRegistry();
    const events = new EventBus();
    const metrics = new InMemoryMetrics();
    await registry.register(
      Before,
      hook('emitter', (context) => {
        context.emitEvent('custom.seen', {});
        context.metrics.increment('custom_count');
        return HookResult.continue();
      }),
    );
    const executorEvents = new EventBus();
    const executor = new HookExecutor(registry, { events: executorEvents });
    const agent = createAgent({
      name: 'assistant',
      registry,
      events,
      metrics,
      executor,
      execute: echoOperation(),
    });
    await agent.execute({ text: 'x' });
    expect(events.query('custom.seen')).toHaveLength(1);
    expect(metrics.snapshot().custom_count!.count).toBe(1);
    expect(executorEvents.query('hook.executed')).toHaveLength(1);
    expect(events.query('hook.executed')).toHaveLength(0);
  });

  it('throws HookConfigError listing every bad option', () => {
    try {
      createAgent({ name: '', registry: {} as never, execute: 'no' as never, redirects: { x: 1 as never } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(HookConfigError);
      expect((error as HookConfigError).issues.map((issue) => issue.path)).toEqual([
        '/name',
        '/registry',
        '/execute',
        '/redirects/x',
      ]);
    }
  });

  it('throws only HookConfigError for random options', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.record(
            {
              name: fc.anything(),
              registry: fc.oneof(fc.anything(), fc.constant(new HookRegistry())),
              execute: fc.oneof(
                fc.anything(),
                fc.constant(async () => ({ text: '' })),
              ),
              events: fc.anything(),
              metrics: fc.anything(),
              executor: fc.anything(),
              redirects: fc.anything(),
              fork: fc.anything(),
            },
            { requiredKeys: [] },
          ),
        ),
        (options) => {
          try {
            createAgent(options as never);
          } catch (error) {
            expect(error).toBeInstanceOf(HookConfigError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
