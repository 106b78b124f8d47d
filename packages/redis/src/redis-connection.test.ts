import { type RedisServerHandle, redisCli, startRedisServer } from '@llmspell/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingLogger } from './__fixtures__/recording-logger.js';
import { startSilentServer } from './__fixtures__/silent-server.js';
import { RedisUnavailableError } from './errors/redis-unavailable-error.js';
import { RedisConnection } from './redis-connection.js';
import { defineScript } from './redis-script.js';

const INCR = defineScript("return redis.call('INCRBY', KEYS[1], ARGV[1])");
const SLACK_MS = 250;

async function elapsed(work: () => Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const startedAt = performance.now();
  let error: unknown;
  try {
    await work();
  } catch (caught) {
    error = caught;
  }
  return { ms: performance.now() - startedAt, error };
}

describe('RedisConnection on a standalone server', () => {
  let server: RedisServerHandle;
  beforeAll(async () => {
    server = await startRedisServer({
      useEnvironment: false,
      args: [
        '--user',
        'reader',
        'on',
        '>reader-pw',
        '~*',
        '+@read',
        '+@write',
        '+@connection',
        '-@scripting',
        '-set',
      ],
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('connects from a URL on the first command, runs scripts, and falls back to EVAL after SCRIPT FLUSH', async () => {
    const connection = new RedisConnection(server.url, { name: 'test', commandTimeoutMs: 1_000 });
    try {
      expect(connection.ownsClient).toBe(true);
      expect(await connection.script('incr', INCR, ['n'], [2])).toBe(2);
      await redisCli(server.port, ['SCRIPT', 'FLUSH']);
      expect(await connection.script('incr', INCR, ['n'], [3])).toBe(5);
      expect(await connection.command('get', 'GET', ['n'])).toBe('5');
    } finally {
      await connection.close();
    }
    expect(connection.client.status).toBe('end');
  });

  it('leaves a client it was given open and unhooked after close()', async () => {
    const client = new Redis(server.url);
    const connection = new RedisConnection(client, { name: 'test', commandTimeoutMs: 1_000 });
    expect(connection.ownsClient).toBe(false);
    expect(await connection.command('ping', 'PING', [])).toBe('PONG');
    await connection.close();
    expect(client.listenerCount('error')).toBe(0);
    expect(await client.ping()).toBe('PONG');
    await client.quit();
  });

  it('reports WRONGPASS as the cause of a wrong password, in the error and the log', async () => {
    const logger = recordingLogger();
    const url = `redis://reader:wrong@127.0.0.1:${server.port}`;
    const connection = new RedisConnection(url, { name: 'test', commandTimeoutMs: 1_000, logger });
    try {
      const { error } = await elapsed(() => connection.command('get', 'GET', ['k']));
      expect(RedisUnavailableError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/WRONGPASS/);
      expect(logger.warnings.some((warning) => /WRONGPASS/.test(String(warning.fields.error)))).toBe(true);
    } finally {
      await connection.close();
    }
  });

  it('reports NOPERM with a hint when the ACL user may not run scripts', async () => {
    const connection = new RedisConnection(`redis://reader:reader-pw@127.0.0.1:${server.port}`, {
      name: 'test',
      commandTimeoutMs: 1_000,
      logger: recordingLogger(),
    });
    try {
      const { error } = await elapsed(() => connection.script('incr', INCR, ['n'], [1]));
      expect((error as Error).message).toMatch(/NOPERM.*grant the Redis user/);
    } finally {
      await connection.close();
    }
  });

  it('logs the first report of each new cause at once and throttles repeats', async () => {
    const logger = recordingLogger();
    const connection = new RedisConnection(`redis://reader:reader-pw@127.0.0.1:${server.port}`, {
      name: 'test',
      commandTimeoutMs: 1_000,
      logger,
    });
    try {
      for (let i = 0; i < 20; i++) await connection.script('incr', INCR, ['n'], [1]).catch(() => {});
      await connection.command('set', 'SET', ['k', 'v']).catch(() => {});
      const noperm = logger.warnings.filter((warning) => String(warning.fields.error).includes('NOPERM'));
      const scripts = noperm.filter((warning) => String(warning.fields.error).includes('evalsha'));
      const writes = noperm.filter((warning) => String(warning.fields.error).includes("'set'"));
      expect(scripts).toHaveLength(1);
      expect(writes).toHaveLength(1);
    } finally {
      await connection.close();
    }
  });

  it('fails at once with the cause while Redis is down, and works again after it restarts', async () => {
    const logger = recordingLogger();
    const connection = new RedisConnection(server.url, { name: 'test', commandTimeoutMs: 500, logger });
    try {
      expect(await connection.command('ping', 'PING', [])).toBe('PONG');
      await server.kill();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const down = await elapsed(() => connection.command('get', 'GET', ['k']));
      expect((down.error as Error).message).toMatch(/ECONNREFUSED|Connection is closed|not connected/);
      expect(down.ms).toBeLessThan(500 + SLACK_MS);
      await server.restart();
      expect(await connection.waitUntilReady(5_000)).toBe(true);
      expect(await connection.command('ping', 'PING', [])).toBe('PONG');
    } finally {
      await connection.close();
    }
  });

  it('bounds a command to a paused (SIGSTOP) server by commandTimeoutMs', async () => {
    const connection = new RedisConnection(server.url, { name: 'test', commandTimeoutMs: 200 });
    try {
      expect(await connection.command('ping', 'PING', [])).toBe('PONG');
      server.pause();
      const hung = await elapsed(() => connection.script('incr', INCR, ['n'], [1]));
      expect((hung.error as Error).message).toMatch(/did not answer incr within 200 ms/);
      expect(hung.ms).toBeLessThan(200 + SLACK_MS);
    } finally {
      server.resume();
      await connection.close();
    }
  });
});

describe('RedisConnection on an endpoint that accepts TCP and never answers', () => {
  it('bounds connecting plus the command by commandTimeoutMs, for a URL and for a client of yours', async () => {
    const silent = await startSilentServer();
    const owned = new RedisConnection(silent.url, {
      name: 'test',
      commandTimeoutMs: 150,
      logger: recordingLogger(),
    });
    const client = new Redis(silent.url, { lazyConnect: true, enableOfflineQueue: false });
    client.on('error', () => {});
    const borrowed = new RedisConnection(client, {
      name: 'test',
      commandTimeoutMs: 150,
      logger: recordingLogger(),
    });
    try {
      for (const connection of [owned, borrowed]) {
        for (let attempt = 0; attempt < 3; attempt++) {
          const call = await elapsed(() => connection.command('get', 'GET', ['k']));
          expect((call.error as Error).message).toMatch(/did not answer get within 150 ms|not connected/);
          expect(call.ms).toBeLessThan(150 + SLACK_MS);
        }
      }
    } finally {
      await owned.close();
      await borrowed.close();
      client.disconnect();
      await silent.close();
    }
  });
});
