export type { CircuitBreakerConfig, CircuitState } from './circuit-breaker.js';
export { InvalidHookResultError } from './errors/invalid-hook-result-error.js';
export { UnknownRedirectTargetError } from './errors/unknown-redirect-target-error.js';
export type { ExecutionOutcome, HookExecutionRecord } from './execution-outcome.js';
export type { HookExecutorOptions } from './executor-options.js';
export { HookChain } from './hook-chain.js';
export { HookExecutor } from './hook-executor.js';
export type { HookStats } from './hook-stats.js';
export type { AgentStream, AgentStreamPart } from './runtime/agent-stream.js';
export type { Component, ComponentOptions } from './runtime/build-component.js';
export type { ComponentExecuteOptions, RedirectTarget } from './runtime/call-options.js';
export type { Agent, AgentInput, AgentOptions, AgentOutput } from './runtime/create-agent.js';
export { createAgent } from './runtime/create-agent.js';
export type { Tool, ToolOptions } from './runtime/create-tool.js';
export { createTool } from './runtime/create-tool.js';
export type {
  AfterDecision,
  AnswerOrigin,
  BeforeDecision,
  LifecyclePoints,
  OperationSpec,
  OutputMapping,
  StreamPiece,
  StreamSource,
} from './runtime/operation.js';
export { Operation, readerCancelled } from './runtime/operation.js';
export type { StreamSink } from './runtime/stream-guard.js';
export type { WithTimingOptions } from './with-timing.js';
export { withTiming } from './with-timing.js';
