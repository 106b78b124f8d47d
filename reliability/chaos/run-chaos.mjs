// The chaos soak: starts a redis-server, runs the chaos workers against it, kills Redis for a while and later
// pauses it (SIGSTOP: a Redis that hangs instead of refusing), then checks what the workers saw and what Redis
// holds. Prints a summary table, writes reliability/results/RESULTS.md (reliability/RESULTS.md with
// --update-results), exits 1 when any check fails.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { RedisCostStore } from '@llmspell/hook-cost';
import { startRedisServer } from '@llmspell/testing';
import { analyse } from './analyse.mjs';
import { renderResults, renderTable } from './render-results.mjs';
import { createSecurityHook } from './security-hook.mjs';
import { settings } from './settings.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const runStartedAt = Date.now();
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** Past this the soak gives up: it must finish well inside the 5 minutes CI allows. */
const maxRunMs = 240_000;

let ownUnhandled = 0;
process.on('unhandledRejection', (reason) => {
  ownUnhandled += 1;
  console.error('chaos: unhandled rejection in the orchestrator:', reason);
});

// Redis with an fsync'ed append-only file: a SIGKILL then loses no acknowledged write, so the cost totals it
// holds can be checked exactly. startRedisServer() runs this wrapper in place of redis-server; later arguments win.
const workDirectory = mkdtempSync(join(tmpdir(), 'llmspell-chaos-'));
const binary = join(workDirectory, 'redis-server-aof');
const redisBinary = process.env.REDIS_SERVER_BIN ?? 'redis-server';
writeFileSync(
  binary,
  `#!/bin/sh\nexec ${JSON.stringify(redisBinary)} "$@" --appendonly yes --appendfsync always --dir ${JSON.stringify(workDirectory)}\n`,
);
chmodSync(binary, 0o755);
const redisVersion =
  spawnSync(redisBinary, ['--version'], { encoding: 'utf8' })
    .stdout?.match(/v=(\S+)/)?.[1]
    ?.trim() ?? 'unknown';

let redis;
try {
  redis = await startRedisServer({ useEnvironment: false, binary });
} catch (error) {
  rmSync(workDirectory, { recursive: true, force: true });
  throw error;
}
const runId = `${runStartedAt.toString(36)}`;
console.log(
  `chaos: redis-server ${redisVersion} on ${redis.url} (append-only, fsync always); ` +
    `${settings.workers} workers × ${settings.callsPerWorker} calls`,
);

const totalCalls = settings.workers * settings.callsPerWorker;
const progress = new Map();
const reports = new Map();
const exits = new Map();
const handles = new Map();
const workers = [];
let onProgress = () => {};

for (let worker = 0; worker < settings.workers; worker += 1) {
  const child = spawn(process.execPath, [join(here, 'chaos-worker.mjs')], {
    env: {
      ...process.env,
      CHAOS_WORKER: String(worker),
      CHAOS_REDIS_URL: redis.url,
      CHAOS_RUN_ID: runId,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const state = { worker, child, reportedAt: undefined, exitedAt: undefined, exitCode: undefined };
  workers.push(state);
  createInterface({ input: child.stdout }).on('line', (line) => {
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      console.log(`worker ${worker}: ${line}`);
      return;
    }
    if (message.type === 'progress') {
      progress.set(worker, message.done);
      onProgress();
    } else if (message.type === 'report') {
      reports.set(worker, message);
      state.reportedAt = now();
      progress.set(worker, settings.callsPerWorker);
      onProgress();
    } else if (message.type === 'exit') {
      exits.set(worker, message);
    } else if (message.type === 'handles') {
      handles.set(worker, message.resources);
    }
  });
  state.exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      state.exitedAt = now();
      state.exitCode = code ?? signal;
      resolve();
    });
  });
}

const done = () => [...progress.values()].reduce((sum, value) => sum + value, 0);
const waitForProgress = (share) =>
  new Promise((resolve) => {
    const check = () => {
      if (done() >= share * totalCalls) {
        onProgress = () => {};
        resolve();
      }
    };
    onProgress = check;
    check();
  });

const faults = [];
const deadline = setTimeout(() => {
  console.error(`chaos: the soak did not finish within ${maxRunMs / 1000} s; stopping the workers`);
  for (const { child } of workers) child.kill('SIGKILL');
}, maxRunMs);

async function injectFaults() {
  await waitForProgress(settings.killAtProgress);
  const killAt = now();
  await redis.kill();
  console.log(`chaos: Redis killed (SIGKILL) at ${done()}/${totalCalls} calls`);
  await sleep(settings.outageMs);
  await redis.restart();
  faults.push({ kind: 'kill', from: killAt, to: now() });
  console.log(`chaos: Redis restarted after ${Math.round(now() - killAt)} ms`);

  await waitForProgress(settings.pauseAtProgress);
  const pauseAt = now();
  redis.pause();
  console.log(`chaos: Redis paused (SIGSTOP) at ${done()}/${totalCalls} calls`);
  await sleep(settings.outageMs);
  redis.resume();
  faults.push({ kind: 'pause', from: pauseAt, to: now() });
  console.log(`chaos: Redis resumed (SIGCONT) after ${Math.round(now() - pauseAt)} ms`);
  tokenBurst = await runTokenBurst();
}

/** The token-limit burst: fresh processes that start their calls together, against one key. */
let tokenBurst;
async function runTokenBurst() {
  const { processes } = settings.tokenBurst;
  const children = Array.from({ length: processes }, (_unused, index) => {
    const child = spawn(process.execPath, [join(here, 'token-burst-worker.mjs')], {
      env: {
        ...process.env,
        CHAOS_REDIS_URL: redis.url,
        CHAOS_RUN_ID: runId,
        CHAOS_BURST_INDEX: String(index),
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines = [];
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const ready = new Promise((resolve) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        lines.push(line);
        if (line === 'ready') resolve();
      });
    });
    return { child, lines, exited, ready: Promise.race([ready, exited]) };
  });
  // Every process loaded and connected before any starts: their calls then reach Redis together.
  await Promise.all(children.map(({ ready }) => ready));
  for (const { child } of children) child.stdin.end('go\n');
  const answers = await Promise.all(
    children.map(async ({ lines, exited }) => {
      const exitCode = await exited;
      try {
        return { ...JSON.parse(lines.at(-1)), exitCode };
      } catch {
        return { exitCode, error: `no report (exit ${exitCode}): ${lines.join(' ').slice(0, 200)}` };
      }
    }),
  );
  console.log(
    `chaos: token burst done: ${answers.map((answer) => answer.admittedTokens).join(' + ')} tokens admitted`,
  );
  return answers;
}

const faulting = injectFaults();
const exitWatch = Promise.all(
  workers.map(async (state) => {
    await Promise.race([state.exited, waitForReport(state)]);
    if (state.exitedAt !== undefined) return;
    // Reported: it must now exit by itself within the grace period.
    let graceTimer;
    const grace = new Promise((resolve) => {
      graceTimer = setTimeout(resolve, settings.exitGraceMs);
    });
    await Promise.race([state.exited, grace]);
    clearTimeout(graceTimer);
    if (state.exitedAt === undefined) {
      state.hung = true;
      state.child.kill('SIGKILL');
      await state.exited;
    }
  }),
);
function waitForReport(state) {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (state.reportedAt !== undefined || state.exitedAt !== undefined) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
  });
}
await exitWatch;
clearTimeout(deadline);
// Workers that finished early must not leave the fault injector waiting for progress that never comes.
onProgress();
// The token burst (after the pause) takes a few seconds more.
await Promise.race([faulting, sleep(settings.outageMs + 20_000)]);

// What Redis holds once every worker has flushed and gone.
const store = new RedisCostStore(redis.url, { keyPrefix: `chaos:${runId}:cost:` });
let stored;
let storeError;
try {
  stored = {
    component: await store.totals('component', 'chaos-agent'),
    users: Object.fromEntries(
      await Promise.all(settings.users.map(async (user) => [user, await store.totals('user', user)])),
    ),
  };
} catch (error) {
  storeError = error instanceof Error ? error.message : String(error);
}
await store.close();
await redis.stop();
rmSync(workDirectory, { recursive: true, force: true });

const securityHook = createSecurityHook();
const result = analyse({
  settings,
  faults,
  workers: workers.map((state) => ({
    worker: state.worker,
    report: reports.get(state.worker),
    exit: exits.get(state.worker),
    exitCode: state.exitCode,
    hung: state.hung === true,
    handles: handles.get(state.worker),
  })),
  stored,
  storeError,
  tokenBurst,
  orchestratorUnhandled: ownUnhandled,
  refusedOutsideSoak: (text) => securityHook.validate({ text }).length > 0,
});

const elapsedMs = Date.now() - runStartedAt;
console.log('');
console.log(renderTable(result.checks));
console.log('');
for (const line of result.notes) console.log(line);
const { figures } = result;
console.log(
  `figures: ${figures.metrics.circuitsOpened} circuits opened; rate limiter not consulted for ` +
    `${figures.notConsulted} calls, admitted on a store error ${figures.storeErrorAdmissions}; ` +
    `${figures.expectedCost.calls - (figures.stored?.component.calls ?? 0)} charged calls missing from the cost totals`,
);
const environment = {
  date: new Date(runStartedAt).toISOString(),
  node: process.version,
  cpus: cpus().length,
  redisVersion,
  elapsedMs,
};
// The tracked RESULTS.md changes only when asked (`pnpm test:chaos --update-results`); other runs write their
// figures to the ignored results/ folder, so a run leaves the working tree clean.
const update = process.argv.includes('--update-results');
const resultsPath = update ? join(here, '..', 'RESULTS.md') : join(here, '..', 'results', 'RESULTS.md');
mkdirSync(dirname(resultsPath), { recursive: true });
writeFileSync(resultsPath, renderResults({ settings, result, environment }));
console.log(
  `\nchaos: ${result.passed ? 'PASSED' : 'FAILED'} in ${(elapsedMs / 1000).toFixed(1)} s` +
    `; figures in reliability/${update ? '' : 'results/'}RESULTS.md` +
    (update ? '' : ' (pnpm test:chaos --update-results writes the tracked reliability/RESULTS.md)'),
);
process.exitCode = result.passed ? 0 : 1;
