import { HookCancelledError, HookPoint } from '@llmspell/core';
import { createAgent } from '@llmspell/executor';
import { RateLimitingHook } from '@llmspell/hook-rate-limit';
import { HookRegistry } from '@llmspell/registry';

const limiter = new RateLimitingHook({
  requestsPerWindow: 3, // per user per component
  windowMs: 60_000,
  byUser: true, // key: '<component>:<metadata.userId>'
  maxConcurrent: 4, // calls in flight per key in this process
  redis: process.env.REDIS_URL, // optional: one limit shared by every process
  keyPrefix: `readme:${Date.now()}:`, // this run's windows only, in a shared Redis
});

const registry = new HookRegistry();
// Before points count the call. After and Error points give the concurrency permit back.
await registry.register(HookPoint.BeforeAgentExecution, limiter);
await registry.register(HookPoint.AfterAgentExecution, limiter);
await registry.register(HookPoint.AgentError, limiter);

const agent = createAgent({ name: 'writer', registry, execute: async (input) => ({ text: input.text }) });
for (let call = 1; call <= 4; call++) {
  try {
    await agent.execute({ text: `draft ${call}` }, { metadata: { userId: 'alice' } });
    console.log(`call ${call}: admitted`);
  } catch (error) {
    if (HookCancelledError.isInstance(error)) console.log(`call ${call}: ${error.reason}`); // Rate limit exceeded
  }
}
for (const point of [HookPoint.BeforeAgentExecution, HookPoint.AfterAgentExecution, HookPoint.AgentError]) {
  await registry.unregister(point, limiter.id); // the last one closes the Redis connection
}
