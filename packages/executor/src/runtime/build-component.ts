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
export interface ComponentOptions<Input, Output> {
  /** The component's name (its `componentId.name`). Required. */
  name: string;
  /** Where the component's hooks are registered. Required. */
  registry: HookRegistry;
  /** The sink every context of the component carries (and the built executor publishes to). Default: none. */
  events?: EventSink;
  /** The recorder every context of the component carries (and the built executor records to). Default: a no-op. */
  metrics?: MetricsRecorder;
  /** The executor to run hooks with. Default: `new HookExecutor(registry, { events, metrics })`. */
  executor?: HookExecutor;
  /** Components a `redirect` result may name, by target. Default: none (a redirect throws UnknownRedirectTargetError). */
  redirects?: Record<string, RedirectTarget<Input, Output>>;
  /** Runs one operation of a `fork` result beside the main one. Default: none (event `hook.fork_unhandled`). */
  fork?(operation: ForkOperation, context: HookContext): Promise<unknown>;
  /** The component's work: the (possibly modified) `data.input` and the call's context. */
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
