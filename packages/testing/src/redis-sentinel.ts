import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redisCli } from './redis-cli.js';
import { freePort, type RedisServerHandle, startRedisServer } from './redis-server.js';

/** A master, its replica and a Sentinel that watches them, started on free ports by this process. */
export interface RedisSentinelHandle {
  /** The name the Sentinel knows the master by (`name` in ioredis options). */
  readonly name: string;
  /** `[{ host, port }]` of the Sentinel (`sentinels` in ioredis options). */
  readonly sentinels: readonly { host: string; port: number }[];
  readonly master: RedisServerHandle;
  readonly replica: RedisServerHandle;
  readonly sentinel: RedisServerHandle;
  /** The port of the master the Sentinel names now. */
  masterPort(): Promise<number>;
  /** Stops every process (by pid) and removes the Sentinel's config. Idempotent. */
  stop(): Promise<void>;
}

/** Options of `startRedisSentinel`. */
export interface StartRedisSentinelOptions {
  /** How long the master may be silent before the Sentinel fails over, in ms. Default 1_000. */
  downAfterMs?: number;
  /** Master name. Default 'llmspell'. */
  name?: string;
}

/** Starts a master, one replica and one Sentinel (quorum 1), and waits until the Sentinel sees the replica. */
export async function startRedisSentinel(
  options: StartRedisSentinelOptions = {},
): Promise<RedisSentinelHandle> {
  const { downAfterMs = 1_000, name = 'llmspell' } = options;
  const directory = mkdtempSync(join(tmpdir(), 'llmspell-sentinel-'));
  const started: RedisServerHandle[] = [];
  const stop = async () => {
    await Promise.all(started.map((server) => server.stop()));
    rmSync(directory, { recursive: true, force: true });
  };
  try {
    // In the temporary directory: the replica saves what it loads from the master.
    const master = await startRedisServer({ useEnvironment: false, cwd: directory });
    started.push(master);
    const replica = await startRedisServer({
      useEnvironment: false,
      cwd: directory,
      args: ['--replicaof', '127.0.0.1', String(master.port)],
    });
    started.push(replica);
    const sentinelPort = await freePort();
    const configFile = join(directory, 'sentinel.conf');
    writeFileSync(
      configFile,
      [
        `sentinel monitor ${name} 127.0.0.1 ${master.port} 1`,
        `sentinel down-after-milliseconds ${name} ${downAfterMs}`,
        `sentinel failover-timeout ${name} 10000`,
        '',
      ].join('\n'),
    );
    const sentinel = await startRedisServer({
      useEnvironment: false,
      port: sentinelPort,
      configFile,
      cwd: directory,
      args: ['--sentinel'],
    });
    started.push(sentinel);
    const masterPort = async () => {
      const reply = await redisCli(sentinel.port, ['SENTINEL', 'get-master-addr-by-name', name]);
      return Number(reply.split('\n')[1]);
    };
    const deadline = Date.now() + 15_000;
    for (;;) {
      const replicas = await redisCli(sentinel.port, ['SENTINEL', 'replicas', name]);
      if (replicas.includes(String(replica.port))) break;
      if (Date.now() > deadline) throw new Error('The Sentinel did not discover the replica within 15 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return {
      name,
      sentinels: [{ host: sentinel.host, port: sentinel.port }],
      master,
      replica,
      sentinel,
      masterPort,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
