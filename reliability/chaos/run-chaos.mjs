// The chaos soak: starts a redis-server (or with --cluster a Redis Cluster), runs the chaos workers against it,
// kills Redis (a master) for a while and later pauses it (SIGSTOP: a Redis that hangs instead of refusing), then
// checks what the workers saw and what Redis holds. Prints a summary table, writes reliability/results/RESULTS.md
// (reliability/RESULTS.md with --update-results), exits 1 when any check fails.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { analyse } from './analyse.mjs';
import { redisVersion, startClusterTopology, startStandalone } from './redis-topology.mjs';
import {
  clusterSectionOf,
  renderClusterSection,
  renderResults,
  renderTable,
  withClusterSection,
} from './render-results.mjs';
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

const onCluster = process.argv.includes('--cluster');
const runId = `${runStartedAt.toString(36)}`;
const log = (message) => console.log(`chaos: ${message} at ${done()}/${totalCalls} calls`);
const topology = await (onCluster ? startClusterTopology : startStandalone)({ runId, log });
console.log(`chaos: ${topology.description}; ${settings.workers} workers × ${settings.callsPerWorker} calls`);

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
      CHAOS_RUN_ID: runId,
      ...topology.workerEnvironment,
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

// The hostile worker: beside the workers until they are done (then told to stop on stdin), on the same Redis.
const hostileWorker = {
  child: spawn(process.execPath, ['--expose-gc', join(here, 'hostile-worker.mjs')], {
    env: { ...process.env, CHAOS_RUN_ID: runId, ...topology.workerEnvironment },
    stdio: ['pipe', 'pipe', 'inherit'],
  }),
  report: undefined,
  exit: undefined,
  handles: undefined,
  reportedAt: undefined,
  exitedAt: undefined,
  exitCode: undefined,
};
createInterface({ input: hostileWorker.child.stdout }).on('line', (line) => {
  let message;
  try {
    message = JSON.parse(line);
  } catch {
    console.log(`hostile worker: ${line}`);
    return;
  }
  if (message.type === 'report') {
    hostileWorker.report = message;
    hostileWorker.reportedAt = now();
  } else if (message.type === 'exit') {
    hostileWorker.exit = message;
  } else if (message.type === 'handles') {
    hostileWorker.handles = message.resources;
  }
});
hostileWorker.child.stdin.on('error', () => {});
hostileWorker.exited = new Promise((resolve) => {
  hostileWorker.child.on('exit', (code, signal) => {
    hostileWorker.exitedAt = now();
    hostileWorker.exitCode = code ?? signal;
    resolve();
  });
});

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
let faultError;
const deadline = setTimeout(() => {
  console.error(`chaos: the soak did not finish within ${maxRunMs / 1000} s; stopping the workers`);
  for (const { child } of workers) child.kill('SIGKILL');
  hostileWorker.child.kill('SIGKILL');
}, maxRunMs);

/** The token-limit burst: fresh processes that start their calls together, against one key. */
let tokenBurst;
async function runTokenBurst() {
  const { processes } = settings.tokenBurst;
  const children = Array.from({ length: processes }, (_unused, index) => {
    const child = spawn(process.execPath, [join(here, 'token-burst-worker.mjs')], {
      env: {
        ...process.env,
        ...topology.workerEnvironment,
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

// The token-limit burst runs once the faults are over.
const faulting = topology
  .injectFaults({ waitForProgress, faults })
  .then(async () => {
    tokenBurst = await runTokenBurst();
  })
  .catch((error) => {
    faultError = error instanceof Error ? error.message : String(error);
    console.error(`chaos: injecting faults failed: ${faultError}`);
  });
/** Waits for a worker's report (or exit), then gives it exitGraceMs to exit by itself. */
async function watchExit(state) {
  await Promise.race([state.exited, waitForReport(state)]);
  if (state.exitedAt !== undefined) return;
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
}
const exitWatch = Promise.all(workers.map(watchExit));
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
// The workers are done: the hostile worker stops too.
hostileWorker.child.stdin.end('stop\n');
await watchExit(hostileWorker);
clearTimeout(deadline);
// Workers that finished early must not leave the fault injector waiting for progress that never comes.
onProgress();
// The token burst (after the faults) takes a few seconds more.
await Promise.race([
  faulting,
  sleep((onCluster ? settings.cluster.healthyWithinMs : settings.outageMs) + 20_000),
]);

// What Redis holds once every worker has flushed and gone.
let stored;
let storeError;
try {
  stored = await topology.totals();
} catch (error) {
  storeError = error instanceof Error ? error.message : String(error);
}
await topology.stop();

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
  hostile: {
    report: hostileWorker.report,
    exit: hostileWorker.exit,
    exitCode: hostileWorker.exitCode,
    hung: hostileWorker.hung === true,
    handles: hostileWorker.handles,
  },
  stored,
  storeError,
  tokenBurst,
  orchestratorUnhandled: ownUnhandled,
  refusedOutsideSoak: (text) => securityHook.validate({ text }).length > 0,
});
result.checks.push(...topology.extraChecks());
if (faultError) {
  result.checks.push({ check: 'fault injection', value: faultError, expected: 'done', pass: false });
}
result.passed = result.checks.every((check) => check.pass);

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
// figures to the ignored results/ folder, so a run leaves the working tree clean. A run replaces its own part of
// the file (the single server's, or the cluster's section) and keeps the other.
const update = process.argv.includes('--update-results');
const resultsPath = update ? join(here, '..', 'RESULTS.md') : join(here, '..', 'results', 'RESULTS.md');
mkdirSync(dirname(resultsPath), { recursive: true });
const previous = existsSync(resultsPath) ? readFileSync(resultsPath, 'utf8') : '';
const rendered = onCluster
  ? withClusterSection(previous, renderClusterSection({ settings, result, environment, topology }))
  : withClusterSection(renderResults({ settings, result, environment }), clusterSectionOf(previous));
writeFileSync(resultsPath, rendered);
console.log(
  `\nchaos${onCluster ? ' --cluster' : ''}: ${result.passed ? 'PASSED' : 'FAILED'} in ${(elapsedMs / 1000).toFixed(1)} s` +
    `; figures in reliability/${update ? '' : 'results/'}RESULTS.md` +
    (update ? '' : ' (pnpm test:chaos --update-results writes the tracked reliability/RESULTS.md)'),
);
process.exitCode = result.passed ? 0 : 1;
