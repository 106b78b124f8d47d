// Runs every workspace package's tests through turbo, then prints one line with the real totals:
// "N passed, N failed, N skipped". A package whose tests did not report (a crash, a missing runner)
// counts as failed. Exits non-zero when anything failed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const listFolders = (folder) =>
  existsSync(join(root, folder))
    ? readdirSync(join(root, folder), { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => join(root, folder, entry.name))
    : [];
const workspaces = [
  ...listFolders('packages'),
  ...listFolders('examples'),
  join(root, 'benchmarks'),
  join(root, 'reliability'),
].filter((directory) => {
  const manifest = join(directory, 'package.json');
  return existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).scripts?.test;
});

const resultFile = (directory) => join(directory, '.test-results.json');
for (const directory of workspaces) rmSync(resultFile(directory), { force: true });

const extra = process.argv.slice(2);
const turbo = spawnSync('pnpm', ['exec', 'turbo', 'run', 'test', '--continue', '--concurrency=1', ...extra], {
  cwd: root,
  stdio: 'inherit',
});

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const directory of workspaces) {
  const file = resultFile(directory);
  if (!existsSync(file)) {
    missing.push(directory.slice(root.length));
    failed += 1;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  // A suite that failed to load has no failed tests but is still a failure.
  failed += report.testResults.filter(
    (suite) => suite.status === 'failed' && suite.assertionResults.length === 0,
  ).length;
}
if (missing.length > 0) console.error(`No test report from: ${missing.join(', ')} (counted as failed)`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || turbo.status !== 0 ? 1 : 0);
