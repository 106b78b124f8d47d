import { type RedisClusterHandle, redisCli, startRedisCluster } from '@llmspell/testing';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingLogger } from './__fixtures__/recording-logger.js';
import { hashTag } from './hash-tag.js';
import { RedisConnection } from './redis-connection.js';
import { defineScript } from './redis-script.js';

const ADD = defineScript("return redis.call('INCRBY', KEYS[1], ARGV[1])");
const TWO_KEYS = defineScript(
  "redis.call('INCRBY', KEYS[1], ARGV[1]); return redis.call('INCRBY', KEYS[2], ARGV[1])",
);

/** The failure message of `write` once the client has the new slot map (a MOVED reply refreshes it). */
async function retryMoved(write: () => Promise<unknown>): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const message = await write().then(
      () => 'confirmed',
      (error: Error) => error.message,
    );
    if (!/MOVED|not connected|did not answer/.test(message) || attempt === 20) return message;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('RedisConnection on a Redis Cluster (3 masters, 3 replicas)', () => {
  let cluster: RedisClusterHandle;
  beforeAll(async () => {
    cluster = await startRedisCluster();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('runs multi-key scripts on hash-tagged keys, spread over every master', async () => {
    const client = new Cluster([...cluster.startupNodes], { enableOfflineQueue: false });
    const connection = new RedisConnection(client, { name: 'test', commandTimeoutMs: 2_000 });
    try {
      expect(connection.isCluster).toBe(true);
      expect(await connection.waitUntilReady(10_000)).toBe(true);
      for (let user = 0; user < 30; user++) {
        const tag = hashTag(`user:${user}`);
        expect(await connection.script('add', TWO_KEYS, [`t:${tag}:a`, `t:${tag}:b`], [user])).toBe(user);
      }
      const masters = client.nodes('master');
      const keysPerMaster = await Promise.all(masters.map((node) => node.dbsize()));
      expect(keysPerMaster.filter((count) => count > 0)).toHaveLength(3);
    } finally {
      await connection.close();
      client.disconnect();
    }
  });

  it('says a cluster client is needed when given one node’s URL (MOVED)', async () => {
    const logger = recordingLogger();
    const connection = new RedisConnection(cluster.nodes[0]!.url, {
      name: 'test',
      commandTimeoutMs: 2_000,
      logger,
    });
    try {
      const failures: string[] = [];
      for (let key = 0; key < 10; key++) {
        await connection
          .command('get', 'GET', [`k${key}`])
          .catch((error: Error) => failures.push(error.message));
      }
      expect(failures.length).toBeGreaterThan(0);
      expect(failures.every((message) => /MOVED.*pass an ioredis Cluster client/.test(message))).toBe(true);
      expect(logger.warnings.filter((warning) => /MOVED/.test(String(warning.fields.error)))).toHaveLength(1);
    } finally {
      await connection.close();
    }
  });

  // Last in the file: it kills a master. The replica is cut off (SIGSTOP, then its master drops the link) while
  // the master acknowledges writes, so the failover loses those writes — as a crash before replication would.
  it('never answers a confirmed write that a failover then loses; a plain acknowledged write is lost', async () => {
    const client = new Cluster([...cluster.startupNodes], { enableOfflineQueue: false });
    const options = { name: 'test', commandTimeoutMs: 600, logger: recordingLogger() };
    const plain = new RedisConnection(client, options);
    const confirmed = new RedisConnection(client, { ...options, confirmReplicas: 1 });
    const plainKey = 'failover:{shard}:plain';
    const confirmedKey = 'failover:{shard}:confirmed';
    try {
      expect(await confirmed.waitUntilReady(10_000)).toBe(true);
      expect(await plain.write('add', ADD, [plainKey], [1])).toBe(1);
      // A replica of a cluster just started may still be in its first sync: wait for its link before confirming.
      for (const replica of (await cluster.shardOf(confirmedKey)).replicas) {
        for (let attempt = 0; attempt < 100; attempt++) {
          const info = String(await redisCli(replica.port, ['INFO', 'replication']));
          if (info.includes('master_link_status:up')) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      expect(await confirmed.write('add', ADD, [confirmedKey], [1])).toBe(1);
      const { master, replicas } = await cluster.shardOf(plainKey);
      const [replica] = replicas;
      replica!.pause();
      await redisCli(master.port, ['CLIENT', 'KILL', 'TYPE', 'replica']);
      const plainAnswers: unknown[] = [];
      const confirmedFailures: string[] = [];
      for (let write = 0; write < 5; write++) {
        plainAnswers.push(await plain.write('add', ADD, [plainKey], [1]));
        await confirmed
          .write('add', ADD, [confirmedKey], [1])
          .catch((error: Error) => confirmedFailures.push(error.message));
      }
      expect(plainAnswers).toEqual([2, 3, 4, 5, 6]);
      expect(confirmedFailures).toHaveLength(5);
      expect(confirmedFailures.every((message) => /not confirmed by 1 replica/.test(message))).toBe(true);

      await master.kill();
      replica!.resume();
      await cluster.waitUntilHealthy(30_000);
      expect((await cluster.shardOf(plainKey)).master.port).toBe(replica!.port);
      // The promoted replica never got the writes made while it was cut off.
      expect(await redisCli(replica!.port, ['GET', plainKey])).toBe('1');
      expect(await redisCli(replica!.port, ['GET', confirmedKey])).toBe('1');
      // Every confirmed answer survived; the 5 plain answers (2 … 6) were lost.
      // With its only replica gone the shard confirms nothing (writes fail, to be repeated) until one is back.
      const unconfirmed = await retryMoved(() => confirmed.write('add', ADD, [confirmedKey], [1]));
      expect(unconfirmed).toMatch(/not confirmed by 1 replica/);
      await master.restart();
      await cluster.waitUntilHealthy(30_000);
      expect((await cluster.shardOf(plainKey)).replicas.map((node) => node.port)).toEqual([master.port]);
      // Writes are confirmed again once the restarted node has caught up as the new master's replica.
      let value: unknown;
      const deadline = Date.now() + 10_000;
      while (value === undefined && Date.now() < deadline) {
        value = await confirmed.write('add', ADD, [confirmedKey], [1]).catch(() => undefined);
      }
      const restarted = new Redis(master.port, { lazyConnect: true });
      await restarted.connect();
      await restarted.readonly();
      expect(await restarted.get(confirmedKey)).toBe(String(value));
      restarted.disconnect();
    } finally {
      await Promise.all([plain.close(), confirmed.close()]);
      client.disconnect();
    }
  }, 60_000);
});
