import { HookPoint } from '@llmspell/core';
import { buildComponent, type Component, type ComponentOptions } from './build-component.js';

/** A tool whose every call runs through BeforeToolExecution, AfterToolExecution and ToolError. */
export type Tool<Args = Record<string, unknown>, Result = unknown> = Component<Args, Result>;

/** Options of `createTool` (type 'tool'; its argument object is `data.input`, its result `data.output`). */
export type ToolOptions<Args = Record<string, unknown>, Result = unknown> = ComponentOptions<Args, Result>;

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
