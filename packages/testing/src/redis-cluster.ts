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
  /** Waits until every live node reports `cluster_state:ok` with all 16384 slots served. */
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

/** A free port whose cluster bus port (port + 10000) is free too. */
async function clusterPort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 25_000);
    if (taken.has(port) || taken.has(port + 10_000)) continue;
    const probe = await freePortIfFree(port);
    const bus = await freePortIfFree(port + 10_000);
    if (probe && bus) {
      taken.add(port);
      taken.add(port + 10_000);
      return port;
    }
  }
  return freePort();
}

async function freePortIfFree(port: number): Promise<boolean> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
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
    for (let index = 0; index < count; index++) {
      const port = await clusterPort(taken);
      nodes.push(
        await startRedisServer({
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
            ...args,
          ],
        }),
      );
    }
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
    for (const node of nodes) if (node.pid !== undefined) live.push(node);
    return live;
  };
  const handle: RedisClusterHandle = {
    nodes,
    startupNodes: nodes.map((node) => ({ host: node.host, port: node.port })),
    async masterPorts() {
      const [first] = await liveNodes();
      const listing = await redisCli(first!.port, ['CLUSTER', 'NODES']);
      const ports: number[] = [];
      for (const line of listing.split('\n')) {
        const [, address = '', flags = ''] = line.split(' ');
        const set = flags.split(',');
        if (set.includes('master') && !set.some((flag) => flag.startsWith('fail'))) {
          ports.push(Number(address.split('@')[0]!.split(':')[1]));
        }
      }
      return ports;
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
          if (ok && synced) return;
          last = infos.find((info) => !info.includes('cluster_state:ok')) ?? 'replicas not in sync';
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
