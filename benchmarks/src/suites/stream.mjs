// 8. Streams: a 4,000-character answer in 1,000 deltas of 4 characters, read to its end, through (a) the bare
// provider, (b) the hooks middleware with no AgentStreamChunk hook, (c) the middleware with one no-op chunk hook
// holding back 64 characters — at the model level (`doStream`, what the middleware wraps), as an application reads
// it (`streamText`), and through `agent.stream` of @llmspell/executor.
import { hooksMiddleware } from '@llmspell/ai-sdk';
import { HookPoint, HookResult } from '@llmspell/core';
import { createAgent } from '@llmspell/executor';
import { HookRegistry } from '@llmspell/registry';
import { simulateReadableStream, streamText, wrapLanguageModel } from 'ai';
import { formatRatio, formatTime, interleave, pairedDifference, pairedRatio } from '../harness.mjs';

const DELTAS = 1_000;
const DELTA = 'abcd';
const HOLD_BACK = 64;
const RATIO_GOAL = 1.1;
const PER_DELTA_GOAL_NS = 1_000;
const CONTINUE = HookResult.continue();

const usage = {
  inputTokens: { total: 12, noCache: 12, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: DELTAS, text: DELTAS, reasoning: 0 },
};
const parts = [
  { type: 'stream-start', warnings: [] },
  { type: 'text-start', id: 't' },
  ...Array.from({ length: DELTAS }, () => ({ type: 'text-delta', id: 't', delta: DELTA })),
  { type: 'text-end', id: 't' },
  { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage },
];

/** An in-process model whose stream is the AI SDK's own `simulateReadableStream` of the parts, without delays. */
const provider = {
  specificationVersion: 'v3',
  provider: 'bench',
  modelId: 'bench-model',
  supportedUrls: {},
  async doGenerate() {
    throw new Error('The stream benchmark only streams');
  },
  async doStream() {
    return {
      stream: simulateReadableStream({ chunks: parts, initialDelayInMs: null, chunkDelayInMs: null }),
    };
  },
};

const callOptions = {
  prompt: [{ role: 'user', content: [{ type: 'text', text: 'Write 4,000 characters.' }] }],
};

async function drain(stream) {
  const reader = stream.getReader();
  let count = 0;
  while (!(await reader.read()).done) count++;
  return count;
}

// Floors at `doStream`: wrappers that do nothing but forward the bare provider's parts, each a ReadableStream
// between the provider and its reader, as the middleware's is. What they cost over (a) is what any wrapping stream
// costs before it does any work of its own.

/** An identity `TransformStream` (`pipeThrough`), as AI SDK middleware that rewrites parts usually builds it. */
function identityTransform(stream) {
  return stream.pipeThrough(new TransformStream());
}

/** A pull-based ReadableStream over the source's reader: reads one part each time its reader asks for one. */
function pullWrapper(stream) {
  const reader = stream.getReader();
  return new ReadableStream(
    {
      async pull(controller) {
        const next = await reader.read();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

/**
 * The middleware's own shape with none of its work: the source read to its end at once (a reader that stops
 * reading cannot hold the call), each part enqueued as it arrives, a start that never settles so the stream
 * schedules no pull.
 */
function eagerWrapper(stream) {
  const reader = stream.getReader();
  return new ReadableStream(
    {
      start(controller) {
        (async () => {
          for (;;) {
            const next = await reader.read();
            if (next.done) break;
            controller.enqueue(next.value);
          }
          controller.close();
        })().catch((error) => controller.error(error));
        return new Promise(() => undefined);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

const FLOORS = [
  ['floor: an identity `TransformStream` around (a)', identityTransform],
  ['floor: a pull-based `ReadableStream` around (a)', pullWrapper],
  ['floor: an eager forwarding `ReadableStream` around (a), no pull', eagerWrapper],
];

async function* agentSource() {
  for (let index = 0; index < DELTAS; index++) yield DELTA;
}

async function registries() {
  const none = new HookRegistry();
  const guarded = new HookRegistry();
  await guarded.register(HookPoint.AgentStreamChunk, {
    id: 'no-op-chunk-hook',
    metadata: () => ({ streamHoldBackChars: HOLD_BACK }),
    execute: () => CONTINUE,
  });
  return { none, guarded };
}

/** Checks that a side delivers the whole answer before it is measured. */
async function assertWhole(label, text) {
  if (text.length !== DELTAS * DELTA.length) throw new Error(`${label} delivered ${text.length} characters`);
}

async function readText(iterable) {
  let text = '';
  for await (const delta of iterable) text += delta;
  return text;
}

function rowsFor(level, [bare, plain, guarded]) {
  const added = pairedDifference(guarded, plain) / DELTAS;
  return {
    row: [
      level,
      formatTime(bare.ns),
      formatTime(plain.ns),
      formatTime(guarded.ns),
      formatRatio(pairedRatio(plain, bare)),
      formatTime(added),
    ],
    plainRatio: pairedRatio(plain, bare),
    addedPerDeltaNs: added,
  };
}

export const stream = {
  id: 'stream',
  title: '8. Streams',
  async run({ profile }) {
    const { none, guarded } = await registries();
    const plainModel = wrapLanguageModel({
      model: provider,
      middleware: hooksMiddleware({ registry: none, name: 'bench' }),
    });
    const guardedModel = wrapLanguageModel({
      model: provider,
      middleware: hooksMiddleware({ registry: guarded, name: 'bench' }),
    });
    const plainAgent = createAgent({ name: 'bench', registry: none, stream: () => agentSource() });
    const guardedAgent = createAgent({ name: 'bench', registry: guarded, stream: () => agentSource() });

    for (const [label, model] of [
      ['middleware', plainModel],
      ['middleware with a chunk hook', guardedModel],
    ]) {
      await assertWhole(label, await streamText({ model, prompt: 'x' }).text);
    }
    await assertWhole('agent.stream', await readText(guardedAgent.stream({ text: 'x' }).textStream));

    for (const [label, wrap] of FLOORS) {
      const count = await drain(wrap((await provider.doStream(callOptions)).stream));
      if (count !== parts.length) throw new Error(`${label} delivered ${count} parts`);
    }

    const levels = [
      [
        '`doStream`, read to the end',
        [
          async () => drain((await provider.doStream(callOptions)).stream),
          async () => drain((await plainModel.doStream(callOptions)).stream),
          async () => drain((await guardedModel.doStream(callOptions)).stream),
          // The floors, measured in the same rounds as the three sides above.
          ...FLOORS.map(
            ([, wrap]) =>
              async () =>
                drain(wrap((await provider.doStream(callOptions)).stream)),
          ),
        ],
      ],
      [
        '`streamText(…).textStream`',
        [provider, plainModel, guardedModel].map((model) => async () => {
          for await (const _delta of streamText({ model, prompt: 'x' }).textStream);
        }),
      ],
      [
        '`agent.stream(…).textStream` (the source iterated bare)',
        [
          async () => {
            for await (const _delta of agentSource());
          },
          async () => {
            for await (const _delta of plainAgent.stream({ text: 'x' }).textStream);
          },
          async () => {
            for await (const _delta of guardedAgent.stream({ text: 'x' }).textStream);
          },
        ],
      ],
    ];
    const results = [];
    for (const [level, fns] of levels) {
      // A streamText call takes tens of milliseconds and allocates enough to trigger collections: longer samples
      // per round keep one collection from deciding a round.
      const sampling = level.startsWith('`streamText')
        ? { ...profile, minCpuTimeMs: profile.minCpuTimeMs * 5 }
        : profile;
      const sides = await interleave(
        fns.map((fn, index) => ({ label: `${level} ${index}`, fn })),
        sampling,
        { batch: false },
      );
      results.push({
        level,
        ...rowsFor(level, sides),
        floors: sides.slice(3).map((side) => [side, sides[0]]),
      });
    }
    const [raw, app, agent] = results;
    const floorRows = raw.floors.map(([side, bare], index) => [
      FLOORS[index][0],
      formatTime(bare.ns),
      formatTime(side.ns),
      '',
      formatRatio(pairedRatio(side, bare)),
      '',
    ]);
    return {
      intro:
        `One answer of ${(DELTAS * DELTA.length).toLocaleString('en')} characters in ${DELTAS.toLocaleString('en')} ` +
        `deltas, read to its end: (a) the bare provider (the AI SDK's \`simulateReadableStream\`, no delays), (b) ` +
        '`hooksMiddleware` with no AgentStreamChunk hook (deltas pass straight through, After runs at the end), ' +
        `(c) one no-op chunk hook with \`streamHoldBackChars: ${HOLD_BACK}\`. Times per whole stream; the ratio is ` +
        '(b) ÷ (a); the last column is what the chunk hook adds per delta, ((c) − (b)) ÷ 1,000. The floor rows ' +
        'put a wrapper that only forwards parts around the same bare provider (in the same rounds as the ' +
        '`doStream` row): what any ReadableStream between a provider and its reader costs before doing any work; ' +
        'their (b) column is the wrapper and their ratio wrapper ÷ (a).',
      columns: [
        'read through',
        '(a) bare',
        '(b) no chunk hook (floor: the wrapper)',
        '(c) one chunk hook',
        '(b) ÷ (a)',
        '(c) − (b) per delta',
      ],
      rows: [results[0].row, ...floorRows, ...results.slice(1).map((result) => result.row)],
      goals: [
        {
          text: `middleware without chunk hooks ≤ ${RATIO_GOAL}× the bare provider, read through streamText`,
          met: app.plainRatio.ratio <= RATIO_GOAL,
          measured: formatRatio(app.plainRatio),
        },
        {
          text: `middleware without chunk hooks ≤ ${RATIO_GOAL}× the bare provider, at doStream`,
          met: raw.plainRatio.ratio <= RATIO_GOAL,
          measured: formatRatio(raw.plainRatio),
        },
        {
          text: 'one no-op chunk hook (hold-back 64) adds ≤ 1 µs per delta, at doStream and through agent.stream',
          met: Math.max(raw.addedPerDeltaNs, agent.addedPerDeltaNs) <= PER_DELTA_GOAL_NS,
          measured: `${formatTime(raw.addedPerDeltaNs)} at doStream, ${formatTime(agent.addedPerDeltaNs)} through agent.stream`,
        },
      ],
    };
  },
};
