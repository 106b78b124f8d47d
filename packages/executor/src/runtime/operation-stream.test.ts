import { componentId, HookPoint, HookResult } from '@llmspell/core';
import { HookRegistry } from '@llmspell/registry';
import { describe, expect, it } from 'vitest';
import { hook } from '../__fixtures__/hooks.js';
import { HookExecutor } from '../hook-executor.js';
import { Operation, type StreamSource } from './operation.js';

const {
  BeforeAgentExecution: Before,
  AfterAgentExecution: After,
  AgentError,
  AgentStreamChunk: Chunk,
} = HookPoint;

function operation(registry: HookRegistry, signal?: AbortSignal): Operation<unknown> {
  return new Operation(
    {
      componentId: componentId('split-agent', 'agent'),
      points: { before: Before, after: After, error: AgentError },
      executor: new HookExecutor(registry),
      events: undefined,
      metrics: undefined,
      redirectTargets: [],
    },
    {},
    { data: {}, signal, interruptible: true },
  );
}

type Raw = { done: true } | { done: false; value: string | number };

/** A source read through `next()` / `piece()`: numbers are markers, `0` carries nothing (skipped). */
function splitSource(
  values: readonly (string | number)[],
  { stallAfter = Number.POSITIVE_INFINITY, gate }: { stallAfter?: number; gate?: () => Promise<void> } = {},
) {
  let index = 0;
  const record = { reads: 0, readCalls: 0, cancelled: false };
  const source: StreamSource<number, Raw> = {
    read() {
      record.readCalls++;
      return Promise.reject(new Error('read() is not used when next() and piece() are given'));
    },
    next() {
      record.reads++;
      if (index >= stallAfter) return new Promise<Raw>(() => undefined);
      const raw: Raw = index < values.length ? { done: false, value: values[index++]! } : { done: true };
      return gate === undefined ? Promise.resolve(raw) : gate().then(() => raw);
    },
    piece(raw) {
      if (raw.done) return undefined;
      if (raw.value === 0) return null;
      return typeof raw.value === 'string' ? raw.value : { marker: raw.value };
    },
    cancel() {
      record.cancelled = true;
    },
  };
  return { source, record };
}

describe('Operation.stream with a source split into next() and piece()', () => {
  it('awaits next(), skips what piece() returns null for, and passes text and markers in order', async () => {
    const registry = new HookRegistry();
    const after: unknown[] = [];
    await registry.register(
      After,
      hook('after-spy', (context) => {
        after.push(context.data.output);
        return HookResult.continue();
      }),
    );
    const { source, record } = splitSource(['a', 0, 7, 'b', 0, 'c']);
    const sent: (string | number)[] = [];
    await operation(registry).stream(source, {
      text: (delta) => sent.push(delta),
      marker: (marker) => sent.push(marker),
    });
    expect(sent).toEqual(['a', 7, 'b', 'c']);
    expect(after).toEqual([{ text: 'abc' }]);
    expect(record.readCalls).toBe(0);
    expect(record.reads).toBe(7);
  });

  it('ends on an abort while next() never settles, cancels the source and cleans up once', async () => {
    const registry = new HookRegistry();
    const errors: unknown[] = [];
    await registry.register(
      AgentError,
      hook('cleanup', (context) => {
        errors.push(context.data.error);
        return HookResult.continue();
      }),
    );
    const { source, record } = splitSource(['x', 'y', 'z'], { stallAfter: 2 });
    const controller = new AbortController();
    const reason = new Error('caller left');
    const sent: string[] = [];
    const streamed = operation(registry, controller.signal).stream(source, {
      text: (delta) => {
        sent.push(delta);
        if (sent.length === 2) setTimeout(() => controller.abort(reason), 5);
      },
      marker: () => undefined,
    });
    await expect(streamed).rejects.toBe(reason);
    expect(sent).toEqual(['x', 'y']);
    expect(record.cancelled).toBe(true);
    expect(errors).toEqual([reason]);
  });

  it('ends at once when the call was interrupted before its stream phase, though the source never answers', async () => {
    const registry = new HookRegistry();
    const errors: unknown[] = [];
    await registry.register(
      AgentError,
      hook('cleanup', (context) => {
        errors.push(context.data.error);
        return HookResult.continue();
      }),
    );
    const { source, record } = splitSource(['never'], { stallAfter: 0 });
    const call = operation(registry);
    const reason = new Error('the reader left first');
    call.interrupt(reason);
    await expect(call.stream(source, { text: () => undefined, marker: () => undefined })).rejects.toBe(
      reason,
    );
    expect(record.reads).toBe(0);
    expect(record.cancelled).toBe(true);
    expect(errors).toEqual([reason]);
  });

  it('ends a stream whose source never answers again when the call is interrupted after a slow chunk hook', async () => {
    const registry = new HookRegistry();
    const call = operation(registry);
    const reason = new Error('the reader left while a hook judged');
    await registry.register(
      Chunk,
      hook('slow', async () => {
        call.interrupt(reason);
        await new Promise((resolve) => setTimeout(resolve, 5));
        return HookResult.continue();
      }),
    );
    const { source, record } = splitSource(['one', 'two'], { stallAfter: 1 });
    await expect(call.stream(source, { text: () => undefined, marker: () => undefined })).rejects.toBe(
      reason,
    );
    expect(record.reads).toBe(1);
    expect(record.cancelled).toBe(true);
  });

  it('judges the deltas that follow once a chunk hook is registered in the middle of a stream', async () => {
    const registry = new HookRegistry();
    const judged: string[] = [];
    const upper = hook('upper', (context) => {
      const chunk = context.data.chunk as { text: string; final: boolean };
      if (!chunk.final) judged.push(chunk.text);
      return HookResult.modified({ chunk: { text: chunk.text.toUpperCase() } });
    });
    // The source waits for the registration that the first delta started before it gives the second.
    let registered = Promise.resolve();
    const { source } = splitSource(['one ', 'two ', 'three'], { gate: () => registered });
    const sent: string[] = [];
    await operation(registry).stream(source, {
      text: (delta) => {
        sent.push(delta);
        if (sent.length === 1) registered = registry.register(Chunk, upper).then(() => undefined);
      },
      marker: () => undefined,
    });
    expect(sent[0]).toBe('one ');
    expect(sent.join('')).toBe('one TWO THREE');
    expect(judged).toEqual(['two ', 'three']);
  });
});
