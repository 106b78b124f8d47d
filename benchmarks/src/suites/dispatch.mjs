// 1. Dispatch: one hook point with 1 and 10 no-op hooks, sync and async, through HookExecutor.execute (default
// options: per-hook timeouts and circuit breakers on) against hookable, tapable and before-after-hook.
import { componentId, HookContext, HookPoint, HookResult } from '@llmspell/core';
import { HookExecutor } from '@llmspell/executor';
import { HookRegistry } from '@llmspell/registry';
import beforeAfterHook from 'before-after-hook';
import { createHooks } from 'hookable';
import tapable from 'tapable';
import { formatRatio, formatTime, interleave, pairedRatio } from '../harness.mjs';

const { AsyncSeriesBailHook } = tapable;
const CONTINUE = HookResult.continue();
const POINT = HookPoint.BeforeAgentExecution;
const HOOKABLE_GOAL = 1;
const TAPABLE_GOAL = 2;
/** At most 10 % slower than the previous implementation (`--baseline`). */
const BASELINE_GOAL = 1.1;

// The same no-op bodies everywhere. An llmspell hook must answer a HookResult (the shared `continue`); the
// peers' handlers answer undefined (for tapable's bail hook anything else would stop the series).
const handlers = {
  sync: { llmspell: () => CONTINUE, peer: () => undefined },
  async: { llmspell: async () => CONTINUE, peer: async () => undefined },
};

async function executorFor(count, kind, modules = { HookRegistry, HookExecutor }) {
  const registry = new modules.HookRegistry();
  await registry.registerMultiple(
    Array.from({ length: count }, (_, index) => [
      POINT,
      { id: `noop-${index}`, execute: handlers[kind].llmspell },
    ]),
  );
  return new modules.HookExecutor(registry);
}

function hookableFor(count, kind) {
  const hooks = createHooks();
  for (let index = 0; index < count; index++) hooks.hook('point', handlers[kind].peer);
  return hooks;
}

function tapableFor(count, kind) {
  const hook = new AsyncSeriesBailHook(['context']);
  for (let index = 0; index < count; index++) {
    if (kind === 'sync') hook.tap(`noop-${index}`, handlers.sync.peer);
    else hook.tapPromise(`noop-${index}`, handlers.async.peer);
  }
  return hook;
}

function beforeAfterFor(count, kind) {
  const hook = beforeAfterHook.Collection();
  for (let index = 0; index < count; index++) hook.before('point', handlers[kind].peer);
  return hook;
}

/** The same scenario on the baseline checkout's own core, registry and executor (`--baseline`). */
async function baselineSide(count, kind, baseline) {
  const context = new baseline.core.HookContext({
    hookPoint: POINT,
    componentId: baseline.core.componentId('dispatch-bench-agent', 'agent'),
  });
  const executor = await executorFor(count, kind, {
    HookRegistry: baseline.registry.HookRegistry,
    HookExecutor: baseline.executor.HookExecutor,
  });
  const first = await executor.execute(POINT, context);
  if (first.records.length !== count) throw new Error('The baseline HookExecutor did not run every hook');
  return {
    label: 'HookExecutor.execute (baseline)',
    fn: async () => {
      await executor.execute(POINT, context);
    },
  };
}

async function scenario(count, kind, profile, baseline) {
  const context = new HookContext({
    hookPoint: POINT,
    componentId: componentId('dispatch-bench-agent', 'agent'),
  });
  const executor = await executorFor(count, kind);
  const hookable = hookableFor(count, kind);
  const tapableHook = tapableFor(count, kind);
  const beforeAfter = beforeAfterFor(count, kind);
  const operation = () => undefined;

  const first = await executor.execute(POINT, context);
  if (
    first.result.type !== 'continue' ||
    first.records.length !== count ||
    first.records.some((r) => r.error)
  ) {
    throw new Error(`HookExecutor did not run ${count} healthy hooks: ${JSON.stringify(first.records)}`);
  }
  // Every side is awaited by the caller, as a host that does not know whether its hooks are sync must do.
  const sides = await interleave(
    [
      {
        label: 'HookExecutor.execute',
        fn: async () => {
          await executor.execute(POINT, context);
        },
      },
      {
        label: 'hookable callHook',
        fn: async () => {
          await hookable.callHook('point', context);
        },
      },
      {
        label: 'tapable AsyncSeriesBailHook.promise',
        fn: async () => {
          await tapableHook.promise(context);
        },
      },
      {
        label: 'before-after-hook (before hooks)',
        fn: async () => {
          await beforeAfter('point', operation, context);
        },
      },
      ...(baseline === undefined ? [] : [await baselineSide(count, kind, baseline)]),
    ],
    profile,
    { batch: true },
  );
  return sides;
}

export const dispatch = {
  id: 'dispatch',
  title: '1. Dispatch',
  async run({ profile, baseline }) {
    const rows = [];
    const versusHookable = [];
    const versusTapable = [];
    const versusBaseline = [];
    for (const kind of ['sync', 'async']) {
      for (const count of [1, 10]) {
        const [executor, hookable, tapableSide, beforeAfter, previous] = await scenario(
          count,
          kind,
          profile,
          baseline,
        );
        const hookableRatio = pairedRatio(executor, hookable);
        const tapableRatio = pairedRatio(executor, tapableSide);
        versusHookable.push({ name: `${count} ${kind}`, ...hookableRatio });
        versusTapable.push({ name: `${count} ${kind}`, ...tapableRatio });
        rows.push([
          `${count} ${kind} hook${count === 1 ? '' : 's'}`,
          formatTime(executor.ns),
          formatTime(hookable.ns),
          formatTime(tapableSide.ns),
          formatTime(beforeAfter.ns),
          formatRatio(hookableRatio),
          formatRatio(tapableRatio),
          formatRatio(pairedRatio(executor, beforeAfter)),
          ...(previous === undefined
            ? []
            : [formatTime(previous.ns), formatRatio(pairedRatio(executor, previous))]),
        ]);
        if (previous !== undefined) {
          versusBaseline.push({ name: `${count} ${kind}`, ...pairedRatio(executor, previous) });
        }
      }
    }
    const worst = (list) => list.reduce((a, b) => (b.ratio > a.ratio ? b : a));
    const worstHookable = worst(versusHookable);
    const worstTapable = worst(versusTapable);
    return {
      intro:
        'Time per dispatch of one hook point, awaited by the caller. `HookExecutor` runs with its defaults: ' +
        'a 1,000 ms timeout per hook and a circuit breaker per (hook, point). Handlers are no-ops: an llmspell ' +
        "hook answers the shared `continue` result, the peers' handlers answer `undefined`. Ratios are " +
        'HookExecutor ÷ peer (below 1 = HookExecutor faster), the median of per-round ratios with their range.',
      columns: [
        'hooks at the point',
        'HookExecutor',
        'hookable',
        'tapable',
        'before-after-hook',
        '÷ hookable',
        '÷ tapable',
        '÷ before-after-hook',
        ...(baseline === undefined ? [] : ['baseline', '÷ baseline']),
      ],
      rows,
      goals: [
        {
          text: 'HookExecutor faster than hookable (every case)',
          met: worstHookable.ratio < HOOKABLE_GOAL,
          measured: `worst ${worstHookable.ratio.toFixed(2)}× (${worstHookable.name})`,
        },
        {
          text: `HookExecutor within ${TAPABLE_GOAL}× of tapable (every case)`,
          met: worstTapable.ratio <= TAPABLE_GOAL,
          measured: `worst ${worstTapable.ratio.toFixed(2)}× (${worstTapable.name})`,
        },
        ...(versusBaseline.length === 0
          ? []
          : [
              {
                text: `HookExecutor within ${BASELINE_GOAL}× of the baseline checkout (sync cases)`,
                met: versusBaseline
                  .filter((entry) => entry.name.endsWith('sync') && !entry.name.endsWith('async'))
                  .every((entry) => entry.ratio <= BASELINE_GOAL),
                measured: versusBaseline
                  .map((entry) => `${entry.name} ${entry.ratio.toFixed(2)}×`)
                  .join(', '),
              },
            ]),
      ],
    };
  },
};
