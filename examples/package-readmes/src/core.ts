import { componentId, type Hook, HookContext, HookPoint, HookResult, Priority } from '@llmspell/core';

export const noEmptyPrompts: Hook = {
  id: 'no-empty-prompts',
  metadata: () => ({ priority: Priority.High, failurePolicy: 'closed' }),
  execute(context) {
    const text = (context.data.input as { text?: string } | undefined)?.text ?? '';
    if (text.trim() === '') return HookResult.cancel('Empty prompt');
    context.metrics.increment('prompts_checked');
    return HookResult.continue();
  },
};

// The executor (or createAgent) builds contexts and runs hooks; by hand it looks like this:
const context = new HookContext({
  hookPoint: HookPoint.BeforeAgentExecution,
  componentId: componentId('assistant', 'agent'),
  data: { input: { text: '   ' } },
});
console.log(await noEmptyPrompts.execute(context)); // { type: 'cancel', reason: 'Empty prompt' }
