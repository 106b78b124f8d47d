// Runs every workspace package's tests through turbo, then prints one line with the real totals:
// "N passed, N failed, N skipped". A package whose tests did not report (a crash, a missing runner)
// counts as failed. Exits non-zero when anything failed.
// With --matrix the whole suite runs once on the Node on PATH and once on each Node of MATRIX_NODE_VERSIONS,
// and the last line totals every run. The failed tests are listed, one per line, just above the totals.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { MATRIX_NODE_VERSIONS, nodeBinFolder } from './node-runtimes.mjs';

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
const firstLine = (message) => (message ?? '').trim().split('\n')[0].slice(0, 300);

/** Runs the suite with `node` first on PATH (the current one when `bin` is undefined) and counts its results. */
function runSuite(bin, extra) {
  for (const directory of workspaces) rmSync(resultFile(directory), { force: true });
  const env = { ...process.env };
  if (bin !== undefined) env.PATH = `${bin}${delimiter}${env.PATH}`;
  const version = spawnSync('node', ['--version'], { env, encoding: 'utf8' }).stdout.trim();
  // Part of the test task's hash, so that one Node's cached results never stand in for another's.
  env.LLMSPELL_TEST_NODE = version;
  console.log(`::group::tests on Node ${version}`);
  const turbo = spawnSync(
    'pnpm',
    ['exec', 'turbo', 'run', 'test', '--continue', '--concurrency=1', ...extra],
    {
      cwd: root,
      stdio: 'inherit',
      env,
    },
  );
  const totals = { version, passed: 0, failed: 0, skipped: 0, ok: turbo.status === 0, failures: [] };
  const missing = [];
  for (const directory of workspaces) {
    const file = resultFile(directory);
    if (!existsSync(file)) {
      missing.push(directory.slice(root.length));
      totals.failed += 1;
      continue;
    }
    const report = JSON.parse(readFileSync(file, 'utf8'));
    totals.passed += report.numPassedTests;
    totals.failed += report.numFailedTests;
    for (const suite of report.testResults) {
      const file = suite.name.startsWith(root) ? suite.name.slice(root.length) : suite.name;
      if (suite.status === 'failed' && suite.assertionResults.length === 0) {
        totals.failures.push(`${file}: ${firstLine(suite.message)}`);
      }
      for (const test of suite.assertionResults) {
        if (test.status === 'failed') {
          totals.failures.push(`${file} > ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
        }
      }
    }
    totals.skipped += report.numPendingTests + report.numTodoTests;
    // A suite that failed to load has no failed tests but is still a failure.
    totals.failed += report.testResults.filter(
      (suite) => suite.status === 'failed' && suite.assertionResults.length === 0,
    ).length;
  }
  if (missing.length > 0) console.error(`No test report from: ${missing.join(', ')} (counted as failed)`);
  return totals;
}

const args = process.argv.slice(2);
const matrix = args.includes('--matrix');
const extra = args.filter((argument) => argument !== '--matrix');
const bins = [undefined, ...(matrix ? MATRIX_NODE_VERSIONS.map(nodeBinFolder) : [])];
const runs = bins.map((bin) => runSuite(bin, extra));

const line = ({ passed, failed, skipped }) => `${passed} passed, ${failed} failed, ${skipped} skipped`;
// The failed tests are listed just above the totals, so that the tail of a CI log names them.
for (const run of runs) {
  for (const failure of run.failures) console.log(`  failed on Node ${run.version}: ${failure}`);
}
if (runs.length > 1) for (const run of runs) console.log(`  on Node ${run.version} - ${line(run)}`);
const sum = (key) => runs.reduce((total, run) => total + run[key], 0);
const total = { passed: sum('passed'), failed: sum('failed'), skipped: sum('skipped') };
console.log(line(total));
process.exit(total.failed > 0 || runs.some((run) => !run.ok) ? 1 : 0);
