import type { ContentPart, FinishReason, StreamPart, Usage } from './model-types.js';

type TextLike = Extract<ContentPart, { type: 'text' | 'reasoning' }>;

/** Stream parts that describe the stream or a tool call's input as it forms, not content of the answer. */
const STREAM_ONLY_PARTS: ReadonlySet<string> = new Set([
  'stream-start',
  'response-metadata',
  'tool-input-start',
  'tool-input-delta',
  'tool-input-end',
  'raw',
  'ping',
]);

/** Rebuilds, part by part, what a streaming model generated: its content, usage and finish reason. */
export class StreamContent {
  readonly #content: ContentPart[] = [];
  readonly #open = new Map<string, TextLike>();
  /** The text part the latest text delta went to (most deltas follow one another in one part). */
  #lastText: { id: string; part: TextLike } | undefined;
  /** The usage of the `finish` part; `undefined` until it arrives. */
  usage: Usage | undefined;
  /** The finish reason of the `finish` part; `undefined` until it arrives. */
  finishReason: FinishReason | undefined;
  /** The error of the last `error` part, if any. */
  error: unknown;
  /** True once an `error` part arrived. */
  failed = false;

  add(part: StreamPart): void {
    switch (part.type) {
      case 'text-start':
      case 'reasoning-start':
        if (part.type === 'text-start') this.#lastText = undefined;
        this.#start(part.type === 'text-start' ? 'text' : 'reasoning', part.id, part.providerMetadata);
        break;
      case 'text-delta':
        this.addText(part.id, part.delta);
        break;
      case 'reasoning-delta': {
        const open = this.#open.get(`reasoning:${part.id}`) ?? this.#start('reasoning', part.id, undefined);
        open.text += part.delta;
        break;
      }
      case 'text-end':
      case 'reasoning-end':
        if (part.type === 'text-end' && this.#lastText?.id === part.id) this.#lastText = undefined;
        this.#open.delete(`${part.type === 'text-end' ? 'text' : 'reasoning'}:${part.id}`);
        break;
      case 'finish':
        this.usage = part.usage;
        this.finishReason = part.finishReason;
        break;
      case 'error':
        this.failed = true;
        this.error = part.error;
        break;
      default:
        // Every other part that is not stream bookkeeping is generated content, whole: tool calls and results,
        // sources, files, and parts of newer specifications (AI SDK 7's `custom` and `reasoning-file`).
        if (!STREAM_ONLY_PARTS.has(part.type)) this.#content.push(part as ContentPart);
        break;
    }
  }

  /** A `text-delta` part, given as its id and text. */
  addText(id: string, delta: string): void {
    const last = this.#lastText;
    if (last !== undefined && last.id === id) {
      last.part.text += delta;
      return;
    }
    const open = this.#open.get(`text:${id}`) ?? this.#start('text', id, undefined);
    open.text += delta;
    this.#lastText = { id, part: open };
  }

  /** The content generated so far, in the order its parts started. */
  content(): ContentPart[] {
    return this.#content;
  }

  #start(kind: 'text' | 'reasoning', id: string, providerMetadata: TextLike['providerMetadata']): TextLike {
    const part: TextLike =
      providerMetadata === undefined ? { type: kind, text: '' } : { type: kind, text: '', providerMetadata };
    this.#open.set(`${kind}:${id}`, part);
    this.#content.push(part);
    return part;
  }
}
