import { EventBus, HookPoint, HookRegistrationError, HookResult, InMemoryMetrics } from '@llmspell/core';
import { createAgent, HookExecutor } from '@llmspell/executor';
import { CostTrackingHook, MemoryCostStore, RedisCostStore } from '@llmspell/hook-cost';
import { LoggingHook } from '@llmspell/hook-logging';
import { RateLimitingHook } from '@llmspell/hook-rate-limit';
import { CachingHook, MemoryCacheStore, RedisCacheStore, RedisCachingHook } from '@llmspell/hook-redis-cache';
import { SecurityValidationHook } from '@llmspell/hook-security';
import { HookRegistry } from '@llmspell/registry';
import { type RedisServerHandle, startRedisServer } from '@llmspell/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  awkwardNumber,
  configErrorOrValue,
  jsonish,
  loggerValue,
  newTally,
  optionsOf,
  seed,
  type Tally,
} from './__fixtures__/arbitraries.js';

const milliseconds = fc.integer({ min: 0, max: 120_000 });
const count = fc.integer({ min: 0, max: 1_000 });
const flag = fc.boolean();
const text = fc.string({ maxLength: 12 });

/** The generators must reach both sides: inputs that work and inputs that are refused. */
function expectBothOutcomes(tally: Tally): void {
  expect(tally.worked).toBeGreaterThan(0);
  expect(tally.refused).toBeGreaterThan(0);
}

let redis: RedisServerHandle;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

describe('hook constructors given random JSON-ish options', () => {
  it('LoggingHook throws only HookConfigError', async () => {
    const tally = newTally();
    const options = optionsOf({
      logInputs: flag,
      logOutputs: flag,
      logger: loggerValue,
      level: fc.constantFrom('debug', 'info', 'warn', 'error', 'trace'),
      maxValueLength: count,
      maxDepth: count,
      maxItems: count,
      secretKeys: fc.constantFrom<unknown>(/token/i, 'token', /a/g),
      priority: fc.oneof(fc.integer(), awkwardNumber),
    });
    await fc.assert(
      fc.asyncProperty(fc.oneof(text, jsonish), options, async (id, given) => {
        await configErrorOrValue(() => new LoggingHook(id as string, given as never), tally);
      }),
      { seed, numRuns: 300 },
    );
    expectBothOutcomes(tally);
  });

  it('MemoryCacheStore and CachingHook throw only HookConfigError', async () => {
    const tally = newTally();
    const storeTally = newTally();
    const storeOptions = optionsOf({ maxEntries: count, maxBytes: fc.integer({ min: -1, max: 1 << 30 }) });
    const hookOptions = optionsOf({
      store: fc.constantFrom<unknown>(new MemoryCacheStore(), { get() {} }, new Map()),
      ttlMs: milliseconds,
      ttlJitterMs: milliseconds,
      keyPrefix: text,
      singleFlightWaitMs: milliseconds,
      closeStoreOnUnregister: flag,
    });
    await fc.assert(
      fc.asyncProperty(storeOptions, hookOptions, async (forStore, forHook) => {
        await configErrorOrValue(() => new MemoryCacheStore(forStore as never), storeTally);
        const hook = await configErrorOrValue(() => new CachingHook(forHook as never), tally);
        await hook?.onUnregister();
      }),
      { seed, numRuns: 300 },
    );
    expectBothOutcomes(tally);
    expectBothOutcomes(storeTally);
  });

  it('RedisCacheStore throws only HookConfigError', async () => {
    const tally = newTally();
    const options = optionsOf({
      client: fc.constantFrom<unknown>({ get() {} }, 'redis://127.0.0.1:1', new Map()),
      commandTimeoutMs: milliseconds,
      closeClient: flag,
    });
    await fc.assert(
      fc.asyncProperty(options, async (given) => {
        await configErrorOrValue(() => new RedisCacheStore(given as never), tally);
      }),
      { seed, numRuns: 200 },
    );
    // No real ioredis client among the values: every input is refused, none may throw anything else.
    expect(tally.refused).toBeGreaterThan(0);
  });

  it('RedisCachingHook.create rejects only with HookConfigError', async () => {
    const tally = newTally();
    const options = optionsOf({
      ttlMs: milliseconds,
      ttlJitterMs: milliseconds,
      keyPrefix: text,
      singleFlightWaitMs: milliseconds,
      commandTimeoutMs: fc.integer({ min: 1, max: 500 }),
      connectTimeoutMs: fc.integer({ min: 1, max: 500 }),
    });
    // A random object or string as the connection would be ioredis options or a URL for some other server:
    // the connection is fuzzed with values that can never connect, the options against the test server.
    const connection = fc.oneof(
      fc.constant(redis.url),
      fc.constantFrom<unknown>(undefined, null, 0, 1, true, Number.NaN),
    );
    await fc.assert(
      fc.asyncProperty(connection, options, async (given, forHook) => {
        const hook = await configErrorOrValue(
          () => RedisCachingHook.create(given as never, forHook as never),
          tally,
        );
        await hook?.onUnregister();
      }),
      { seed, numRuns: 60 },
    );
    expectBothOutcomes(tally);
  });

  it('RateLimitingHook throws only HookConfigError', async () => {
    const tally = newTally();
    const options = optionsOf({
      requestsPerWindow: count,
      windowMs: milliseconds,
      byComponent: flag,
      byUser: flag,
      maxConcurrent: count,
      mode: fc.constantFrom('reject', 'queue', 'drop'),
      maxWaitMs: milliseconds,
      minTimeMs: milliseconds,
      redis: fc.oneof(fc.constant(redis.url), text, fc.constantFrom<unknown>({ evalsha: 1 }, {})),
      keyPrefix: text,
      storeTimeoutMs: milliseconds,
      onStoreError: fc.constantFrom('allow', 'deny', 'ignore'),
      permitTimeoutMs: milliseconds,
    });
    await fc.assert(
      fc.asyncProperty(options, async (given) => {
        const hook = await configErrorOrValue(() => new RateLimitingHook(given as never), tally);
        await hook?.onUnregister();
      }),
      { seed, numRuns: 300 },
    );
    expectBothOutcomes(tally);
  });

  it('CostTrackingHook and its stores throw only HookConfigError', async () => {
    const tally = newTally();
    const storeTally = newTally();
    const amount = fc.oneof(
      fc.double({ min: -1, max: 100, noNaN: true }),
      fc.constantFrom('0.03', '0.0000000001', '1e-3', '-1', 'abc', '0.1234567891'),
    );
    const options = optionsOf({
      modelRates: fc.dictionary(
        fc.string({ maxLength: 6 }),
        optionsOf({ inputPer1k: amount, outputPer1k: amount, cachedInputPer1k: amount }),
        { maxKeys: 2 },
      ),
      alertThresholdUsd: amount,
      webhookUrl: fc.constantFrom('https://alerts.example.com/cost', 'ftp://x', 'not a url'),
      webhookTimeoutMs: milliseconds,
      webhookMaxAttempts: fc.integer({ min: -1, max: 12 }),
      webhookRetryDelayMs: milliseconds,
      store: fc.oneof(
        fc.constant(redis.url),
        fc.constantFrom<unknown>(new MemoryCostStore(), 'http://example.com', { record() {} }),
      ),
      budgets: optionsOf({ perUserUsd: amount, perComponentUsd: amount }),
      reservationTtlMs: milliseconds,
      onStoreError: fc.constantFrom('allow', 'deny', 'retry'),
      logger: loggerValue,
      maxPendingRecords: count,
    });
    const storeOptions = optionsOf({
      keyPrefix: text,
      commandTimeoutMs: milliseconds,
      connectTimeoutMs: milliseconds,
      recordIdTtlMs: milliseconds,
      confirmReplicas: count,
    });
    const connection = fc.oneof(fc.constant(redis.url), fc.constantFrom<unknown>(undefined, null, 1, true));
    await fc.assert(
      fc.asyncProperty(options, connection, storeOptions, async (given, where, forStore) => {
        const hook = await configErrorOrValue(() => new CostTrackingHook(given as never), tally);
        await hook?.close();
        const store = await configErrorOrValue(
          () => new RedisCostStore(where as never, forStore as never),
          storeTally,
        );
        await store?.close();
      }),
      { seed, numRuns: 200 },
    );
    expectBothOutcomes(tally);
    expectBothOutcomes(storeTally);
  });

  it('SecurityValidationHook throws only HookConfigError', async () => {
    const tally = newTally();
    const pattern = fc.oneof(
      fc.constantFrom<unknown>(
        'secret',
        '\\bpassword\\b',
        '[',
        '(a+)+$',
        '(x|x)*y',
        '',
        /drop\s+table/i,
        /(a*)*b/,
      ),
      fc.string({ maxLength: 6 }),
    );
    const schema = fc.constantFrom<unknown>(
      { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
      { type: 5 },
      { $ref: '#/nowhere' },
      true,
      false,
      { properties: 'x' },
    );
    const options = optionsOf({
      id: text,
      strictMode: flag,
      maxInputLength: fc.integer({ min: -1, max: 100_000 }),
      blockedPatterns: fc.array(pattern, { maxLength: 2 }),
      detectors: optionsOf({ sqlInjection: flag, promptInjection: flag, pii: flag }),
      toolSchemas: fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(schema, jsonish), { maxKeys: 2 }),
      logger: loggerValue,
      patternCheckTimeoutMs: fc.integer({ min: -1, max: 2_000 }),
    });
    await fc.assert(
      fc.asyncProperty(options, async (given) => {
        await configErrorOrValue(() => new SecurityValidationHook(given as never), tally);
      }),
      { seed, numRuns: 120 },
    );
    expectBothOutcomes(tally);
  }, 60_000);
});

describe('HookExecutor and createAgent given random JSON-ish options', () => {
  const breaker = optionsOf({
    failureThreshold: count,
    slowCallMs: milliseconds,
    slowCallThreshold: count,
    windowMs: milliseconds,
    openMs: milliseconds,
    halfOpenSuccesses: count,
  });

  it('new HookExecutor(registry, options) throws only HookConfigError', async () => {
    const tally = newTally();
    const registry = fc.oneof(
      { weight: 4, arbitrary: fc.constant(null).map(() => new HookRegistry() as unknown) },
      { weight: 1, arbitrary: fc.oneof(jsonish, fc.constantFrom<unknown>({ hooksFor: 1 }, new Map())) },
    );
    const options = optionsOf({
      events: fc.constantFrom<unknown>(new EventBus(), { publish: 1 }, { subscribe() {} }),
      metrics: fc.constantFrom<unknown>(new InMemoryMetrics(), { increment() {} }),
      logger: loggerValue,
      defaultTimeoutMs: fc.oneof(milliseconds, fc.constantFrom(2 ** 31, 2 ** 31 - 1)),
      circuitBreaker: fc.oneof(fc.constant(false), breaker),
      timingSampleInterval: count,
    });
    await fc.assert(
      fc.asyncProperty(registry, options, async (where, given) => {
        await configErrorOrValue(() => new HookExecutor(where as never, given as never), tally);
      }),
      { seed, numRuns: 400 },
    );
    expectBothOutcomes(tally);
  });

  it('createAgent(options) throws only HookConfigError', async () => {
    const tally = newTally();
    const registry = new HookRegistry();
    const options = optionsOf({
      name: text,
      registry: fc.constantFrom<unknown>(registry, { hooksFor: 1 }),
      events: fc.constantFrom<unknown>(new EventBus(), { publish: 1 }),
      metrics: fc.constantFrom<unknown>(new InMemoryMetrics(), {}),
      executor: fc.constantFrom<unknown>(new HookExecutor(registry), { execute: 1 }),
      redirects: fc.dictionary(text, fc.constantFrom<unknown>({ execute() {} }, 1, null), { maxKeys: 2 }),
      fork: fc.constantFrom<unknown>(async () => 1, 'fork'),
      execute: fc.constantFrom<unknown>(async () => ({ text: '' }), 'run'),
    });
    await fc.assert(
      fc.asyncProperty(options, async (given) => {
        await configErrorOrValue(() => createAgent(given as never), tally);
      }),
      { seed, numRuns: 400 },
    );
    expectBothOutcomes(tally);
  });
});

describe('HookRegistry given random registrations', () => {
  // HookRegistry has no options; its inputs are registrations, refused with HookRegistrationError.
  it('register(point, hook, priority) either registers or throws HookRegistrationError', async () => {
    const tally = newTally();
    const point = fc.oneof(
      fc.constantFrom<unknown>(HookPoint.BeforeAgentExecution, HookPoint.custom('x'), 'custom:', 'Nope'),
      jsonish,
    );
    const metadata = optionsOf({
      priority: fc.oneof(fc.integer(), awkwardNumber),
      timeoutMs: fc.oneof(milliseconds, awkwardNumber),
      failurePolicy: fc.constantFrom('open', 'closed', 'half'),
    });
    const hook = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({ id: fc.oneof(text, jsonish), metadata }).map(({ id, metadata: answer }) => ({
          id,
          metadata: () => answer,
          execute: () => HookResult.continue(),
        })),
      },
      { weight: 1, arbitrary: jsonish },
    );
    const priority = fc.oneof(fc.constant(undefined), fc.integer(), awkwardNumber, jsonish);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(point, hook, priority), { maxLength: 4 }), async (entries) => {
        const registry = new HookRegistry();
        const attempt = async (register: () => Promise<void>) => {
          try {
            await register();
            tally.worked += 1;
          } catch (error) {
            tally.refused += 1;
            expect(HookRegistrationError.isInstance(error), String(error)).toBe(true);
          }
        };
        for (const [where, what, order] of entries) {
          await attempt(() => registry.register(where as never, what as never, order as never));
        }
        await attempt(() => new HookRegistry().registerMultiple(entries as never));
      }),
      { seed, numRuns: 300 },
    );
    expectBothOutcomes(tally);
  });
});
