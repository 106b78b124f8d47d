import { hookedTool, hooksMiddleware } from '@llmspell/ai-sdk';
import { HookCancelledError, HookPoint, Priority } from '@llmspell/core';
import { CostTrackingHook } from '@llmspell/hook-cost';
import { CachingHook, MemoryCacheStore } from '@llmspell/hook-redis-cache';
import { SecurityConfig, SecurityValidationHook } from '@llmspell/hook-security';
import { HookRegistry } from '@llmspell/registry';
import { generateText, jsonSchema, simulateReadableStream, streamText, tool, wrapLanguageModel } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';

// Stands in for a provider model such as `openai('gpt-4o-mini')` from @ai-sdk/openai.
const usage = {
  inputTokens: { total: 12, noCache: 12, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 30, text: 30, reasoning: 0 },
};
const finishReason = { unified: 'stop', raw: 'stop' } as const;
const provider = new MockLanguageModelV3({
  modelId: 'gpt-4o-mini',
  doGenerate: async () => ({
    content: [{ type: 'text', text: 'A hook runs at a point.' }],
    finishReason,
    usage,
    warnings: [],
  }),
  doStream: async () => ({
    stream: simulateReadableStream({
      chunks: [
        { type: 'text-start', id: 'a' },
        { type: 'text-delta', id: 'a', delta: 'Roses are red, ' },
        { type: 'text-delta', id: 'a', delta: 'hooks run ahead.' },
        { type: 'text-end', id: 'a' },
        { type: 'finish', finishReason, usage },
      ],
    }),
  }),
});

const { BeforeAgentExecution, AfterAgentExecution, AgentError, BeforeToolExecution } = HookPoint;
const weatherSchema = {
  type: 'object',
  properties: { city: { type: 'string', minLength: 1 } },
  required: ['city'],
  additionalProperties: false,
} as const;
const security = new SecurityValidationHook(
  SecurityConfig.strict({ toolSchemas: { weather: weatherSchema } }),
);
const cache = new CachingHook({ store: new MemoryCacheStore() });
const cost = new CostTrackingHook();

const registry = new HookRegistry();
await registry.register(BeforeAgentExecution, security, Priority.Highest);
await registry.register(BeforeToolExecution, security, Priority.Highest);
for (const point of [BeforeAgentExecution, AfterAgentExecution, AgentError])
  await registry.register(point, cache);
await registry.register(AfterAgentExecution, cost, Priority.Low);

const model = wrapLanguageModel({
  model: provider,
  middleware: hooksMiddleware({ registry, name: 'assistant' }),
});

await generateText({ model, prompt: 'What is a hook?' }); // security → model → cache write, cost
await generateText({ model, prompt: 'What is a hook?' }); // answered from the cache, charged nothing
const poem = streamText({ model, prompt: 'Stream me a poem.' }); // After runs when the stream finishes
console.log(await poem.text);
await generateText({ model, prompt: "x'; DROP TABLE users; --" }).catch((error) => {
  if (error instanceof HookCancelledError) console.log(`refused: ${error.reason}`);
});

// A tool's execute through BeforeToolExecution / AfterToolExecution / ToolError; `tools: { weather }` in a call.
const weather = hookedTool(
  tool({
    description: 'Weather in a city',
    inputSchema: jsonSchema<{ city: string }>(weatherSchema),
    execute: async ({ city }) => `Sunny in ${city}`,
  }),
  { registry, name: 'weather' }, // the key of toolSchemas, and of the tool in `tools`
);
console.log(await weather.execute?.({ city: 'Oslo' }, { toolCallId: 'call-1', messages: [] }));

console.log(await cost.totals('assistant')); // { calls: 2, inputTokens: 24, outputTokens: 60, costUsd: … }
