import { EventBus, type Hook, HookPoint, InMemoryMetrics } from '@llmspell/core';
import { type Agent, createAgent, HookExecutor, type HookExecutorOptions } from '@llmspell/executor';
import { HookRegistry } from '@llmspell/registry';

/** An agent with `hook` at its Before, After and Error points, and a count of how often its work ran. */
export interface HookedAgent {
  agent: Agent;
  events: EventBus;
  metrics: InMemoryMetrics;
  /** How many times the agent's own work ran (not answered from the cache). */
  readonly runs: number;
  /** Takes the hook off every point (its onUnregister runs). */
  unregister(): Promise<void>;
}

const points = [HookPoint.BeforeAgentExecution, HookPoint.AfterAgentExecution, HookPoint.AgentError];

/** Builds the agent; its work answers `answer to <text>` after `delayMs`. */
export async function hookedAgent(
  hook: Hook,
  options: {
    name?: string;
    delayMs?: number;
    executor?: Omit<HookExecutorOptions, 'events' | 'metrics'>;
  } = {},
): Promise<HookedAgent> {
  const { name = 'answer-agent', delayMs = 0 } = options;
  const registry = new HookRegistry();
  for (const point of points) await registry.register(point, hook);
  const events = new EventBus();
  const metrics = new InMemoryMetrics();
  let runs = 0;
  const agent = createAgent({
    name,
    registry,
    events,
    metrics,
    executor: options.executor
      ? new HookExecutor(registry, { events, metrics, ...options.executor })
      : undefined,
    execute: async (input) => {
      runs++;
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      return { text: `answer to ${input.text}` };
    },
  });
  return {
    agent,
    events,
    metrics,
    get runs() {
      return runs;
    },
    unregister: async () => {
      for (const point of points) await registry.unregister(point, hook.id);
    },
  };
}
