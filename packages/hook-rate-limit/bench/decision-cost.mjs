// Reject-mode decision cost of RateLimitingHook (the built dist) against raw rate-limiter-flexible, in process
// and through Redis, plus memory for 100,000 distinct users. Run: pnpm bench (builds first), or
// node --expose-gc bench/decision-cost.mjs after a build. Uses REDIS_URL, else starts a throwaway redis-server.
import { componentId, HookContext, HookPoint } from '@llmspell/core';
import { startRedisServer } from '@llmspell/testing';
import Bottleneck from 'bottleneck';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { RateLimitingHook } from '../dist/index.js';

const ROUNDS = 7;
const KEYS = 1_000;
const HUGE = 1e12;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median µs per call over ROUNDS rounds of `iterations` sequential awaited calls. */
async function perCallAsync(iterations, fn) {
  for (let i = 0; i < iterations; i++) await fn(i);
  const rounds = [];
  for (let round = 0; round < ROUNDS; round++) {
    const startedAt = performance.now();
    for (let i = 0; i < iterations; i++) await fn(i);
    rounds.push(((performance.now() - startedAt) * 1_000) / iterations);
  }
  return median(rounds);
}

/** Median µs per call over ROUNDS rounds of `iterations` synchronous calls. */
function perCallSync(iterations, fn) {
  for (let i = 0; i < iterations; i++) fn(i);
  const rounds = [];
  for (let round = 0; round < ROUNDS; round++) {
    const startedAt = performance.now();
    for (let i = 0; i < iterations; i++) fn(i);
    rounds.push(((performance.now() - startedAt) * 1_000) / iterations);
  }
  return median(rounds);
}

/** Median µs per call over ROUNDS rounds of `batch` concurrent calls. */
async function perCallConcurrent(batch, fn) {
  await Promise.all(Array.from({ length: batch }, (_, i) => fn(i)));
  const rounds = [];
  for (let round = 0; round < ROUNDS; round++) {
    const startedAt = performance.now();
    await Promise.all(Array.from({ length: batch }, (_, i) => fn(i)));
    rounds.push(((performance.now() - startedAt) * 1_000) / batch);
  }
  return median(rounds);
}

function contexts(count) {
  const component = componentId('bench-agent', 'agent');
  return Array.from(
    { length: count },
    (_, i) =>
      new HookContext({
        hookPoint: HookPoint.BeforeAgentExecution,
        componentId: component,
        metadata: { userId: `user-${i}` },
      }),
  );
}

const rows = [];
const row = (name, microseconds, baseline) =>
  rows.push({
    measurement: name,
    'µs per call': Number(microseconds.toFixed(3)),
    'vs raw': baseline === undefined ? '' : `${(microseconds / baseline).toFixed(2)}×`,
  });

// In process.
const pool = contexts(KEYS);
const rawMemory = new RateLimiterMemory({ points: HUGE, duration: 60 });
const hookMemory = new RateLimitingHook({ requestsPerWindow: HUGE, windowMs: 60_000, byUser: true });
const rawLocal = await perCallAsync(200_000, (i) => rawMemory.consume(`bench-agent:user-${i % KEYS}`));
row('raw RateLimiterMemory.consume (awaited)', rawLocal);
row(
  'hook.execute, in process (awaited)',
  await perCallAsync(200_000, (i) => hookMemory.execute(pool[i % KEYS])),
  rawLocal,
);
row(
  'hook.execute, in process (sync, as the executor calls it)',
  perCallSync(1_000_000, (i) => hookMemory.execute(pool[i % KEYS])),
  rawLocal,
);
const limited = new RateLimitingHook({
  requestsPerWindow: HUGE,
  windowMs: 60_000,
  byUser: true,
  maxConcurrent: 4,
});
// An operation with a permit needs its own state map, so each one builds its Before and After contexts.
const operationContexts = (i) => {
  const before = new HookContext({
    hookPoint: HookPoint.BeforeAgentExecution,
    componentId: pool[0].componentId,
    metadata: pool[i % KEYS].metadata,
  });
  return [before, before.child(HookPoint.AfterAgentExecution)];
};
const contextsOnly = perCallSync(300_000, operationContexts);
const withPermit = perCallSync(300_000, (i) => {
  const [before, after] = operationContexts(i);
  limited.execute(before);
  limited.execute(after);
});
row('maxConcurrent: Before + After release (sync, contexts excluded)', withPermit - contextsOnly, rawLocal);

// Through Redis.
const server = await startRedisServer();
const client = new Redis(server.url);
const rawRedis = new RateLimiterRedis({
  storeClient: client,
  points: HUGE,
  duration: 60,
  keyPrefix: 'bench-raw',
});
const hookRedis = new RateLimitingHook({
  requestsPerWindow: HUGE,
  windowMs: 60_000,
  byUser: true,
  redis: client,
  keyPrefix: 'bench-hook:',
});
const rawSequential = await perCallAsync(5_000, (i) => rawRedis.consume(`bench-agent:user-${i % KEYS}`));
row('raw RateLimiterRedis.consume, sequential', rawSequential);
row(
  'hook.execute through Redis, sequential',
  await perCallAsync(5_000, (i) => hookRedis.execute(pool[i % KEYS])),
  rawSequential,
);
const rawConcurrent = await perCallConcurrent(10_000, (i) =>
  rawRedis.consume(`bench-agent:user-${i % KEYS}`),
);
row('raw RateLimiterRedis.consume, 10,000 concurrent', rawConcurrent);
row(
  'hook.execute through Redis, 10,000 concurrent',
  await perCallConcurrent(10_000, (i) => hookRedis.execute(pool[i % KEYS])),
  rawConcurrent,
);

// For scale: what an admission decision would cost through Bottleneck's scheduler.
const bottleneck = new Bottleneck({ maxConcurrent: null });
const scheduleOnce = await perCallAsync(50, () => bottleneck.schedule(() => Promise.resolve()));
row('Bottleneck schedule() of a no-op job, sequential (not used for admission)', scheduleOnce, rawLocal);
console.table(rows);

// Memory: 100,000 distinct users, then their windows end.
async function heapMb() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed / 1_048_576;
}
if (globalThis.gc === undefined) console.log('(run with node --expose-gc for the memory figures)');
const users = contexts(100_000);
const memoryRows = [];
const WINDOW_MS = 2_000;
const variants = [
  [
    'RateLimitingHook, in process',
    () => new RateLimitingHook({ requestsPerWindow: 5, windowMs: WINDOW_MS, byUser: true }),
  ],
  [
    'RateLimitingHook, queue mode, maxConcurrent 2',
    () =>
      new RateLimitingHook({
        requestsPerWindow: 5,
        windowMs: WINDOW_MS,
        byUser: true,
        mode: 'queue',
        maxConcurrent: 2,
      }),
  ],
];
for (const [name, make] of variants) {
  const hook = make();
  const base = await heapMb();
  for (let round = 1; round <= 2; round++) {
    const startedAt = performance.now();
    for (let i = 0; i < users.length; i += 1_000) {
      await Promise.all(
        users.slice(i, i + 1_000).map(async (user) => {
          const before = new HookContext({
            hookPoint: HookPoint.BeforeAgentExecution,
            componentId: user.componentId,
            metadata: { userId: `${user.metadata.userId}-round-${round}` },
          });
          await hook.execute(before);
          await hook.execute(before.child(HookPoint.AfterAgentExecution));
        }),
      );
    }
    const tookMs = performance.now() - startedAt;
    memoryRows.push({
      hook: name,
      stage: `round ${round}: 100,000 new users done (${Math.round(tookMs)} ms)`,
      'heap MB over idle base': Number(((await heapMb()) - base).toFixed(1)),
    });
    // Windows end after WINDOW_MS; the in-process sweep runs every max(windowMs, 1 s).
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS * 2 + 200));
    memoryRows.push({
      hook: name,
      stage: `round ${round}: idle ${WINDOW_MS * 2 + 200} ms later`,
      'heap MB over idle base': Number(((await heapMb()) - base).toFixed(1)),
    });
  }
  await hook.onUnregister();
}
console.table(memoryRows);

await hookRedis.onUnregister();
client.disconnect();
await server.stop();
