import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, portIsFree, type RedisServerHandle, startRedisServer } from './redis-server.js';

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

  it('picks ports below the range of outgoing connections, so that no client socket takes one before the server binds it', async () => {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    for (let index = 0; index < 20; index++) {
      const port = await freePort({ span: 10_000 });
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port + 10_000).toBeLessThan(Number(low));
      expect(await portIsFree(port)).toBe(true);
    }
  });

  it('restarts on its own port even when another socket holds it for a moment', async () => {
    const restarted = await startRedisServer({ useEnvironment: false });
    try {
      await restarted.kill();
      const squatter: Server = createServer();
      squatter.listen(restarted.port, '127.0.0.1');
      await once(squatter, 'listening');
      expect(await portIsFree(restarted.port)).toBe(false);
      setTimeout(() => squatter.close(), 300);
      await restarted.restart();
      expect(await command(restarted.port, 'PING')).toBe('+PONG\r\n');
    } finally {
      await restarted.stop();
    }
  });

  it('fails loudly when the binary cannot run', async () => {
    await expect(
      startRedisServer({ useEnvironment: false, binary: '/nonexistent/redis-server' }),
    ).rejects.toThrow(/Cannot run/);
  });
});
