import assert from 'node:assert/strict';
import { createHook } from 'node:async_hooks';
import {
  type Hook,
  type HookContext,
  HookPoint,
  HookResult,
  isAfterPoint,
  isErrorPoint,
} from '@llmspell/core';
import { HookRegistry } from '@llmspell/registry';
import { MockContext } from './mock-context.js';

/** The test-definition function of any runner (vitest, jest, mocha, node:test's `it`). */
export type DefineTest = (name: string, fn: () => Promise<void>) => unknown;

/** Options of `hookConformanceSuite`. */
export interface ConformanceOptions {
  /** The points the hook is meant for; each is exercised. Default [BeforeAgentExecution, AfterAgentExecution]. */
  points?: HookPoint[];
  /** Builds a realistic context for a point. Default: an agent context with input, and output/usage at After points. */
  makeContext?: (point: HookPoint) => HookContext;
  /** How long released handles may take to close after onUnregister. Default 2_000 ms. */
  handleSettleMs?: number;
}

function realisticContext(point: HookPoint): HookContext {
  const builder = new MockContext()
    .withHookPoint(point)
    .withComponent('conformance-agent', 'agent')
    .withMetadata('userId', 'conformance-user')
    .withInput('What is the capital of France?');
  if (isAfterPoint(point)) {
    builder
      .withData('output', { text: 'Paris.' })
      .withData('model', 'gpt-4')
      .withData('tokensUsed', { input: 12, output: 3 });
  }
  if (isErrorPoint(point)) builder.withData('error', new Error('conformance failure'));
  return builder.build();
}

/**
 * Tracks the async resources (timers, sockets, child processes …) created while it is on, so a test can ask
 * which of them are still alive and keep the process running. Counting `getActiveResourcesInfo()` is not
 * enough: an unrelated timer finishing meanwhile would hide a leaked one.
 */
function trackResources() {
  const alive = new Map<number, { type: string; resource: { hasRef?: () => boolean } }>();
  const hook = createHook({
    init(asyncId, type, _triggerId, resource) {
      if (type !== 'PROMISE') alive.set(asyncId, { type, resource: resource as { hasRef?: () => boolean } });
    },
    destroy(asyncId) {
      alive.delete(asyncId);
    },
  }).enable();
  return {
    stop: () => hook.disable(),
    refed: () =>
      [...alive.values()]
        .filter(({ resource }) => typeof resource.hasRef === 'function' && resource.hasRef())
        .map(({ type }) => type),
  };
}

function failurePolicyOf(hook: Hook): 'open' | 'closed' {
  return hook.metadata?.().failurePolicy ?? 'open';
}

/**
 * The behaviour every hook package promises, as tests defined through `it`: a valid result at every point
 * it claims, sane metadata, no throw on an empty context (unless fail-closed), and no open handles left
 * after `onUnregister`. `makeHook` is called once per test and may be async.
 */
export function hookConformanceSuite(
  it: DefineTest,
  makeHook: () => Hook | Promise<Hook>,
  options: ConformanceOptions = {},
): void {
  const {
    points = [HookPoint.BeforeAgentExecution, HookPoint.AfterAgentExecution],
    makeContext = realisticContext,
    handleSettleMs = 2_000,
  } = options;

  const withHook = async (body: (hook: Hook) => Promise<void>) => {
    const hook = await makeHook();
    try {
      await body(hook);
    } finally {
      await hook.onUnregister?.();
    }
  };

  it('conformance: has a non-empty string id and well-formed metadata', () =>
    withHook(async (hook) => {
      assert.equal(typeof hook.id, 'string');
      assert.ok(hook.id.length > 0, 'hook.id must not be empty');
      const metadata = hook.metadata?.() ?? {};
      assert.equal(typeof metadata, 'object');
      if (metadata.priority !== undefined)
        assert.ok(Number.isSafeInteger(metadata.priority), 'priority: integer');
      if (metadata.timeoutMs !== undefined) assert.ok(metadata.timeoutMs > 0, 'timeoutMs: positive');
      if (metadata.failurePolicy !== undefined)
        assert.ok(['open', 'closed'].includes(metadata.failurePolicy));
    }));

  for (const point of points) {
    it(`conformance: answers a valid HookResult at ${point}`, () =>
      withHook(async (hook) => {
        const result = await hook.execute(makeContext(point));
        assert.ok(HookResult.isHookResult(result), `not a HookResult at ${point}: ${JSON.stringify(result)}`);
      }));

    it(`conformance: an empty context at ${point} gives a HookResult (or a throw only when fail-closed)`, () =>
      withHook(async (hook) => {
        const context = new MockContext().withHookPoint(point).build();
        try {
          const result = await hook.execute(context);
          assert.ok(HookResult.isHookResult(result), `not a HookResult: ${JSON.stringify(result)}`);
        } catch (error) {
          assert.equal(
            failurePolicyOf(hook),
            'closed',
            `a fail-open hook threw on an empty context: ${error}`,
          );
          assert.ok(error instanceof Error, 'a hook must throw Error instances, not other values');
        }
      }));

    it(`conformance: 20 concurrent executions at ${point} all answer`, () =>
      withHook(async (hook) => {
        const results = await Promise.all(
          Array.from({ length: 20 }, () => Promise.resolve(hook.execute(makeContext(point)))),
        );
        for (const result of results) assert.ok(HookResult.isHookResult(result));
      }));
  }

  it('conformance: registers and unregisters cleanly, leaving no open handles', async () => {
    const tracker = trackResources();
    const hook = await makeHook();
    let registered = 0;
    let unregistered = 0;
    // A wrapper, not a subclass: class hooks with #private fields need `this` to be the hook itself.
    const probe: Hook = {
      id: hook.id,
      metadata: () => hook.metadata?.() ?? {},
      execute: (context) => hook.execute(context),
      onRegister: async () => {
        registered++;
        await hook.onRegister?.();
      },
      onUnregister: async () => {
        unregistered++;
        await hook.onUnregister?.();
      },
    };
    const registry = new HookRegistry();
    for (const point of points) await registry.register(point, probe);
    assert.equal(registered, 1, 'onRegister must run once however many points the hook joins');
    for (const point of points) await Promise.resolve(probe.execute(makeContext(point)));
    for (const point of points) assert.equal(await registry.unregister(point, hook.id), true);
    assert.equal(unregistered, 1, 'onUnregister must run once, when the hook has left every point');
    const deadline = Date.now() + handleSettleMs;
    try {
      let open = tracker.refed();
      while (open.length > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20).unref());
        open = tracker.refed();
      }
      assert.deepEqual(open, [], `handles still open after onUnregister: ${open.join(', ')}`);
    } finally {
      tracker.stop();
    }
  });
}
