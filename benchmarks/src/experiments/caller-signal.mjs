// node --expose-gc src/experiments/caller-signal.mjs [--quick]
// A prototype of a proposed executor/core change, measured against the shipped build in the same process.
// It copies the built @llmspell/core and @llmspell/executor to a temp directory and patches the copies:
// a context without a caller signal shares one never-aborting signal instead of creating an AbortController on
// first access (about 3 µs each on Node 20), and the executor does not listen for an abort that cannot come
// (addEventListener + removeEventListener, about 0.6 µs a pair).
// Then it runs dispatch (the dispatch suite's cases) and the full-stack guarded agent (0 ms operation)
// and a Redis cache hit through the shipped and the patched builds, interleaved. Exits non-zero when the patch no longer applies.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as shippedCore from '@llmspell/core';
import * as shippedExecutor from '@llmspell/executor';
import { CostTrackingHook } from '@llmspell/hook-cost';
import { RateLimitingHook } from '@llmspell/hook-rate-limit';
import { CachingHook, cacheKey, MemoryCacheStore, RedisCachingHook } from '@llmspell/hook-redis-cache';
import { SecurityValidationHook } from '@llmspell/hook-security';
import { HookRegistry } from '@llmspell/registry';
import { startRedisServer } from '@llmspell/testing';
import { Redis } from 'ioredis';
import tapable from 'tapable';
import { answer } from '../fixtures.mjs';
import { formatRatio, formatTime, interleave, pairedRatio, profileFor } from '../harness.mjs';

const require = createRequire(import.meta.url);

function patch(text, from, to, what) {
  if (!text.includes(from)) throw new Error(`The ${what} patch no longer applies: the built code changed`);
  return text.replace(from, to);
}

function builtFile(name) {
  return readFileSync(join(require.resolve(`${name}/package.json`), '..', 'dist', 'index.js'), 'utf8');
}

function writePatchedCopies(directory) {
  let core = builtFile('@llmspell/core');
  core = patch(
    core,
    'else if (signal === void 0) signal = new AbortController().signal;',
    'else if (signal === void 0) signal = NEVER_ABORTS;',
    'core signal',
  );
  core = `${core}\nconst NEVER_ABORTS = new AbortController().signal;\nexport { NEVER_ABORTS };\n`;
  writeFileSync(join(directory, 'core.js'), core);

  let executor = builtFile('@llmspell/executor').replaceAll('from "@llmspell/core"', 'from "./core.js"');
  executor = `import { NEVER_ABORTS } from "./core.js";\n${executor}`;
  executor = patch(
    executor,
    'if (callerSignal.aborted) return this.#abandonForCaller();\n    this.#listenToCaller(callerSignal);',
    'if (callerSignal.aborted) return this.#abandonForCaller();\n    if (callerSignal !== NEVER_ABORTS) this.#listenToCaller(callerSignal);',
    'executor wait',
  );
  executor = patch(
    executor,
    'else this.#listenToCaller(callerSignal);',
    'else if (callerSignal !== NEVER_ABORTS) this.#listenToCaller(callerSignal);',
    'executor signalFor',
  );
  writeFileSync(join(directory, 'executor-signal.js'), executor);
}

async function dispatchRows(builds, profile) {
  const rows = [];
  for (const kind of ['sync', 'async']) {
    for (const count of [1, 10]) {
      const sides = [];
      for (const build of builds) {
        const CONTINUE = build.core.HookResult.continue();
        const execute = kind === 'sync' ? () => CONTINUE : async () => CONTINUE;
        const registry = new HookRegistry();
        await registry.registerMultiple(
          Array.from({ length: count }, (_, index) => [
            'BeforeAgentExecution',
            { id: `noop-${index}`, execute },
          ]),
        );
        const executor = new build.executor.HookExecutor(registry);
        const context = new build.core.HookContext({
          hookPoint: 'BeforeAgentExecution',
          componentId: build.core.componentId('dispatch-bench-agent', 'agent'),
        });
        const first = await executor.execute('BeforeAgentExecution', context);
        if (first.records.length !== count || first.records.some((record) => record.error)) {
          throw new Error(`The ${build.name} executor did not run ${count} healthy hooks`);
        }
        sides.push({
          label: build.name,
          fn: async () => {
            await executor.execute('BeforeAgentExecution', context);
          },
        });
      }
      const tap = new tapable.AsyncSeriesBailHook(['context']);
      for (let index = 0; index < count; index++) {
        if (kind === 'sync') tap.tap(`noop-${index}`, () => undefined);
        else tap.tapPromise(`noop-${index}`, async () => undefined);
      }
      sides.push({
        label: 'tapable',
        fn: async () => {
          await tap.promise({});
        },
      });
      const measured = await interleave(sides, profile, { batch: true });
      const tapableSide = measured.at(-1);
      const shipped = measured[0];
      rows.push([
        `dispatch, ${count} ${kind}`,
        ...measured
          .slice(0, -1)
          .map((side, index) =>
            index === 0
              ? `${formatTime(side.ns)} (${pairedRatio(side, tapableSide).ratio.toFixed(2)}× tapable)`
              : `${formatTime(side.ns)} (${formatRatio(pairedRatio(side, shipped))} of shipped; ${pairedRatio(side, tapableSide).ratio.toFixed(2)}× tapable)`,
          ),
      ]);
    }
  }
  return rows;
}

async function fullStackRow(builds, profile) {
  const {
    BeforeAgentExecution: BEFORE,
    AfterAgentExecution: AFTER,
    AgentError: ERROR,
  } = shippedCore.HookPoint;
  const sides = [];
  const closers = [];
  for (const build of builds) {
    const cache = new CachingHook({ store: new MemoryCacheStore() });
    const limiter = new RateLimitingHook({
      requestsPerWindow: 1_000_000_000_000,
      windowMs: 60_000,
      byUser: true,
    });
    const cost = new CostTrackingHook({ logger: shippedCore.silentLogger });
    closers.push(
      () => limiter.onUnregister(),
      () => cost.close(),
    );
    const registry = new HookRegistry();
    await registry.registerMultiple([
      [BEFORE, new SecurityValidationHook()],
      ...[BEFORE, AFTER, ERROR].flatMap((point) => [
        [point, limiter],
        [point, cache],
        [point, cost],
      ]),
    ]);
    const agent = build.executor.createAgent({
      name: 'stack-bench-agent',
      registry,
      execute: async () => answer(),
    });
    let sequence = 0;
    sides.push({
      label: build.name,
      fn: () =>
        agent.execute(
          { text: `Summarise the quarterly report for region ${sequence++} in three sentences.` },
          { metadata: { userId: 'user-1' } },
        ),
    });
  }
  const measured = await interleave(sides, profile, { batch: false });
  for (const close of closers) await close();
  const shipped = measured[0];
  return [
    'guarded agent (full stack, 0 ms operation)',
    ...measured.map((side, index) =>
      index === 0
        ? formatTime(side.ns)
        : `${formatTime(side.ns)} (${formatRatio(pairedRatio(side, shipped))} of shipped)`,
    ),
  ];
}

async function cacheHitRow(builds, profile) {
  const {
    BeforeAgentExecution: BEFORE,
    AfterAgentExecution: AFTER,
    AgentError: ERROR,
  } = shippedCore.HookPoint;
  const server = await startRedisServer({ useEnvironment: false });
  const client = new Redis(server.url);
  const hooks = [];
  try {
    const input = { text: 'What is the capital of France?' };
    const sides = [];
    for (const build of builds) {
      const hook = await RedisCachingHook.create(server.url);
      hooks.push(hook);
      const registry = new HookRegistry();
      await registry.registerMultiple([BEFORE, AFTER, ERROR].map((point) => [point, hook]));
      const agent = build.executor.createAgent({
        name: 'cache-bench-agent',
        registry,
        execute: async () => answer(),
      });
      await agent.execute({ ...input });
      sides.push({ label: build.name, fn: () => agent.execute({ ...input }) });
    }
    const key = cacheKey(shippedCore.componentId('cache-bench-agent', 'agent'), input);
    sides.push({ label: 'raw', fn: async () => JSON.parse(await client.get(key)) });
    const measured = await interleave(sides, profile, { batch: false });
    const raw = measured.at(-1);
    return [
      `Redis cache hit through an agent (raw GET + JSON.parse: ${formatTime(raw.ns)})`,
      ...measured
        .slice(0, -1)
        .map((side) => `${formatTime(side.ns)} (${formatRatio(pairedRatio(side, raw))} of raw GET)`),
    ];
  } finally {
    for (const hook of hooks) await hook.onUnregister();
    client.disconnect();
    await server.stop();
  }
}

const directory = mkdtempSync(join(tmpdir(), 'llmspell-experiment-'));
try {
  writePatchedCopies(directory);
  const patchedCore = await import(pathToFileURL(join(directory, 'core.js')).href);
  const builds = [
    { name: 'shipped', core: shippedCore, executor: shippedExecutor },
    {
      name: 'signal fix',
      core: patchedCore,
      executor: await import(pathToFileURL(join(directory, 'executor-signal.js')).href),
    },
  ];
  const profile = profileFor(process.argv.includes('--quick'));
  const rows = [
    ...(await dispatchRows(builds, profile)),
    await fullStackRow(builds, profile),
    await cacheHitRow(builds, profile),
  ];
  const { markdownTable } = await import('../report.mjs');
  console.log(markdownTable(['case', ...builds.map((build) => build.name)], rows));
} finally {
  rmSync(directory, { recursive: true, force: true });
}
