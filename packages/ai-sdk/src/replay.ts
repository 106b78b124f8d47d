import { contentOf, finishReasonOf, type ModelOutput } from './model-output.js';
import type { GenerateResult, StreamPart, StreamResult } from './model-types.js';
import { noUsage } from './usage.js';

/** Where an answer that skipped the model came from; reported as `providerMetadata.llmspell`. */
export interface AnswerSource {
  /** The result type that answered: 'cache' or 'replace'. */
  answeredBy: 'cache' | 'replace';
  /** The hook that answered, when known. */
  hookId: string | undefined;
  /** The model the call was for. */
  modelId: string;
}

function providerMetadataOf(source: AnswerSource): NonNullable<GenerateResult['providerMetadata']> {
  const llmspell: Record<string, string> = { answeredBy: source.answeredBy };
  if (source.hookId !== undefined) llmspell.hookId = source.hookId;
  return { llmspell };
}

/** A well-formed `doGenerate` result for an answer no model produced: its content, no tokens spent. */
export function replayGenerate(output: ModelOutput, source: AnswerSource): GenerateResult {
  const content = contentOf(output);
  return {
    content,
    finishReason: finishReasonOf(content),
    usage: noUsage(),
    providerMetadata: providerMetadataOf(source),
    response: { modelId: source.modelId, timestamp: new Date() },
    warnings: [],
  };
}

/** The stream parts a model would have sent for `output`, ending with a `finish` part that spent no tokens. */
function replayParts(output: ModelOutput, source: AnswerSource): StreamPart[] {
  const content = contentOf(output);
  const parts: StreamPart[] = [
    { type: 'stream-start', warnings: [] },
    { type: 'response-metadata', modelId: source.modelId, timestamp: new Date() },
  ];
  content.forEach((part, index) => {
    const id = `llmspell-${index}`;
    if (part.type === 'text' || part.type === 'reasoning') {
      const kind = part.type;
      const providerMetadata = part.providerMetadata;
      parts.push(
        providerMetadata === undefined
          ? { type: `${kind}-start`, id }
          : { type: `${kind}-start`, id, providerMetadata },
        { type: `${kind}-delta`, id, delta: part.text },
        { type: `${kind}-end`, id },
      );
    } else {
      parts.push(part);
    }
  });
  parts.push({
    type: 'finish',
    usage: noUsage(),
    finishReason: finishReasonOf(content),
    providerMetadata: providerMetadataOf(source),
  });
  return parts;
}

/** A replayed `doStream` result for an answer no model produced. */
export function replayStream(output: ModelOutput, source: AnswerSource): StreamResult {
  const parts = replayParts(output, source);
  return {
    stream: new ReadableStream<StreamPart>({
      start(controller) {
        for (const part of parts) controller.enqueue(part);
        controller.close();
      },
    }),
  };
}
