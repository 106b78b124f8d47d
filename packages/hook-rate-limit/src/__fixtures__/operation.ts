import { type HookContext, HookPoint } from '@llmspell/core';
import { MockContext } from '@llmspell/testing';

/** What a test operation needs to know. */
export interface OperationOptions {
  component?: string;
  userId?: string;
  /** Shared recorder, so one test sees the events and metrics of every operation. */
  mock?: MockContext;
  signal?: AbortSignal;
}

/**
 * The contexts of one operation: a Before, an After and an Error point sharing one `state` map, as the
 * runtime creates them.
 */
export function operation(options: OperationOptions = {}): {
  before: HookContext;
  after: HookContext;
  error: HookContext;
  mock: MockContext;
} {
  const mock = options.mock ?? new MockContext();
  mock.withComponent(options.component ?? 'agent-a').withState(new Map());
  mock.withMetadata('userId', options.userId ?? '');
  if (options.signal) mock.withSignal(options.signal);
  const before = mock.withHookPoint(HookPoint.BeforeAgentExecution).build();
  return {
    before,
    after: before.child(HookPoint.AfterAgentExecution),
    error: before.child(HookPoint.AgentError),
    mock,
  };
}
