import { type RedisClusterHandle, startRedisCluster } from '@llmspell/testing';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingLogger } from './__fixtures__/recording-logger.js';
import { hashTag } from './hash-tag.js';
import { RedisConnection } from './redis-connection.js';
import { defineScript } from './redis-script.js';

const TWO_KEYS = defineScript(
  "redis.call('INCRBY', KEYS[1], ARGV[1]); return redis.call('INCRBY', KEYS[2], ARGV[1])",
);

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
});
