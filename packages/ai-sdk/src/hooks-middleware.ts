import { type ComponentId, componentId } from '@llmspell/core';
import { HookExecutor } from '@llmspell/executor';
import type { LanguageModelMiddleware } from 'ai';
import type { HooksMiddlewareOptions } from './hooks-middleware-options.js';
import { type CallSetup, ModelCall } from './model-call.js';
import { METADATA_PROVIDER_KEY } from './model-input.js';
import { contentOf, finishReasonOf, type ModelOutput, outputOf } from './model-output.js';
import type { CallOptions, GenerateResult, LanguageModelV3, StreamResult } from './model-types.js';
import { observeStream } from './observed-stream.js';
import { replayGenerate, replayStream } from './replay.js';
import { sleep } from './sleep.js';
import { validateMiddlewareOptions } from './validate-options.js';

/** Components of calls without a `name` option, one per model id; bounded so a stream of ids cannot grow it. */
const MAX_MODEL_COMPONENTS = 1_000;

function callSetup(options: HooksMiddlewareOptions): CallSetup {
  const { registry, name, events, metrics, metadata, redirects = {} } = options;
  const executor = options.executor ?? new HookExecutor(registry, { events, metrics });
  const named = name === undefined ? undefined : componentId(name, 'agent');
  const byModel = new Map<string, ComponentId>();
  return {
    executor,
    events,
    metrics,
    redirects: { ...redirects },
    componentFor(model: LanguageModelV3): ComponentId {
      if (named !== undefined) return named;
      let component = byModel.get(model.modelId);
      if (component === undefined) {
        component = componentId(model.modelId || 'language-model', 'agent');
        if (byModel.size < MAX_MODEL_COMPONENTS) byModel.set(model.modelId, component);
      }
      return component;
    },
    metadataFor(params: CallOptions, model: LanguageModelV3): Record<string, string> {
      const base = typeof metadata === 'function' ? metadata({ params, modelId: model.modelId }) : metadata;
      const result: Record<string, string> = { ...base };
      const carried = params.providerOptions?.[METADATA_PROVIDER_KEY];
      if (carried !== undefined) {
        for (const [key, value] of Object.entries(carried))
          if (typeof value === 'string') result[key] = value;
      }
      return result;
    },
  };
}

/** `result` answering `output` instead of what the model generated; usage and metadata are kept. */
function withOutput(result: GenerateResult, output: ModelOutput): GenerateResult {
  const content = contentOf(output);
  return { ...result, content, finishReason: finishReasonOf(content, result.finishReason) };
}

/** True when hooks left `data.output` different from what the call put there. */
function changed(before: ModelOutput, after: ModelOutput): boolean {
  return before.text !== after.text || before.content !== after.content;
}

/**
 * Language-model middleware (`wrapLanguageModel` of AI SDK 6 and 7) that runs each `doGenerate` / `doStream` call
 * as one operation of an agent through BeforeAgentExecution, AgentError and AfterAgentExecution.
 *
 * Before gets `data.input` = { text: the last user message, messages, settings? } and `data.model`. cancel →
 * the call rejects with `HookCancelledError`; cache / replace → a well-formed result without calling the model
 * (a replayed stream for `doStream`); modified → the model sees the modified prompt; redirect → a model of
 * `redirects`. After gets `data.output` = { text }, `data.model` and `data.tokensUsed`; a generate call awaits
 * it, a stream runs it when the stream finishes.
 */
export function hooksMiddleware(options: HooksMiddlewareOptions): LanguageModelMiddleware {
  validateMiddlewareOptions(options);
  const setup = callSetup(options);

  const generate = async (params: CallOptions, model: LanguageModelV3): Promise<GenerateResult> => {
    const call = new ModelCall(setup, params, model);
    try {
      const result = await generateThrough(call, params);
      call.finish();
      return result;
    } catch (error) {
      await call.cleanup(error);
      call.finish(error);
      throw error;
    }
  };

  const generateThrough = async (call: ModelCall, params: CallOptions): Promise<GenerateResult> => {
    const data = call.data;
    let answer = await call.before();
    for (;;) {
      let result: GenerateResult;
      if (answer !== undefined) {
        result = replayGenerate(answer.output, answer.source);
        call.describe(answer.output, undefined);
      } else {
        const ran = await call.run((target, options) => target.doGenerate(options));
        if ('answer' in ran) {
          answer = ran.answer;
          continue;
        }
        result = ran.result;
        call.describe(outputOf(result.content), result.usage);
      }
      const described = data.output as ModelOutput;
      const outcome = await call.after();
      const decision = outcome.result;
      if (decision.type === 'cancel') throw call.cancelledAfter(outcome, decision.reason);
      if (decision.type === 'replace')
        return withOutput(result, call.outputAfter(outcome, decision.result, 'replace'));
      if (decision.type === 'retry' && call.attempts < decision.maxAttempts) {
        await sleep(decision.delayMs, params.abortSignal);
        delete data.cached;
        answer = undefined;
        continue;
      }
      if (data.output === described) return result;
      const output = call.outputAfter(outcome, data.output, 'modified');
      return changed(described, output) ? withOutput(result, output) : result;
    }
  };

  const stream = async (params: CallOptions, model: LanguageModelV3): Promise<StreamResult> => {
    const call = new ModelCall(setup, params, model);
    try {
      let answer = await call.before();
      if (answer === undefined) {
        const ran = await call.run((target, options) => target.doStream(options));
        if ('result' in ran) return { ...ran.result, stream: observeStream(call, ran.result.stream, false) };
        answer = ran.answer;
      }
      call.describe(answer.output, undefined);
      return { stream: observeStream(call, replayStream(answer.output, answer.source).stream, true) };
    } catch (error) {
      await call.cleanup(error);
      call.finish(error);
      throw error;
    }
  };

  return {
    // AI SDK 6 requires 'v3'; AI SDK 7 accepts any version and always hands middleware V4 models and calls.
    specificationVersion: 'v3',
    wrapGenerate: ({ params, model }) => generate(params, model),
    wrapStream: ({ params, model }) => stream(params, model),
  };
}
