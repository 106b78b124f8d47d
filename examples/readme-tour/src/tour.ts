import { EventBus, HookCancelledError, HookPoint, HookResult } from '@llmspell/core';
import { createAgent } from '@llmspell/executor';
import { SecurityConfig, SecurityValidationHook } from '@llmspell/hook-security';
import { HookRegistry } from '@llmspell/registry';

// 1. Register hooks at hook points: a production hook and one of your own.
const registry = new HookRegistry();
await registry.register(HookPoint.BeforeAgentExecution, new SecurityValidationHook(SecurityConfig.strict()));
await registry.register(HookPoint.AfterAgentExecution, {
  id: 'shout-check',
  execute: (context) =>
    String((context.data.output as { text: string }).text).includes('!!!')
      ? HookResult.modified({ output: { text: 'Calm answer.' } })
      : HookResult.continue(),
});

// 2. Wrap your agent: every call now runs Before → operation → After (or Error) through the hooks.
const events = new EventBus();
const agent = createAgent({
  name: 'assistant',
  registry,
  events,
  async execute(input) {
    return { text: `You said: ${input.text}`, model: 'gpt-4o-mini', tokensUsed: { input: 12, output: 6 } };
  },
});

console.log((await agent.execute({ text: 'Hello!' })).text); // You said: Hello!

// 3. A hook that cancels makes the call reject with a typed error carrying the reason.
try {
  await agent.execute({ text: "' OR 1=1 --" });
} catch (error) {
  if (HookCancelledError.isInstance(error)) console.log(error.reason); // Security violation: SQL injection …
}

// 4. Guard a stream as it flows: a chunk hook judges the text before the reader gets it, and the hold-back
//    keeps a card number split across deltas from leaking half of it.
await registry.register(HookPoint.AgentStreamChunk, {
  id: 'card-mask',
  metadata: () => ({ streamHoldBackChars: 15 }), // a 16-digit number is always judged whole
  execute: (context) => {
    const { text } = context.data.chunk as { text: string };
    const masked = text.replace(/\d{16}/g, '[card]');
    return masked === text ? HookResult.continue() : HookResult.modified({ chunk: { text: masked } });
  },
});
const writer = createAgent({
  name: 'writer',
  registry,
  events,
  async *stream() {
    yield 'Your card 41111111';
    yield '11111111 is on file.';
  },
});
for await (const delta of writer.stream({ text: 'Which card?' }).textStream) process.stdout.write(delta);
console.log(); // Your card [card] is on file.

// 5. Read what happened: every hook run is an event, with wildcards in the pattern.
for (const event of events.query('hook.*')) console.log(event.type, event.payload);
