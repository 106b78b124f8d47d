import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const built = fileURLToPath(new URL('../dist/index.js', import.meta.url));

describe('ioredis loading', () => {
  it('is not loaded by importing the package, only by the first connection made from a URL', () => {
    const script = `
      import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      const loaded = () => Object.keys(require.cache).some((path) => path.includes('/ioredis/'));
      const redis = await import(${JSON.stringify(built)});
      const before = loaded();
      const connection = new redis.RedisConnection('redis://127.0.0.1:1', { name: 'probe', commandTimeoutMs: 50 });
      await connection.close();
      console.log(JSON.stringify({ before, after: loaded() }));
    `;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(JSON.parse(output)).toEqual({ before: false, after: true });
  });
});
