import { type AgentStreamChunkData, HookCancelledError, type HookContext, HookPoint } from '@llmspell/core';
import type { ExecutionOutcome } from '../execution-outcome.js';
import type { HookExecutor } from '../hook-executor.js';

const { AgentStreamChunk } = HookPoint;

/** Where a streaming call's released pieces go, in order. */
export interface StreamSink<Marker> {
  /** Text the AgentStreamChunk hooks released to the reader. */
  text(delta: string): void;
  /** A piece that is not text (a tool call, the end of a text block …), released once the text before it is. */
  marker(marker: Marker): void;
}

interface QueuedMarker<Marker> {
  /** Its position in the pending text: it is released once the text before `at` is. */
  at: number;
  marker: Marker;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** The text of `data.chunk` after the hooks ran, or `undefined` when they left something unusable there. */
function chunkText(chunk: unknown): string | undefined {
  if (chunk === null || typeof chunk !== 'object') return undefined;
  const text = (chunk as { text?: unknown }).text;
  return typeof text === 'string' ? text : undefined;
}

/**
 * The AgentStreamChunk phase of one streaming call: text arrives delta by delta, the hooks at the point judge the
 * text not yet released (`data.chunk`, a frozen `{ text, final, appended }`, with `data.output = { text }`
 * released so far; `appended` counts the characters at the end of `text` new since the previous judgment), and
 * what they pass is released to the sink — all but the last `streamHoldBackChars` characters (the largest among
 * the hooks), which wait to be judged again together with what follows. A `modified` chunk text replaces
 * the pending text; `cancel` throws `HookCancelledError`. With no hooks at the point, text passes straight
 * through. A surrogate pair is never split across releases.
 */
export class StreamGuard<Marker> {
  /** The text released so far. */
  released = '';
  #pending = '';
  /** Characters added to the pending text since the last judgment. */
  #appended = 0;
  /** The hooks' answer at the last judgment replaced the pending text: all of it is new to them. */
  #rewritten = false;
  #markers: QueuedMarker<Marker>[] = [];

  constructor(
    readonly executor: HookExecutor,
    /** The context of the AgentStreamChunk point of the call. */
    readonly context: HookContext,
    readonly sink: StreamSink<Marker>,
    /** The caller's signal: an abort while hooks judge ends the phase with its reason. */
    readonly signal: AbortSignal | undefined,
  ) {}

  /** A delta arrived; judged at once. A promise when a hook answered asynchronously. */
  push(delta: string): void | Promise<void> {
    if (delta.length === 0) return;
    // No hooks at the point and nothing held back: the delta is released as it is.
    if (this.#pending.length === 0 && this.executor.holdBackAt(AgentStreamChunk) < 0) {
      this.#emit(delta);
      return;
    }
    this.#pending += delta;
    this.#appended += delta.length;
    return this.#judge(false);
  }

  /**
   * A delta that arrived while the hooks judged: added to the pending text without a judgment of its own; the
   * next `judgePending()` judges everything appended since, at once.
   */
  append(delta: string): void {
    if (delta.length === 0) return;
    if (this.#pending.length === 0 && this.executor.holdBackAt(AgentStreamChunk) < 0) {
      this.#emit(delta);
      return;
    }
    this.#pending += delta;
    this.#appended += delta.length;
  }

  /** Judges the pending text (the deltas appended since the last judgment) as `push` does. */
  judgePending(): void | Promise<void> {
    if (this.#pending.length === 0) return;
    return this.#judge(false);
  }

  /** A piece that is not text, released in order with the text around it. */
  mark(marker: Marker): void {
    if (this.#pending.length === 0) this.sink.marker(marker);
    else this.#markers.push({ at: this.#pending.length, marker });
  }

  /** The source ended: one last judgment with `final: true` releases everything still pending. */
  end(): void | Promise<void> {
    return this.#judge(true);
  }

  #judge(final: boolean): void | Promise<void> {
    const holdBack = this.executor.holdBackAt(AgentStreamChunk);
    const pending = this.#pending;
    const appended = this.#rewritten ? pending.length : Math.min(this.#appended, pending.length);
    this.#appended = 0;
    this.#rewritten = false;
    if (holdBack < 0) {
      this.#release(pending.length);
      return;
    }
    // Fresh objects per judgment: one a hook kept from an earlier judgment cannot reach this one. Frozen, so a
    // hook changes it only by answering `modified`, which hands later hooks a new, unfrozen chunk: `appended`
    // describes this one only.
    const data = this.context.data;
    const chunk: AgentStreamChunkData = Object.freeze({ text: pending, final, appended });
    data.chunk = chunk;
    data.output = { text: this.released };
    const outcome = this.executor.dispatch(AgentStreamChunk, this.context);
    if (outcome instanceof Promise) return outcome.then((answered) => this.#apply(answered, final, holdBack));
    this.#apply(outcome, final, holdBack);
  }

  #apply(outcome: ExecutionOutcome, final: boolean, holdBack: number): void {
    const signal = this.signal;
    if (signal?.aborted) throw signal.reason;
    const result = outcome.result;
    if (result.type === 'cancel') {
      throw new HookCancelledError({
        reason: result.reason,
        hookPoint: AgentStreamChunk,
        hookId: outcome.records[outcome.records.length - 1]?.hookId,
      });
    }
    // Other stopping answers (replace, retry …) mean nothing for a chunk: the text is released as judged.
    const text = chunkText(this.context.data.chunk);
    if (text !== undefined && text !== this.#pending) {
      this.#replacePending(text);
      this.#rewritten = true;
    }
    const pending = this.#pending;
    let count = final ? pending.length : pending.length - holdBack;
    if (count <= 0) return;
    if (count < pending.length && isHighSurrogate(pending.charCodeAt(count - 1))) count--;
    this.#release(count);
  }

  /** Hooks rewrote the pending text: pieces queued inside it, or at its end, now follow the new text. */
  #replacePending(text: string): void {
    const previousLength = this.#pending.length;
    for (const queued of this.#markers) {
      if (queued.at >= previousLength || queued.at > text.length) queued.at = text.length;
    }
    this.#pending = text;
  }

  /** Releases the first `count` pending characters, with the pieces queued among them, in order. */
  #release(count: number): void {
    const pending = this.#pending;
    const markers = this.#markers;
    let from = 0;
    let released = 0;
    while (released < markers.length && markers[released]!.at <= count) {
      const { at, marker } = markers[released++]!;
      if (at > from) this.#emit(pending.slice(from, at));
      from = at;
      this.sink.marker(marker);
    }
    if (count > from)
      this.#emit(from === 0 && count === pending.length ? pending : pending.slice(from, count));
    this.#pending = count === pending.length ? '' : pending.slice(count);
    if (released > 0) markers.splice(0, released);
    for (const queued of markers) queued.at -= count;
  }

  #emit(text: string): void {
    this.released += text;
    this.sink.text(text);
  }
}
