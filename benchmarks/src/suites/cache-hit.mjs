// 3. Cache hit: a hooked agent answered from Redis against a raw ioredis GET + JSON.parse of the same value.
import { componentId, HookContext, HookPoint } from '@llmspell/core';
import { createAgent } from '@llmspell/executor';
import { CachingHook, cacheKey, MemoryCacheStore, RedisCachingHook } from '@llmspell/hook-redis-cache';
import { Redis } from 'ioredis';
import { answer, registryWith } from '../fixtures.mjs';
import { formatRatio, formatTime, interleave, pairedDifference, pairedRatio } from '../harness.mjs';

const GOAL_RATIO = 1.3;
const KEY_PREFIX = 'bench:cache:';
const INPUT = Object.freeze({ text: 'What is the capital of France?' });

async function cachedAgent(name, hook) {
  const points = [HookPoint.BeforeAgentExecution, HookPoint.AfterAgentExecution, HookPoint.AgentError];
  const registry = await registryWith(points.map((point) => [point, hook]));
  const agent = createAgent({ name, registry, execute: async () => answer() });
  await agent.execute({ ...INPUT });
  return agent;
}

export const cacheHit = {
  id: 'cache-hit',
  title: '3. Cache hit',
  async run({ profile, redis }) {
    const client = new Redis(redis.url, { lazyConnect: true });
    await client.connect();
    const redisHook = await RedisCachingHook.create(redis.url, { keyPrefix: KEY_PREFIX });
    const memoryHook = new CachingHook({ store: new MemoryCacheStore(), keyPrefix: KEY_PREFIX });
    const redisAgent = await cachedAgent('cache-bench-agent', redisHook);
    const memoryAgent = await cachedAgent('cache-bench-agent', memoryHook);

    const key = cacheKey(componentId('cache-bench-agent', 'agent'), INPUT, KEY_PREFIX);
    const stored = await client.get(key);
    if (stored === null) throw new Error(`The priming call stored nothing under ${key}`);
    const hit = await redisAgent.execute({ ...INPUT });
    if (hit.text !== answer().text) throw new Error('The hooked agent did not answer from the cache');
    const beforeContext = () =>
      new HookContext({
        hookPoint: HookPoint.BeforeAgentExecution,
        componentId: redisAgent.componentId,
        data: { input: { ...INPUT } },
      });
    const probe = await redisHook.execute(beforeContext());
    if (probe.type !== 'cache') throw new Error(`RedisCachingHook answered ${probe.type}, expected cache`);

    const sides = await interleave(
      [
        { label: 'ioredis GET + JSON.parse (baseline)', fn: async () => JSON.parse(await client.get(key)) },
        { label: 'hooked agent, RedisCachingHook hit', fn: () => redisAgent.execute({ ...INPUT }) },
        {
          label: "GET + JSON.parse on the hook's own client (commandTimeout set)",
          fn: async () => JSON.parse(await redisHook.store.client.get(key)),
        },
        {
          label: 'RedisCacheStore.get + JSON.parse (adds its own per-command timer)',
          fn: async () => JSON.parse(await redisHook.store.get(key)),
        },
        {
          label: 'RedisCachingHook.execute alone (Before point)',
          fn: () => redisHook.execute(beforeContext()),
        },
        {
          label: 'hooked agent, CachingHook + MemoryCacheStore hit',
          fn: () => memoryAgent.execute({ ...INPUT }),
        },
      ],
      profile,
      { batch: false },
    );
    const [raw, agent, ...rest] = sides;
    const memory = rest.at(-1);
    const agentRatio = pairedRatio(agent, raw);
    const added = (side) => `${(pairedDifference(side, raw) / 1000).toFixed(1)} µs`;
    const rows = [
      [raw.label, formatTime(raw.ns), '1.00×', ''],
      [agent.label, formatTime(agent.ns), formatRatio(agentRatio), added(agent)],
      ...rest.map((side) => [
        side.label,
        formatTime(side.ns),
        formatRatio(pairedRatio(side, raw)),
        side === memory ? '(no Redis)' : added(side),
      ]),
    ];

    await redisHook.onUnregister();
    client.disconnect();
    return {
      intro:
        'One agent call answered from the cache, against reading the same value straight from the same Redis ' +
        `(${stored.length} bytes under one key). The hooked agent runs BeforeAgentExecution (key hashing, GET, ` +
        'decode, `cache` result) and AfterAgentExecution; the operation is not run. The ratio depends on ' +
        'the round trip (Redis shares the 2 cores): "added" is the fixed part.',
      columns: ['measurement', 'median per call', 'vs baseline (round range)', 'added over baseline'],
      rows,
      goals: [
        {
          text: `hooked Redis hit ≤ ${GOAL_RATIO}× raw GET + JSON.parse`,
          met: agentRatio.ratio <= GOAL_RATIO,
          measured: `${agentRatio.ratio.toFixed(2)}× (+${(pairedDifference(agent, raw) / 1000).toFixed(1)} µs)`,
        },
      ],
    };
  },
};
