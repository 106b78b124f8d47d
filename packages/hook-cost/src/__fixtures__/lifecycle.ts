import { HookPoint } from '@llmspell/core';
import type { CostTrackingHook } from '../cost-tracking-hook.js';
import { type CallShape, callContext } from './contexts.js';

/** How one simulated call went. */
export type CallOutcome = 'ran' | 'cancelled' | 'failed';

/**
 * Drives the hook through one agent call as the runtime would: BeforeAgentExecution, the operation
 * (`workMs`, or a throw with `fails`), then AfterAgentExecution or AgentError, sharing one state map.
 */
export async function simulateCall(
  hook: CostTrackingHook,
  shape: CallShape & { workMs?: number; fails?: boolean },
): Promise<CallOutcome> {
  const { tokensUsed, model, workMs = 0, fails = false, ...rest } = shape;
  const before = callContext({ ...rest, model, hookPoint: HookPoint.BeforeAgentExecution });
  const admitted = await hook.execute(before);
  if (admitted.type === 'cancel') return 'cancelled';
  await new Promise((resolve) => setTimeout(resolve, workMs));
  if (fails) {
    const error = before.child(HookPoint.AgentError);
    error.data.error = new Error('model unavailable');
    await hook.execute(error);
    return 'failed';
  }
  const after = before.child(HookPoint.AfterAgentExecution);
  after.data.output = { text: 'done' };
  after.data.tokensUsed = tokensUsed;
  await hook.execute(after);
  return 'ran';
}
