import { EventBus, HookPoint } from '@llmspell/core';
import { createAgent } from '@llmspell/executor';
import { HookRegistry } from '@llmspell/registry';
import { describe, expect, it } from 'vitest';
import { CachingHook } from './caching-hook.js';

describe('single-flight under the executor default circuit breaker', () => {
  it('waits longer than slowCallMs without opening the breaker, so later rounds still hit the cache', async () => {
    const registry = new HookRegistry();
    const cache = new CachingHook();
    await registry.registerMultiple([
      [HookPoint.BeforeAgentExecution, cache],
      [HookPoint.AfterAgentExecution, cache],
      [HookPoint.AgentError, cache],
    ]);
    const events = new EventBus();
    let runs = 0;
    const agent = createAgent({
      name: 'slow-model',
      registry,
      events,
      async execute(input) {
        runs++;
        // Longer than the default slowCallMs (100 ms): every waiter waits about this long.
        await new Promise((resolve) => setTimeout(resolve, 150));
        return { text: `answer to ${input.text}` };
      },
    });
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => agent.execute({ text: `question ${round}` })),
      );
      expect(new Set(answers.map((answer) => answer.text))).toEqual(new Set([`answer to question ${round}`]));
    }
    expect(runs).toBe(3);
    expect(events.query('hook.circuit_opened')).toEqual([]);
    expect(events.query('hook.skipped')).toEqual([]);
    await cache.onUnregister();
  });
});
