import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redisCli } from './redis-cli.js';
import { freePort, type RedisServerHandle, startRedisServer } from './redis-server.js';

/** A Redis Cluster this process started on free ports: masters with replicas, no persistence. */
export interface RedisClusterHandle {
  /** Every node, in the order they were created (masters first). */
  readonly nodes: readonly RedisServerHandle[];
  /** `{ host, port }` of every node, for `new Cluster(startupNodes)`. */
  readonly startupNodes: readonly { host: string; port: number }[];
  /** The ports of the nodes that are masters now (asked of a live node). */
  masterPorts(): Promise<number[]>;
  /** The node on `port`. */
  node(port: number): RedisServerHandle;
  /** The master now serving `key`'s slot and its replicas (asked of a live node). */
  shardOf(key: string): Promise<{ master: RedisServerHandle; replicas: RedisServerHandle[] }>;
  /**
   * Waits until every live node reports `cluster_state:ok` with all 16384 slots served by live masters (after a
   * kill or while a node is paused: until a replica took over) and every replica is in sync.
   */
  waitUntilHealthy(timeoutMs?: number): Promise<void>;
  /** Stops every node (by pid) and removes the nodes files. Idempotent. */
  stop(): Promise<void>;
}

/** Options of `startRedisCluster`. */
export interface StartRedisClusterOptions {
  /** Masters. Default 3 (the fewest Redis Cluster accepts). */
  masters?: number;
  /** Replicas per master. Default 1. */
  replicasPerMaster?: number;
  /** `cluster-node-timeout`: how long a master may be silent before its replica takes over, in ms. Default 2_000. */
  nodeTimeoutMs?: number;
  /** More redis-server arguments for every node. */
  args?: string[];
  /** How long to wait for the cluster to be healthy. Default 30_000 ms. */
  startTimeoutMs?: number;
}

/** One line of `CLUSTER NODES`. */
interface ClusterNodeLine {
  id: string;
  port: number;
  flags: string[];
  masterId: string;
  /** Slot ranges [first, last] this node serves. */
  slots: [number, number][];
}

function parseClusterNodes(listing: string): ClusterNodeLine[] {
  const lines: ClusterNodeLine[] = [];
  for (const line of listing.split('\n')) {
    const [id = '', address = '', flags = '', masterId = '', , , , , ...slotFields] = line.trim().split(' ');
    if (id === '') continue;
    const slots: [number, number][] = [];
    for (const field of slotFields) {
      if (field.startsWith('[')) continue; // a slot being imported or migrated
      const [first, last = first] = field.split('-').map(Number);
      slots.push([first!, last!]);
    }
    lines.push({
      id,
      port: Number(address.split('@')[0]!.split(':').at(-1)),
      flags: flags.split(','),
      masterId,
      slots,
    });
  }
  return lines;
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Starts a Redis Cluster on free ports (`redis-server --cluster-enabled yes` per node, joined with
 * `redis-cli --cluster create`) and waits until it serves every slot and each replica is in sync.
 */
export async function startRedisCluster(options: StartRedisClusterOptions = {}): Promise<RedisClusterHandle> {
  const {
    masters = 3,
    replicasPerMaster = 1,
    nodeTimeoutMs = 2_000,
    args = [],
    startTimeoutMs = 30_000,
  } = options;
  const directory = mkdtempSync(join(tmpdir(), 'llmspell-cluster-'));
  const nodes: RedisServerHandle[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    rmSync(directory, { recursive: true, force: true });
  };
  try {
    const taken = new Set<number>();
    const count = masters * (1 + replicasPerMaster);
    const ports: number[] = [];
    while (ports.length < count) {
      // A node's cluster bus listens on its port + 10000.
      const port = await freePort({ span: 10_000 });
      if (taken.has(port) || taken.has(port + 10_000) || taken.has(port - 10_000)) continue;
      taken.add(port);
      ports.push(port);
    }
    // In parallel, and in creation order in `nodes` (masters first): each start is mostly waiting for a PING.
    const starting = ports.map((port) =>
      startRedisServer({
        useEnvironment: false,
        port,
        cwd: directory,
        args: [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${port}.conf`,
          '--cluster-node-timeout',
          String(nodeTimeoutMs),
          // A replica syncs at once instead of after the default 5 s diskless-sync delay.
          '--repl-diskless-sync-delay',
          '0',
          ...args,
        ],
      }),
    );
    const settled = await Promise.allSettled(starting);
    for (const outcome of settled) if (outcome.status === 'fulfilled') nodes.push(outcome.value);
    const failed = settled.find((outcome) => outcome.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    await redisCli(
      nodes[0]!.port,
      [
        '--cluster',
        'create',
        ...nodes.map((node) => `127.0.0.1:${node.port}`),
        '--cluster-replicas',
        String(replicasPerMaster),
        '--cluster-yes',
      ],
      { timeoutMs: startTimeoutMs },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const byPort = new Map(nodes.map((node) => [node.port, node]));
  const liveNodes = async () => {
    const live: RedisServerHandle[] = [];
    // A paused node would not answer: it counts as down.
    for (const node of nodes) if (node.pid !== undefined && !node.paused) live.push(node);
    return live;
  };
  const topology = async () => {
    const [first] = await liveNodes();
    if (!first) throw new Error('Every node of this cluster is stopped');
    return parseClusterNodes(await redisCli(first.port, ['CLUSTER', 'NODES']));
  };
  const handle: RedisClusterHandle = {
    nodes,
    startupNodes: nodes.map((node) => ({ host: node.host, port: node.port })),
    async masterPorts() {
      return (await topology())
        .filter(
          (line) => line.flags.includes('master') && !line.flags.some((flag) => flag.startsWith('fail')),
        )
        .map((line) => line.port);
    },
    async shardOf(key) {
      const [first] = await liveNodes();
      const slot = Number(await redisCli(first!.port, ['CLUSTER', 'KEYSLOT', key]));
      const lines = await topology();
      const master = lines.find(
        (line) =>
          line.flags.includes('master') &&
          !line.flags.includes('fail') &&
          line.slots.some(([low, high]) => slot >= low && slot <= high),
      );
      if (!master) throw new Error(`No live master serves slot ${slot} (of key ${key}) now`);
      return {
        master: handle.node(master.port),
        replicas: lines.filter((line) => line.masterId === master.id).map((line) => handle.node(line.port)),
      };
    },
    node(port) {
      const node = byPort.get(port);
      if (!node) throw new Error(`No node of this cluster listens on port ${port}`);
      return node;
    },
    async waitUntilHealthy(timeoutMs = startTimeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let last = '';
      while (Date.now() < deadline) {
        try {
          const live = await liveNodes();
          const infos = await Promise.all(live.map((node) => redisCli(node.port, ['CLUSTER', 'INFO'])));
          const replication = await Promise.all(
            live.map((node) => redisCli(node.port, ['INFO', 'replication'])),
          );
          const ok = infos.every(
            (info) => info.includes('cluster_state:ok') && info.includes('cluster_slots_ok:16384'),
          );
          const synced = replication.every(
            (info) => !info.includes('role:slave') || info.includes('master_link_status:up'),
          );
          // Right after a kill every node still reports ok: wait until live masters serve every slot.
          // Right after `--cluster create` a replica-to-be may still be an empty master.
          const livePorts = new Set(live.map((node) => node.port));
          const lines = await topology();
          const servedByLive = lines
            .filter((line) => line.slots.length > 0)
            .every((line) => livePorts.has(line.port) && line.flags.includes('master'));
          const placed = lines
            .filter((line) => livePorts.has(line.port))
            .every((line) => line.flags.includes('slave') || line.slots.length > 0);
          if (ok && synced && servedByLive && placed) return;
          last = !servedByLive
            ? 'a stopped node still serves slots'
            : !placed
              ? 'a node is neither a replica nor serving slots yet'
              : (infos.find((info) => !info.includes('cluster_state:ok')) ?? 'replicas not in sync');
        } catch (error) {
          last = error instanceof Error ? error.message : String(error);
        }
        await sleep(100);
      }
      throw new Error(`The Redis Cluster did not become healthy within ${timeoutMs} ms: ${last}`);
    },
    stop,
  };
  try {
    await handle.waitUntilHealthy();
  } catch (error) {
    await stop();
    throw error;
  }
  return handle;
}
