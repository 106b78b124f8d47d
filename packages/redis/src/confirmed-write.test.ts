import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RedisServerHandle, redisCli, startRedisServer } from '@llmspell/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingLogger } from './__fixtures__/recording-logger.js';
import { RedisConnection } from './redis-connection.js';
import { defineScript } from './redis-script.js';

const INCR = defineScript("return redis.call('INCRBY', KEYS[1], ARGV[1])");
const quiet = recordingLogger();

async function waitForLink(replica: RedisServerHandle): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if ((await redisCli(replica.port, ['INFO', 'replication'])).includes('master_link_status:up')) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the replica did not connect to its master within 15 s');
}

describe('RedisConnection.write with confirmReplicas (WAIT in the same pipeline)', () => {
  let master: RedisServerHandle;
  let replica: RedisServerHandle;
  const directory = mkdtempSync(join(tmpdir(), 'llmspell-confirmed-'));
  beforeAll(async () => {
    // No diskless-sync delay (5 s by default): the replica syncs at once.
    master = await startRedisServer({ useEnvironment: false, args: ['--repl-diskless-sync-delay', '0'] });
    replica = await startRedisServer({
      useEnvironment: false,
      // The replica saves what it loads: keep that file out of the working tree.
      cwd: directory,
      args: ['--replicaof', master.host, String(master.port)],
    });
    await waitForLink(replica);
  }, 30_000);
  afterAll(async () => {
    await Promise.all([replica?.stop(), master?.stop()]);
    rmSync(directory, { recursive: true, force: true });
  });

  it('answers once the replica has the write, which the replica then holds', async () => {
    const connection = new RedisConnection(master.url, {
      name: 'test',
      commandTimeoutMs: 2_000,
      confirmReplicas: 1,
      logger: quiet,
    });
    try {
      const results = await Promise.all(
        Array.from({ length: 50 }, () => connection.write('add', INCR, ['confirmed'], [1])),
      );
      expect(results.sort((a, b) => Number(a) - Number(b))).toEqual(
        Array.from({ length: 50 }, (_, index) => index + 1),
      );
      // Every answered write is already applied on the replica: no read-your-write wait needed.
      expect(await redisCli(replica.port, ['GET', 'confirmed'])).toBe('50');
    } finally {
      await connection.close();
    }
  });

  it('falls back to EVAL in the pipeline after SCRIPT FLUSH', async () => {
    const connection = new RedisConnection(master.url, {
      name: 'test',
      commandTimeoutMs: 2_000,
      confirmReplicas: 1,
      logger: quiet,
    });
    try {
      expect(await connection.write('add', INCR, ['flushed'], [2])).toBe(2);
      await redisCli(master.port, ['SCRIPT', 'FLUSH']);
      expect(await connection.write('add', INCR, ['flushed'], [3])).toBe(5);
    } finally {
      await connection.close();
    }
  });

  it('fails a write no replica confirms within half the deadline, naming why, though it was applied', async () => {
    replica.pause();
    const logger = recordingLogger();
    const connection = new RedisConnection(master.url, {
      name: 'test',
      commandTimeoutMs: 400,
      confirmReplicas: 1,
      logger,
    });
    try {
      const startedAt = performance.now();
      const error = await connection.write('add', INCR, ['unconfirmed'], [1]).catch((caught) => caught);
      const ms = performance.now() - startedAt;
      expect((error as Error).message).toMatch(
        /^Redis add was not confirmed by 1 replica\(s\) within 200 ms \(0 did\).*failover/,
      );
      expect(ms).toBeGreaterThanOrEqual(190);
      expect(ms).toBeLessThan(400 + 250);
      // Not confirmed is not undone: the caller must be able to repeat it safely.
      expect(await redisCli(master.port, ['GET', 'unconfirmed'])).toBe('1');
      expect(logger.warnings.some((warning) => /not confirmed/.test(String(warning.fields.error)))).toBe(
        true,
      );
    } finally {
      replica.resume();
      await connection.close();
    }
  });

  it('writes over a duplicate of a client you pass, so your commands never wait behind WAIT', async () => {
    const yours = new Redis(master.url);
    const connection = new RedisConnection(yours, {
      name: 'test',
      commandTimeoutMs: 1_000,
      confirmReplicas: 1,
      logger: quiet,
    });
    try {
      expect(connection.client).not.toBe(yours);
      expect(connection.ownsClient).toBe(true);
      replica.pause();
      const waiting = connection.write('add', INCR, ['blocked'], [1]).catch((error: Error) => error.message);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const startedAt = performance.now();
      expect(await yours.ping()).toBe('PONG');
      // Behind the blocked WAIT it would take the whole 1 s command timeout.
      expect(performance.now() - startedAt).toBeLessThan(500);
      expect(await waiting).toMatch(/not confirmed/);
    } finally {
      replica.resume();
      await connection.close();
    }
    expect(connection.client.status).toBe('end');
    expect(yours.status).toBe('ready');
    yours.disconnect();
  });

  it('keeps replies in step after its connection drops mid-WAIT (no resend of half a pipeline)', async () => {
    const yours = new Redis(master.url); // ioredis defaults: offline queue, resend after a reconnect
    const connection = new RedisConnection(yours, {
      name: 'test',
      commandTimeoutMs: 1_000,
      confirmReplicas: 1,
      logger: quiet,
    });
    try {
      expect(await connection.write('add', INCR, ['in-step'], [1])).toBe(1);
      replica.pause();
      const cut = connection.write('add', INCR, ['in-step'], [1]).catch((error: Error) => error.message);
      await new Promise((resolve) => setTimeout(resolve, 100));
      // The script has answered, WAIT has not: drop every normal connection to the master.
      await redisCli(master.port, ['CLIENT', 'KILL', 'TYPE', 'normal']);
      replica.resume();
      expect(await cut).not.toBe(2);
      const deadline = Date.now() + 5_000;
      const answers: unknown[] = [];
      while (answers.length < 3 && Date.now() < deadline) {
        // While it reconnects a write fails at once: give the reconnect a turn.
        const answer = await connection
          .write('add', INCR, ['in-step'], [1])
          .catch(() => new Promise((resolve) => setTimeout(resolve, 50)));
        if (answer !== undefined) answers.push(answer);
      }
      console.log('ANSWERS', answers, await cut);
      // Each answer is this write's own INCRBY result, one more than the last.
      expect(answers).toHaveLength(3);
      expect(answers[1]).toBe(Number(answers[0]) + 1);
      expect(answers[2]).toBe(Number(answers[0]) + 2);
      expect(String(answers[2])).toBe(await redisCli(master.port, ['GET', 'in-step']));
    } finally {
      replica.resume();
      await connection.close();
      yours.disconnect();
    }
  });

  it('never takes a reply out of step for its own: the write fails and the connection is made again', async () => {
    const real = new Redis(master.url);
    let scramble = true;
    let reconnects = 0;
    // A client whose first confirmed write gets replies that belong to other commands (a WAIT that says 1).
    const client: Redis = new Proxy(real, {
      get(target, property) {
        if (property === 'duplicate') return () => client;
        if (property === 'disconnect') {
          return (reconnect?: boolean) => {
            reconnects += 1;
            target.disconnect(reconnect);
          };
        }
        if (property === 'pipeline') {
          return (commands: unknown[][]) => ({
            exec: async () => {
              const replies = await target.pipeline(commands).exec();
              if (scramble && replies) {
                scramble = false;
                return [replies[0], [null, 1], [null, 'OK']];
              }
              return replies;
            },
          });
        }
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const connection = new RedisConnection(client, {
      name: 'test',
      commandTimeoutMs: 1_000,
      confirmReplicas: 1,
      logger: quiet,
    });
    try {
      replica.pause();
      const scrambled = await connection
        .write('add', INCR, ['scrambled'], [1])
        .catch((error: Error) => error);
      replica.resume();
      expect((scrambled as Error).message).toMatch(/out of step/);
      expect(reconnects).toBe(1);
      const deadline = Date.now() + 5_000;
      let answer: unknown;
      while (answer === undefined && Date.now() < deadline) {
        answer = await connection
          .write('add', INCR, ['scrambled'], [1])
          .catch(() => new Promise((resolve) => setTimeout(resolve, 50)));
      }
      expect(answer).toBe(2);
    } finally {
      replica.resume();
      await connection.close();
      real.disconnect();
    }
  });

  it('is a plain script without confirmReplicas, and refuses a client without pipeline()', async () => {
    const connection = new RedisConnection(master.url, { name: 'test', commandTimeoutMs: 2_000 });
    try {
      replica.pause();
      // No WAIT is sent: a paused replica costs nothing.
      expect(await connection.write('add', INCR, ['plain'], [4])).toBe(4);
    } finally {
      replica.resume();
      await connection.close();
    }
    const client = new Redis(master.url, { lazyConnect: true });
    const withoutPipeline = Object.assign(Object.create(client) as Redis, { pipeline: undefined });
    expect(
      () => new RedisConnection(withoutPipeline, { name: 'test', commandTimeoutMs: 100, confirmReplicas: 1 }),
    ).toThrow(/confirmReplicas.*pipeline\(\) and duplicate\(\)/);
    client.disconnect();
  });
});
