import { type Hook, type HookContext, HookPoint, HookResult } from '@llmspell/core';
import { assertHookResult, hookConformanceSuite, MockContext } from '@llmspell/testing';
import { describe, expect, it } from 'vitest';

// The hook under test; in your project it lives in its own file.
class NoEmptyPrompts implements Hook {
  readonly id = 'no-empty-prompts';
  execute(context: HookContext): HookResult {
    const text = (context.data.input as { text?: string } | undefined)?.text ?? '';
    if (text.trim() !== '') return HookResult.continue();
    context.emitEvent('no-empty-prompts.refused', { userId: context.metadata.userId });
    return HookResult.cancel('Empty prompt');
  }
}

describe('NoEmptyPrompts', () => {
  it('cancels empty prompts and reports each refusal', async () => {
    const mock = new MockContext().withInput('   ').withMetadata('userId', 'u1');
    const result = await new NoEmptyPrompts().execute(mock.build());
    assertHookResult(result, 'cancel', (cancel) => expect(cancel.reason).toMatch(/empty/i));
    expect(mock.events.query('no-empty-prompts.*')).toHaveLength(1);
  });

  hookConformanceSuite(it, () => new NoEmptyPrompts(), { points: [HookPoint.BeforeAgentExecution] });
});
