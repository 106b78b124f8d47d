// 9. Redis decisions on a Cluster: how many rate-limit decisions and cost records/reservations one process gets
// through per second on a Redis Cluster (3 masters + 3 replicas, started here) next to the single server of the
// run, with many calls in flight, as a busy server has. Plus what confirmReplicas costs a cost record.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { RedisCostStore } from '@llmspell/hook-cost';
import { RateLimitingHook } from '@llmspell/hook-rate-limit';
import { startRedisCluster, startRedisServer } from '@llmspell/testing';
import { Cluster, Redis } from 'ioredis';
import { cycle, userContexts } from '../fixtures.mjs';
import { formatRatio, interleave, median, pairedRatio } from '../harness.mjs';

const GOAL_RATIO = 0.8;
const USERS = 1_000;
/** Decisions per timed sample, and how many of them are in flight at once. */
const PER_SAMPLE = 512;
const IN_FLIGHT = 64;
/** Samples per side and round of a CPU reading (fewer with `--quick`). */
const cpuSamples = (profile) => (profile.quick ? 2 : 8);
/** Large enough that no call is ever refused: the benchmark times the admission decision. */
const LIMIT = 1_000_000_000_000;
/** $1e6 in pico-dollars: a budget no reservation reaches. */
const BUDGET_PICO_USD = 10n ** 18n;
/**
 * Redis deadline of every hook and store here: far above any decision's time, so a server that the shared machine
 * stalls slows a sample instead of failing the run or the limiter failing open.
 */
const DEADLINE_MS = 10_000;

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

/** The same, every key on one slot (`{one}`): the Cluster client's own code, one master. */
function oneSlotSide(client, sha) {
  let call = 0;
  return throughput(() => {
    call += 1;
    return client.evalsha(sha, 1, `bench:cluster:raw:{one}:user-${call % USERS}`, 60_000);
  });
}

/** The same over plain `Redis` clients of several servers, keys sharded by the caller: the spread, no Cluster code. */
function shardedSide(clients, sha) {
  let call = 0;
  return throughput(() => {
    call += 1;
    const user = call % USERS;
    return clients[user % clients.length].evalsha(sha, 1, `bench:cluster:raw:{user-${user}}`, 60_000);
  });
}

/** CPU time the processes `pids` (every thread) have run, in µs, from Linux's schedstat; undefined elsewhere. */
function serverCpuUs(pids) {
  try {
    let ns = 0;
    for (const pid of pids) {
      for (const task of readdirSync(`/proc/${pid}/task`)) {
        ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
      }
    }
    return ns / 1_000;
  } catch {
    return undefined;
  }
}

/**
 * This process's CPU time per decision (user + system), median over rounds of a few samples each: what a decision
 * costs the client when the Redis servers run on other machines. Also the CPU the side's servers spent per
 * decision (all rounds together; every thread of every node), when Linux tells it.
 */
async function cpuPerDecision(sides, profile) {
  const { rounds } = profile;
  const CPU_SAMPLES = cpuSamples(profile);
  const perSide = sides.map(() => []);
  const server = sides.map(() => ({ us: 0, decisions: 0, known: true }));
  for (let round = 0; round < rounds; round++) {
    for (let step = 0; step < sides.length; step++) {
      const index = (round + step) % sides.length;
      const { fn, pids } = sides[index];
      const serverStart = serverCpuUs(pids);
      const started = process.cpuUsage();
      for (let sample = 0; sample < CPU_SAMPLES; sample++) await fn();
      const used = process.cpuUsage(started);
      const serverEnd = serverCpuUs(pids);
      perSide[index].push((used.user + used.system) / (CPU_SAMPLES * PER_SAMPLE));
      if (serverStart === undefined || serverEnd === undefined) server[index].known = false;
      else server[index].us += serverEnd - serverStart;
      server[index].decisions += CPU_SAMPLES * PER_SAMPLE;
    }
  }
  return perSide.map((values, index) => ({
    us: median(values),
    rounds: values,
    serverUs: server[index].known ? server[index].us / server[index].decisions : undefined,
  }));
}

/** Decisions per client CPU-second of `side` ÷ of `base` (CPU per decision base ÷ side), paired by round. */
const cpuRatio = (base, side) => pairedRatio(base, side);

/**
 * Where this machine can pin: `taskset` and at least 2 cores. The Redis servers go to the last core, this process
 * to the others, so the servers never take the client's core (as when they run on other machines); each side's
 * servers get the same one core.
 */
function pinning() {
  const cores = availableParallelism();
  if (cores < 2) return undefined;
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  const mask = (pid) =>
    execFileSync('taskset', ['-p', String(pid)], { encoding: 'utf8' })
      .trim()
      .split(': ')
      .pop();
  const set = (pid, cpus) =>
    execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
  const saved = new Map();
  return {
    client: cores === 2 ? '0' : `0-${cores - 2}`,
    servers: String(cores - 1),
    pin(serverPids) {
      for (const pid of [process.pid, ...serverPids]) if (!saved.has(pid)) saved.set(pid, mask(pid));
      set(process.pid, this.client);
      for (const pid of serverPids) set(pid, this.servers);
    },
    restore() {
      for (const [pid, saved_] of saved) {
        try {
          execFileSync('taskset', ['-a', '-p', saved_, String(pid)], { stdio: 'ignore' });
        } catch {
          // A server that has stopped keeps no affinity to restore.
        }
      }
      saved.clear();
    },
  };
}

/** Measures each [label, [onSingle, onCluster]] pair interleaved: throughput and client CPU, as Cluster ÷ single. */
async function measurePairs(pairs, profile, { singlePids, clusterPids }) {
  const results = [];
  for (const [label, [onSingle, onCluster]] of pairs) {
    const [single, clustered] = await interleave(
      [
        { label: `${label}, single server`, fn: onSingle },
        { label: `${label}, Cluster`, fn: onCluster },
      ],
      profile,
      { batch: false },
    );
    const [cpuSingle, cpuCluster] = await cpuPerDecision(
      [
        { fn: onSingle, pids: singlePids },
        { fn: onCluster, pids: clusterPids },
      ],
      profile,
    );
    results.push({
      label,
      single,
      clustered,
      // Throughput ratio: time per sample on the single server ÷ on the Cluster.
      ratio: pairedRatio(single, clustered),
      cpuSingle,
      cpuCluster,
      cpu: cpuRatio(cpuSingle, cpuCluster),
    });
  }
  return results;
}

const cpuCell = ({ cpuSingle, cpuCluster, cpu }) =>
  `${cpuSingle.us.toFixed(1)} / ${cpuCluster.us.toFixed(1)} µs (${formatRatio(cpu)})`;

const serverCell = ({ cpuSingle, cpuCluster }) =>
  cpuSingle.serverUs === undefined || cpuCluster.serverUs === undefined
    ? 'not known'
    : `${cpuSingle.serverUs.toFixed(1)} / ${cpuCluster.serverUs.toFixed(1)} µs`;

const pairRow = (result) => [
  result.label,
  perSecond(result.single.ns),
  perSecond(result.clustered.ns),
  formatRatio(result.ratio),
  cpuCell(result),
  serverCell(result),
];

const PAIR_COLUMNS = [
  'decision',
  'single server',
  'Cluster',
  'Cluster ÷ single server (round range)',
  'client CPU per decision, single / Cluster (decisions per CPU-second, Cluster ÷ single)',
  'server CPU per decision, single / Cluster (all its nodes)',
];

const newCluster = async (startupNodes, options = {}) => {
  const client = new Cluster([...startupNodes], { enableOfflineQueue: false, ...options });
  await new Promise((resolve, reject) => {
    client.once('ready', resolve);
    client.once('error', reject);
  });
  return client;
};

const newRedis = async (url, options = {}) => {
  const client = new Redis(url, { lazyConnect: true, ...options });
  await client.connect();
  return client;
};

export const redisCluster = {
  id: 'redis-cluster',
  title: '9. Redis decisions: Cluster next to a single server',
  async run({ profile, redis }) {
    const cluster = await startRedisCluster();
    // Two more single servers: the same keys spread over three servers by the caller, without a Cluster client.
    const shards = [
      await startRedisServer({ useEnvironment: false }),
      await startRedisServer({ useEnvironment: false }),
    ];
    const single = await newRedis(redis.url);
    const client = await newCluster(cluster.startupNodes);
    const shardClients = [single, ...(await Promise.all(shards.map((shard) => newRedis(shard.url))))];
    // The same settings on both sides, with ioredis auto-pipelining (commands of one tick in one write per node).
    const singleAuto = await newRedis(redis.url, { enableAutoPipelining: true });
    const clusterAuto = await newCluster(cluster.startupNodes, { enableAutoPipelining: true });
    const contexts = userContexts('cluster-bench-agent', USERS);
    const limiter = (connection) =>
      new RateLimitingHook({
        requestsPerWindow: LIMIT,
        windowMs: 60_000,
        byUser: true,
        redis: connection,
        keyPrefix: 'bench:cluster:limit:',
        storeTimeoutMs: DEADLINE_MS,
      });
    const limiters = [limiter(single), limiter(client), limiter(singleAuto), limiter(clusterAuto)];
    for (const hook of limiters) hook.onRegister();
    const keyPrefix = `bench:cluster:cost:${Date.now()}:`;
    const stores = [
      new RedisCostStore(single, { keyPrefix, commandTimeoutMs: DEADLINE_MS }),
      new RedisCostStore(client, { keyPrefix, commandTimeoutMs: DEADLINE_MS }),
      new RedisCostStore(client, { keyPrefix, commandTimeoutMs: DEADLINE_MS, confirmReplicas: 1 }),
    ];
    const pin = pinning();
    try {
      const [sha] = await Promise.all([
        single.script('load', TAKE),
        ...shardClients.slice(1).map((shard) => shard.script('load', TAKE)),
        ...client.nodes('master').map((node) => node.script('load', TAKE)),
      ]);
      const rateLimit = [
        'rate-limit decision',
        [rateLimitSide(limiters[0], contexts), rateLimitSide(limiters[1], contexts)],
      ];
      const raw = [
        'the same script, plain ioredis EVALSHA (no hook)',
        [rawSide(single, sha), rawSide(client, sha)],
      ];
      const record = ['cost record (component + user)', stores.slice(0, 2).map(recordSide)];
      const reserve = ['cost reservation (component + user budgets)', stores.slice(0, 2).map(reserveSide)];
      const pids = { singlePids: [redis.pid], clusterPids: cluster.nodes.map((node) => node.pid) };
      const shared = await measurePairs([rateLimit, raw, record, reserve], profile, pids);

      const [plain, confirmed] = await interleave(
        [
          { label: 'cost record on the Cluster', fn: recordSide(stores[1]) },
          { label: 'cost record on the Cluster, confirmReplicas: 1', fn: recordSide(stores[2]) },
        ],
        profile,
        { batch: false },
      );
      const confirmRatio = pairedRatio(plain, confirmed);

      // The same pairs with the servers pinned to another core than this process.
      let pinned;
      let spread;
      let autoPipelined;
      if (pin) {
        pin.pin([redis.pid, ...shards.map((shard) => shard.pid), ...cluster.nodes.map((node) => node.pid)]);
        pinned = await measurePairs([rateLimit, record, reserve], profile, pids);
        // Where the plain EVALSHA's gap comes from: the Cluster client on one slot (its code, one master), three
        // plain clients on three servers (the spread over servers, no Cluster code), the Cluster (both).
        const spreadSides = [
          { label: 'single server', fn: rawSide(single, sha), pids: pids.singlePids },
          {
            label: 'Cluster, every key on one slot (one master)',
            fn: oneSlotSide(client, sha),
            pids: pids.clusterPids,
          },
          {
            label: '3 single servers, keys sharded by the caller (plain Redis clients)',
            fn: shardedSide(shardClients, sha),
            pids: [redis.pid, ...shards.map((shard) => shard.pid)],
          },
          { label: 'Cluster (keys over 3 masters)', fn: rawSide(client, sha), pids: pids.clusterPids },
        ];
        const timed = await interleave(spreadSides, profile, { batch: false });
        const cpu = await cpuPerDecision(spreadSides, profile);
        spread = spreadSides.map((side, index) => [
          side.label,
          perSecond(timed[index].ns),
          index === 0 ? '1.00×' : formatRatio(pairedRatio(timed[0], timed[index])),
          `${cpu[index].us.toFixed(1)} µs`,
          index === 0 ? '1.00×' : formatRatio(cpuRatio(cpu[0], cpu[index])),
          cpu[index].serverUs === undefined ? 'not known' : `${cpu[index].serverUs.toFixed(1)} µs`,
        ]);
        autoPipelined = await measurePairs(
          [
            [
              'rate-limit decision, auto-pipelining on both clients',
              [rateLimitSide(limiters[2], contexts), rateLimitSide(limiters[3], contexts)],
            ],
          ],
          profile,
          pids,
        );
        pin.restore();
      }
      const where = pin
        ? `servers pinned to core ${pin.servers}, this process to core ${pin.client}`
        : 'servers sharing the cores (taskset or a second core missing: not pinned)';
      const goals = [rateLimit, record, reserve].map(([label]) => {
        const onShared = shared.find((result) => result.label === label);
        const perProcess = (pinned ?? shared).find((result) => result.label === label);
        return {
          text: `Cluster ${label} ≥ ${GOAL_RATIO}× single server, per process (decisions per client CPU-second)`,
          measured:
            `${perProcess.cpu.ratio.toFixed(2)}× (${where}); throughput ${perProcess.ratio.ratio.toFixed(2)}×` +
            `${pinned ? `, ${onShared.ratio.ratio.toFixed(2)}× on shared cores` : ''}`,
          met: perProcess.cpu.ratio >= GOAL_RATIO,
        };
      });
      const extraTables = [];
      if (pinned) {
        extraTables.push(
          {
            caption:
              `The same, the servers pinned to core ${pin.servers} and this process to core ${pin.client} (\`taskset\`): ` +
              'the servers never take the client’s core, as when Redis runs on other machines; each side’s servers ' +
              'get the same one core (the Cluster’s 3 masters and 3 replicas share it). The goals are read here, as ' +
              'decisions per client CPU-second.',
            columns: PAIR_COLUMNS,
            rows: [...pinned, ...autoPipelined].map(pairRow),
          },
          {
            caption:
              'Where the plain EVALSHA’s gap comes from (pinned as above): the Cluster client with every key on one ' +
              'slot is its own code on one master; three plain clients of three single servers, keys sharded by the ' +
              'caller, is the spread over servers without Cluster code.',
            columns: [
              'plain EVALSHA on',
              'per second',
              '÷ single server',
              'client CPU per call',
              'calls per client CPU-second ÷ single server',
              'server CPU per call',
            ],
            rows: spread,
          },
        );
      }
      extraTables.push({
        caption:
          'What `confirmReplicas: 1` costs a cost record (each scope’s script and `WAIT 1` in one pipeline, on a ' +
          'client of its own): records per second with it ÷ without, on the same Cluster (shared cores).',
        columns: ['cost record on the Cluster', 'per second', 'with ÷ without'],
        rows: [
          ['plain (the master’s answer counts)', perSecond(plain.ns), '1.00×'],
          ['confirmReplicas: 1', perSecond(confirmed.ns), formatRatio(confirmRatio)],
        ],
      });
      return {
        intro:
          `One process, ${IN_FLIGHT} calls in flight, ${PER_SAMPLE} per timed sample, over ${USERS.toLocaleString('en')} users ` +
          'and 8 components: `RateLimitingHook` with `redis` (one Lua script per decision), ' +
          '`RedisCostStore.record` and `.reserve` (one script per scope, component and user at once, plus a names-index ' +
          '`SADD` per scope for a record). Single server: the run’s redis-server and one ioredis `Redis` client. ' +
          'Cluster: 3 masters + 3 replicas on this machine (started by the suite), one ioredis `Cluster` client. ' +
          'The ratio is decisions per second on the Cluster ÷ on the single server (median of paired rounds); in ' +
          'this first table the 3 masters, 3 replicas and the client share the machine’s cores. Then what a ' +
          'decision costs this process in CPU (user + system), as decisions per CPU-second Cluster ÷ single (paired ' +
          'rounds), and what it costs the servers (CPU of every node, from Linux schedstat): on shared cores the ' +
          'throughput is bounded by client + server CPU per decision over the cores. “Per process” in the goal is ' +
          'decisions per client CPU-second, read with the servers pinned off the client’s core (next table), since a ' +
          'throughput ratio on this machine mostly measures 6 servers and the client fighting for the same cores; ' +
          'the throughput figures stay beside it. The plain ioredis row sends the rate limiter’s script without the ' +
          'hook: the share of the gap that is the client library’s. Every Redis deadline is 10 s here, so a stalled ' +
          'server slows a sample instead of failing it.',
        columns: PAIR_COLUMNS,
        rows: shared.map(pairRow),
        extraTables,
        goals,
      };
    } finally {
      pin?.restore();
      for (const hook of limiters) await hook.onUnregister();
      for (const store of stores) await store.close();
      for (const connection of [client, clusterAuto, singleAuto, ...shardClients]) connection.disconnect();
      await cluster.stop();
      for (const shard of shards) await shard.stop();
    }
  },
};
