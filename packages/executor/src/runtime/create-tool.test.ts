import { EventBus, HookCancelledError, HookConfigError, HookPoint, HookResult } from '@llmspell/core';
import { HookRegistry } from '@llmspell/registry';
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import { hook } from '../__fixtures__/hooks.js';
import { createTool, type Tool } from './create-tool.js';

const { BeforeToolExecution: Before, AfterToolExecution: After, ToolError } = HookPoint;

interface WeatherArgs {
  city: string;
  unit?: 'c' | 'f';
}
interface Weather {
  city: string;
  temperature: number;
}

function weatherTool(registry: HookRegistry, events?: EventBus) {
  const execute = vi.fn(
    async (args: WeatherArgs): Promise<Weather> => ({ city: args.city, temperature: 21 }),
  );
  const tool = createTool<WeatherArgs, Weather>({ name: 'weather', registry, events, execute });
  return { tool, execute };
}

describe('createTool', () => {
  it('is typed by its arguments and result', () => {
    const { tool } = weatherTool(new HookRegistry());
    expectTypeOf(tool).toEqualTypeOf<Tool<WeatherArgs, Weather>>();
    expectTypeOf(tool.execute).parameter(0).toEqualTypeOf<WeatherArgs>();
    expectTypeOf(tool.execute).returns.resolves.toEqualTypeOf<Weather>();
  });

  it('runs BeforeToolExecution with the arguments as data.input and AfterToolExecution with the result', async () => {
    const registry = new HookRegistry();
    const events = new EventBus();
    const seen: Record<string, unknown>[] = [];
    for (const at of [Before, After]) {
      await registry.register(
        at,
        hook(`at-${at}`, (context) => {
          seen.push({ point: context.hookPoint, type: context.componentId.componentType, ...context.data });
          return HookResult.continue();
        }),
      );
    }
    const { tool } = weatherTool(registry, events);
    expect(await tool.execute({ city: 'Oslo' })).toEqual({ city: 'Oslo', temperature: 21 });
    expect(seen).toEqual([
      { point: Before, type: 'tool', input: { city: 'Oslo' } },
      { point: After, type: 'tool', input: { city: 'Oslo' }, output: { city: 'Oslo', temperature: 21 } },
    ]);
    expect(events.query('hook.executed')).toHaveLength(2);
  });

  it('hands modified arguments to the tool', async () => {
    const registry = new HookRegistry();
    await registry.register(
      Before,
      hook('default-unit', () => HookResult.modified({ input: { unit: 'c' } })),
    );
    const { tool, execute } = weatherTool(registry);
    await tool.execute({ city: 'Oslo' });
    expect(execute.mock.calls[0]![0]).toEqual({ city: 'Oslo', unit: 'c' });
  });

  it('throws HookCancelledError when a Before hook cancels', async () => {
    const registry = new HookRegistry();
    await registry.register(
      Before,
      hook('deny', () => HookResult.cancel('tool disabled')),
    );
    const { tool, execute } = weatherTool(registry);
    await expect(tool.execute({ city: 'Oslo' })).rejects.toBeInstanceOf(HookCancelledError);
    expect(execute).not.toHaveBeenCalled();
  });

  it('runs ToolError with data.error when the tool throws, and answers with its replace result', async () => {
    const registry = new HookRegistry();
    let errorSeen: unknown;
    await registry.register(
      ToolError,
      hook('fallback', (context) => {
        errorSeen = context.data.error;
        return HookResult.replace({ city: 'unknown', temperature: 0 });
      }),
    );
    const tool = createTool<WeatherArgs, Weather>({
      name: 'weather',
      registry,
      execute: async () => {
        throw new Error('api down');
      },
    });
    expect(await tool.execute({ city: 'Oslo' })).toEqual({ city: 'unknown', temperature: 0 });
    expect((errorSeen as Error).message).toBe('api down');
  });

  it('runs a redirect target tool', async () => {
    const registry = new HookRegistry();
    await registry.register(
      Before,
      hook('route', () => HookResult.redirect('backup')),
    );
    const backup = createTool<WeatherArgs, Weather>({
      name: 'backup-weather',
      registry: new HookRegistry(),
      execute: async (args) => ({ city: args.city, temperature: -1 }),
    });
    const tool = createTool<WeatherArgs, Weather>({
      name: 'weather',
      registry,
      redirects: { backup },
      execute: async () => ({ city: 'never', temperature: 99 }),
    });
    expect(await tool.execute({ city: 'Oslo' })).toEqual({ city: 'Oslo', temperature: -1 });
  });

  it('throws only HookConfigError for random options', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.record(
            {
              name: fc.anything(),
              registry: fc.anything(),
              execute: fc.anything(),
              redirects: fc.anything(),
            },
            { requiredKeys: [] },
          ),
        ),
        (options) => {
          try {
            createTool(options as never);
          } catch (error) {
            expect(error).toBeInstanceOf(HookConfigError);
          }
        },
      ),
    );
  });
});
