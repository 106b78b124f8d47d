// pnpm bench [--quick] [--only=dispatch,cache-hit,...]
// Runs every suite in one process, prints each table as it finishes, and writes RESULTS.md (a full run) or a
// copy in the temp directory (--quick, used by CI to prove the benchmarks work). Exits non-zero only when a
// benchmark breaks: goals are reported, never asserted.

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startRedisServer } from '@llmspell/testing';
import { Redis } from 'ioredis';
import { profileFor } from './harness.mjs';
import { describeMachine } from './machine.mjs';
import { latestResultsMarkdown, resultsMarkdown, sectionText } from './report.mjs';

const suites = {
  dispatch: async () => (await import('./suites/dispatch.mjs')).dispatch,
  'full-stack': async () => (await import('./suites/full-stack.mjs')).fullStack,
  'cache-hit': async () => (await import('./suites/cache-hit.mjs')).cacheHit,
  'security-scan': async () => (await import('./suites/security-scan.mjs')).securityScan,
  'rate-limit': async () => (await import('./suites/rate-limit.mjs')).rateLimit,
  memory: async () => (await import('./suites/memory.mjs')).memory,
  'price-catalog': async () => (await import('./suites/price-catalog.mjs')).priceCatalog,
  stream: async () => (await import('./suites/stream.mjs')).stream,
  'redis-cluster': async () => (await import('./suites/redis-cluster.mjs')).redisCluster,
};

function parseArguments(argv) {
  let quick = false;
  let only;
  let baseline;
  for (const argument of argv) {
    if (argument === '--') continue;
    if (argument === '--quick') quick = true;
    else if (argument.startsWith('--only='))
      only = argument.slice('--only='.length).split(',').filter(Boolean);
    else if (argument.startsWith('--baseline=')) baseline = argument.slice('--baseline='.length);
    else
      throw new Error(
        `Unknown argument '${argument}': use --quick, --only=${Object.keys(suites).join(',')} and/or --baseline=<checkout>`,
      );
  }
  for (const name of only ?? []) {
    if (!(name in suites))
      throw new Error(`Unknown suite '${name}': choose from ${Object.keys(suites).join(', ')}`);
  }
  return { quick, only: only ?? Object.keys(suites), baseline };
}

/**
 * The packages of an earlier checkout (built: its `packages/<name>/dist`), for suites that measure the previous
 * implementation beside this one in the same process (`--baseline=<checkout>`).
 */
async function loadBaseline(directory) {
  const root = resolve(directory);
  const load = (name) => import(pathToFileURL(join(root, 'packages', name, 'dist', 'index.js')).href);
  let commit = 'unknown commit';
  try {
    commit = execFileSync('git', ['-C', root, 'log', '-1', '--format=%h %s'], { encoding: 'utf8' }).trim();
  } catch {
    // Not a git checkout: the directory alone names it.
  }
  return {
    description: `${root} (${commit})`,
    core: await load('core'),
    registry: await load('registry'),
    executor: await load('executor'),
    security: await load('hook-security'),
  };
}

async function redisVersion(url) {
  const client = new Redis(url, { lazyConnect: true });
  await client.connect();
  const info = await client.info('server');
  client.disconnect();
  return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
}

const README = new URL('../README.md', import.meta.url);
const START = '<!-- latest-results:start -->';
const END = '<!-- latest-results:end -->';

/** Replaces the block between the latest-results markers in README.md. */
function refreshReadme(block) {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the ${START} … ${END} markers`);
  writeFileSync(README, `${text.slice(0, start + START.length)}\n${block}\n${text.slice(end)}`);
}

async function main() {
  const { quick, only, baseline: baselineDirectory } = parseArguments(process.argv.slice(2));
  const baseline = baselineDirectory === undefined ? undefined : await loadBaseline(baselineDirectory);
  const profile = profileFor(quick);
  const startedAt = performance.now();
  // Always a throwaway server of our own on a free port: never a Redis someone else uses.
  const redis = await startRedisServer({ useEnvironment: false });
  const sections = [];
  try {
    const machine = describeMachine({ redisVersion: await redisVersion(redis.url) });
    if (baseline !== undefined) machine.push(['baseline', baseline.description]);
    console.log(machine.map(([label, value]) => `${label}: ${value}`).join('\n'));
    for (const name of only) {
      const suite = await suites[name]();
      const section = {
        id: suite.id,
        title: suite.title,
        ...(await suite.run({ profile, redis, baseline })),
      };
      sections.push(section);
      console.log(sectionText(section));
    }
    machine.push([
      'load average at end',
      loadavg()
        .map((value) => value.toFixed(2))
        .join(' / '),
    ]);
    // A run against a baseline is a comparison, not the figures of record.
    const partial = only.length !== Object.keys(suites).length || baseline !== undefined;
    const command =
      `pnpm bench${quick ? ' --quick' : ''}` +
      `${only.length !== Object.keys(suites).length ? ` --only=${only.join(',')}` : ''}` +
      `${baselineDirectory === undefined ? '' : ` --baseline=${baselineDirectory}`}`;
    const profilingNotes = readFileSync(new URL('./profiling-notes.md', import.meta.url), 'utf8');
    const markdown = resultsMarkdown({
      machine,
      sections,
      quick,
      command,
      durationS: (performance.now() - startedAt) / 1000,
      profilingNotes,
    });
    // Only a full run of every suite replaces the committed RESULTS.md.
    const target =
      quick || partial
        ? join(tmpdir(), 'llmspell-bench-results.md')
        : fileURLToPath(new URL('../RESULTS.md', import.meta.url));
    writeFileSync(target, markdown);
    if (!quick && !partial) refreshReadme(latestResultsMarkdown({ machine, sections }));
    const missed = sections.flatMap((section) => section.goals ?? []).filter((goal) => !goal.met);
    console.log(
      `\n${sections.length} suites done in ${((performance.now() - startedAt) / 1000).toFixed(0)} s; ` +
        `${missed.length} goal(s) missed${missed.length ? ` (${missed.map((goal) => goal.text).join('; ')})` : ''}. ` +
        `Results written to ${target}`,
    );
  } finally {
    await redis.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
