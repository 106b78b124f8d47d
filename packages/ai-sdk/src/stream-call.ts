import { describeValue, HookCancelledError, HookPoint, LlmspellError } from '@llmspell/core';
import {
  Operation,
  type OutputMapping,
  readerCancelled,
  type StreamPiece,
  type StreamSink,
  type StreamSource,
} from '@llmspell/executor';
import type { CallSetup } from './call-setup.js';
import { InvalidModelOutputError } from './errors/invalid-model-output-error.js';
import { inputOf, paramsWithInput } from './model-input.js';
import { outputOf, readOutput } from './model-output.js';
import type { CallOptions, LanguageModelV3, StreamPart, StreamResult } from './model-types.js';
import { replayStream } from './replay.js';
import { StreamContent } from './stream-content.js';
import { tokensUsedOf } from './usage.js';

/** One read of the model's stream. */
type ReadResult = Awaited<ReturnType<ReadableStreamDefaultReader<StreamPart>['read']>>;

/**
 * The model's stream parts as the lifecycle's source, read through `next()` / `piece()`: text deltas are text
 * (judged at AgentStreamChunk), the `finish` part is kept back (its usage goes to `data.tokensUsed` at once, the
 * part itself is delivered after After ran), an `error` part sets `data.error`, a `raw` part (the provider's own
 * chunk, with `includeRawChunks`) is dropped while hooks judge the text (it carries that text unjudged), and
 * every other part passes through in order as a marker.
 */
class ModelStreamSource implements StreamSource<StreamPart, ReadResult> {
  readonly #reader: ReadableStreamDefaultReader<StreamPart>;
  readonly #data: () => Record<string, unknown>;
  /** What the reader was sent, rebuilt (text as released): `data.output` at the end. */
  readonly content = new StreamContent();
  readonly cancelEndsRead = true;
  finish: StreamPart | undefined;
  /** The latest text-delta part read: passed on as it is when its text is released unchanged. */
  lastDelta: Extract<StreamPart, { type: 'text-delta' }> | undefined;

  readonly #judged: () => boolean;

  /** `judged`: whether hooks at AgentStreamChunk judge the text now. */
  constructor(
    stream: ReadableStream<StreamPart>,
    data: () => Record<string, unknown>,
    judged: () => boolean,
  ) {
    this.#reader = stream.getReader();
    this.#data = data;
    this.#judged = judged;
  }

  read(): Promise<StreamPiece<StreamPart>> {
    return this.#reader.read().then((next) => {
      const piece = this.piece(next);
      return piece === null ? this.read() : piece;
    });
  }

  next(): Promise<ReadResult> {
    return this.#reader.read();
  }

  piece(next: ReadResult): StreamPiece<StreamPart> | null {
    if (next.done) return undefined;
    const part = next.value;
    switch (part.type) {
      case 'text-delta':
        // A delta that is not text would read as the end of the stream (the rest and its usage lost) or as junk.
        if (typeof part.delta !== 'string') {
          throw new LlmspellError(
            `The model streamed a text-delta part whose delta is ${describeValue(part.delta)}, not a string`,
          );
        }
        this.lastDelta = part;
        return part.delta;
      case 'finish': {
        this.finish = part;
        const tokensUsed = tokensUsedOf(part.usage);
        if (tokensUsed !== undefined) this.#data().tokensUsed = tokensUsed;
        return null;
      }
      case 'error':
        this.#data().error = part.error;
        return { marker: part };
      case 'raw':
        return this.#judged() ? null : { marker: part };
      default:
        return { marker: part };
    }
  }

  cancel(reason: unknown): void {
    // Resolves a pending read at once, whether or not the model honours it.
    this.#reader.cancel(reason).catch(() => undefined);
  }

  output(): unknown {
    return outputOf(this.content.content());
  }
}

/**
 * The stream the reader gets: released text as `text-delta` parts of the open text part, other parts in
 * order; every part sent is also recorded in `source.content`. Writes after the reader left are dropped.
 */
class ReaderSink implements StreamSink<StreamPart> {
  controller: ReadableStreamDefaultController<StreamPart> | undefined;
  #openTextId: string | undefined;
  #syntheticTexts = 0;
  gone = false;

  constructor(readonly source: ModelStreamSource) {}

  text(delta: string): void {
    let id = this.#openTextId;
    if (id === undefined) {
      // Text released outside any text part (hooks rewrote text across one's end): open one for it.
      id = `llmspell-text-${this.#syntheticTexts++}`;
      this.marker({ type: 'text-start', id });
    }
    const original = this.source.lastDelta;
    // Released as it arrived: the model's own part (with its providerMetadata) goes on unchanged.
    const part =
      original !== undefined && original.delta === delta && original.id === id
        ? original
        : ({ type: 'text-delta', id, delta } as const);
    this.source.content.addText(id, delta);
    this.#enqueue(part);
  }

  marker(part: StreamPart): void {
    if (part.type === 'text-start') this.#openTextId = part.id;
    else if (part.type === 'text-end' && part.id === this.#openTextId) this.#openTextId = undefined;
    this.send(part);
  }

  /** Ends any text part left open (a cancel stopped the stream inside one). */
  closeText(): void {
    const id = this.#openTextId;
    if (id !== undefined) this.marker({ type: 'text-end', id });
  }

  send(part: StreamPart): void {
    this.source.content.add(part);
    this.#enqueue(part);
  }

  #enqueue(part: StreamPart): void {
    if (this.gone) return;
    try {
      this.controller!.enqueue(part);
    } catch {
      this.gone = true;
    }
  }

  close(): void {
    if (this.gone) return;
    this.gone = true;
    try {
      this.controller!.close();
    } catch {
      // Already closed or errored by its reader.
    }
  }

  error(error: unknown): void {
    if (this.gone) return;
    this.gone = true;
    try {
      this.controller!.error(error);
    } catch {
      // Already closed or errored by its reader.
    }
  }
}

/**
 * One `doStream` call as one operation of the component: Before as for generate (a cache/replace answer is
 * replayed as a stream), then the model's stream read eagerly through the AgentStreamChunk hooks to the reader,
 * then After before the `finish` part is delivered. A chunk hook's cancel (or After's) reaches the reader as an
 * `error` part carrying the `HookCancelledError`, then the stream closes; the caller's abort or a broken model
 * stream errors it. The reader giving up (cancel) ends the call; its cancel settles after cleanup.
 */
export async function streamThrough(
  setup: CallSetup,
  params: CallOptions,
  model: LanguageModelV3,
): Promise<StreamResult> {
  const input = inputOf(params);
  const mapping: OutputMapping<StreamResult> = {
    answer(value, origin) {
      const output = readOutput(value);
      if (output === undefined) {
        throw new InvalidModelOutputError({ ...origin, answer: origin.type, value });
      }
      return replayStream(output, { answeredBy: origin.type, hookId: origin.hookId, modelId: model.modelId });
    },
  };
  const operation = new Operation(setup.specFor(model), mapping, {
    data: { input, model: model.modelId, provider: model.provider },
    metadata: setup.metadataFor(params, model),
    signal: params.abortSignal,
    interruptible: true,
  });
  let opened: StreamResult;
  try {
    const decision = await operation.before();
    const target = decision.type === 'redirect' ? decision.target : undefined;
    opened =
      decision.type === 'answer'
        ? decision.output
        : await operation.run(() => {
            const chosen = target === undefined ? model : setup.redirects[target]!;
            if (target !== undefined) {
              operation.data.model = chosen.modelId;
              operation.data.provider = chosen.provider;
            }
            return chosen.doStream(paramsWithInput(params, input, operation.data.input));
          });
  } catch (error) {
    await operation.fail(error);
    throw error;
  }
  const executor = setup.specFor(model).executor;
  const source = new ModelStreamSource(
    opened.stream,
    () => operation.data,
    () => executor.holdBackAt(HookPoint.AgentStreamChunk) >= 0,
  );
  const sink = new ReaderSink(source);
  let settled: Promise<void> | undefined;
  // Parts are enqueued as the call releases them (the queue is the reader's buffer); nothing is pulled. A start
  // that never settles keeps the stream from scheduling a no-op pull (a promise and a microtask) at every read
  // and every part: a stream that has not started never calls pull, while enqueue, close, error and cancel
  // work as usual.
  const stream = new ReadableStream<StreamPart>(
    {
      start(controller) {
        sink.controller = controller;
        return new Promise<void>(() => undefined);
      },
      cancel(reason) {
        sink.gone = true;
        operation.interrupt(readerCancelled(reason));
        return settled;
      },
    },
    { highWaterMark: 0 },
  );
  settled = operation.stream(source, sink).then(
    () => {
      if (source.finish !== undefined) sink.send(source.finish);
      sink.close();
    },
    (error: unknown) => {
      if (HookCancelledError.isInstance(error)) {
        sink.closeText();
        sink.send({ type: 'error', error });
        if (error.hookPoint === HookPoint.AfterAgentExecution && source.finish !== undefined) {
          sink.send(source.finish);
        }
        sink.close();
      } else {
        sink.error(error);
      }
    },
  );
  return { ...opened, stream };
}
