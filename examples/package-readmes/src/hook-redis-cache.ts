import { HookPoint } from '@llmspell/core';
import { createAgent } from '@llmspell/executor';
import { RedisCachingHook } from '@llmspell/hook-redis-cache';
import { HookRegistry } from '@llmspell/registry';

const cache = await RedisCachingHook.create(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
  ttlMs: 10 * 60_000,
});
const registry = new HookRegistry();
// The same hook at the Before, After and Error points of the agent.
await registry.register(HookPoint.BeforeAgentExecution, cache);
await registry.register(HookPoint.AfterAgentExecution, cache);
await registry.register(HookPoint.AgentError, cache);

let modelCalls = 0;
const agent = createAgent({
  name: 'answer-agent',
  registry,
  execute: async (input) => ({ text: `Answer ${++modelCalls} to: ${input.text}` }), // your model call
});
console.log(await agent.execute({ text: 'What is the capital of France?' })); // runs the model, stores the answer
console.log(await agent.execute({ text: 'What is the capital of France?' })); // answered from Redis
console.log(`model calls: ${modelCalls}`); // model calls: 1

// Once the hook has left every point, onUnregister closes the Redis client the hook created.
for (const point of [HookPoint.BeforeAgentExecution, HookPoint.AfterAgentExecution, HookPoint.AgentError]) {
  await registry.unregister(point, cache.id);
}
