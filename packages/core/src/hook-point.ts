const builtinHookPoints = [
  // agent
  'BeforeAgentInit',
  'AfterAgentInit',
  'BeforeAgentExecution',
  'AfterAgentExecution',
  'AgentError',
  'BeforeAgentShutdown',
  'AfterAgentShutdown',
  // tool
  'BeforeToolDiscovery',
  'AfterToolDiscovery',
  'BeforeToolExecution',
  'AfterToolExecution',
  'ToolValidation',
  'ToolError',
  // workflow
  'BeforeWorkflowStart',
  'WorkflowStageTransition',
  'BeforeWorkflowStage',
  'AfterWorkflowStage',
  'WorkflowCheckpoint',
  'WorkflowRollback',
  'AfterWorkflowComplete',
  'WorkflowError',
  // state
  'BeforeStateRead',
  'AfterStateRead',
  'BeforeStateWrite',
  'AfterStateWrite',
  'StateConflict',
  'StateMigration',
  // system
  'SystemStartup',
  'SystemShutdown',
  'ConfigurationChange',
  'ResourceLimitExceeded',
  'SecurityViolation',
  // session
  'SessionStart',
  'SessionEnd',
  'SessionCheckpoint',
  'SessionRestore',
  'SessionSave',
  // event
  'BeforeEventEmit',
  'AfterEventEmit',
  'EventHandlerError',
  // performance
  'PerformanceThresholdExceeded',
  'MemoryUsageHigh',
  'CpuUsageHigh',
  // streams
  'AgentStreamChunk',
] as const;

/** One of the 44 hook points built into the lifecycle of agents, tools, workflows and the system. */
export type BuiltinHookPoint = (typeof builtinHookPoints)[number];

/** A built-in hook point, or an application-defined one created with `HookPoint.custom(name)`. */
export type HookPoint = BuiltinHookPoint | `custom:${string}`;

type HookPointConstants = { readonly [K in BuiltinHookPoint]: K } & {
  /** A custom hook point: `HookPoint.custom('billing')` is `'custom:billing'`. */
  custom<const Name extends string>(name: Name): `custom:${Name}`;
};

const constants = Object.fromEntries(builtinHookPoints.map((point) => [point, point])) as {
  [K in BuiltinHookPoint]: K;
};

/** Hook point constants; each value equals its key (`HookPoint.AgentError === 'AgentError'`). */
export const HookPoint: HookPointConstants = Object.freeze({
  ...constants,
  custom<const Name extends string>(name: Name): `custom:${Name}` {
    if (typeof name !== 'string' || name.length === 0) {
      throw new TypeError(`HookPoint.custom(name) needs a non-empty string, got ${JSON.stringify(name)}`);
    }
    return `custom:${name}`;
  },
});

/** Every built-in hook point, in lifecycle order. */
export const BUILTIN_HOOK_POINTS: readonly BuiltinHookPoint[] = Object.freeze([...builtinHookPoints]);

const builtinSet: ReadonlySet<string> = new Set(builtinHookPoints);

/** True for a built-in hook point name or a `custom:<name>` point. */
export function isHookPoint(value: unknown): value is HookPoint {
  return (
    typeof value === 'string' &&
    (builtinSet.has(value) || (value.startsWith('custom:') && value.length > 'custom:'.length))
  );
}

/** True for points that run before an operation: `Before*`, and `ToolValidation`. */
export function isBeforePoint(point: HookPoint): boolean {
  return point.startsWith('Before') || point === 'ToolValidation';
}

/** True for points that run after an operation: `After*`. */
export function isAfterPoint(point: HookPoint): boolean {
  return point.startsWith('After');
}

const errorPoints: ReadonlySet<string> = new Set([
  'AgentError',
  'ToolError',
  'WorkflowError',
  'EventHandlerError',
]);

/** True for the error points: `AgentError`, `ToolError`, `WorkflowError`, `EventHandlerError`. */
export function isErrorPoint(point: HookPoint): boolean {
  return errorPoints.has(point);
}
