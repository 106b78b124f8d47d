import { type HookContext, HookPoint, HookResult } from '@llmspell/core';
import { HookRegistry } from '@llmspell/registry';
import { describe, expect, it } from 'vitest';
import { hook } from '../__fixtures__/hooks.js';
import { createAgent } from './create-agent.js';

const {
  BeforeAgentExecution: Before,
  AfterAgentExecution: After,
  AgentError,
  AgentStreamChunk: Chunk,
} = HookPoint;
type Phase = 'Before' | 'the operation' | 'a chunk hook' | 'After';

const never = () => new Promise<never>(() => undefined);

/**
 * An agent whose `phase` hangs until the caller aborts (a hook that never answers, or an operation and stream
 * that ignore their signal), with a permit taken at Before and counted cleanup runs.
 */
async function hangingAt(phase: Phase) {
  const registry = new HookRegistry();
  const held = new Set<string>();
  const cleanups: unknown[] = [];
  let reached = false;
  const mark = <T>(value: T): T => {
    reached = true;
    return value;
  };
  await registry.register(
    Before,
    hook('permit', (context: HookContext) => {
      held.add(context.correlationId);
      return HookResult.continue();
    }),
    -100,
  );
  const release = hook('release', (context: HookContext) => {
    held.delete(context.correlationId);
    if (context.hookPoint === AgentError) cleanups.push(context.data.error);
    return HookResult.continue();
  });
  await registry.register(After, release, -100);
  await registry.register(AgentError, release);
  const hanging = hook('hangs', () => mark(never()), { timeoutMs: 60_000 });
  if (phase === 'Before') await registry.register(Before, hanging);
  if (phase === 'a chunk hook') await registry.register(Chunk, hanging);
  if (phase === 'After') await registry.register(After, hanging);
  const agent = createAgent({
    name: 'attacked',
    registry,
    execute: () => (phase === 'the operation' ? mark(never()) : Promise.resolve({ text: 'answer' })),
    stream: () => {
      if (phase === 'the operation') return mark(never());
      return (async function* () {
        yield 'ans';
        yield 'wer';
      })();
    },
  });
  return { agent, held, cleanups, reached: () => reached };
}

async function whenReached(reached: () => boolean): Promise<void> {
  for (let waited = 0; !reached(); waited += 5) {
    if (waited > 3_000) throw new Error('the phase was never reached');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const phases: Phase[] = ['Before', 'the operation', 'a chunk hook', 'After'];

describe('an abort at every phase', () => {
  for (const phase of phases) {
    for (const mode of ['stream', 'execute'] as const) {
      if (mode === 'execute' && phase === 'a chunk hook') continue;
      it(`ends agent.${mode} at once, cleans up once and releases the permit when the caller aborts in ${phase}`, async () => {
        const { agent, held, cleanups, reached } = await hangingAt(phase);
        const controller = new AbortController();
        const reason = new Error(`aborted in ${phase}`);
        const call =
          mode === 'stream'
            ? agent.stream({ text: 'x' }, { signal: controller.signal }).output
            : agent.execute({ text: 'x' }, { signal: controller.signal });
        const settled = call.then(
          () => 'resolved',
          (error: unknown) => error,
        );
        await whenReached(reached);
        const abortedAt = performance.now();
        controller.abort(reason);
        expect(await settled).toBe(reason);
        expect(performance.now() - abortedAt).toBeLessThan(1_000);
        expect(cleanups).toEqual([reason]);
        expect(held.size).toBe(0);
      });
    }
  }

  it('ends agent.stream and releases the permit when the reader breaks out while Before still runs', async () => {
    const { agent, held, cleanups, reached } = await hangingAt('Before');
    const controller = new AbortController();
    const stream = agent.stream({ text: 'x' }, { signal: controller.signal });
    const iterator = stream.textStream[Symbol.asyncIterator]();
    const next = iterator.next().catch((error: unknown) => error);
    await whenReached(reached);
    // The reader gives up; its hung Before hook is bounded by the caller's abort.
    const returned = iterator.return!();
    controller.abort(new Error('gave up'));
    await returned;
    await next;
    await expect(stream.output).rejects.toThrow();
    expect(cleanups).toHaveLength(1);
    expect(held.size).toBe(0);
  });
});
