import { componentId, type EventSink, HookPoint, type MetricsRecorder } from '@llmspell/core';
import { HookExecutor, Operation, type OperationSpec } from '@llmspell/executor';
import type { HookRegistry } from '@llmspell/registry';
import type { Tool } from 'ai';
import { validateToolOptions } from './validate-options.js';

/** The AI SDK's options of one tool call, derived from `Tool` so that AI SDK 6 and 7 (where it is generic) fit. */
type ToolExecutionOptions = Parameters<NonNullable<Tool['execute']>>[1];

/** What a `metadata` function is given: the tool call about to run. */
export interface ToolCallInfo {
  /** The tool's arguments, as the model gave them. */
  input: unknown;
  /** The AI SDK's options of the call: `toolCallId`, `messages`, `abortSignal`, `experimental_context`. */
  options: ToolExecutionOptions;
}

/** Options of `hookedTool`. */
export interface HookedToolOptions {
  /** Where the hooks are registered (BeforeToolExecution, AfterToolExecution, ToolError). Required. */
  registry: HookRegistry;
  /** The tool's name, as in the `tools` object (the security hook's `toolSchemas` are keyed by it). Required. */
  name: string;
  /** The executor to run hooks with. Default: `new HookExecutor(registry, { events, metrics })`. */
  executor?: HookExecutor;
  /** The sink every call's context carries, for hook events. Default: none. */
  events?: EventSink;
  /** The recorder every call's context carries, for hook metrics. Default: a no-op. */
  metrics?: MetricsRecorder;
  /** `context.metadata`: an object for every call, or a function of the call; `toolCallId` is added. Default: {}. */
  metadata?: Record<string, string> | ((call: ToolCallInfo) => Record<string, string>);
}

type Execute = (input: unknown, options: ToolExecutionOptions) => unknown;

const toolPoints = {
  before: HookPoint.BeforeToolExecution,
  after: HookPoint.AfterToolExecution,
  error: HookPoint.ToolError,
} as const;

/** Tool calls map nothing: the arguments are `data.input`, the result `data.output`. */
const toolMapping = {};

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { then?: unknown }).then !== 'function' &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}

/** The tool's final output: the value it returned or resolved to, or the last value a streaming tool yielded. */
async function finalOutput(value: unknown): Promise<unknown> {
  if (!isAsyncIterable(value)) return value;
  let last: unknown;
  for await (const item of value) last = item;
  return last;
}

/**
 * The same AI SDK tool, with its `execute` run through BeforeToolExecution / AfterToolExecution / ToolError as
 * one operation of `componentId(name, 'tool')`: `data.input` is the tool's arguments, `data.output` its result.
 * A Before `cancel` makes the call throw `HookCancelledError` (the AI SDK reports it to the model as a tool
 * error); `cache` / `replace` answer without running the tool; `modified` changes the arguments. A streaming
 * tool's preliminary outputs are collapsed into its final one.
 */
export function hookedTool<T extends Tool>(tool: T, options: HookedToolOptions): T {
  validateToolOptions(tool, options);
  const { registry, name, events, metrics, metadata } = options;
  const spec: OperationSpec = {
    componentId: componentId(name, 'tool'),
    points: toolPoints,
    executor: options.executor ?? new HookExecutor(registry, { events, metrics }),
    events,
    metrics,
    redirectTargets: [],
  };
  const execute = tool.execute as Execute;
  const hookedExecute = async (input: unknown, callOptions: ToolExecutionOptions): Promise<unknown> => {
    const signal = callOptions.abortSignal;
    signal?.throwIfAborted();
    const base = typeof metadata === 'function' ? metadata({ input, options: callOptions }) : metadata;
    const operation = new Operation<unknown>(spec, toolMapping, {
      data: { input },
      metadata: { ...base, toolCallId: callOptions.toolCallId },
      signal,
    });
    return operation.call(() => finalOutput(execute.call(tool, operation.data.input, callOptions)));
  };
  return { ...tool, execute: hookedExecute };
}
