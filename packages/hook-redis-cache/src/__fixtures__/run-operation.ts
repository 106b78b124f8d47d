import {
  type ComponentId,
  componentId,
  EventBus,
  type Hook,
  HookContext,
  HookPoint,
  InMemoryMetrics,
} from '@llmspell/core';

/** What one operation run through `runOperation` ended with. */
export interface OperationRun {
  output: unknown;
  /** True when the Before point answered from the cache and the operation did not run. */
  cached: boolean;
}

/** Shared sinks and a component for a group of operations. */
export interface OperationHarness {
  events: EventBus;
  metrics: InMemoryMetrics;
  component: ComponentId;
}

export function harness(name = 'answer-agent', type = 'agent'): OperationHarness {
  return { events: new EventBus(), metrics: new InMemoryMetrics(), component: componentId(name, type) };
}

/**
 * Drives one operation through `hook` the way the agent runtime does: BeforeAgentExecution, then the operation
 * (or the cached result), then AfterAgentExecution with `data.output` (and `data.cached`), or AgentError.
 */
export async function runOperation(
  hook: Hook,
  setup: OperationHarness,
  input: unknown,
  operation: () => Promise<unknown>,
): Promise<OperationRun> {
  const before = new HookContext({
    hookPoint: HookPoint.BeforeAgentExecution,
    componentId: setup.component,
    data: { input },
    events: setup.events,
    metrics: setup.metrics,
  });
  const result = await hook.execute(before);
  if (result.type === 'cache') {
    before.data.cached = true;
    before.data.output = result.result;
    await hook.execute(before.child(HookPoint.AfterAgentExecution));
    return { output: result.result, cached: true };
  }
  let output: unknown;
  try {
    output = await operation();
  } catch (error) {
    before.data.error = error;
    await hook.execute(before.child(HookPoint.AgentError));
    throw error;
  }
  before.data.output = output;
  await hook.execute(before.child(HookPoint.AfterAgentExecution));
  return { output, cached: false };
}
