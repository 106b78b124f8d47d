import {
  componentId,
  type EventSink,
  type Hook,
  HookContext,
  type HookMetadata,
  HookPoint,
  type HookResult,
  type MetricsRecorder,
} from '@llmspell/core';
import { HookRegistry } from '@llmspell/registry';

export const point = HookPoint.BeforeAgentExecution;

/** A context at `hookPoint` for a test agent. */
export function makeContext(
  options: {
    hookPoint?: HookPoint;
    data?: Record<string, unknown>;
    events?: EventSink;
    metrics?: MetricsRecorder;
    signal?: AbortSignal;
  } = {},
): HookContext {
  return new HookContext({
    hookPoint: options.hookPoint ?? point,
    componentId: componentId('test-agent', 'agent'),
    data: options.data ?? {},
    events: options.events,
    metrics: options.metrics,
    signal: options.signal,
  });
}

/** A hook with `id` whose `execute` is `execute`, and optional metadata. */
export function hook(id: string, execute: (context: HookContext) => unknown, metadata?: HookMetadata): Hook {
  return {
    id,
    execute: execute as (context: HookContext) => HookResult | Promise<HookResult>,
    ...(metadata ? { metadata: () => metadata } : {}),
  };
}

/** A registry with `hooks` registered at `at`, in order (equal priority keeps this order). */
export async function registryWith(hooks: Hook[], at: HookPoint = point): Promise<HookRegistry> {
  const registry = new HookRegistry();
  for (const entry of hooks) await registry.register(at, entry);
  return registry;
}

/** A promise that never settles. */
export function never(): Promise<never> {
  return new Promise(() => {});
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
