import { HookCancelledError, HookPoint, HookResult, Priority } from '@llmspell/core';
import { HookRegistry } from '@llmspell/registry';
import { describe, expect, it } from 'vitest';
import { hook } from '../__fixtures__/hooks.js';
import { createAgent } from './create-agent.js';

const { AgentStreamChunk: Chunk } = HookPoint;
const secret = 'password: hunter2';

/** A streaming agent answering `secret` one character at a time, with `redact` at AgentStreamChunk. */
async function redactedAgent(redact: () => unknown, failurePolicy: 'open' | 'closed') {
  const registry = new HookRegistry();
  await registry.register(
    Chunk,
    hook('redact', redact, { name: 'redact', failurePolicy, streamHoldBackChars: 4 }),
  );
  return createAgent({
    name: 'writer',
    registry,
    async *stream() {
      yield* secret;
    },
  });
}

async function read(stream: AsyncIterable<string>): Promise<{ released: string; error: unknown }> {
  let released = '';
  try {
    for await (const delta of stream) released += delta;
  } catch (error) {
    return { released, error };
  }
  return { released, error: undefined };
}

describe('a chunk hook that rewrites the chunk into something unusable', () => {
  // A redaction that forgot an `await` answers a promise; others answer null or a number.
  const unusable: [string, () => unknown][] = [
    ['a promise as the text', () => HookResult.modified({ chunk: { text: Promise.resolve('***') } })],
    ['a number as the text', () => HookResult.modified({ chunk: { text: 42 } })],
    ['a string as the chunk', () => HookResult.modified({ chunk: '***' })],
    ['null as the chunk', () => HookResult.modified({ chunk: null })],
  ];

  for (const [name, redact] of unusable) {
    it(`fails closed on ${name}: nothing it meant to hide is released`, async () => {
      const agent = await redactedAgent(redact, 'closed');
      const stream = agent.stream({ text: 'the password?' });
      const { released, error } = await read(stream.textStream);
      expect(released).toBe('');
      expect(HookCancelledError.isInstance(error)).toBe(true);
      expect((error as HookCancelledError).hookPoint).toBe(Chunk);
      expect((error as HookCancelledError).reason).toContain("Hook 'redact' failed");
      await expect(stream.output).rejects.toBe(error);
    });
  }

  it('is a failure of the hook: a fail-open hook is passed over as if it had thrown', async () => {
    const agent = await redactedAgent(() => HookResult.modified({ chunk: { text: 42 } }), 'open');
    const { released, error } = await read(agent.stream({ text: 'the password?' }).textStream);
    expect(error).toBeUndefined();
    expect(released).toBe(secret);
  });

  it('still accepts a chunk patch without text (the pending text stays)', async () => {
    const agent = await redactedAgent(() => HookResult.modified({ chunk: { note: 'seen' } }), 'closed');
    const { released, error } = await read(agent.stream({ text: 'the password?' }).textStream);
    expect(error).toBeUndefined();
    expect(released).toBe(secret);
  });
});

describe('a chunk hook that answers something that means nothing for a chunk', () => {
  const meaningless: [string, HookResult][] = [
    ['replace', HookResult.replace('anything')],
    ['retry', HookResult.retry({ delayMs: 0, maxAttempts: 3 })],
    ['redirect', HookResult.redirect('elsewhere')],
    ['cache', HookResult.cache({ result: 'anything', ttlMs: 1_000 })],
  ];

  for (const [name, answer] of meaningless) {
    it(`does not stop the hooks after it from judging the chunk (${name})`, async () => {
      const registry = new HookRegistry();
      await registry.register(
        Chunk,
        hook('first', () => answer),
        Priority.Highest - 1,
      );
      await registry.register(
        Chunk,
        hook(
          'guard',
          (context) => {
            const { text } = context.data.chunk as { text: string };
            return text.includes('hunter2') ? HookResult.cancel('a password') : HookResult.continue();
          },
          { name: 'guard', streamHoldBackChars: 8 },
        ),
        Priority.Highest,
      );
      const agent = createAgent({
        name: 'writer',
        registry,
        async *stream() {
          yield* secret;
        },
      });
      const { released, error } = await read(agent.stream({ text: 'the password?' }).textStream);
      expect(HookCancelledError.isInstance(error)).toBe(true);
      expect((error as HookCancelledError).reason).toBe('a password');
      expect(released).not.toContain('hunter');
    });
  }
});

describe('a slow chunk hook (a remote moderation call) and a fast stream', () => {
  const text = 'The quick brown fox jumps over the lazy dog. '.repeat(12);

  async function slowlyJudged(answer: (pending: string) => HookResult) {
    const registry = new HookRegistry();
    const judged: string[] = [];
    await registry.register(
      Chunk,
      hook(
        'moderation',
        async (context) => {
          const { text: pending } = context.data.chunk as { text: string };
          judged.push(pending);
          await new Promise((resolve) => setTimeout(resolve, 3));
          return answer(pending);
        },
        { name: 'moderation', streamHoldBackChars: 12 },
      ),
    );
    const agent = createAgent({
      name: 'writer',
      registry,
      async *stream() {
        yield* text;
        yield* 'SECRET-TOKEN';
        yield* text;
      },
    });
    return { agent, judged };
  }

  it('judges the deltas that arrived while it judged in one batch, not once per delta', async () => {
    const { agent, judged } = await slowlyJudged(() => HookResult.continue());
    const { released, error } = await read(agent.stream({ text: 'go' }).textStream);
    expect(error).toBeUndefined();
    expect(released).toBe(`${text}SECRET-TOKEN${text}`);
    // One call per delta would be 1,000 calls (3 s and more); batches keep it to a handful.
    expect(judged.length).toBeLessThan(50);
  });

  it('still judges a match split across batched deltas whole before any of it is released', async () => {
    const { agent } = await slowlyJudged((pending) =>
      pending.includes('SECRET-TOKEN') ? HookResult.cancel('a token') : HookResult.continue(),
    );
    const { released, error } = await read(agent.stream({ text: 'go' }).textStream);
    expect(HookCancelledError.isInstance(error)).toBe(true);
    expect(released).not.toContain('SECRET');
    expect(text.startsWith(released)).toBe(true);
  });
});
