import { Cluster, Redis } from 'ioredis';
import { Cluster as Cluster6, Redis as Redis6 } from 'ioredis6';
import { describe, expect, it } from 'vitest';
import type { RedisClient } from './redis-client.js';
import { isRedisClient } from './redis-client.js';

// The assignments are the test: `pnpm typecheck` fails when a client of either major no longer fits.
describe('RedisClient', () => {
  it('accepts Redis and Cluster clients of ioredis 5 and 6', () => {
    const clients: RedisClient[] = [
      new Redis({ lazyConnect: true }),
      new Cluster([{ host: '127.0.0.1', port: 1 }], { lazyConnect: true }),
      new Redis6({ lazyConnect: true }),
      new Cluster6([{ host: '127.0.0.1', port: 1 }], { lazyConnect: true }),
    ];
    expect(clients.map(isRedisClient)).toEqual([true, true, true, true]);
    expect(clients.map((client) => client.isCluster)).toEqual([false, true, false, true]);
    for (const client of clients) client.disconnect();
  });

  it('refuses values that are not ioredis clients', () => {
    expect([null, 'redis://x', { get() {}, set() {} }, { status: 'ready' }].map(isRedisClient)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});
