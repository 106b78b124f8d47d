import {
  type ComponentId,
  type EventSink,
  type ForkOperation,
  type HookContext,
  HookPoint,
  type MetricsRecorder,
} from '@llmspell/core';
import type { HookRegistry } from '@llmspell/registry';
import type { HookExecutor } from '../hook-executor.js';
import { buildComponent } from './build-component.js';
import type { ComponentExecuteOptions } from './component-lifecycle.js';

/** A tool whose every call runs through BeforeToolExecution, AfterToolExecution and ToolError. */
export interface Tool<Args = Record<string, unknown>, Result = unknown> {
  readonly componentId: ComponentId;
  execute(args: Args, options?: ComponentExecuteOptions): Promise<Result>;
}

/** Options of `createTool`. */
export interface ToolOptions<Args = Record<string, unknown>, Result = unknown> {
  /** The tool's name (its `componentId.name`, type 'tool'). Required. */
  name: string;
  /** Where the tool's hooks are registered. Required. */
  registry: HookRegistry;
  /** The sink every context of the tool carries (and the built executor publishes to). Default: none. */
  events?: EventSink;
  /** The recorder every context of the tool carries (and the built executor records to). Default: a no-op. */
  metrics?: MetricsRecorder;
  /** The executor to run hooks with. Default: `new HookExecutor(registry, { events, metrics })`. */
  executor?: HookExecutor;
  /** Tools a `redirect` result may name, by target. Default: none (a redirect throws UnknownRedirectTargetError). */
  redirects?: Record<string, Tool<Args, Result>>;
  /** Runs one operation of a `fork` result beside the main one. Default: none (event `hook.fork_unhandled`). */
  fork?(operation: ForkOperation, context: HookContext): Promise<unknown>;
  /** The tool's work: its argument object (as `data.input`, possibly modified by hooks) and the call's context. */
  execute(args: Args, context: HookContext): Promise<Result>;
}

const toolPoints = {
  before: HookPoint.BeforeToolExecution,
  after: HookPoint.AfterToolExecution,
  error: HookPoint.ToolError,
} as const;

/**
 * Builds a tool whose calls run the hook lifecycle around `options.execute`. The arguments are `data.input`
 * and the result `data.output`. Results hooks supply (`cache`, `replace`) are trusted to be a `Result`.
 */
export function createTool<Args = Record<string, unknown>, Result = unknown>(
  options: ToolOptions<Args, Result>,
): Tool<Args, Result> {
  return buildComponent<Args, Result>('createTool', 'tool', toolPoints, describeToolOutput, options);
}

function describeToolOutput(output: unknown, data: Record<string, unknown>): void {
  data.output = output;
}
