import {
  componentId,
  EventBus,
  type Hook,
  HookContext,
  type HookMetadata,
  HookPoint,
  HookResult,
} from '@llmspell/core';
import { type ExecutionOutcome, HookExecutor } from '@llmspell/executor';
import { HookRegistry } from '@llmspell/registry';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonish, quietLogger, seed } from './__fixtures__/arbitraries.js';

const defaultTimeoutMs = 25;
const maxDelayMs = 40;
/** Slack on top of the sum of the hooks' timeouts, for a loaded 2-core machine. */
const slackMs = 500;

/**
 * Values that throw when touched: an object whose getters and `toString` throw (what a careless library may
 * throw or return), and a revoked proxy (an immer draft used after \`produce\`). fast-check cannot hold them
 * (it probes generated values), so it holds this marker and the hook makes the value when it runs.
 */
class Hostile {
  constructor(readonly kind: 'revoked-proxy' | 'throwing-object') {}

  make(): object {
    if (this.kind === 'revoked-proxy') {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      return proxy;
    }
    return {
      get type(): never {
        throw new Error('throwing object: reading type');
      },
      get message(): never {
        throw new Error('throwing object: reading message');
      },
      toString(): never {
        throw new Error('throwing object: toString');
      },
    };
  }
}

const hostile = fc.constantFrom(new Hostile('revoked-proxy'), new Hostile('throwing-object'));
const materialize = (value: unknown): unknown => (value instanceof Hostile ? value.make() : value);

const validResult: fc.Arbitrary<HookResult> = fc.oneof(
  fc.constant(HookResult.continue()),
  fc
    .dictionary(fc.string({ maxLength: 4 }), jsonish, { maxKeys: 2 })
    .map((data) => HookResult.modified(data)),
  fc.string({ maxLength: 8 }).map((reason) => HookResult.cancel(reason)),
  fc.string({ maxLength: 8 }).map((target) => HookResult.redirect(target)),
  jsonish.map((result) => HookResult.replace(result)),
  fc
    .record({ delayMs: fc.nat(50), maxAttempts: fc.integer({ min: 1, max: 3 }) })
    .map((retry) => HookResult.retry(retry)),
  fc.constant(HookResult.fork([{ id: 'f', operationType: 'summary', parameters: {} }])),
  fc.record({ result: jsonish, ttlMs: fc.nat(1_000) }).map((cache) => HookResult.cache(cache)),
  fc.string({ maxLength: 8 }).map((reason) => HookResult.skipped(reason)),
);

/** Anything a hook might answer: a valid result, garbage, a hostile object, thenables that do or do not settle. */
const anyAnswer: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: validResult },
  { weight: 3, arbitrary: jsonish },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom<() => unknown>(
        () => Object.create(null),
        () => ({ type: 'retry', delayMs: -1, maxAttempts: 0 }),
        // biome-ignore lint/suspicious/noThenProperty: a hook answering a thenable is the input under test
        () => ({ then: (resolve: (value: unknown) => void) => resolve(HookResult.continue()) }),
        // biome-ignore lint/suspicious/noThenProperty: a thenable that never settles is the input under test
        () => ({ then: () => {} }),
      )
      .map((make) => make()),
  },
  { weight: 1, arbitrary: hostile },
);

/** Anything a hook might throw or reject with, Errors or not. */
const anyThrown: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 2, arbitrary: fc.string({ maxLength: 8 }).map((message) => new Error(message)) },
  { weight: 2, arbitrary: jsonish },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom<() => unknown>(
        () => Object.create(null),
        () => Symbol('thrown'),
        () => () => 'a function',
        () => new TypeError('type'),
      )
      .map((make) => make()),
  },
  { weight: 1, arbitrary: hostile },
);

type Behaviour =
  | { kind: 'answer'; value: unknown }
  | { kind: 'throw'; value: unknown }
  | { kind: 'resolve'; value: unknown; delayMs: number }
  | { kind: 'reject'; value: unknown; delayMs: number }
  | { kind: 'never' }
  | { kind: 'until-aborted'; value: unknown };

const behaviour: fc.Arbitrary<Behaviour> = fc.oneof(
  fc.record({ kind: fc.constant('answer' as const), value: anyAnswer }),
  fc.record({ kind: fc.constant('throw' as const), value: anyThrown }),
  fc.record({ kind: fc.constant('resolve' as const), value: anyAnswer, delayMs: fc.nat(maxDelayMs) }),
  fc.record({ kind: fc.constant('reject' as const), value: anyThrown, delayMs: fc.nat(maxDelayMs) }),
  fc.constant({ kind: 'never' as const }),
  fc.record({ kind: fc.constant('until-aborted' as const), value: anyAnswer }),
);

interface HookSpec {
  behaviour: Behaviour;
  failurePolicy: 'open' | 'closed' | undefined;
  timeoutMs: number | undefined;
  priority: number;
}

const hookSpec: fc.Arbitrary<HookSpec> = fc.record({
  behaviour,
  failurePolicy: fc.constantFrom<'open' | 'closed' | undefined>('open', 'closed', undefined),
  timeoutMs: fc.oneof(fc.constant(undefined), fc.integer({ min: 1, max: 30 })),
  priority: fc.integer({ min: -3, max: 3 }),
});

function makeHook(id: string, spec: HookSpec): Hook {
  const { behaviour: act } = spec;
  const metadata: HookMetadata = { priority: spec.priority };
  if (spec.failurePolicy) metadata.failurePolicy = spec.failurePolicy;
  if (spec.timeoutMs !== undefined) metadata.timeoutMs = spec.timeoutMs;
  return {
    id,
    metadata: () => metadata,
    execute(context) {
      switch (act.kind) {
        case 'answer':
          return materialize(act.value) as HookResult;
        case 'throw':
          throw materialize(act.value);
        case 'resolve':
          return new Promise((resolve) =>
            setTimeout(() => resolve(materialize(act.value) as HookResult), act.delayMs),
          );
        case 'reject':
          return new Promise((_, reject) => setTimeout(() => reject(materialize(act.value)), act.delayMs));
        case 'never':
          return new Promise(() => {});
        case 'until-aborted':
          return new Promise((resolve) => {
            context.signal.addEventListener('abort', () => resolve(materialize(act.value) as HookResult), {
              once: true,
            });
          });
      }
    },
  };
}

const stopping = new Set(['cancel', 'cache', 'replace', 'redirect', 'retry', 'fork']);

describe('HookExecutor against random hooks', () => {
  it('always resolves an ExecutionOutcome within the sum of the hooks’ deadlines', async () => {
    const scenario = fc.record({
      hooks: fc.array(hookSpec, { minLength: 1, maxLength: 5 }),
      abortAfterMs: fc.oneof(fc.constant(undefined), fc.nat(60)),
      breaker: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async ({ hooks, abortAfterMs, breaker }) => {
        const registry = new HookRegistry();
        const ids = hooks.map((_, index) => `hook-${index}`);
        for (const [index, spec] of hooks.entries()) {
          await registry.register(HookPoint.BeforeAgentExecution, makeHook(ids[index]!, spec));
        }
        const executor = new HookExecutor(registry, {
          events: new EventBus({ capacity: 16 }),
          logger: quietLogger,
          defaultTimeoutMs,
          ...(breaker ? {} : { circuitBreaker: false as const }),
        });
        const caller = new AbortController();
        const abortTimer =
          abortAfterMs === undefined ? undefined : setTimeout(() => caller.abort(), abortAfterMs);
        const context = new HookContext({
          hookPoint: HookPoint.BeforeAgentExecution,
          componentId: componentId('fuzzed-agent', 'agent'),
          data: { input: { text: 'hello' } },
          signal: caller.signal,
        });
        const budgetMs = hooks.reduce((sum, spec) => sum + (spec.timeoutMs ?? defaultTimeoutMs), 0) + slackMs;

        const startedAt = performance.now();
        let guard: ReturnType<typeof setTimeout> | undefined;
        const settled = await Promise.race([
          executor.execute(HookPoint.BeforeAgentExecution, context).then(
            (outcome) => ({ outcome }),
            (error: unknown) => ({ error }),
          ),
          new Promise<{ hung: true }>((resolve) => {
            guard = setTimeout(() => resolve({ hung: true }), budgetMs + 2_000);
          }),
        ]);
        const elapsedMs = performance.now() - startedAt;
        clearTimeout(guard);
        clearTimeout(abortTimer);

        expect(settled, 'execute() must settle').not.toHaveProperty('hung');
        expect(settled, 'execute() must never reject').not.toHaveProperty('error');
        expect(elapsedMs).toBeLessThanOrEqual(budgetMs);
        const { outcome } = settled as { outcome: ExecutionOutcome };
        expect(HookResult.isHookResult(outcome.result)).toBe(true);
        expect(Array.isArray(outcome.records)).toBe(true);
        expect(outcome.records.length).toBeLessThanOrEqual(hooks.length);
        for (const record of outcome.records) {
          expect(ids).toContain(record.hookId);
          expect(HookResult.isHookResult(record.result)).toBe(true);
          expect(Number.isFinite(record.durationMs)).toBe(true);
          if (record.error !== undefined) expect(record.error).toBeInstanceOf(Error);
        }
        // A stop ends the point: only the last record may hold a stopping result, and it is the outcome.
        const last = outcome.records.at(-1);
        for (const record of outcome.records.slice(0, -1))
          expect(stopping.has(record.result.type)).toBe(false);
        if (last && stopping.has(last.result.type)) expect(outcome.result).toEqual(last.result);
      }),
      { seed, numRuns: 150 },
    );
    // Hooks abandoned at their deadline settle late; their answers and rejections must go nowhere.
    await new Promise((resolve) => setTimeout(resolve, maxDelayMs * 2));
  }, 60_000);
});
