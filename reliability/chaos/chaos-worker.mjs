// One chaos worker: an agent guarded by all four hooks (security, Redis cache, Redis-shared rate limit, Redis cost
// totals) makes a fixed number of calls while the orchestrator kills and pauses Redis. It reports every call as one
// JSON line on stdout, then releases everything it opened and exits by itself (no process.exit).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { EventBus, HookCancelledError, InMemoryMetrics, isBeforePoint } from '@llmspell/core';
import { createAgent, HookExecutor } from '@llmspell/executor';
import { HookRegistry } from '@llmspell/registry';
import { injectionPrompts, repeatedPrompts, uniquePromptTemplates } from './prompts.mjs';
import { settings } from './settings.mjs';
import { createSoakHooks, soakRegistrations } from './soak-hooks.mjs';

const worker = Number(process.env.CHAOS_WORKER ?? '0');
const redisUrl = process.env.CHAOS_REDIS_URL;
const clusterNodes = process.env.CHAOS_CLUSTER_NODES;
const runId = process.env.CHAOS_RUN_ID ?? 'local';
if (!redisUrl && !clusterNodes) {
  throw new Error('CHAOS_REDIS_URL or CHAOS_CLUSTER_NODES is not set: run this through chaos/run-chaos.mjs');
}

let unhandledRejections = 0;
let uncaughtExceptions = 0;
process.on('unhandledRejection', (reason) => {
  unhandledRejections += 1;
  console.error(`worker ${worker}: unhandled rejection:`, reason);
});
process.on('uncaughtException', (error) => {
  uncaughtExceptions += 1;
  console.error(`worker ${worker}: uncaught exception:`, error);
});
// Pipes are synchronous on Linux, so this last line gets out even from the 'exit' handler.
process.on('exit', (code) => send({ type: 'exit', code, unhandledRejections, uncaughtExceptions }));

function send(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/** Epoch milliseconds with sub-millisecond precision, comparable between processes on one machine. */
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** mulberry32: a small seeded generator, so a worker's mix of calls is the same on every run. */
function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const random = seeded(0x5eed + worker * 7919);
const pick = (list) => list[Math.floor(random() * list.length)];

/** What the simulated model answers for a prompt: the caller checks every answer, cached or not, against it. */
const answerFor = (text) => `answer: ${text}`;
const tokensFor = (text) => ({ input: text.length, output: 7 + (text.length % 13) });

// The rate limiter's decision for each call, read from `data.rateLimit` right after the hook answered.
const rateDecisions = new Map();
function observeRateLimit(hook) {
  const record = (context, result) => {
    if (!isBeforePoint(context.hookPoint)) return;
    const info = context.data.rateLimit;
    const at = now();
    const entry =
      result.type === 'cancel'
        ? { decision: 'rejected', reason: result.reason, windowEnd: info ? at + info.resetMs : null }
        : info
          ? { decision: 'admitted', count: info.limit - info.remaining, windowEnd: at + info.resetMs }
          : { decision: 'store_error' };
    rateDecisions.set(context.metadata.requestId, entry);
  };
  return {
    id: hook.id,
    metadata: () => hook.metadata(),
    onRegister: () => hook.onRegister(),
    onUnregister: () => hook.onUnregister(),
    execute(context) {
      const answer = hook.execute(context);
      if (answer instanceof Promise) {
        return answer.then((result) => {
          record(context, result);
          return result;
        });
      }
      record(context, answer);
      return answer;
    },
  };
}

const events = new EventBus({ capacity: 0 });
const eventCounts = {};
events.subscribe('*', (event) => {
  eventCounts[event.type] = (eventCounts[event.type] ?? 0) + 1;
});
const metrics = new InMemoryMetrics();

const { cluster, security, cache, rateLimiter, costStore, costs } = await createSoakHooks({
  redisUrl,
  clusterNodes,
  runId,
  costKeyPrefix: `chaos:${runId}:cost:`,
});

const registry = new HookRegistry();
const observedRateLimiter = observeRateLimit(rateLimiter);
const registrations = soakRegistrations({ security, rateLimiter: observedRateLimiter, cache, costs });
await registry.registerMultiple(registrations);

const executor = new HookExecutor(registry, { events, metrics, ...settings.executor });
const runs = new Map();
const agent = createAgent({
  name: 'chaos-agent',
  registry,
  events,
  metrics,
  executor,
  async execute(input, context) {
    const tokensUsed = tokensFor(input.text);
    runs.set(context.metadata.requestId, { text: input.text, ...tokensUsed });
    const span = settings.operationMaxMs - settings.operationMinMs;
    await sleep(settings.operationMinMs + Math.floor(Math.random() * (span + 1)));
    return { text: answerFor(input.text), model: settings.cost.model, tokensUsed };
  },
});

const calls = [];
let nextCall = 0;
let done = 0;

async function oneCall(index) {
  const roll = random();
  const kind =
    roll < settings.injectionShare
      ? 'injection'
      : roll < settings.injectionShare + settings.repeatedShare
        ? 'repeated'
        : 'unique';
  const text =
    kind === 'injection'
      ? pick(injectionPrompts)
      : kind === 'repeated'
        ? pick(repeatedPrompts)
        : pick(uniquePromptTemplates)(`${worker}-${index}`);
  const requestId = `${worker}-${index}`;
  const userId = settings.users[index % settings.users.length];
  const startMs = now();
  let outcome;
  let reason;
  try {
    const output = await agent.execute({ text }, { metadata: { userId, requestId } });
    outcome = output?.text === answerFor(text) ? 'ok' : 'wrong_output';
    if (outcome === 'wrong_output') reason = JSON.stringify(output).slice(0, 200);
  } catch (error) {
    if (HookCancelledError.isInstance(error)) {
      outcome = 'cancelled';
      reason = error.reason;
    } else {
      outcome = 'error';
      reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
  }
  const endMs = now();
  const run = runs.get(requestId);
  calls.push({
    requestId,
    kind,
    text,
    userId,
    startMs,
    endMs,
    outcome,
    reason,
    rateLimit: rateDecisions.get(requestId) ?? { decision: 'not_consulted' },
    ran: run !== undefined,
    ranText: run?.text,
    inputTokens: run?.input ?? 0,
    outputTokens: run?.output ?? 0,
  });
  done += 1;
  if (done % 20 === 0) send({ type: 'progress', worker, done });
}

async function lane() {
  while (nextCall < settings.callsPerWorker) {
    const index = nextCall++;
    await oneCall(index);
    await sleep(settings.thinkMs);
  }
}

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
send({ type: 'ready', worker });
await Promise.all(Array.from({ length: settings.lanesPerWorker }, lane));
loopDelay.disable();

// Records a failover left pending are replayed once their shard confirms writes again (a node that was killed is
// back as a replica): a process that lives on would get there at its next call; this one waits for it.
const flushDeadline = now() + settings.flushWithinMs;
while (costs.pendingRecords > 0 && now() < flushDeadline) {
  await costs.flush();
  if (costs.pendingRecords > 0) await sleep(250);
}
const stats = executor.stats();
// Release everything: onUnregister flushes pending cost records and closes the hooks' own Redis clients.
for (const [point, hook] of registrations) await registry.unregister(point, hook.id);
await costStore.close();
cluster?.disconnect();

const snapshot = metrics.snapshot();
const metric = (name) => snapshot[name]?.count ?? 0;
send({
  type: 'report',
  worker,
  calls,
  pendingCostRecords: costs.pendingRecords,
  events: eventCounts,
  executor: {
    failures: stats.reduce((sum, entry) => sum + entry.failures, 0),
    notClosed: stats
      .filter((entry) => entry.circuitState !== 'closed')
      .map((entry) => `${entry.hookId}@${entry.hookPoint}`),
  },
  eventLoopDelay: { maxMs: loopDelay.max / 1e6, p99Ms: loopDelay.percentile(99) / 1e6 },
  metrics: {
    cacheHits: metric('cache_hits'),
    cacheMisses: metric('cache_misses'),
    cacheErrors: metric('cache_errors'),
    rateLimitAdmitted: metric('rate_limit_admitted'),
    rateLimitStoreErrors: metric('rate_limit_store_errors'),
    costStoreErrors: metric('cost_store_errors'),
    costRecordsDropped: metric('cost_records_dropped'),
    hookFailures: metric('hook_failures'),
    hookTimeouts: metric('hook_timeouts'),
    hookSkips: metric('hook_skips'),
  },
});

// Only seen when something still holds the process open: names what it is.
setTimeout(() => {
  send({ type: 'handles', worker, resources: process.getActiveResourcesInfo() });
}, 3_000).unref();
