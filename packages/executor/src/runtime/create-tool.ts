import { HookPoint } from '@llmspell/core';
import {
  type Component,
  type ComponentOptions,
  componentParts,
  executeComponent,
} from './build-component.js';
import type { ComponentExecuteOptions } from './call-options.js';
import { validateComponentOptions } from './component-options.js';

/** A tool whose every call runs through BeforeToolExecution, AfterToolExecution and ToolError. */
export type Tool<Args = Record<string, unknown>, Result = unknown> = Component<Args, Result>;

/** Options of `createTool` (type 'tool'; its argument object is `data.input`, its result `data.output`). */
export type ToolOptions<Args = Record<string, unknown>, Result = unknown> = ComponentOptions<Args, Result>;

const toolPoints = {
  before: HookPoint.BeforeToolExecution,
  after: HookPoint.AfterToolExecution,
  error: HookPoint.ToolError,
} as const;

/** Tools map nothing: the arguments are `data.input`, the result `data.output`, a hook's answer is the result. */
const toolMapping = {};

/**
 * Builds a tool whose calls run the hook lifecycle around `options.execute`. The arguments are `data.input`
 * and the result `data.output`. Results hooks supply (`cache`, `replace`) are trusted to be a `Result`.
 */
export function createTool<Args = Record<string, unknown>, Result = unknown>(
  options: ToolOptions<Args, Result>,
): Tool<Args, Result> {
  validateComponentOptions('createTool', options);
  const parts = componentParts<Args, Result>('tool', toolPoints, options);
  const execute = (args: Args, context: Parameters<ToolOptions<Args, Result>['execute']>[1]) =>
    options.execute(args, context);
  return Object.freeze({
    componentId: parts.spec.componentId,
    execute: (args: Args, callOptions?: ComponentExecuteOptions) =>
      executeComponent(parts, toolMapping, execute, args, callOptions),
  });
}
