import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type RedisClusterHandle,
  type RedisServerHandle,
  startRedisCluster,
  startRedisServer,
} from '@llmspell/testing';
import { Cluster, Redis } from 'ioredis';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const workerPath = fileURLToPath(new URL('./__fixtures__/distributed-worker.mjs', import.meta.url));
// Inside the package, so the build's bare imports (ioredis, bottleneck …) resolve from its node_modules.
const entryDir = fileURLToPath(new URL('../node_modules/.cache/distributed-test/', import.meta.url));

const PROCESSES = 3;
const CALLS_PER_PROCESS = 200;
const REQUESTS_PER_WINDOW = 50;
const WINDOW_MS = 2_000;

let server: RedisServerHandle;
let cluster: RedisClusterHandle;
let entryUrl: string;

beforeAll(async () => {
  [server, cluster] = await Promise.all([startRedisServer(), startRedisCluster()]);
  // The workers run the code under test as built JavaScript: build it now rather than trust a stale dist.
  await build({
    entry: { index: 'src/index.ts' },
    format: ['esm'],
    outDir: entryDir,
    dts: false,
    sourcemap: false,
    clean: true,
    silent: true,
    config: false,
    target: 'node20',
  });
  entryUrl = pathToFileURL(`${entryDir}index.js`).href;
}, 60_000);

afterAll(async () => {
  await Promise.all([server?.stop(), cluster?.stop()]);
});

interface BurstReport {
  admitted: number;
  storeErrors: number;
}

/** The child's next IPC message; rejects if it exits first. */
function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown) => {
      child.off('exit', onExit);
      resolve(message as T);
    };
    const onExit = (code: number | null) => {
      child.off('message', onMessage);
      reject(new Error(`worker exited with code ${code} before answering`));
    };
    child.once('message', onMessage);
    child.once('exit', onExit);
  });
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
      const config = JSON.stringify({
        url: server.url,
        cluster: onCluster ? cluster.startupNodes : undefined,
        requestsPerWindow: REQUESTS_PER_WINDOW,
        windowMs: WINDOW_MS,
        calls: CALLS_PER_PROCESS,
        keyPrefix,
      });
      const children = Array.from({ length: PROCESSES }, () =>
        fork(workerPath, [config], {
          cwd: packageDir,
          env: { ...process.env, RATE_LIMIT_ENTRY: entryUrl },
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        }),
      );
      try {
        await Promise.all(children.map((child) => nextMessage<{ ready: boolean }>(child)));
        const burst = async () => {
          const reports = Promise.all(children.map((child) => nextMessage<BurstReport>(child)));
          for (const child of children) child.send({ type: 'burst' });
          return reports;
        };

        const first = await burst();
        expect(first.map((report) => report.storeErrors)).toEqual([0, 0, 0]);
        expect(first.reduce((sum, report) => sum + report.admitted, 0)).toBe(REQUESTS_PER_WINDOW);

        await new Promise((resolve) => setTimeout(resolve, WINDOW_MS + 200));
        const second = await burst();
        expect(second.map((report) => report.storeErrors)).toEqual([0, 0, 0]);
        expect(second.reduce((sum, report) => sum + report.admitted, 0)).toBe(REQUESTS_PER_WINDOW);
      } finally {
        for (const child of children) {
          if (child.connected) child.send({ type: 'stop' });
        }
        await Promise.all(
          children.map((child) => (child.exitCode === null ? once(child, 'exit') : Promise.resolve())),
        );
      }
    }, 60_000);
  },
);
