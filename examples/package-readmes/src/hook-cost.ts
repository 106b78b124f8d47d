import { HookPoint } from '@llmspell/core';
import { createAgent } from '@llmspell/executor';
import { CostTrackingHook } from '@llmspell/hook-cost';
import { HookRegistry } from '@llmspell/registry';

const costs = new CostTrackingHook({
  alertThresholdUsd: 50,
  webhookUrl: 'https://alerts.example.com/llm-cost',
  budgets: { perUserUsd: 5 },
  // store: process.env.REDIS_URL, // totals shared by every process; in memory when omitted
});

const registry = new HookRegistry();
await registry.registerMultiple([
  [HookPoint.BeforeAgentExecution, costs], // budgets only
  [HookPoint.AfterAgentExecution, costs],
  [HookPoint.AgentError, costs], // releases a budget reservation of a failed call
]);

const agent = createAgent({
  name: 'writer',
  registry,
  execute: async () => ({
    text: '…',
    model: 'gpt-4o-2024-08-06',
    tokensUsed: { input: 812, output: 240 },
  }),
});

await agent.execute({ text: 'Draft a haiku' }, { metadata: { userId: 'ann', maxCostUsd: '0.02' } });

console.log(await costs.totals('writer')); // { calls: 1, inputTokens: 812, outputTokens: 240, unpricedCalls: 0, costPicoUsd: 4430000000n, costUsd: 0.00443 }
console.log(await costs.report({ scope: 'user' })); // { ann: { … } }
await costs.close(); // waits for alerts in flight, closes the Redis connection it opened
