import { Operation, type OutputMapping } from '@llmspell/executor';
import type { CallSetup } from './call-setup.js';
import { InvalidModelOutputError } from './errors/invalid-model-output-error.js';
import { inputOf, paramsWithInput } from './model-input.js';
import { contentOf, finishReasonOf, type ModelOutput, outputOf, readOutput } from './model-output.js';
import type { CallOptions, GenerateResult, LanguageModelV3 } from './model-types.js';
import { replayGenerate } from './replay.js';
import { tokensUsedOf } from './usage.js';

/**
 * `result` answering `output` instead of what the model generated; usage and metadata are kept, the provider's
 * raw response body is not (it holds what the model generated, as it was).
 */
function withOutput(result: GenerateResult, output: ModelOutput): GenerateResult {
  const content = contentOf(output);
  const changed = { ...result, content, finishReason: finishReasonOf(content, result.finishReason) };
  if (result.response?.body !== undefined) {
    const { body: _raw, ...response } = result.response;
    changed.response = response;
  }
  return changed;
}

/** True when hooks left `data.output` different from what the call put there. */
function changed(before: ModelOutput, after: ModelOutput): boolean {
  return before.text !== after.text || before.content !== after.content;
}

/**
 * One `doGenerate` call as one operation of the component: the prompt is `data.input`, the model's content
 * `data.output` and its usage `data.tokensUsed`; a hook's answer becomes a well-formed result without calling
 * the model; what After hooks replace or change in `data.output` is what the call answers.
 */
export function generateThrough(
  setup: CallSetup,
  params: CallOptions,
  model: LanguageModelV3,
): Promise<GenerateResult> {
  const input = inputOf(params);
  // The output each result stands for: the hook's answer for a replayed result, what After hooks were shown.
  const answers = new WeakMap<GenerateResult, ModelOutput>();
  let shown: ModelOutput | undefined;
  const mapping: OutputMapping<GenerateResult> = {
    answer(value, origin) {
      const output = readOutput(value);
      if (output === undefined) {
        throw new InvalidModelOutputError({ ...origin, answer: origin.type, value });
      }
      const result = replayGenerate(output, {
        answeredBy: origin.type,
        hookId: origin.hookId,
        modelId: model.modelId,
      });
      answers.set(result, output);
      return result;
    },
    record(result, data) {
      const answered = answers.get(result);
      shown = answered ?? outputOf(result.content);
      data.output = shown;
      const tokensUsed = answered === undefined ? tokensUsedOf(result.usage) : undefined;
      if (tokensUsed === undefined) delete data.tokensUsed;
      else data.tokensUsed = tokensUsed;
    },
    result(result, data, replaced, after) {
      if (replaced !== undefined) {
        const output = readOutput(replaced.value);
        if (output === undefined) {
          throw new InvalidModelOutputError({ ...replaced.origin, answer: 'replace', value: replaced.value });
        }
        return withOutput(result, output);
      }
      if (data.output === shown || shown === undefined) return result;
      const output = readOutput(data.output);
      if (output === undefined) {
        throw new InvalidModelOutputError({ ...after, answer: 'modified', value: data.output });
      }
      return changed(shown, output) ? withOutput(result, output) : result;
    },
  };
  const operation = new Operation(setup.specFor(model), mapping, {
    data: { input, model: model.modelId, provider: model.provider },
    metadata: setup.metadataFor(params, model),
    signal: params.abortSignal,
  });
  return operation.call((target) => {
    const chosen = target === undefined ? model : setup.redirects[target]!;
    if (target !== undefined) {
      operation.data.model = chosen.modelId;
      operation.data.provider = chosen.provider;
    }
    return chosen.doGenerate(paramsWithInput(params, input, operation.data.input));
  });
}
