// Builds the workspace packages that <package> uses (turbo, cached: instant once built) so that
// `pnpm demo`, `pnpm --filter <example> start` and friends work right after `pnpm install`.
// Usage: node scripts/build-for.mjs <package name>
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const [name] = process.argv.slice(2);
if (!name) {
  console.error('usage: node scripts/build-for.mjs <package name>');
  process.exit(2);
}
const root = new URL('..', import.meta.url).pathname;
const unbuilt = readdirSync(join(root, 'packages')).filter(
  (folder) =>
    existsSync(join(root, 'packages', folder, 'package.json')) &&
    !existsSync(join(root, 'packages', folder, 'dist')),
);
if (unbuilt.length > 0) {
  console.log(
    `First run: building the packages ${name} needs (about 30-60 s on 2 cores; cached afterwards) …`,
  );
}
const startedAt = Date.now();
const build = spawnSync(
  'pnpm',
  ['exec', 'turbo', 'run', 'build', `--filter=${name}^...`, '--output-logs=errors-only', '--log-prefix=none'],
  { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
);
if (build.status !== 0) {
  console.error(`Building the packages ${name} needs failed; run \`pnpm build\` to see why.`);
  process.exit(build.status ?? 1);
}
if (unbuilt.length > 0) console.log(`Built in ${((Date.now() - startedAt) / 1000).toFixed(0)} s.\n`);
