import type { EventSink, MetricsRecorder } from '@llmspell/core';
import type { HookExecutor } from '@llmspell/executor';
import type { HookRegistry } from '@llmspell/registry';
import type { CallOptions, LanguageModelV3 } from './model-types.js';

/** What a `metadata` function is given: the call about to run. */
export interface ModelCallInfo {
  /** The call's options: prompt, settings, `providerOptions`, `abortSignal` … */
  params: CallOptions;
  /** The id of the wrapped model. */
  modelId: string;
}

/** Options of `hooksMiddleware`. */
export interface HooksMiddlewareOptions {
  /** Where the hooks are registered (BeforeAgentExecution, AfterAgentExecution, AgentError). Required. */
  registry: HookRegistry;
  /** The component name every call belongs to (cache keys, cost totals and rate-limit keys use it). Default: the model's id. */
  name?: string;
  /** The executor to run hooks with. Default: `new HookExecutor(registry, { events, metrics })`. */
  executor?: HookExecutor;
  /** The sink every call's context carries, for hook events. Default: none. */
  events?: EventSink;
  /** The recorder every call's context carries, for hook metrics. Default: a no-op. */
  metrics?: MetricsRecorder;
  /**
   * `context.metadata` (userId, tenantId …): an object for every call, or a function of the call. It is laid over
   * the string entries of the call's `providerOptions.llmspell`: keys set here win, so a client cannot spoof them.
   * Default: {}.
   */
  metadata?: Record<string, string> | ((call: ModelCallInfo) => Record<string, string>);
  /** Models a `redirect` result may name, by target. Default: none (a redirect throws UnknownRedirectTargetError). */
  redirects?: Record<string, LanguageModelV3>;
}
