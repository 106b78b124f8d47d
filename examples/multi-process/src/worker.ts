/**
 * One worker process: an agent guarded by a Redis-shared rate limit and Redis-shared cost totals.
 * Reads REDIS_URL, KEY_PREFIX, WORKER and CALLS from its environment; prints one JSON line of its own counts.
 */
import { HookCancelledError, HookPoint } from '@llmspell/core';
import { createAgent } from '@llmspell/executor';
import { CostTrackingHook, RedisCostStore } from '@llmspell/hook-cost';
import { RateLimitingHook } from '@llmspell/hook-rate-limit';
import { HookRegistry } from '@llmspell/registry';

const {
  REDIS_URL = '',
  KEY_PREFIX = 'llmspell:example:',
  WORKER = '0',
  CALLS = '15',
  LIMIT = '10',
} = process.env;

const rateLimit = new RateLimitingHook({
  requestsPerWindow: Number(LIMIT),
  windowMs: 60_000,
  byComponent: true,
  redis: REDIS_URL,
  keyPrefix: `${KEY_PREFIX}ratelimit:`,
});
const costStore = new RedisCostStore(REDIS_URL, { keyPrefix: `${KEY_PREFIX}cost:` });
const cost = new CostTrackingHook({ store: costStore });

const registry = new HookRegistry();
await registry.registerMultiple([
  [HookPoint.BeforeAgentExecution, rateLimit],
  [HookPoint.AfterAgentExecution, rateLimit],
  [HookPoint.AgentError, rateLimit],
  [HookPoint.AfterAgentExecution, cost],
]);

const agent = createAgent({
  name: 'shared-agent',
  registry,
  async execute(input) {
    return { text: `echo: ${input.text}`, model: 'gpt-4', tokensUsed: { input: 100, output: 50 } };
  },
});

let admitted = 0;
let rejected = 0;
await Promise.all(
  Array.from({ length: Number(CALLS) }, async (_, index) => {
    try {
      await agent.execute({ text: `worker ${WORKER} call ${index}` });
      admitted++;
    } catch (error) {
      if (!HookCancelledError.isInstance(error)) throw error;
      rejected++;
    }
  }),
);
await cost.flush();
console.log(JSON.stringify({ worker: WORKER, admitted, rejected }));
for (const point of [HookPoint.BeforeAgentExecution, HookPoint.AfterAgentExecution, HookPoint.AgentError]) {
  for (const { id } of registry.hooksFor(point)) await registry.unregister(point, id);
}
await costStore.close();
