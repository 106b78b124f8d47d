import {
  type ComponentId,
  type ComponentType,
  componentId,
  type EventSink,
  type ForkOperation,
  type HookContext,
  type MetricsRecorder,
} from '@llmspell/core';
import type { HookRegistry } from '@llmspell/registry';
import { HookExecutor } from '../hook-executor.js';
import {
  type ComponentExecuteOptions,
  type LifecyclePoints,
  type RedirectTarget,
  runLifecycle,
} from './component-lifecycle.js';
import { validateComponentOptions } from './component-options.js';

/** The options `createAgent` and `createTool` share. */
interface ComponentOptions<Input, Output> {
  name: string;
  registry: HookRegistry;
  events?: EventSink;
  metrics?: MetricsRecorder;
  executor?: HookExecutor;
  redirects?: Record<string, RedirectTarget<Input, Output>>;
  fork?(operation: ForkOperation, context: HookContext): Promise<unknown>;
  execute(input: Input, context: HookContext): Promise<Output>;
}

/** What `createAgent` and `createTool` return: a frozen component whose calls run the hook lifecycle. */
export interface Component<Input, Output> {
  readonly componentId: ComponentId;
  execute(input: Input, options?: ComponentExecuteOptions): Promise<Output>;
}

/** Validates the options and builds the component; `describeOutput` fills the After point's data. */
export function buildComponent<Input, Output>(
  subject: 'createAgent' | 'createTool',
  componentType: ComponentType,
  points: LifecyclePoints,
  describeOutput: (output: Output, data: Record<string, unknown>) => void,
  options: ComponentOptions<Input, Output>,
): Component<Input, Output> {
  validateComponentOptions(subject, options);
  const { name, registry, events, metrics, redirects, fork } = options;
  const spec = {
    componentId: componentId(name, componentType),
    points,
    executor: options.executor ?? new HookExecutor(registry, { events, metrics }),
    events,
    metrics,
    redirects: redirects ? { ...redirects } : undefined,
    fork: fork
      ? (operation: ForkOperation, context: HookContext) => fork.call(options, operation, context)
      : undefined,
    operation: (input: Input, context: HookContext) => options.execute(input, context),
    describeOutput,
  };
  return Object.freeze({
    componentId: spec.componentId,
    execute: (input: Input, callOptions?: ComponentExecuteOptions) => runLifecycle(spec, input, callOptions),
  });
}
