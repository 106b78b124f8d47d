// Measures the latency of a cache hit at the Before point (memory and Redis). Run after a build:
//   node scripts/hit-latency.mjs
import { componentId, HookContext, HookPoint } from '@llmspell/core';
import { startRedisServer } from '@llmspell/testing';
import { CachingHook, RedisCachingHook } from '../dist/index.js';

const component = componentId('latency-agent', 'agent');
const input = { text: 'What is the capital of France?', options: { temperature: 0 } };

function context(hookPoint, data) {
  return new HookContext({ hookPoint, componentId: component, data });
}

async function measure(label, hook, iterations) {
  const before = context(HookPoint.BeforeAgentExecution, { input });
  await hook.execute(before);
  before.data.output = { text: 'Paris.', model: 'gpt-4' };
  await hook.execute(before.child(HookPoint.AfterAgentExecution));
  for (let index = 0; index < iterations / 10; index++) {
    await hook.execute(context(HookPoint.BeforeAgentExecution, { input }));
  }
  const samples = [];
  for (let index = 0; index < iterations; index++) {
    const hit = context(HookPoint.BeforeAgentExecution, { input });
    const started = process.hrtime.bigint();
    const result = await hook.execute(hit);
    samples.push(Number(process.hrtime.bigint() - started) / 1_000);
    if (result.type !== 'cache') throw new Error(`expected a hit, got ${result.type}`);
  }
  samples.sort((a, b) => a - b);
  const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))].toFixed(1);
  console.log(`${label}: median ${at(0.5)} µs, p99 ${at(0.99)} µs (${iterations} hits)`);
}

await measure('memory hit', new CachingHook(), 50_000);
const server = await startRedisServer();
const redisHook = await RedisCachingHook.create(server.url, { keyPrefix: 'llmspell:latency:' });
try {
  await measure('redis hit (loopback)', redisHook, 5_000);
} finally {
  await redisHook.onUnregister();
  await server.stop();
}
