// 6. Memory: heap bytes per registered hook, per idle limiter key, per cached entry in MemoryCacheStore.
// Each figure is (settled heap after − settled heap before) / count, with the objects the user would hold
// anyway (the hook objects, the values to cache) created before the first reading.
import { componentId, HookContext, HookPoint, HookResult } from '@llmspell/core';
import { HookExecutor } from '@llmspell/executor';
import { RateLimitingHook } from '@llmspell/hook-rate-limit';
import { cacheKey, MemoryCacheStore } from '@llmspell/hook-redis-cache';
import { HookRegistry } from '@llmspell/registry';
import { createHooks } from 'hookable';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import tapable from 'tapable';
import { ANSWER } from '../fixtures.mjs';
import { formatBytes, settledHeapBytes } from '../harness.mjs';

const { AsyncSeriesBailHook } = tapable;
const CONTINUE = HookResult.continue();

/** Heap growth per item while `grow()` runs; `hold` keeps what it returns reachable until the reading. */
async function bytesPerItem(count, grow) {
  const before = await settledHeapBytes();
  const held = await grow();
  const after = await settledHeapBytes();
  if (held === undefined) throw new Error('bytesPerItem: grow() must return what it built');
  return (after - before) / count;
}

async function perRegisteredHook(count) {
  const hooks = Array.from({ length: count }, (_, index) => ({
    id: `noop-${index}`,
    execute: () => CONTINUE,
  }));
  const noop = function noopHandler() {};
  const registry = new HookRegistry();
  const inRegistry = await bytesPerItem(count, async () => {
    await registry.registerMultiple(hooks.map((hook) => [HookPoint.BeforeAgentExecution, hook]));
    return registry.hooksFor(HookPoint.BeforeAgentExecution);
  });
  const executor = new HookExecutor(registry);
  const context = new HookContext({
    hookPoint: HookPoint.BeforeAgentExecution,
    componentId: componentId('memory-bench-agent', 'agent'),
  });
  const inExecutor = await bytesPerItem(count, async () => {
    const outcome = await executor.execute(HookPoint.BeforeAgentExecution, context);
    if (outcome.records.length !== count) throw new Error('The executor did not run every registered hook');
    return executor;
  });
  const hookable = createHooks();
  const inHookable = await bytesPerItem(count, () => {
    for (let index = 0; index < count; index++) hookable.hook('point', noop);
    return hookable;
  });
  const tapableHook = new AsyncSeriesBailHook(['context']);
  const inTapable = await bytesPerItem(count, () => {
    for (let index = 0; index < count; index++) tapableHook.tap(`noop-${index}`, noop);
    return tapableHook;
  });
  if (hooks.length !== count) throw new Error('unreachable');
  return { inRegistry, inExecutor, inHookable, inTapable };
}

async function perLimiterKey(count) {
  const component = componentId('memory-bench-agent', 'agent');
  const hook = new RateLimitingHook({ requestsPerWindow: 100, windowMs: 600_000, byUser: true });
  const userIds = Array.from({ length: count }, (_, index) => `user-${index}`);
  const inHook = await bytesPerItem(count, () => {
    for (const userId of userIds) {
      const result = hook.execute(
        new HookContext({
          hookPoint: HookPoint.BeforeAgentExecution,
          componentId: component,
          metadata: { userId },
        }),
      );
      if (result.type !== 'continue') throw new Error('RateLimitingHook refused a first call');
    }
    return hook;
  });
  await hook.onUnregister();
  const limiter = new RateLimiterMemory({ points: 100, duration: 600 });
  // Built per call, as the hook builds its keys, so both sides pay for their key strings.
  const inFlexible = await bytesPerItem(count, async () => {
    for (const userId of userIds) await limiter.consume(`${component.name}:${userId}`);
    return limiter;
  });
  return { inHook, inFlexible, keyLength: `${component.name}:${userIds[0]}`.length };
}

async function perCachedEntry(count) {
  const component = componentId('memory-bench-agent', 'agent');
  // Every entry has its own key and value strings, made inside the reading, as the hook makes them.
  const keyOf = (index) => cacheKey(component, { text: `What is the capital of country number ${index}?` });
  const entryValue = (index) =>
    JSON.stringify({ llmspellCache: 1, value: { text: `${ANSWER.text} (${index})`, model: ANSWER.model } });
  const store = new MemoryCacheStore({ maxEntries: count + 1, maxBytes: 1024 ** 3 });
  const inStore = await bytesPerItem(count, async () => {
    for (let index = 0; index < count; index++) await store.set(keyOf(index), entryValue(index), 600_000);
    return store;
  });
  if (store.size !== count)
    throw new Error(`MemoryCacheStore holds ${store.size} entries, expected ${count}`);
  const map = new Map();
  let byteCount = 0;
  const inMap = await bytesPerItem(count, () => {
    for (let index = 0; index < count; index++) {
      const key = keyOf(index);
      const value = entryValue(index);
      // Counting bytes, as any byte-bounded cache must, also flattens the concatenated key string in V8.
      byteCount += Buffer.byteLength(key) + Buffer.byteLength(value);
      map.set(key, value);
    }
    return map;
  });
  if (byteCount === 0) throw new Error('unreachable');
  return { inStore, inMap, keyLength: keyOf(0).length, valueLength: entryValue(0).length };
}

export const memory = {
  id: 'memory',
  title: '6. Memory',
  async run({ profile }) {
    const hookCount = Math.round(20_000 * profile.memoryScale);
    const keyCount = Math.round(100_000 * profile.memoryScale);
    const entryCount = Math.round(100_000 * profile.memoryScale);
    const hooks = await perRegisteredHook(hookCount);
    const limiter = await perLimiterKey(keyCount);
    const cache = await perCachedEntry(entryCount);
    const rows = [
      [
        `registered hook: HookRegistry (${hookCount.toLocaleString('en')} hooks at one point)`,
        formatBytes(hooks.inRegistry),
        'the entry, priority order and membership; the hook object itself not counted',
      ],
      [
        'registered hook: HookExecutor state, after its first dispatch',
        formatBytes(hooks.inExecutor),
        'circuit breaker, timing sample, stats per (hook, point)',
      ],
      ['registered hook: registry + executor', formatBytes(hooks.inRegistry + hooks.inExecutor), ''],
      ['registered handler: hookable `hook()` (peer)', formatBytes(hooks.inHookable), 'an array slot'],
      ['registered handler: tapable `tap()` (peer)', formatBytes(hooks.inTapable), 'a tap descriptor'],
      [
        `idle limiter key: RateLimitingHook in process (${keyCount.toLocaleString('en')} keys)`,
        formatBytes(limiter.inHook),
        `one call per key, window still open; its ${limiter.keyLength}-character key included`,
      ],
      [
        'idle limiter key: RateLimiterMemory (peer)',
        formatBytes(limiter.inFlexible),
        'same keys, built per call too',
      ],
      [
        `cached entry: MemoryCacheStore (${entryCount.toLocaleString('en')} entries)`,
        formatBytes(cache.inStore),
        `its ${cache.keyLength}-character key and ~${cache.valueLength}-character value included`,
      ],
      [
        'cached entry: plain Map<string, string> of the same strings',
        formatBytes(cache.inMap),
        'lower bound: the strings and a hash-table slot, bytes counted the same way',
      ],
      [
        'cached entry: MemoryCacheStore overhead over the Map',
        formatBytes(cache.inStore - cache.inMap),
        'LRU entry, expiry, byte count',
      ],
    ];
    return {
      intro:
        'Settled memory growth (V8 heap plus external memory such as typed-array backing stores, after ' +
        'forced full GCs) divided by the count. The hook objects themselves are created before the first ' +
        'reading; keys and values are counted where the hook or store creates them.',
      columns: ['per', 'bytes', 'what it covers'],
      rows,
      goals: [],
    };
  },
};
