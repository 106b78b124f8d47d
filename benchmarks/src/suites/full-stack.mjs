// 2. Full-stack overhead: an agent guarded by security + memory cache (miss path) + rate limit + cost, against
// the same agent bare (no hooks registered), with an operation taking 0 ms and 1 ms.

import { setTimeout as sleep } from 'node:timers/promises';
import { HookPoint, silentLogger } from '@llmspell/core';
import { createAgent } from '@llmspell/executor';
import { CostTrackingHook } from '@llmspell/hook-cost';
import { RateLimitingHook } from '@llmspell/hook-rate-limit';
import { CachingHook, MemoryCacheStore } from '@llmspell/hook-redis-cache';
import { SecurityValidationHook } from '@llmspell/hook-security';
import { HookRegistry } from '@llmspell/registry';
import { answer } from '../fixtures.mjs';
import { formatRatio, formatTime, interleave, pairedDifference, pairedRatio } from '../harness.mjs';

const GOAL_PERCENT = 1;
const { BeforeAgentExecution: BEFORE, AfterAgentExecution: AFTER, AgentError: ERROR } = HookPoint;

/** The four hooks, each at the points its README registers it at; priorities come from their metadata. */
function makeHooks() {
  const cache = new CachingHook({ store: new MemoryCacheStore() });
  const limiter = new RateLimitingHook({
    requestsPerWindow: 1_000_000_000_000,
    windowMs: 60_000,
    byUser: true,
  });
  const cost = new CostTrackingHook({ logger: silentLogger });
  return {
    security: [[BEFORE, new SecurityValidationHook()]],
    'rate limit': [BEFORE, AFTER, ERROR].map((point) => [point, limiter]),
    cache: [BEFORE, AFTER, ERROR].map((point) => [point, cache]),
    cost: [BEFORE, AFTER, ERROR].map((point) => [point, cost]),
    handles: { cache, limiter, cost },
  };
}

async function agentWith(entries, operation, modules = { HookRegistry, createAgent }) {
  const registry = new modules.HookRegistry();
  await registry.registerMultiple(entries);
  return modules.createAgent({ name: 'stack-bench-agent', registry, execute: operation });
}

/** Distinct questions, so every call misses the cache (and is stored, evicting once the store is full). */
function questions() {
  let sequence = 0;
  return () => ({ text: `Summarise the quarterly report for region ${sequence++} in three sentences.` });
}

async function run(operationMs, profile, withBreakdown, baseline) {
  const operation =
    operationMs === 0
      ? async () => answer()
      : async () => {
          await sleep(operationMs);
          return answer();
        };
  const all = makeHooks();
  const guarded = await agentWith(
    [...all.security, ...all['rate limit'], ...all.cache, ...all.cost],
    operation,
  );
  const bare = await agentWith([], operation);
  const metadata = { userId: 'user-1' };
  const check = await guarded.execute({ text: 'Is this agent guarded?' }, { metadata });
  if (check.text !== answer().text) throw new Error('The guarded agent did not run its operation');
  if ((await all.handles.cost.totals('stack-bench-agent')).calls !== 1) {
    throw new Error('CostTrackingHook did not record the guarded call');
  }
  const sides = [
    {
      label: 'operation called directly',
      fn: (
        (next) => () =>
          operation(next())
      )(questions()),
    },
    { label: 'bare agent', agent: bare },
    { label: 'guarded agent', agent: guarded },
  ];
  const alone = [];
  if (withBreakdown) {
    for (const name of ['security', 'rate limit', 'cache', 'cost']) {
      const own = makeHooks();
      alone.push(own);
      sides.push({ label: `${name} only`, agent: await agentWith(own[name], operation) });
    }
  }
  if (baseline !== undefined) {
    // The same hooks (this checkout's) around the baseline checkout's registry and createAgent: only the
    // lifecycle and the dispatch differ. Measured last, so it is left off the sides above.
    const own = makeHooks();
    alone.push(own);
    const previous = await agentWith(
      [...own.security, ...own['rate limit'], ...own.cache, ...own.cost],
      operation,
      {
        HookRegistry: baseline.registry.HookRegistry,
        createAgent: baseline.executor.createAgent,
      },
    );
    sides.push({ label: 'guarded agent (baseline)', agent: previous });
  }
  for (const side of sides) {
    if (side.agent === undefined) continue;
    const next = questions();
    side.fn = () => side.agent.execute(next(), { metadata });
  }
  const measured = await interleave(sides, profile, { batch: false });
  if (all.handles.cache.store.size === 0)
    throw new Error('The cache stored nothing: the miss path did not run');
  for (const hooks of [all, ...alone]) {
    await hooks.handles.limiter.onUnregister();
    await hooks.handles.cost.close();
  }
  return measured;
}

export const fullStack = {
  id: 'full-stack',
  title: '2. Full-stack overhead',
  async run({ profile, baseline }) {
    const rows = [];
    const goals = [];
    const breakdown = [];
    const versusBaseline = [];
    for (const operationMs of [0, 1]) {
      const measured = await run(operationMs, profile, operationMs === 0, baseline);
      const previous = baseline === undefined ? undefined : measured.pop();
      const [raw, bare, guarded, ...alone] = measured;
      const addedNs = pairedDifference(guarded, bare);
      const percent = (addedNs / bare.ns) * 100;
      rows.push([
        `${operationMs} ms`,
        formatTime(raw.ns),
        formatTime(bare.ns),
        formatTime(guarded.ns),
        `${(addedNs / 1000).toFixed(1)} µs`,
        operationMs === 0 ? formatRatio(pairedRatio(guarded, bare)) : `${percent.toFixed(2)} %`,
        ...(previous === undefined
          ? []
          : [formatTime(previous.ns), formatRatio(pairedRatio(guarded, previous))]),
      ]);
      if (previous !== undefined) {
        versusBaseline.push({ name: `${operationMs} ms`, ...pairedRatio(guarded, previous) });
      }
      for (const side of alone) {
        breakdown.push([
          side.label,
          formatTime(side.ns),
          `${(pairedDifference(side, bare) / 1000).toFixed(1)} µs`,
        ]);
      }
      if (operationMs === 1) {
        goals.push({
          text: `guarded agent adds < ${GOAL_PERCENT} % at a 1 ms operation`,
          met: percent < GOAL_PERCENT,
          measured: `${percent.toFixed(2)} % (${(addedNs / 1000).toFixed(1)} µs)`,
        });
      }
    }
    return {
      intro:
        'One `agent.execute` per call. Guarded: `SecurityValidationHook` (defaults), `RateLimitingHook` ' +
        '(in process, by user, a limit never reached), `CachingHook` on a `MemoryCacheStore` (every input is ' +
        'new, so every call misses, runs the operation and stores the answer) and `CostTrackingHook` (memory ' +
        'totals), each at Before, After and Error as its README shows, through the default executor. Bare: ' +
        'the same agent with an empty registry. The 1 ms operation awaits a 1 ms timer, as an I/O call would ' +
        '(the process idles meanwhile; Node timers fire a little late, so it takes about 1.1 ms). "added" is ' +
        'the median of per-round differences guarded − bare; the percentage is that over the bare agent.',
      columns: [
        'operation',
        'operation alone',
        'bare agent',
        'guarded agent',
        'added per call',
        'guarded ÷ bare',
        ...(baseline === undefined ? [] : ['guarded, baseline', 'guarded ÷ baseline']),
      ],
      rows,
      extraTables: [
        {
          caption:
            'Where the added time goes: the agent with one hook at a time (0 ms operation, same rounds as the ' +
            'first row). The parts add up to more than the whole: each lone hook also pays for switching the ' +
            'executor to its async path, which the full stack pays once per point.',
          columns: ['agent with', 'median per call', 'added over bare'],
          rows: breakdown,
        },
      ],
      goals: [
        ...goals,
        ...(versusBaseline.length === 0
          ? []
          : [
              {
                text: 'guarded agent within 1.1× of the baseline checkout',
                met: versusBaseline.every((entry) => entry.ratio <= 1.1),
                measured: versusBaseline.map((entry) => `${entry.name} ${formatRatio(entry)}`).join(', '),
              },
            ]),
      ],
    };
  },
};
