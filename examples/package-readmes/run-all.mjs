// Runs every README example in src/ (the `*.test.ts` ones run with the tests) as its own process, against a
// redis-server this script starts on a free port (or REDIS_URL), and fails when one fails.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { startRedisServer } from '@llmspell/testing';

const here = new URL('.', import.meta.url).pathname;
const files = readdirSync(new URL('./src', import.meta.url)).filter(
  (file) => file.endsWith('.ts') && !file.endsWith('.test.ts'),
);
const redis = process.env.REDIS_URL ? undefined : await startRedisServer();
const env = { ...process.env, REDIS_URL: process.env.REDIS_URL ?? redis.url };
const failed = [];
try {
  for (const file of files) {
    console.log(`\n── src/${file}`);
    const run = spawnSync('pnpm', ['exec', 'tsx', `src/${file}`], { cwd: here, env, stdio: 'inherit' });
    if (run.status !== 0) failed.push(file);
  }
} finally {
  await redis?.stop();
}
if (failed.length > 0) {
  console.error(`README examples that failed: ${failed.join(', ')}`);
  process.exit(1);
}
console.log(`\n${files.length} README examples ran`);
