import { withBase64Bytes } from './file-bytes.js';
import type { ContentPart, FinishReason } from './model-types.js';

/** What the hooks see as `data.output` for one model call, and what a cache hook stores. */
export interface ModelOutput {
  /** The generated text: every text part, joined. */
  text: string;
  /**
   * Every content part, JSON-safe (file bytes as base64); present only when the model produced more than text
   * (tool calls, reasoning, sources, files), so that a replay answers exactly what the model did. Its text parts
   * give way to `text` when the two differ: a hook that changes `text` alone changes what the call answers.
   */
  content?: ContentPart[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isContentPart(value: unknown): value is ContentPart {
  return isRecord(value) && typeof value.type === 'string';
}

/** The text of content parts: every text part, joined. */
export function textOf(content: readonly ContentPart[]): string {
  let text = '';
  for (const part of content) if (part.type === 'text') text += part.text;
  return text;
}

/** `data.output` for what a model generated. */
export function outputOf(content: readonly ContentPart[]): ModelOutput {
  const text = textOf(content);
  if (content.every((part) => part.type === 'text')) return { text };
  return { text, content: content.map(withBase64Bytes) };
}

/**
 * Reads a hook's answer (a `cache` or `replace` result, or `data.output` after hooks changed it) as model
 * output: a string, or an object with a string `text` and/or a `content` array. `undefined` when it is neither.
 */
export function readOutput(value: unknown): ModelOutput | undefined {
  if (typeof value === 'string') return { text: value };
  if (!isRecord(value)) return undefined;
  const content =
    Array.isArray(value.content) && value.content.every(isContentPart) ? value.content : undefined;
  if (typeof value.text === 'string') return content ? { text: value.text, content } : { text: value.text };
  return content ? { text: textOf(content), content } : undefined;
}

/**
 * The content parts to answer with: the recorded parts, or one text part. The answer's text is always
 * `output.text`: when it differs from the recorded parts' text (a hook changed `text` and kept `content`, as a
 * lenient security hook masking a secret does), the text parts give way to one part holding it, where the
 * first one was; every other part stays as recorded.
 */
export function contentOf(output: ModelOutput): ContentPart[] {
  const { content, text } = output;
  if (content === undefined) return text === '' ? [] : [{ type: 'text', text }];
  if (textOf(content) === text) return content;
  const parts: ContentPart[] = [];
  let placed = false;
  for (const part of content) {
    if (part.type !== 'text') parts.push(part);
    else if (!placed) {
      placed = true;
      if (text !== '') parts.push({ ...part, text });
    }
  }
  if (!placed && text !== '') parts.push({ type: 'text', text });
  return parts;
}

/** Why a model answering `content` stopped: for tool calls, 'tool-calls'; otherwise `fallback`, or 'stop'. */
export function finishReasonOf(content: readonly ContentPart[], fallback?: FinishReason): FinishReason {
  if (content.some((part) => part.type === 'tool-call')) return { unified: 'tool-calls', raw: undefined };
  if (fallback === undefined || fallback.unified === 'tool-calls') return { unified: 'stop', raw: undefined };
  return fallback;
}
