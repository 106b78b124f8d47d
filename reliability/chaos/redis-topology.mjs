// The Redis the chaos soak runs against, and the faults it suffers: one redis-server (killed and restarted, then
// paused), or a Redis Cluster of 3 masters and 3 replicas (a master killed until its replica takes over, then the
// master of the same shard paused until its replica takes over, then resumed). Each topology starts itself,
// tells the workers how to connect, injects its faults, reads the cost totals back and stops.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisCostStore } from '@llmspell/hook-cost';
import { redisCli, startRedisCluster, startRedisServer } from '@llmspell/testing';
import { Cluster } from 'ioredis';
import { settings } from './settings.mjs';

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const redisBinary = process.env.REDIS_SERVER_BIN ?? 'redis-server';

export const redisVersion =
  spawnSync(redisBinary, ['--version'], { encoding: 'utf8' })
    .stdout?.match(/v=(\S+)/)?.[1]
    ?.trim() ?? 'unknown';

/** What Redis holds for this run's cost keys: the component's and every user's totals. */
async function readTotals(store) {
  return {
    component: await store.totals('component', 'chaos-agent'),
    users: Object.fromEntries(
      await Promise.all(settings.users.map(async (user) => [user, await store.totals('user', user)])),
    ),
  };
}

/**
 * One redis-server with an fsync'ed append-only file: a SIGKILL then loses no acknowledged write, so the cost
 * totals it holds can be checked exactly. startRedisServer() runs a wrapper in place of redis-server; later
 * arguments win.
 */
export async function startStandalone({ runId, log }) {
  const workDirectory = mkdtempSync(join(tmpdir(), 'llmspell-chaos-'));
  const binary = join(workDirectory, 'redis-server-aof');
  writeFileSync(
    binary,
    `#!/bin/sh\nexec ${JSON.stringify(redisBinary)} "$@" --appendonly yes --appendfsync always --dir ${JSON.stringify(workDirectory)}\n`,
  );
  chmodSync(binary, 0o755);
  let redis;
  try {
    redis = await startRedisServer({ useEnvironment: false, binary });
  } catch (error) {
    rmSync(workDirectory, { recursive: true, force: true });
    throw error;
  }
  return {
    description: `redis-server ${redisVersion} on ${redis.url} (append-only, fsync always)`,
    workerEnvironment: { CHAOS_REDIS_URL: redis.url },
    extraChecks: () => [],
    figures: {},
    async injectFaults({ waitForProgress, faults }) {
      await waitForProgress(settings.killAtProgress);
      const killAt = now();
      await redis.kill();
      log('Redis killed (SIGKILL)');
      await sleep(settings.outageMs);
      await redis.restart();
      faults.push({ kind: 'kill', from: killAt, to: now() });
      log(`Redis restarted after ${Math.round(now() - killAt)} ms`);

      await waitForProgress(settings.pauseAtProgress);
      const pauseAt = now();
      redis.pause();
      log('Redis paused (SIGSTOP)');
      await sleep(settings.outageMs);
      redis.resume();
      faults.push({ kind: 'pause', from: pauseAt, to: now() });
      log(`Redis resumed (SIGCONT) after ${Math.round(now() - pauseAt)} ms`);
    },
    async totals() {
      const store = new RedisCostStore(redis.url, { keyPrefix: `chaos:${runId}:cost:` });
      try {
        return await readTotals(store);
      } finally {
        await store.close();
      }
    },
    async stop() {
      await redis.stop();
      rmSync(workDirectory, { recursive: true, force: true });
    },
  };
}

/** Every key matching `pattern` on each master now: Map of key → port of its master. */
async function keysByMaster(client, pattern) {
  const found = new Map();
  for (const node of client.nodes('master')) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1_000);
      for (const key of keys) found.set(key, node.options.port);
      cursor = next;
    } while (cursor !== '0');
  }
  return found;
}

/**
 * A Redis Cluster of 3 masters with one replica each, no persistence: the replicas hold the data. Faults hit the
 * shard of the component's cost totals (every charged call writes there): its replica is cut off for a moment and
 * its master killed (SIGKILL), then restarted as a replica once the replica has taken over; later the new master
 * of that shard is paused (SIGSTOP) until its own replica has taken over, then resumed (it comes back as a
 * replica: whatever it had not passed on is gone).
 */
export async function startClusterTopology({ runId, log }) {
  const { masters, replicasPerMaster, nodeTimeoutMs, healthyWithinMs } = settings.cluster;
  const cluster = await startRedisCluster({ masters, replicasPerMaster, nodeTimeoutMs });
  const inspector = new Cluster([...cluster.startupNodes], { enableOfflineQueue: false });
  const componentKey = `chaos:${runId}:cost:{component:chaos-agent}:totals`;
  const cacheSurvival = { checked: 0, found: 0, onKilledMaster: 0, foundOnKilledMaster: 0 };
  const failovers = [];
  return {
    description:
      `Redis Cluster (redis-server ${redisVersion}): ${masters} masters + ${masters * replicasPerMaster} replicas, ` +
      `cluster-node-timeout ${nodeTimeoutMs} ms, no persistence`,
    workerEnvironment: { CHAOS_CLUSTER_NODES: JSON.stringify(cluster.startupNodes) },
    figures: { failovers, cacheSurvival },
    extraChecks: () => [
      {
        check: 'cache entries written before the failover, found after it',
        value:
          `${cacheSurvival.found} / ${cacheSurvival.checked} ` +
          `(${cacheSurvival.foundOnKilledMaster} / ${cacheSurvival.onKilledMaster} on the killed master)`,
        expected: 'all',
        pass:
          cacheSurvival.onKilledMaster > 0 &&
          cacheSurvival.found === cacheSurvival.checked &&
          cacheSurvival.foundOnKilledMaster === cacheSurvival.onKilledMaster,
      },
      {
        check: 'replicas that took over (kill, pause)',
        value:
          failovers.map((failover) => `${failover.kind} ${Math.round(failover.takeOverMs)} ms`).join(', ') ||
          'none',
        expected: '2',
        pass: failovers.length === 2,
      },
    ],
    async injectFaults({ waitForProgress, faults }) {
      await waitForProgress(settings.killAtProgress);
      const { master: victim, replicas } = await cluster.shardOf(componentKey);
      // Entries at least cacheSettleMs old when their master dies have reached its replica: they must survive.
      const cached = await keysByMaster(inspector, `chaos:${runId}:cache:*`);
      await sleep(settings.cluster.cacheSettleMs);
      // The replica falls behind first (paused, its link dropped): the master then acknowledges writes its replica
      // never gets, as a master that dies with writes not yet passed on does.
      const killAt = now();
      for (const replica of replicas) replica.pause();
      await redisCli(victim.port, ['CLIENT', 'KILL', 'TYPE', 'replica']);
      await sleep(settings.cluster.replicaBehindMs);
      await victim.kill();
      for (const replica of replicas) replica.resume();
      log(
        `master :${victim.port} (the component's cost shard) killed (SIGKILL), ` +
          `its replica cut off for the ${settings.cluster.replicaBehindMs} ms before`,
      );
      await cluster.waitUntilHealthy(healthyWithinMs);
      const takenOverAt = now();
      faults.push({ kind: 'kill', from: killAt, to: takenOverAt });
      failovers.push({ kind: 'kill', takeOverMs: takenOverAt - killAt });
      log(`its replica took over after ${Math.round(takenOverAt - killAt)} ms`);
      for (const [key, port] of cached) {
        const onKilledMaster = port === victim.port;
        const found = (await inspector.exists(key)) === 1;
        cacheSurvival.checked += 1;
        if (found) cacheSurvival.found += 1;
        if (onKilledMaster) cacheSurvival.onKilledMaster += 1;
        if (onKilledMaster && found) cacheSurvival.foundOnKilledMaster += 1;
      }
      // Back without data: it rejoins as the replica of the node that took its place, and syncs from it.
      await victim.restart();
      await cluster.waitUntilHealthy(healthyWithinMs);
      log(`:${victim.port} restarted as a replica`);

      await waitForProgress(settings.pauseAtProgress);
      const { master: hung } = await cluster.shardOf(componentKey);
      const pauseAt = now();
      hung.pause();
      log(`master :${hung.port} (the component's cost shard) paused (SIGSTOP)`);
      await cluster.waitUntilHealthy(healthyWithinMs);
      const pauseTakenOverAt = now();
      failovers.push({ kind: 'pause', takeOverMs: pauseTakenOverAt - pauseAt });
      hung.resume();
      faults.push({ kind: 'pause', from: pauseAt, to: now() });
      log(`its replica took over after ${Math.round(pauseTakenOverAt - pauseAt)} ms; :${hung.port} resumed`);
      await cluster.waitUntilHealthy(healthyWithinMs);
      log(`:${hung.port} is a replica again`);
    },
    async totals() {
      const store = new RedisCostStore(inspector, { keyPrefix: `chaos:${runId}:cost:` });
      try {
        return await readTotals(store);
      } finally {
        await store.close();
      }
    },
    async stop() {
      inspector.disconnect();
      await cluster.stop();
    },
  };
}
