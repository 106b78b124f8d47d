import { HookCancelledError, HookConfigError, HookPoint, HookResult } from '@llmspell/core';
import { CachingHook, MemoryCacheStore } from '@llmspell/hook-redis-cache';
import { HookRegistry } from '@llmspell/registry';
import { jsonSchema, type Tool, type ToolExecutionOptions, tool } from 'ai';
import { describe, expect, it, vi } from 'vitest';
import { hook } from './__fixtures__/models.js';
import { hookedTool } from './hooked-tool.js';

const { BeforeToolExecution: Before, AfterToolExecution: After, ToolError } = HookPoint;

interface WeatherInput {
  city: string;
}

function weatherTool(
  execute = vi.fn(async ({ city }: WeatherInput, _options: ToolExecutionOptions) => `Sunny in ${city}`),
) {
  const weather = tool({
    description: 'The weather in a city',
    inputSchema: jsonSchema<WeatherInput>({
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
    }),
    execute,
  });
  return { weather, execute };
}

const callOptions = { toolCallId: 'call-1', messages: [] };

async function run(wrapped: Tool<WeatherInput, string>, input: WeatherInput): Promise<unknown> {
  return wrapped.execute!(input, callOptions);
}

describe('hookedTool', () => {
  it('runs the tool through Before and After with its arguments as data.input and its result as data.output', async () => {
    const registry = new HookRegistry();
    const seen: Record<string, unknown>[] = [];
    for (const point of [Before, After]) {
      await registry.register(
        point,
        hook(`spy-${point}`, (context) => {
          seen.push({
            point: context.hookPoint,
            component: `${context.componentId.componentType}:${context.componentId.name}`,
            toolCallId: context.metadata.toolCallId,
            ...context.data,
          });
          return HookResult.continue();
        }),
      );
    }
    const { weather } = weatherTool();
    const wrapped = hookedTool(weather, { registry, name: 'weather' });
    expect(wrapped.description).toBe('The weather in a city');
    expect(await run(wrapped, { city: 'Paris' })).toBe('Sunny in Paris');
    expect(seen).toEqual([
      { point: Before, component: 'tool:weather', toolCallId: 'call-1', input: { city: 'Paris' } },
      {
        point: After,
        component: 'tool:weather',
        toolCallId: 'call-1',
        input: { city: 'Paris' },
        output: 'Sunny in Paris',
      },
    ]);
  });

  it('builds its component once: every call shares one component id', async () => {
    const registry = new HookRegistry();
    const components = new Set<unknown>();
    await registry.register(
      Before,
      hook('spy', (context) => {
        components.add(context.componentId);
        return HookResult.continue();
      }),
    );
    const wrapped = hookedTool(weatherTool().weather, { registry, name: 'weather' });
    for (const city of ['Oslo', 'Rome', 'Lima']) await run(wrapped, { city });
    expect(components.size).toBe(1);
  });

  it('rejects with HookCancelledError and does not run the tool when a Before hook cancels', async () => {
    const registry = new HookRegistry();
    await registry.register(
      Before,
      hook('deny', () => HookResult.cancel('tool disabled')),
    );
    const { weather, execute } = weatherTool();
    const wrapped = hookedTool(weather, { registry, name: 'weather' });
    await expect(run(wrapped, { city: 'Paris' })).rejects.toBeInstanceOf(HookCancelledError);
    expect(execute).not.toHaveBeenCalled();
  });

  it('gives the tool the arguments as a Before hook modified them', async () => {
    const registry = new HookRegistry();
    await registry.register(
      Before,
      hook('normalise', () => HookResult.modified({ input: { city: 'Paris' } })),
    );
    const { weather, execute } = weatherTool();
    const wrapped = hookedTool(weather, { registry, name: 'weather' });
    expect(await run(wrapped, { city: 'paris, fr' })).toBe('Sunny in Paris');
    expect(execute.mock.calls[0]?.[1]).toMatchObject({ toolCallId: 'call-1' });
  });

  it('runs ToolError with data.error when the tool throws, and answers with its replace result', async () => {
    const registry = new HookRegistry();
    let errorSeen: unknown;
    await registry.register(
      ToolError,
      hook('fallback', (context) => {
        errorSeen = context.data.error;
        return HookResult.replace('Weather service unavailable');
      }),
    );
    const { weather } = weatherTool(
      vi.fn(async (_input: WeatherInput, _options: ToolExecutionOptions): Promise<string> => {
        throw new Error('timeout');
      }),
    );
    const wrapped = hookedTool(weather, { registry, name: 'weather' });
    expect(await run(wrapped, { city: 'Paris' })).toBe('Weather service unavailable');
    expect((errorSeen as Error).message).toBe('timeout');
  });

  it('answers repeated calls from the cache hook without running the tool again', async () => {
    const cache = new CachingHook({ store: new MemoryCacheStore() });
    const registry = new HookRegistry();
    for (const point of [Before, After, ToolError]) await registry.register(point, cache);
    const { weather, execute } = weatherTool();
    const wrapped = hookedTool(weather, { registry, name: 'weather' });
    expect(await run(wrapped, { city: 'Oslo' })).toBe('Sunny in Oslo');
    expect(await run(wrapped, { city: 'Oslo' })).toBe('Sunny in Oslo');
    expect(execute).toHaveBeenCalledTimes(1);
    for (const point of [Before, After, ToolError]) await registry.unregister(point, cache.id);
  });

  it("returns a streaming tool's last output", async () => {
    const registry = new HookRegistry();
    let output: unknown;
    await registry.register(
      After,
      hook('spy', (context) => {
        output = context.data.output;
        return HookResult.continue();
      }),
    );
    const progress = tool({
      inputSchema: jsonSchema<WeatherInput>({ type: 'object', properties: { city: { type: 'string' } } }),
      async *execute({ city }: WeatherInput) {
        yield 'looking…';
        yield `Rain in ${city}`;
      },
    });
    const wrapped = hookedTool(progress, { registry, name: 'weather' });
    expect(await wrapped.execute!({ city: 'Bergen' }, callOptions)).toBe('Rain in Bergen');
    expect(output).toBe('Rain in Bergen');
  });

  it('throws HookConfigError for a tool without execute and for bad options', () => {
    const clientSide = tool({ inputSchema: jsonSchema<WeatherInput>({ type: 'object' }) });
    const failure = (() => {
      try {
        hookedTool(clientSide, { registry: new HookRegistry(), name: '' });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(failure).toBeInstanceOf(HookConfigError);
    expect((failure as HookConfigError).issues.map((issue) => issue.path)).toEqual([
      '/tool/execute',
      '/name',
    ]);
  });
});
