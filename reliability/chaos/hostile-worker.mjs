// The chaos soak's hostile worker: the same four hooks and executor defaults as the chaos workers, on the same
// Redis keys (cache and rate limit), while they run. Its callers send what a hostile caller would: non-object
// inputs, absurd `metadata.maxCostUsd`, ids full of key separators, 100 KB ids, the user id 'global', inputs that
// reuse one sub-object at every level, prototype keys, and repeated prompts whose answers (from this worker's model)
// differ from the normal workers' (a cache entry served across users shows as a wrong answer there). Between them,
// canary calls of a plain caller (no user id) in this same process must be answered. Every user here has a small budget.
// Reports aggregates (not every call: the heap is measured) as one JSON line, then exits by itself.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { EventBus, HookCancelledError, InMemoryMetrics } from '@llmspell/core';
import { createAgent, HookExecutor } from '@llmspell/executor';
import { HookRegistry } from '@llmspell/registry';
import {
  hostileMaxCosts,
  hugeId,
  nonObjectInputs,
  prototypeInput,
  prototypeMetadata,
  prototypeObjectMetadata,
  separatorIds,
  sharedReference,
} from './hostile-inputs.mjs';
import { repeatedPrompts, uniquePromptTemplates } from './prompts.mjs';
import { settings } from './settings.mjs';
import { createSoakHooks, soakRegistrations } from './soak-hooks.mjs';

const { hostile } = settings;
const redisUrl = process.env.CHAOS_REDIS_URL;
const clusterNodes = process.env.CHAOS_CLUSTER_NODES;
const runId = process.env.CHAOS_RUN_ID ?? 'local';
if (!redisUrl && !clusterNodes) {
  throw new Error('CHAOS_REDIS_URL or CHAOS_CLUSTER_NODES is not set: run this through chaos/run-chaos.mjs');
}
if (typeof globalThis.gc !== 'function') throw new Error('run the hostile worker with --expose-gc');

let unhandledRejections = 0;
let uncaughtExceptions = 0;
process.on('unhandledRejection', (reason) => {
  unhandledRejections += 1;
  console.error('hostile worker: unhandled rejection:', reason);
});
process.on('uncaughtException', (error) => {
  uncaughtExceptions += 1;
  console.error('hostile worker: uncaught exception:', error);
});
process.on('exit', (code) => send({ type: 'exit', code, unhandledRejections, uncaughtExceptions }));

function send(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const answerFor = (text) => `answer: ${text}`;
const poisonedAnswerFor = (text) => `poisoned: ${text}`;
const tokensFor = (text) => ({ input: text.length, output: 7 + (text.length % 13) });
/** An id as the report shows it: a 100 KB id is shortened. */
const label = (id) => (id.length > 40 ? `${id.slice(0, 12)}… (${id.length} characters)` : id);

// The orchestrator says 'stop' once the normal workers are done (see `enough` in lane()).
let stopRequested = false;
const orders = createInterface({ input: process.stdin });
orders.on('line', (line) => {
  if (line.trim() === 'stop') stopRequested = true;
});

const eventCounts = {};
// The default EventBus but for a smaller history cap, so that the history is full before the first heap sample.
const events = new EventBus({ maxHistoryBytes: hostile.eventHistoryBytes });
events.subscribe('*', (event) => {
  eventCounts[event.type] = (eventCounts[event.type] ?? 0) + 1;
});
const metrics = new InMemoryMetrics();
// The same cache and rate-limit keys as the normal workers: their cache scope and limiter keys keep callers apart.
// Cost totals of its own (the normal workers' totals are checked exactly), with a small budget per user. A budget
// check the store cannot answer refuses the call ('deny'): with the default 'allow' an outage admits calls
// unchecked, by design, and the overshoot bound would not hold.
const { cluster, security, cache, rateLimiter, costStore, costs } = await createSoakHooks({
  redisUrl,
  clusterNodes,
  runId,
  costKeyPrefix: `chaos:${runId}:hostile-cost:`,
  cost: { budgets: { perUserUsd: hostile.perUserBudgetUsd }, onStoreError: 'deny' },
});

const registry = new HookRegistry();
const registrations = soakRegistrations({ security, rateLimiter, cache, costs }, { costBefore: true });
await registry.registerMultiple(registrations);
const executor = new HookExecutor(registry, { events, metrics, ...settings.executor });

// What the model ran, per user (bounded: the fresh 100 KB ids, one call each, are not kept), for the budget check.
const ranByUser = new Map();
const freshIds = new Set();
let ranCalls = 0;
const agent = createAgent({
  name: 'chaos-agent',
  registry,
  events,
  metrics,
  executor,
  async execute(input, context) {
    const text = typeof input?.text === 'string' ? input.text : String(input?.text ?? input);
    const tokensUsed = tokensFor(text);
    const { userId } = context.metadata;
    ranCalls += 1;
    if (typeof userId === 'string' && userId !== '' && !freshIds.has(userId)) {
      if (!ranByUser.has(userId)) ranByUser.set(userId, []);
      ranByUser.get(userId).push([tokensUsed.input, tokensUsed.output]);
    }
    const span = settings.operationMaxMs - settings.operationMinMs;
    await sleep(settings.operationMinMs + Math.floor(Math.random() * (span + 1)));
    // A canary (no user id) gets the normal workers' answer; any other caller a different one.
    const answer = userId === undefined ? answerFor(text) : poisonedAnswerFor(text);
    return { text: answer, model: settings.cost.model, tokensUsed };
  },
});

const saneEstimate = hostile.saneEstimateUsd;
const specialIds = ['global', '__proto__', 'constructor'];
const shared = sharedReference(hostile.sharedDepth);

/** The probe for call `index` of `lane`: input, metadata and its kind. */
function probe(lane, index) {
  const round = Math.floor(index / 9);
  const requestId = `h-${lane}-${index}`;
  const spender = `spender-${lane}`;
  const prompt = uniquePromptTemplates[index % uniquePromptTemplates.length](`h${lane}-${index}`);
  switch (index % 9) {
    case 0:
      return {
        kind: 'non-object input',
        input: nonObjectInputs[round % nonObjectInputs.length],
        metadata: { userId: `nobody-${lane}`, requestId, maxCostUsd: saneEstimate },
      };
    case 1:
      return {
        kind: 'hostile maxCostUsd',
        input: { text: prompt },
        metadata: { userId: spender, requestId, maxCostUsd: hostileMaxCosts[round % hostileMaxCosts.length] },
      };
    case 2: {
      const ids = separatorIds(lane);
      return {
        kind: 'separator ids',
        input: { text: repeatedPrompts[round % repeatedPrompts.length] },
        metadata: {
          userId: ids[round % ids.length],
          tenantId: ids[(round + 3) % ids.length],
          requestId,
          maxCostUsd: saneEstimate,
        },
      };
    }
    case 3: {
      const fresh = round % hostile.freshHugeIdEvery === 0;
      return {
        kind: '100 KB ids',
        input: { text: prompt },
        metadata: {
          userId: hugeId(lane, fresh ? `-${round}` : ''),
          tenantId: hugeId(lane, '-tenant'),
          requestId,
          maxCostUsd: saneEstimate,
        },
        fresh,
      };
    }
    case 4:
      // Each of these ids is one lane's: a user's calls never overlap.
      return {
        kind: "user 'global', '__proto__', 'constructor'",
        input: { text: repeatedPrompts[round % repeatedPrompts.length] },
        metadata: { userId: specialIds[lane % specialIds.length], requestId, maxCostUsd: saneEstimate },
      };
    case 5:
      return {
        kind: 'shared sub-object',
        input: { text: 'hello', context: shared },
        metadata: { userId: `shared-${lane}`, requestId, maxCostUsd: saneEstimate },
      };
    case 6: {
      const metadata = (round % 4 === 3 ? prototypeObjectMetadata : prototypeMetadata)(`proto-${lane}`);
      metadata.requestId = requestId;
      metadata.maxCostUsd = saneEstimate;
      return { kind: '__proto__ / constructor keys', input: prototypeInput(prompt), metadata };
    }
    case 7:
      return {
        kind: '100 KB text',
        input: { text: 'a'.repeat(100_000) },
        metadata: { userId: `long-${lane}`, requestId, maxCostUsd: '1e99999999999' },
      };
    default:
      // A plain call of the spender with a true estimate: it spends the budget the others probe.
      return {
        kind: 'spender',
        input: { text: prompt },
        metadata: { userId: spender, requestId, maxCostUsd: saneEstimate },
      };
  }
}

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
const outcomes = {};
const canary = { calls: 0, ok: 0, failed: 0, failures: [] };
let calls = 0;
const durations = {};
/** Heap after GC: [calls so far, heapUsed], from the end of the warm-up on. */
const heapSamples = [];
/** The event loop's longest delay outside the GCs this worker forces for its heap samples. */
let longestDelayNs = 0;

function sampleHeap() {
  longestDelayNs = Math.max(longestDelayNs, loopDelay.max);
  globalThis.gc();
  heapSamples.push([calls, process.memoryUsage().heapUsed, Math.round(loopDelay.max / 1e5) / 10]);
  loopDelay.reset();
}

function count(kind, outcome) {
  outcomes[kind] ??= {};
  outcomes[kind][outcome] = (outcomes[kind][outcome] ?? 0) + 1;
}

function outcomeOf(error) {
  if (HookCancelledError.isInstance(error)) {
    // The reason's first words: 'Security violation: …', 'Rate limit exceeded', 'Budget …'.
    return `cancelled: ${String(error.reason).split(/[:(]/)[0].slice(0, 40)}`;
  }
  return `error: ${error instanceof Error ? error.name : typeof error}`;
}

async function canaryCall(lane, index) {
  const text =
    index % 2 === 0
      ? repeatedPrompts[index % repeatedPrompts.length]
      : uniquePromptTemplates[index % uniquePromptTemplates.length](`canary-${lane}-${index}`);
  const startMs = now();
  canary.calls += 1;
  try {
    const output = await agent.execute({ text }, { metadata: { requestId: `c-${lane}-${index}` } });
    if (output?.text === answerFor(text)) {
      canary.ok += 1;
      return;
    }
    canary.failed += 1;
    if (canary.failures.length < 10) {
      canary.failures.push({
        text,
        startMs,
        outcome: 'wrong answer',
        detail: String(output?.text).slice(0, 80),
      });
    }
  } catch (error) {
    canary.failed += 1;
    if (canary.failures.length >= 10) return;
    canary.failures.push({
      text,
      startMs,
      endMs: now(),
      outcome: outcomeOf(error),
      detail: String(error?.reason ?? error?.message ?? error).slice(0, 160),
    });
  }
}

async function lane(laneIndex) {
  let lastCanaryAt = now();
  // Told to stop, it still makes the calls the heap check needs (on a slow machine, a few seconds more).
  const enough = () => stopRequested && calls >= hostile.warmUpCalls + hostile.minHeapCalls;
  for (let index = 0; !enough() && index < hostile.maxCallsPerLane; index += 1) {
    const { kind, input, metadata, fresh } = probe(laneIndex, index);
    const startMs = now();
    if (fresh) freshIds.add(metadata.userId);
    try {
      const output = await agent.execute(input, { metadata });
      count(kind, output?.text?.startsWith('poisoned: ') ? 'answered' : 'answered (other)');
    } catch (error) {
      count(kind, outcomeOf(error));
    } finally {
      if (fresh) freshIds.delete(metadata.userId);
    }
    calls += 1;
    durations[kind] ??= { calls: 0, totalMs: 0, maxMs: 0 };
    const took = now() - startMs;
    durations[kind].calls += 1;
    durations[kind].totalMs += took;
    if (took > durations[kind].maxMs) durations[kind].maxMs = took;
    if (calls >= hostile.warmUpCalls && (calls - hostile.warmUpCalls) % hostile.heapSampleEvery === 0) {
      sampleHeap();
    }
    if (now() - lastCanaryAt >= hostile.canaryIntervalMs) {
      lastCanaryAt = now();
      await canaryCall(laneIndex, index);
    }
    await sleep(hostile.thinkMs);
  }
}

loopDelay.enable();
send({ type: 'ready', worker: 'hostile' });
const startedAt = now();
await Promise.all(Array.from({ length: hostile.lanes }, (_unused, index) => lane(index)));
const runMs = now() - startedAt;
orders.close();
process.stdin.destroy();

const flushDeadline = now() + settings.flushWithinMs;
while (costs.pendingRecords > 0 && now() < flushDeadline) {
  await costs.flush();
  if (costs.pendingRecords > 0) await sleep(250);
}
loopDelay.disable();
sampleHeap();

// What Redis holds for each user of this worker, next to what its model ran for them.
const budgets = [];
for (const [userId, runs] of ranByUser) {
  const stored = await costStore.totals('user', userId).catch((error) => ({ error: String(error) }));
  budgets.push({
    user: label(userId),
    ran: runs,
    stored: stored.error
      ? { error: stored.error }
      : {
          calls: stored.calls,
          inputTokens: stored.inputTokens,
          outputTokens: stored.outputTokens,
          costPicoUsd: String(stored.costPicoUsd),
        },
  });
}

const stats = executor.stats();
const executorFigures = {
  failures: stats.reduce((sum, entry) => sum + entry.failures, 0),
  timeouts: stats.reduce((sum, entry) => sum + entry.timeouts, 0),
  skips: stats.reduce((sum, entry) => sum + entry.skips, 0),
  notClosed: stats
    .filter((entry) => entry.circuitState !== 'closed')
    .map((entry) => `${entry.hookId}@${entry.hookPoint}`),
};
const polluted = [{}.polluted, {}.isAdmin, {}.maxCostUsd, Object.prototype.polluted].some(
  (value) => value !== undefined,
);

for (const [point, hook] of registrations) await registry.unregister(point, hook.id);
await costStore.close();
cluster?.disconnect();

send({
  type: 'report',
  worker: 'hostile',
  calls,
  ranCalls,
  runMs,
  outcomes,
  canary,
  budgets,
  pendingCostRecords: costs.pendingRecords,
  events: eventCounts,
  executor: executorFigures,
  durations,
  heap: {
    callsAtStart: heapSamples.length > 1 ? heapSamples[0][0] : calls,
    startBytes: heapSamples.length > 1 ? heapSamples[0][1] : null,
    endBytes: heapSamples.at(-1)[1],
    samples: heapSamples,
  },
  eventLoopDelay: { maxMs: longestDelayNs / 1e6 },
  prototypePolluted: polluted,
});

setTimeout(() => {
  send({ type: 'handles', worker: 'hostile', resources: process.getActiveResourcesInfo() });
}, 3_000).unref();
