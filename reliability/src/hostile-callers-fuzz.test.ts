import {
  componentId,
  EventBus,
  HookCancelledError,
  HookConfigError,
  HookContext,
  HookPoint,
  MAX_DECIMAL_DIGITS,
  MAX_DECIMAL_EXPONENT,
  parseDecimal,
} from '@llmspell/core';
import { createAgent, HookExecutor } from '@llmspell/executor';
import { CostTrackingHook } from '@llmspell/hook-cost';
import { LoggingHook } from '@llmspell/hook-logging';
import { RateLimitingHook } from '@llmspell/hook-rate-limit';
import { CachingHook } from '@llmspell/hook-redis-cache';
import { SecurityConfig, SecurityValidationHook } from '@llmspell/hook-security';
import { HookRegistry } from '@llmspell/registry';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quietLogger, seed } from './__fixtures__/arbitraries.js';

// Hostile callers against every built-in hook at once, with the executor's defaults (circuit breaker included):
// whatever a caller sends, no hook throws (a refusal is a result), no circuit opens, every call ends in bounded
// time, one caller's cached answer never reaches another, and a plain caller is still served afterwards.

/** A budget check of one hostile decimal, parse included, takes less than this. */
const decimalBoundMs = 100;
/** A call may take this long at most (the costliest input, a reused sub-object, takes ~50 ms on an idle core). */
const callBoundMs = 2_000;

/** Decimals no parser should spend seconds on: huge exponents, 30+ digits, signs, words, non-strings. */
const hostileDecimal: fc.Arbitrary<unknown> = fc.oneof(
  fc
    .record({
      sign: fc.constantFrom('', '-', '+'),
      whole: fc.stringMatching(/^[0-9]{1,40}$/),
      fraction: fc.option(fc.stringMatching(/^[0-9]{1,40}$/), { nil: undefined }),
      exponent: fc.option(
        fc.tuple(
          fc.constantFrom('e', 'E'),
          fc.constantFrom('', '-', '+'),
          fc.stringMatching(/^[0-9]{1,12}$/),
        ),
        { nil: undefined },
      ),
    })
    .map(
      ({ sign, whole, fraction, exponent }) =>
        `${sign}${whole}${fraction === undefined ? '' : `.${fraction}`}${exponent?.join('') ?? ''}`,
    ),
  fc.constantFrom(
    '1e99999999999',
    '1e100000000',
    '1e999999999',
    '1e30',
    '1e-30',
    '-1',
    'NaN',
    'Infinity',
    '0x10',
    '',
    ' ',
    `0.${'0'.repeat(100_000)}1`,
    `${'9'.repeat(10_000)}`,
  ),
  fc.string({ maxLength: 12 }),
  fc.constantFrom<unknown>(1e308, Number.NaN, -0, 12, ['1'], { valueOf: () => 1 }, null),
);

/** Ids made of the separators of limiter keys, cost keys, cache scopes and Cluster hash tags; 100 KB ids. */
const hostileId: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[a-c:|{}\\#-]{1,8}$/) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('global', '__proto__', 'constructor', 'toString', 'a:b', 'a', 'b'),
  },
  { weight: 1, arbitrary: fc.constantFrom('a', 'b', ':').map((char) => char.repeat(100_000)) },
);

/** One sub-object reused at every level: 2^depth paths through depth + 1 objects. */
function sharedReference(depth: number): Record<string, unknown> {
  let shared: Record<string, unknown> = { leaf: 'x' };
  for (let level = 0; level < depth; level++) shared = { left: shared, right: shared };
  return shared;
}

const prompts = ['What is my balance?', 'hello', 'List three uses of a paperclip.'];

/** What a hostile caller passes as the input of `agent.execute`. */
const hostileInput: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...prompts).map((text) => ({ text })) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      null,
      undefined,
      42,
      'a plain string',
      true,
      [],
      {},
      { text: 42 },
      {
        text: null,
      },
    ),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.integer({ min: 5, max: 40 }), fc.constantFrom(...prompts))
      .map(([depth, text]) => ({ text, context: sharedReference(depth) })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(...prompts)
      .map((text) =>
        JSON.parse(
          `{"text":${JSON.stringify(text)},"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}`,
        ),
      ),
  },
  { weight: 1, arbitrary: fc.constant({ text: `Bearer ${'x'.repeat(100_000)}` }) },
);

/** Metadata a hostile caller sends: hostile ids and estimates, prototype keys, now and then a non-string. */
const hostileMetadata: fc.Arbitrary<Record<string, unknown>> = fc
  .record(
    {
      userId: hostileId,
      tenantId: hostileId,
      maxCostUsd: hostileDecimal,
      prototypeKeys: fc.boolean(),
    },
    { requiredKeys: [] },
  )
  .map(({ prototypeKeys, ...metadata }) =>
    prototypeKeys
      ? { ...JSON.parse('{"__proto__":"1e99999999999","constructor":"x","hasOwnProperty":"x"}'), ...metadata }
      : metadata,
  );

/** Who a call's answer was computed for: the cache must never give it to anyone else. */
const askedBy = (metadata: Record<string, unknown>) =>
  JSON.stringify([metadata.tenantId ?? null, metadata.userId ?? null]);

async function guardedAgent() {
  const events = new EventBus({ maxHistoryBytes: 1_000_000 });
  const registry = new HookRegistry();
  const security = new SecurityValidationHook(SecurityConfig.strict());
  const cache = new CachingHook();
  const rateLimit = new RateLimitingHook({ requestsPerWindow: 1_000, windowMs: 60_000, byUser: true });
  const cost = new CostTrackingHook({
    budgets: { perUserUsd: 0.05 },
    logger: quietLogger,
  });
  const logging = new LoggingHook('logging', { logger: quietLogger, logInputs: true, logOutputs: true });
  await registry.registerMultiple([
    [HookPoint.BeforeAgentExecution, logging],
    [HookPoint.BeforeAgentExecution, security],
    [HookPoint.BeforeAgentExecution, rateLimit],
    [HookPoint.BeforeAgentExecution, cache],
    [HookPoint.BeforeAgentExecution, cost],
    [HookPoint.AfterAgentExecution, rateLimit],
    [HookPoint.AfterAgentExecution, cache],
    [HookPoint.AfterAgentExecution, cost],
    [HookPoint.AfterAgentExecution, logging],
    [HookPoint.AgentError, rateLimit],
    [HookPoint.AgentError, cache],
    [HookPoint.AgentError, cost],
    [HookPoint.AgentError, logging],
  ]);
  const executor = new HookExecutor(registry, { events });
  const agent = createAgent({
    name: 'assistant',
    registry,
    events,
    executor,
    execute: async (input: unknown, context) => ({
      text: `${String((input as { text?: unknown } | null)?.text)} for ${askedBy(context.metadata)}`,
      model: 'gpt-4',
      tokensUsed: { input: 100, output: 10 },
    }),
  });
  return { agent, events, executor };
}

describe('hostile callers against every built-in hook', () => {
  it('never make a hook throw or a circuit open, end in bounded time, and never receive another caller’s answer', async () => {
    const { agent, events, executor } = await guardedAgent();
    const outcomes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(hostileInput, hostileMetadata, async (input, metadata) => {
        const started = performance.now();
        try {
          const output = (await agent.execute(input as never, { metadata: metadata as never })) as {
            text: string;
          };
          // Answered (by the model or from the cache): computed for this caller, nobody else.
          expect(output.text.endsWith(` for ${askedBy(metadata)}`)).toBe(true);
          outcomes.add('answered');
        } catch (error) {
          // A judgement (cancel) or a call the executor refuses before any hook runs (metadata not strings).
          const known = HookCancelledError.isInstance(error) || error instanceof HookConfigError;
          if (!known) throw error;
          outcomes.add(HookCancelledError.isInstance(error) ? 'cancelled' : 'refused');
        }
        expect(performance.now() - started).toBeLessThan(callBoundMs);
        expect(events.query('hook.failed')).toEqual([]);
        expect(events.query('hook.circuit_opened')).toEqual([]);
      }),
      { seed, numRuns: 200 },
    );
    for (const stats of executor.stats()) {
      expect(stats).toMatchObject({ failures: 0, timeouts: 0, skips: 0, circuitState: 'closed' });
    }
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
    // Every kind of ending was reached, and a plain caller is still served.
    expect([...outcomes].sort()).toEqual(['answered', 'cancelled', 'refused']);
    await expect(agent.execute({ text: 'hello' }, { metadata: { userId: 'alice' } })).resolves.toEqual({
      text: `hello for ${askedBy({ userId: 'alice' })}`,
      model: 'gpt-4',
      tokensUsed: { input: 100, output: 10 },
    });
  }, 60_000);

  it('answers every hostile maxCostUsd at the budget check with a result, quickly, and parses it in bounded time', async () => {
    const hook = new CostTrackingHook({ budgets: { perComponentUsd: 1 }, logger: quietLogger });
    await fc.assert(
      fc.asyncProperty(hostileDecimal, async (maxCostUsd) => {
        const judge = async () => {
          const started = performance.now();
          const parsed = parseDecimal(maxCostUsd);
          const context = new HookContext({
            hookPoint: HookPoint.BeforeAgentExecution,
            componentId: componentId('assistant', 'agent'),
            metadata: { maxCostUsd } as never,
          });
          const result = await hook.execute(context);
          // A parse never holds more than 30 significant digits, nor a leading digit beyond 10^±30.
          if (parsed.ok && parsed.value.coefficient !== 0n) {
            const digits = parsed.value.coefficient.toString().length;
            expect(digits).toBeLessThanOrEqual(MAX_DECIMAL_DIGITS);
            expect(Math.abs(parsed.value.exponent + digits - 1)).toBeLessThanOrEqual(MAX_DECIMAL_EXPONENT);
          }
          if (result.type === 'cancel') expect(result.reason).toMatch(/^Budget (check refused|exceeded)/);
          else expect(result.type).toBe('continue');
          const release = context.child(HookPoint.AgentError);
          release.data.error = new Error('done');
          await hook.execute(release);
          return performance.now() - started;
        };
        // Linear in the input's length, the 100,000-character samples included. A slow sample is measured up to
        // three times: a superlinear input is slow every time, a GC pause on a busy machine is not.
        let tookMs = await judge();
        for (let attempt = 1; attempt < 3 && tookMs >= decimalBoundMs; attempt++) tookMs = await judge();
        expect(tookMs).toBeLessThan(decimalBoundMs);
      }),
      { seed, numRuns: 500 },
    );
  });
});
