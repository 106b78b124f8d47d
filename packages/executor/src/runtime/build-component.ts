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
import { type ComponentExecuteOptions, type RedirectTarget, validateCallOptions } from './call-options.js';
import { type LifecyclePoints, Operation, type OperationSpec, type OutputMapping } from './operation.js';

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

/** What every call of a built component shares. */
export interface ComponentParts<Input, Output> {
  spec: OperationSpec;
  redirects: Readonly<Record<string, RedirectTarget<Input, Output>>>;
}

/** The operation spec and redirect targets of a component, from its (validated) options. */
export function componentParts<Input, Output>(
  componentType: ComponentType,
  points: LifecyclePoints,
  options: Omit<ComponentOptions<Input, Output>, 'execute'>,
): ComponentParts<Input, Output> {
  const { name, registry, events, metrics, fork } = options;
  const redirects = { ...options.redirects };
  return {
    spec: {
      componentId: componentId(name, componentType),
      points,
      executor: options.executor ?? new HookExecutor(registry, { events, metrics }),
      events,
      metrics,
      redirectTargets: Object.keys(redirects),
      fork: fork
        ? (operation: ForkOperation, context: HookContext) => fork.call(options, operation, context)
        : undefined,
    },
    redirects,
  };
}

/** Starts one call's operation from `execute` options (validated here); throws when the signal already aborted. */
export function startOperation<Output>(
  spec: OperationSpec,
  mapping: OutputMapping<Output>,
  input: unknown,
  callOptions: ComponentExecuteOptions,
  interruptible = false,
): Operation<Output> {
  validateCallOptions(callOptions);
  const { signal } = callOptions;
  signal?.throwIfAborted();
  return new Operation(spec, mapping, {
    data: { input },
    metadata: { ...callOptions.metadata },
    signal,
    interruptible,
  });
}

/** One call of a component whose operation returns its output at once: the whole lifecycle, through `Operation`. */
export function executeComponent<Input, Output>(
  parts: ComponentParts<Input, Output>,
  mapping: OutputMapping<Output>,
  execute: (input: Input, context: HookContext) => Promise<Output>,
  input: Input,
  callOptions: ComponentExecuteOptions = {},
): Promise<Output> {
  let operation: Operation<Output>;
  try {
    operation = startOperation(parts.spec, mapping, input, callOptions);
  } catch (error) {
    return Promise.reject(error);
  }
  return operation.call((target) => {
    const current = operation.data.input as Input;
    if (target === undefined) return execute(current, operation.context);
    return parts.redirects[target]!.execute(current, {
      metadata: { ...operation.context.metadata },
      signal: callOptions.signal,
    });
  });
}
