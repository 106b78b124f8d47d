/**
 * Starts two worker processes that share one rate limit and one cost total through Redis, then prints the
 * combined counts. Uses REDIS_URL when set; otherwise starts a throwaway redis-server on a free port.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { CostTrackingHook, RedisCostStore } from '@llmspell/hook-cost';
import { startRedisServer } from '@llmspell/testing';

const workers = 2;
const callsPerWorker = 15;
const limit = 10;
const redis = await startRedisServer();
const keyPrefix = `llmspell:example:${randomUUID().slice(0, 8)}:`;

function runWorker(worker: number): Promise<{ worker: string; admitted: number; rejected: number }> {
  const script = fileURLToPath(new URL('./worker.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: {
      ...process.env,
      REDIS_URL: redis.url,
      KEY_PREFIX: keyPrefix,
      WORKER: String(worker),
      CALLS: String(callsPerWorker),
      LIMIT: String(limit),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`worker ${worker} exited with code ${code}`));
      else resolve(JSON.parse(output.trim().split('\n').at(-1) ?? '{}'));
    });
  });
}

try {
  const results = await Promise.all(Array.from({ length: workers }, (_, worker) => runWorker(worker)));
  for (const { worker, admitted, rejected } of results) {
    console.log(`worker ${worker}: ${admitted} admitted, ${rejected} rejected`);
  }
  const admitted = results.reduce((sum, result) => sum + result.admitted, 0);
  const store = new RedisCostStore(redis.url, { keyPrefix: `${keyPrefix}cost:` });
  const reader = new CostTrackingHook({ store });
  const totals = await reader.totals('shared-agent');
  await store.close();
  console.log(
    `combined: ${admitted} admitted of ${workers * callsPerWorker} calls (limit ${limit} per window)`,
  );
  console.log(
    `shared cost total: ${totals.calls} calls, $${totals.costUsd.toFixed(4)} (gpt-4, 100 in + 50 out each)`,
  );
  assert.equal(admitted, limit, 'the two processes together must admit exactly the limit');
  assert.equal(totals.calls, limit);
  // 100 input tokens at $0.03/1K + 50 output tokens at $0.06/1K = $0.006 per call, exactly.
  assert.equal(totals.costPicoUsd, BigInt(limit) * 6_000_000_000n);
} finally {
  await redis.stop();
}
