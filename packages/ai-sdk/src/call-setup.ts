import { type ComponentId, componentId, HookPoint } from '@llmspell/core';
import { HookExecutor, type OperationSpec } from '@llmspell/executor';
import type { HooksMiddlewareOptions } from './hooks-middleware-options.js';
import { METADATA_PROVIDER_KEY } from './model-input.js';
import type { CallOptions, LanguageModelV3 } from './model-types.js';

/** Components of calls without a `name` option, one per model id; bounded so a stream of ids cannot grow it. */
const MAX_MODEL_COMPONENTS = 1_000;

const agentPoints = {
  before: HookPoint.BeforeAgentExecution,
  after: HookPoint.AfterAgentExecution,
  error: HookPoint.AgentError,
} as const;

/** What every call of one middleware shares; built once by `hooksMiddleware`. */
export interface CallSetup {
  /** The operation spec for calls of `model` (one per component). */
  specFor(model: LanguageModelV3): OperationSpec;
  /** `context.metadata` for a call: the call's `providerOptions.llmspell`, then the `metadata` option on top. */
  metadataFor(params: CallOptions, model: LanguageModelV3): Record<string, string>;
  /** Models a `redirect` may name. */
  redirects: Readonly<Record<string, LanguageModelV3>>;
}

/** The shared part of every call of a middleware built with `options`. */
export function callSetup(options: HooksMiddlewareOptions): CallSetup {
  const { registry, name, events, metrics, metadata, redirects = {} } = options;
  const executor = options.executor ?? new HookExecutor(registry, { events, metrics });
  const redirectTargets = Object.keys(redirects);
  const specOf = (component: ComponentId): OperationSpec => ({
    componentId: component,
    points: agentPoints,
    executor,
    events,
    metrics,
    redirectTargets,
  });
  const named = name === undefined ? undefined : specOf(componentId(name, 'agent'));
  const byModel = new Map<string, OperationSpec>();
  return {
    redirects: { ...redirects },
    specFor(model) {
      if (named !== undefined) return named;
      let spec = byModel.get(model.modelId);
      if (spec === undefined) {
        spec = specOf(componentId(model.modelId || 'language-model', 'agent'));
        if (byModel.size < MAX_MODEL_COMPONENTS) byModel.set(model.modelId, spec);
      }
      return spec;
    },
    metadataFor(params, model) {
      const result: Record<string, string> = {};
      const carried = params.providerOptions?.[METADATA_PROVIDER_KEY];
      if (carried !== undefined) {
        for (const [key, value] of Object.entries(carried))
          if (typeof value === 'string') result[key] = value;
      }
      // The server's metadata wins: a client must not pick the userId its limits and budgets are kept under.
      const base = typeof metadata === 'function' ? metadata({ params, modelId: model.modelId }) : metadata;
      return base === undefined ? result : Object.assign(result, base);
    },
  };
}
