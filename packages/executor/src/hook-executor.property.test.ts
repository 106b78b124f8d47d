import { HookConfigError, HookResult } from '@llmspell/core';
import { HookRegistry } from '@llmspell/registry';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hook, makeContext, point } from './__fixtures__/hooks.js';
import { HookExecutor } from './hook-executor.js';

type Behaviour = { kind: 'answer'; result: HookResult } | { kind: 'throw' } | { kind: 'garbage' };

interface HookSpec {
  priority: number;
  asynchronous: boolean;
  failClosed: boolean;
  behaviour: Behaviour;
}

const patchValue = fc.oneof(fc.integer({ min: 0, max: 9 }), fc.constant(null), fc.constantFrom('x', 'y'));
const patch = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), patchValue, { maxKeys: 3 });

const result: fc.Arbitrary<HookResult> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(HookResult.continue()) },
  { weight: 2, arbitrary: fc.constant(HookResult.skipped('not mine')) },
  { weight: 4, arbitrary: patch.map((data) => HookResult.modified(data)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 5 }).map((reason) => HookResult.cancel(reason)) },
  { weight: 1, arbitrary: fc.integer().map((value) => HookResult.replace(value)) },
  { weight: 1, arbitrary: fc.constant(HookResult.cache({ result: 'hit', ttlMs: 10 })) },
  { weight: 1, arbitrary: fc.constant(HookResult.redirect('elsewhere')) },
  { weight: 1, arbitrary: fc.constant(HookResult.retry({ delayMs: 1, maxAttempts: 2 })) },
);

const behaviour: fc.Arbitrary<Behaviour> = fc.oneof(
  { weight: 8, arbitrary: result.map((answer) => ({ kind: 'answer' as const, result: answer })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'throw' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'garbage' as const }) },
);

const hookSpec: fc.Arbitrary<HookSpec> = fc.record({
  priority: fc.integer({ min: -3, max: 3 }),
  asynchronous: fc.boolean(),
  failClosed: fc.boolean(),
  behaviour,
});

const initialData = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.integer({ min: 0, max: 9 }), {
  maxKeys: 4,
});

/** RFC 7386 for flat patches, written independently of core's implementation. */
function referencePatch(target: Record<string, unknown>, data: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(data)) {
    if (value === null) delete target[key];
    else target[key] = value;
  }
}

/** What the executor must do, by the contract: order, decisive result, merged data. */
function referenceModel(specs: HookSpec[], initial: Record<string, number>) {
  const order = specs
    .map((spec, index) => ({ spec, id: `hook-${index}`, index }))
    .sort((left, right) => left.spec.priority - right.spec.priority || left.index - right.index);
  const data: Record<string, unknown> = { ...initial };
  const ran: string[] = [];
  let modified = false;
  for (const { spec, id } of order) {
    ran.push(id);
    if (spec.behaviour.kind !== 'answer') {
      if (spec.failClosed) return { ran, data, result: { type: 'cancel' as const } };
      continue;
    }
    const answer = spec.behaviour.result;
    if (answer.type === 'continue' || answer.type === 'skipped') continue;
    if (answer.type === 'modified') {
      referencePatch(data, answer.data);
      modified = true;
      continue;
    }
    return { ran, data, result: answer };
  }
  return { ran, data, result: modified ? { type: 'modified' as const, data } : HookResult.continue() };
}

describe('HookExecutor against a reference model', () => {
  it('runs hooks in the model order, and the decisive result and merged data match the model', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hookSpec, { maxLength: 8 }), initialData, async (specs, initial) => {
        const registry = new HookRegistry();
        for (const [index, spec] of specs.entries()) {
          const answer = () => {
            if (spec.behaviour.kind === 'throw') throw new Error('boom');
            if (spec.behaviour.kind === 'garbage') return { type: 'nonsense' };
            return spec.behaviour.result;
          };
          const execute = spec.asynchronous ? async () => answer() : answer;
          const metadata = { failurePolicy: spec.failClosed ? ('closed' as const) : ('open' as const) };
          await registry.register(point, hook(`hook-${index}`, execute, metadata), spec.priority);
        }
        const context = makeContext({ data: { ...initial } });
        const outcome = await new HookExecutor(registry).execute(point, context);
        const expected = referenceModel(specs, initial);

        expect(outcome.records.map((record) => record.hookId)).toEqual(expected.ran);
        expect(context.data).toEqual(expected.data);
        if (expected.result.type === 'cancel' && !('reason' in expected.result)) {
          expect(outcome.result.type).toBe('cancel');
        } else {
          expect(outcome.result).toEqual(expected.result);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('HookExecutor options, fuzzed', () => {
  const optionValue = fc.oneof(
    fc.anything(),
    fc.integer(),
    fc.double(),
    fc.constantFrom(false, 0, -1, 1, 64),
  );
  const circuitBreaker = fc.oneof(
    fc.anything(),
    fc.record(
      {
        failureThreshold: optionValue,
        slowCallMs: optionValue,
        slowCallThreshold: optionValue,
        windowMs: optionValue,
        openMs: optionValue,
        halfOpenSuccesses: optionValue,
      },
      { requiredKeys: [] },
    ),
  );
  const options = fc.oneof(
    fc.anything(),
    fc.record(
      {
        defaultTimeoutMs: optionValue,
        timingSampleInterval: optionValue,
        circuitBreaker,
        events: fc.anything(),
        metrics: fc.anything(),
        logger: fc.anything(),
      },
      { requiredKeys: [] },
    ),
  );

  it('either accepts random options or throws HookConfigError, never anything else', () => {
    fc.assert(
      fc.property(options, (candidate) => {
        try {
          new HookExecutor(new HookRegistry(), candidate as never);
        } catch (error) {
          expect(error).toBeInstanceOf(HookConfigError);
          expect((error as HookConfigError).issues.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });
});
