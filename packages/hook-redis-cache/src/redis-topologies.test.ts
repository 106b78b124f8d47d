import {
  type RedisClusterHandle,
  type RedisServerHandle,
  startRedisCluster,
  startRedisServer,
} from '@llmspell/testing';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, runOperation } from './__fixtures__/run-operation.js';
import { RedisCachingHook } from './redis-caching-hook.js';

const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };

describe('RedisCachingHook on a Redis Cluster', () => {
  let cluster: RedisClusterHandle;
  beforeAll(async () => {
    cluster = await startRedisCluster();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('hits on a Cluster client, with entries spread over every master', async () => {
    const client = new Cluster([...cluster.startupNodes], { enableOfflineQueue: false });
    const hook = await RedisCachingHook.create(client, {
      commandTimeoutMs: 1_000,
      keyPrefix: 'cluster-cache:',
    });
    try {
      const setup = harness();
      let runs = 0;
      const operation = async () => ({ text: `answer ${++runs}` });
      for (let question = 0; question < 30; question++) {
        expect((await runOperation(hook, setup, { text: `q${question}` }, operation)).cached).toBe(false);
      }
      for (let question = 0; question < 30; question++) {
        expect((await runOperation(hook, setup, { text: `q${question}` }, operation)).cached).toBe(true);
      }
      expect(runs).toBe(30);
      const sizes = await Promise.all(client.nodes('master').map((node) => node.dbsize()));
      expect(sizes.filter((size) => size > 0)).toHaveLength(3);
    } finally {
      await hook.onUnregister();
      client.disconnect();
    }
  });
});

describe('RedisCachingHook error causes', () => {
  let server: RedisServerHandle;
  beforeAll(async () => {
    server = await startRedisServer({
      useEnvironment: false,
      args: ['--user', 'cache-user', 'on', '>pw', '~*', '+@all', '-set'],
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('puts WRONGPASS and NOPERM in the error field of cache.error and in its logger', async () => {
    for (const [user, cause] of [
      ['cache-user:wrong', /WRONGPASS/],
      ['cache-user:pw', /NOPERM/],
    ] as const) {
      const warnings: unknown[] = [];
      const logger = { ...silentLogger, warn: (fields: unknown) => warnings.push(fields) };
      const hook = await RedisCachingHook.create(`redis://${user}@127.0.0.1:${server.port}`, {
        commandTimeoutMs: 1_000,
        connectTimeoutMs: 500,
        logger,
      });
      try {
        const setup = harness();
        const errors: string[] = [];
        setup.events.subscribe('cache.error', (event) => {
          errors.push(String((event.payload as { error?: string }).error));
        });
        await runOperation(hook, setup, { text: 'q' }, async () => ({ text: 'a' }));
        expect(errors.length).toBeGreaterThan(0);
        expect(errors.every((error) => cause.test(error))).toBe(true);
        expect(JSON.stringify(warnings)).toMatch(cause);
      } finally {
        await hook.onUnregister();
      }
    }
  });
});
