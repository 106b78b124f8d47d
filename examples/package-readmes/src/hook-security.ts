import { HookCancelledError, HookPoint } from '@llmspell/core';
import { createAgent, createTool } from '@llmspell/executor';
import { SecurityConfig, SecurityValidationHook } from '@llmspell/hook-security';
import { HookRegistry } from '@llmspell/registry';

const security = new SecurityValidationHook(
  SecurityConfig.strict({
    blockedPatterns: ['project\\s+falcon', /\bINTERNAL-\d{4}\b/],
    toolSchemas: {
      search: {
        type: 'object',
        properties: { query: { type: 'string', maxLength: 200 }, limit: { type: 'integer', maximum: 50 } },
        required: ['query'],
        additionalProperties: false,
      },
    },
  }),
);

const registry = new HookRegistry();
await registry.registerMultiple([
  [HookPoint.BeforeAgentExecution, security],
  [HookPoint.BeforeToolExecution, security],
]);

const agent = createAgent({
  name: 'support',
  registry,
  execute: async (input) => ({ text: `…${input.text}` }),
});
const search = createTool<{ query: string; limit?: number }, string[]>({
  name: 'search',
  registry,
  execute: async (args) => [`result for ${args.query}`],
});

console.log(await agent.execute({ text: 'please select the best option' })); // runs
for (const attempt of [
  () => agent.execute({ text: "admin' OR '1'='1" }),
  () => search.execute({ query: 'shoes', limit: 500 }),
]) {
  try {
    await attempt();
  } catch (error) {
    if (HookCancelledError.isInstance(error)) console.log(error.reason);
  }
}
// Security violation: SQL injection (tautology, pattern sql-tautology-quoted) at /input/text; …
// Security violation: arguments of tool 'search' do not match its schema: /limit must be <= 50
