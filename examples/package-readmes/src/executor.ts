import { EventBus, HookCancelledError, HookPoint, HookResult } from '@llmspell/core';
import { createAgent } from '@llmspell/executor';
import { HookRegistry } from '@llmspell/registry';

const registry = new HookRegistry();
await registry.register(HookPoint.BeforeAgentExecution, {
  id: 'no-shouting',
  metadata: () => ({ failurePolicy: 'closed', timeoutMs: 200 }),
  execute: (context) => {
    const { text } = context.data.input as { text: string };
    return text === text.toUpperCase() ? HookResult.cancel('Please do not shout') : HookResult.continue();
  },
});

const events = new EventBus();
const agent = createAgent({
  name: 'assistant',
  registry,
  events,
  execute: async (input) => ({ text: `You said: ${input.text}`, model: 'gpt-4o-mini' }),
});

console.log(await agent.execute({ text: 'hello' }, { metadata: { userId: 'u-42' } }));
console.log(events.query('hook.executed').length); // 1
try {
  await agent.execute({ text: 'HELLO' });
} catch (error) {
  if (error instanceof HookCancelledError) console.log(error.reason); // Please do not shout
}
