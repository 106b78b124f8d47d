import { type RedisTlsServerHandle, startRedisTlsServer } from '@llmspell/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingLogger } from './__fixtures__/recording-logger.js';
import { RedisConnection } from './redis-connection.js';

describe('RedisConnection over TLS', () => {
  let server: RedisTlsServerHandle;
  beforeAll(async () => {
    server = await startRedisTlsServer();
  }, 30_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('connects with ioredis options that trust the test CA', async () => {
    const connection = new RedisConnection(
      { host: '127.0.0.1', port: server.tlsPort, tls: { ca: server.ca } },
      { name: 'test', commandTimeoutMs: 2_000 },
    );
    try {
      expect(await connection.command('ping', 'PING', [])).toBe('PONG');
    } finally {
      await connection.close();
    }
  });

  it('reports the certificate error when the server is signed by a CA the client does not trust', async () => {
    const logger = recordingLogger();
    for (const input of [
      server.tlsUrl,
      { host: '127.0.0.1', port: server.tlsPort, tls: { ca: server.otherCa } },
    ]) {
      const connection = new RedisConnection(input, { name: 'test', commandTimeoutMs: 2_000, logger });
      try {
        await expect(connection.command('ping', 'PING', [])).rejects.toThrow(
          /certificate|SELF_SIGNED|UNABLE_TO_VERIFY/i,
        );
      } finally {
        await connection.close();
      }
    }
    expect(logger.warnings.some((warning) => /certificate/i.test(String(warning.fields.error)))).toBe(true);
  });
});
