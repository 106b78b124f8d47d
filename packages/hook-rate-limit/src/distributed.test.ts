import {
  type RedisClusterHandle,
  type RedisServerHandle,
  startRedisCluster,
  startRedisServer,
} from '@llmspell/testing';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildWorkerEntry,
  forkWorkers,
  nextMessage,
  roundTrip,
  stopWorkers,
} from './__fixtures__/worker-processes.js';

const PROCESSES = 3;
const CALLS_PER_PROCESS = 200;
const REQUESTS_PER_WINDOW = 50;
const WINDOW_MS = 2_000;

let server: RedisServerHandle;
let cluster: RedisClusterHandle;
let entryUrl: string;

beforeAll(async () => {
  // The workers run the code under test as built JavaScript: build it now rather than trust a stale dist.
  [server, cluster, entryUrl] = await Promise.all([
    startRedisServer(),
    startRedisCluster(),
    buildWorkerEntry('distributed-test'),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([server?.stop(), cluster?.stop()]);
});

interface BurstReport {
  admitted: number;
  storeErrors: number;
}

describe.each(['a single server', 'a Redis Cluster'])(
  'RateLimitingHook across processes on %s',
  (topology) => {
    it('admits exactly 50 per window in total from 3 processes × 200 concurrent calls on one key', async () => {
      const onCluster = topology === 'a Redis Cluster';
      const keyPrefix = `distributed-${process.pid}-${Date.now()}:`;
      const inspector = onCluster ? new Cluster([...cluster.startupNodes]) : new Redis(server.url);
      await inspector.del(`${keyPrefix}{shared-agent}`);
      inspector.disconnect();
      const config = {
        url: server.url,
        cluster: onCluster ? cluster.startupNodes : undefined,
        requestsPerWindow: REQUESTS_PER_WINDOW,
        windowMs: WINDOW_MS,
        calls: CALLS_PER_PROCESS,
        keyPrefix,
      };
      const children = forkWorkers('distributed-worker.mjs', PROCESSES, config, entryUrl);
      try {
        await Promise.all(children.map((child) => nextMessage(child)));
        const burst = () => roundTrip<BurstReport>(children, () => ({ type: 'burst' }));

        const first = await burst();
        expect(first.map((report) => report.storeErrors)).toEqual([0, 0, 0]);
        expect(first.reduce((sum, report) => sum + report.admitted, 0)).toBe(REQUESTS_PER_WINDOW);

        await new Promise((resolve) => setTimeout(resolve, WINDOW_MS + 200));
        const second = await burst();
        expect(second.map((report) => report.storeErrors)).toEqual([0, 0, 0]);
        expect(second.reduce((sum, report) => sum + report.admitted, 0)).toBe(REQUESTS_PER_WINDOW);
      } finally {
        await stopWorkers(children);
      }
    }, 60_000);
  },
);

const TOKENS_PER_WINDOW = 20_000;
/** Long enough that a burst never spans two windows, even on a loaded machine. */
const TOKEN_WINDOW_MS = 60_000;

interface TokenBurstReport {
  admitted: number;
  admittedUsage: number;
  storeErrors: number;
}

/** Call `index` of process `process`: known usage between 100 and 599 tokens, estimated exactly. */
function plannedCalls(
  processIndex: number,
  options: { overrun?: { process: number; call: number; extra: number }; overEstimate?: number } = {},
) {
  const { overrun, overEstimate = 0 } = options;
  return Array.from({ length: CALLS_PER_PROCESS }, (_unused, index) => {
    const usage = 100 + ((processIndex * 211 + index * 37) % 500);
    const extra = overrun && overrun.process === processIndex && overrun.call === index ? overrun.extra : 0;
    return { estimate: usage + overEstimate, usage: usage + extra };
  });
}

describe.each(['a single server', 'a Redis Cluster'])(
  'tokensPerWindow across processes on %s',
  (topology) => {
    it(`admits at most ${TOKENS_PER_WINDOW} tokens, and within one call of it, from 3 processes × 200 concurrent calls on one key`, async () => {
      const onCluster = topology === 'a Redis Cluster';
      const keyPrefix = `tokens-${process.pid}-${Date.now()}:`;
      const config = {
        url: server.url,
        cluster: onCluster ? cluster.startupNodes : undefined,
        tokensPerWindow: TOKENS_PER_WINDOW,
        windowMs: TOKEN_WINDOW_MS,
        keyPrefix,
      };
      const children = forkWorkers('token-worker.mjs', PROCESSES, config, entryUrl);
      try {
        await Promise.all(children.map((child) => nextMessage(child)));
        const largest = 599;

        // Every estimate is the call's usage: the window fills to the limit, never past it.
        const exact = await roundTrip<TokenBurstReport>(children, (index) => ({
          type: 'burst',
          component: 'exact',
          calls: plannedCalls(index),
        }));
        expect(exact.map((report) => report.storeErrors)).toEqual([0, 0, 0]);
        const exactTokens = exact.reduce((sum, report) => sum + report.admittedUsage, 0);
        expect(exactTokens).toBeLessThanOrEqual(TOKENS_PER_WINDOW);
        expect(exactTokens).toBeGreaterThan(TOKENS_PER_WINDOW - largest);
        // Every settlement reached Redis: what the window holds is exactly what the admitted calls used.
        const [probe] = await roundTrip<{ remaining: number }>(children.slice(0, 1), () => ({
          type: 'probe',
          component: 'exact',
        }));
        expect(probe!.remaining).toBe(TOKENS_PER_WINDOW - exactTokens);

        // One call uses 450 tokens more than it estimated: the window may pass the limit by that overrun only.
        const overrun = { process: 1, call: 3, extra: 450 };
        const over = await roundTrip<TokenBurstReport>(children, (index) => ({
          type: 'burst',
          component: 'overrun',
          calls: plannedCalls(index, { overrun }),
        }));
        expect(over.map((report) => report.storeErrors)).toEqual([0, 0, 0]);
        const overTokens = over.reduce((sum, report) => sum + report.admittedUsage, 0);
        expect(overTokens).toBeLessThanOrEqual(TOKENS_PER_WINDOW + overrun.extra);
        expect(overTokens).toBeGreaterThan(TOKENS_PER_WINDOW - largest);

        // Every call estimates 100 tokens too many: each settlement gives the excess back to the shared window.
        const settled = await roundTrip<TokenBurstReport>(children, (index) => ({
          type: 'burst',
          component: 'settled',
          calls: plannedCalls(index, { overEstimate: 100 }),
        }));
        const settledTokens = settled.reduce((sum, report) => sum + report.admittedUsage, 0);
        expect(settledTokens).toBeLessThanOrEqual(TOKENS_PER_WINDOW);
        const [after] = await roundTrip<{ remaining: number }>(children.slice(0, 1), () => ({
          type: 'probe',
          component: 'settled',
        }));
        expect(after!.remaining).toBe(TOKENS_PER_WINDOW - settledTokens);
      } finally {
        await stopWorkers(children);
      }
    }, 90_000);
  },
);
