export type { CanonicalJsonOptions } from './canonical-json.js';
export { canonicalJson } from './canonical-json.js';
export type { ComponentId, ComponentType } from './component-id.js';
export { componentId } from './component-id.js';
export type { AjvErrorLike } from './config-issues.js';
export { ConfigIssues, issuesFromAjv, MAX_TIMER_MS, unknownOptionMessage } from './config-issues.js';
export type { Decimal, DecimalParse } from './decimal.js';
export { decimalToUnits, MAX_DECIMAL_DIGITS, MAX_DECIMAL_EXPONENT, parseDecimal } from './decimal.js';
export { describeValue } from './describe-value.js';
export { HookCancelledError } from './errors/hook-cancelled-error.js';
export type { ConfigIssue } from './errors/hook-config-error.js';
export { HookConfigError } from './errors/hook-config-error.js';
export { HookRegistrationError } from './errors/hook-registration-error.js';
export { HookTimeoutError } from './errors/hook-timeout-error.js';
export { LlmspellError } from './errors/llmspell-error.js';
export { PluginLoadError } from './errors/plugin-load-error.js';
export type { EventBusOptions, EventSink, HookEvent } from './events.js';
export { EventBus } from './events.js';
export type { Hook, HookMetadata } from './hook.js';
export type { HookContextInit } from './hook-context.js';
export { HookContext } from './hook-context.js';
export type { BuiltinHookPoint } from './hook-point.js';
export {
  BUILTIN_HOOK_POINTS,
  HookPoint,
  isAfterPoint,
  isBeforePoint,
  isErrorPoint,
  isHookPoint,
} from './hook-point.js';
export type { ForkOperation, HookResultOf, HookResultType } from './hook-result.js';
export { HookResult } from './hook-result.js';
export type { LogFn, Logger } from './logger.js';
export { consoleLogger, silentLogger } from './logger.js';
export { isTextMediaType } from './media-type.js';
export { applyMergePatch, MAX_PATCH_OBJECTS } from './merge-patch.js';
export type { MetricSnapshot, MetricsRecorder } from './metrics.js';
export { InMemoryMetrics, noopMetrics } from './metrics.js';
export type {
  OperationFinishedPayload,
  OperationOutcome,
  OperationStartedPayload,
} from './operation-events.js';
export { emitOperationFinished, emitOperationStarted } from './operation-events.js';
export { compilePattern } from './pattern.js';
export { Priority } from './priority.js';
export type { AgentStreamChunkData } from './stream-chunk.js';
export type { TokenEstimate } from './token-estimate.js';
export { approximateTokens, estimateTokens, estimateUsedTokens } from './token-estimate.js';
export { coreVersion } from './version.js';
