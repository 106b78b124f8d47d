import { createConnection } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { type RedisServerHandle, startRedisServer } from './redis-server.js';

function command(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('error', reject);
    socket.once('connect', () => socket.write(`${line}\r\n`));
    socket.once('data', (chunk) => {
      socket.destroy();
      resolve(chunk.toString());
    });
  });
}

describe('startRedisServer', () => {
  let server: RedisServerHandle | undefined;
  afterAll(async () => {
    await server?.stop();
  });

  it('starts a private redis-server on a free port that answers, and restarts it after a kill', async () => {
    server = await startRedisServer({ useEnvironment: false });
    expect(server.external).toBe(false);
    expect(server.port).not.toBe(6379);
    expect(await command(server.port, 'PING')).toBe('+PONG\r\n');
    await server.kill();
    await expect(command(server.port, 'PING')).rejects.toThrow();
    await server.restart();
    expect(await command(server.port, 'PING')).toBe('+PONG\r\n');
  });

  it('fails loudly when the binary cannot run', async () => {
    await expect(
      startRedisServer({ useEnvironment: false, binary: '/nonexistent/redis-server' }),
    ).rejects.toThrow(/Cannot run/);
  });
});
