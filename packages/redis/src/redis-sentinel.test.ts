import { type RedisSentinelHandle, startRedisSentinel } from '@llmspell/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingLogger } from './__fixtures__/recording-logger.js';
import { RedisConnection } from './redis-connection.js';

describe('RedisConnection through Redis Sentinel', () => {
  let sentinel: RedisSentinelHandle;
  beforeAll(async () => {
    sentinel = await startRedisSentinel();
  }, 30_000);
  afterAll(async () => {
    await sentinel?.stop();
  });

  it('finds the master from ioredis Sentinel options and follows it after a failover', async () => {
    const connection = new RedisConnection(
      { sentinels: [...sentinel.sentinels], name: sentinel.name },
      { name: 'test', commandTimeoutMs: 1_000, logger: recordingLogger() },
    );
    try {
      expect(await connection.command('set', 'SET', ['k', 'before'])).toBe('OK');
      await sentinel.master.kill();
      const deadline = Date.now() + 30_000;
      let answer: unknown;
      while (Date.now() < deadline) {
        answer = await connection.command('set', 'SET', ['k', 'after']).catch(() => undefined);
        if (answer === 'OK') break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(answer).toBe('OK');
      expect(await sentinel.masterPort()).toBe(sentinel.replica.port);
    } finally {
      await connection.close();
    }
  }, 40_000);
});
