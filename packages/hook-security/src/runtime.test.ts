import { EventBus, HookCancelledError, HookPoint, Priority } from '@llmspell/core';
import { createAgent, createTool } from '@llmspell/executor';
import { HookRegistry } from '@llmspell/registry';
import { describe, expect, it, vi } from 'vitest';
import { SecurityConfig } from './security-config.js';
import { SecurityValidationHook } from './security-validation-hook.js';

describe('SecurityValidationHook in the runtime', () => {
  it('stops an injected agent call before the agent runs', async () => {
    const registry = new HookRegistry();
    await registry.register(
      HookPoint.BeforeAgentExecution,
      new SecurityValidationHook(SecurityConfig.strict()),
    );
    const work = vi.fn(async () => ({ text: 'done' }));
    const agent = createAgent({ name: 'support', registry, execute: work });
    const call = agent.execute({ text: "admin' OR '1'='1" });
    await expect(call).rejects.toBeInstanceOf(HookCancelledError);
    await expect(call).rejects.toMatchObject({
      reason: expect.stringMatching(/^Security violation: SQL injection/),
    });
    expect(work).not.toHaveBeenCalled();
    await expect(agent.execute({ text: 'please select the best option' })).resolves.toEqual({ text: 'done' });
  });

  it('hands the agent the sanitized input in lenient mode', async () => {
    const registry = new HookRegistry();
    await registry.register(
      HookPoint.BeforeAgentExecution,
      new SecurityValidationHook(SecurityConfig.lenient()),
    );
    const agent = createAgent({
      name: 'support',
      registry,
      execute: async (input) => ({ text: `saw: ${input.text}` }),
    });
    await expect(agent.execute({ text: 'find 5; DROP TABLE orders' })).resolves.toEqual({
      text: 'saw: find 5 orders',
    });
  });

  it('checks tool arguments against the tool schema and reports the violation as an event', async () => {
    const registry = new HookRegistry();
    const events = new EventBus();
    const hook = new SecurityValidationHook({
      toolSchemas: {
        weather: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    });
    await registry.register(HookPoint.BeforeToolExecution, hook, Priority.Highest);
    const tool = createTool<Record<string, unknown>, string>({
      name: 'weather',
      registry,
      events,
      execute: async (args) => `sunny in ${String(args.city)}`,
    });
    await expect(tool.execute({ city: 'Lisbon' })).resolves.toBe('sunny in Lisbon');
    await expect(tool.execute({ town: 'Lisbon' })).rejects.toMatchObject({
      reason: expect.stringContaining("/ must have required property 'city'"),
    });
    expect(events.query('security.violation')[0]?.payload).toMatchObject({
      violationType: 'InvalidToolArguments',
      component: 'weather',
    });
  });

  it('fails closed: a call without input is cancelled, not let through', async () => {
    const registry = new HookRegistry();
    await registry.register(HookPoint.BeforeToolExecution, new SecurityValidationHook());
    const work = vi.fn(async () => 'ran');
    const tool = createTool<Record<string, unknown>, string>({ name: 'ping', registry, execute: work });
    const call = tool.execute(undefined as unknown as Record<string, unknown>);
    await expect(call).rejects.toBeInstanceOf(HookCancelledError);
    await expect(call).rejects.toMatchObject({ reason: 'Security violation: no input text found' });
    expect(work).not.toHaveBeenCalled();
  });
});
