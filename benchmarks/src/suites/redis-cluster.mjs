// 9. Redis decisions on a Cluster: how many rate-limit decisions and cost records/reservations one process gets
// through per second on a Redis Cluster (3 masters + 3 replicas, started here) next to the single server of the
// run, with many calls in flight, as a busy server has. Plus what confirmReplicas costs a cost record.
import { randomUUID } from 'node:crypto';
import { RedisCostStore } from '@llmspell/hook-cost';
import { RateLimitingHook } from '@llmspell/hook-rate-limit';
import { startRedisCluster } from '@llmspell/testing';
import { Cluster, Redis } from 'ioredis';
import { cycle, userContexts } from '../fixtures.mjs';
import { formatRatio, interleave, median, pairedRatio } from '../harness.mjs';

const GOAL_RATIO = 0.8;
const USERS = 1_000;
/** Decisions per timed sample, and how many of them are in flight at once. */
const PER_SAMPLE = 512;
const IN_FLIGHT = 64;
/** Large enough that no call is ever refused: the benchmark times the admission decision. */
const LIMIT = 1_000_000_000_000;
/** $1e6 in pico-dollars: a budget no reservation reaches. */
const BUDGET_PICO_USD = 10n ** 18n;

/** `next()` PER_SAMPLE times, IN_FLIGHT at once. */
function throughput(next) {
  return async () => {
    let started = 0;
    const lane = async () => {
      while (started < PER_SAMPLE) {
        started += 1;
        await next();
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  };
}

function rateLimitSide(hook, contexts) {
  const next = cycle(contexts);
  return throughput(async () => {
    const result = await hook.execute(next());
    if (result.type !== 'continue') throw new Error(`RateLimitingHook refused a call: ${result.type}`);
  });
}

function recordSide(store) {
  let call = 0;
  return throughput(() => {
    call += 1;
    return store.record({
      id: randomUUID(),
      component: `bench-agent-${call % 8}`,
      userId: `user-${call % USERS}`,
      inputTokens: 14,
      outputTokens: 22,
      costPicoUsd: 1_234_567n,
    });
  });
}

function reserveSide(store) {
  let call = 0;
  return throughput(async () => {
    call += 1;
    const outcome = await store.reserve({
      id: randomUUID(),
      amountPicoUsd: 1_000_000n,
      ttlMs: 60_000,
      checks: [
        { scope: 'component', name: `bench-agent-${call % 8}`, budgetPicoUsd: BUDGET_PICO_USD },
        { scope: 'user', name: `user-${call % USERS}`, budgetPicoUsd: BUDGET_PICO_USD },
      ],
    });
    if (!outcome.admitted) throw new Error('A reservation was refused; the budget is too low');
  });
}

const perSecond = (ns) => `${Math.round((PER_SAMPLE * 1e9) / ns).toLocaleString('en')}/s`;

/** The same Lua script the rate limiter runs, sent with plain ioredis: what the client library alone costs. */
const TAKE = `local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`;

function rawSide(client, sha) {
  let call = 0;
  return throughput(() => {
    call += 1;
    return client.evalsha(sha, 1, `bench:cluster:raw:{user-${call % USERS}}`, 60_000);
  });
}

/**
 * This process's CPU time per decision (user + system), median over rounds of a few samples each: what a decision
 * costs the client when the Redis servers run on other machines.
 */
async function cpuPerDecision(sides, rounds) {
  const perSide = sides.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [index, side] of sides.entries()) {
      const started = process.cpuUsage();
      for (let sample = 0; sample < 4; sample++) await side();
      const used = process.cpuUsage(started);
      perSide[index].push((used.user + used.system) / (4 * PER_SAMPLE));
    }
  }
  return perSide.map((values) => median(values));
}

export const redisCluster = {
  id: 'redis-cluster',
  title: '9. Redis decisions: Cluster next to a single server',
  async run({ profile, redis }) {
    const cluster = await startRedisCluster();
    const single = new Redis(redis.url, { lazyConnect: true });
    await single.connect();
    const client = new Cluster([...cluster.startupNodes], { enableOfflineQueue: false });
    await new Promise((resolve, reject) => {
      client.once('ready', resolve);
      client.once('error', reject);
    });
    const contexts = userContexts('cluster-bench-agent', USERS);
    const limiter = (connection) =>
      new RateLimitingHook({
        requestsPerWindow: LIMIT,
        windowMs: 60_000,
        byUser: true,
        redis: connection,
        keyPrefix: 'bench:cluster:limit:',
      });
    const limiters = [limiter(single), limiter(client)];
    for (const hook of limiters) hook.onRegister();
    const keyPrefix = `bench:cluster:cost:${Date.now()}:`;
    const stores = [
      new RedisCostStore(single, { keyPrefix }),
      new RedisCostStore(client, { keyPrefix }),
      new RedisCostStore(client, { keyPrefix, confirmReplicas: 1 }),
    ];
    try {
      const shas = await Promise.all([
        single.script('load', TAKE),
        ...client.nodes('master').map((node) => node.script('load', TAKE)),
      ]);
      const pairs = [
        ['rate-limit decision', limiters.map((hook) => rateLimitSide(hook, contexts))],
        [
          'the same script, plain ioredis EVALSHA (no hook)',
          [rawSide(single, shas[0]), rawSide(client, shas[0])],
        ],
        ['cost record (component + user)', stores.slice(0, 2).map(recordSide)],
        ['cost reservation (component + user budgets)', stores.slice(0, 2).map(reserveSide)],
      ];
      const rows = [];
      const goals = [];
      for (const [label, [onSingle, onCluster]] of pairs) {
        const [single, clustered] = await interleave(
          [
            { label: `${label}, single server`, fn: onSingle },
            { label: `${label}, Cluster`, fn: onCluster },
          ],
          profile,
          { batch: false },
        );
        // Throughput ratio: time per sample on the single server ÷ on the Cluster.
        const ratio = pairedRatio(single, clustered);
        const [cpuSingle, cpuCluster] = await cpuPerDecision([onSingle, onCluster], profile.rounds);
        rows.push([
          label,
          perSecond(single.ns),
          perSecond(clustered.ns),
          formatRatio(ratio),
          `${cpuSingle.toFixed(1)} / ${cpuCluster.toFixed(1)} µs (${(cpuSingle / cpuCluster).toFixed(2)}×)`,
        ]);
        if (label.includes('plain ioredis')) continue;
        goals.push({
          text: `Cluster ${label} ≥ ${GOAL_RATIO}× single server, per process`,
          measured: `${ratio.ratio.toFixed(2)}× (client CPU ${(cpuSingle / cpuCluster).toFixed(2)}×)`,
          met: ratio.ratio >= GOAL_RATIO,
        });
      }
      const [plain, confirmed] = await interleave(
        [
          { label: 'cost record on the Cluster', fn: recordSide(stores[1]) },
          { label: 'cost record on the Cluster, confirmReplicas: 1', fn: recordSide(stores[2]) },
        ],
        profile,
        { batch: false },
      );
      const confirmRatio = pairedRatio(plain, confirmed);
      return {
        intro:
          `One process, ${IN_FLIGHT} calls in flight, ${PER_SAMPLE} per timed sample, over ${USERS.toLocaleString('en')} users ` +
          'and 8 components: `RateLimitingHook` with `redis` (one Lua script per decision), ' +
          '`RedisCostStore.record` and `.reserve` (one script per scope, component and user at once, plus a names-index ' +
          '`SADD` per scope for a record). Single server: the run’s redis-server and one ioredis `Redis` client. ' +
          'Cluster: 3 masters + 3 replicas on this machine (started by the suite), one ioredis `Cluster` client. ' +
          'The ratio is decisions per second on the Cluster ÷ on the single server (median of paired rounds); on ' +
          'this machine the 3 masters, 3 replicas and the client share 2 cores. The last column is what a decision ' +
          'costs this process in CPU (user + system), which bounds a process whose Redis runs elsewhere. The plain ' +
          'ioredis row sends the rate limiter’s script without the hook: the share of the gap that is the client ' +
          'library’s.',
        columns: [
          'decision',
          'single server',
          'Cluster',
          'Cluster ÷ single server (round range)',
          'client CPU per decision, single / Cluster (decisions per CPU-second, Cluster ÷ single)',
        ],
        rows,
        extraTables: [
          {
            caption:
              'What `confirmReplicas: 1` costs a cost record (each scope’s script and `WAIT 1` in one pipeline, on a ' +
              'client of its own): records per second with it ÷ without, on the same Cluster.',
            columns: ['cost record on the Cluster', 'per second', 'with ÷ without'],
            rows: [
              ['plain (the master’s answer counts)', perSecond(plain.ns), '1.00×'],
              ['confirmReplicas: 1', perSecond(confirmed.ns), formatRatio(confirmRatio)],
            ],
          },
        ],
        goals,
      };
    } finally {
      for (const hook of limiters) await hook.onUnregister();
      for (const store of stores) await store.close();
      client.disconnect();
      single.disconnect();
      await cluster.stop();
    }
  },
};
