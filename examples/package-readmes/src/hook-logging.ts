import { consoleLogger, HookPoint } from '@llmspell/core';
import { createAgent } from '@llmspell/executor';
import { LoggingHook } from '@llmspell/hook-logging';
import { HookRegistry } from '@llmspell/registry';

// Any pino-compatible logger works: `logger: pino()` in production.
const logging = new LoggingHook('request-log', { logger: consoleLogger('info') });
const registry = new HookRegistry();
await registry.register(HookPoint.BeforeAgentExecution, logging);
await registry.register(HookPoint.AfterAgentExecution, logging);
await registry.register(HookPoint.AgentError, logging);

const agent = createAgent({ name: 'writer', registry, execute: async (input) => ({ text: input.text }) });
await agent.execute({ text: 'hello', apiKey: 'sk-live-123' }); // two entries; the apiKey is masked
