import { HookPoint } from '@llmspell/core';
import { hookConformanceSuite, type RedisServerHandle, startRedisServer } from '@llmspell/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { recordingLogger } from './__fixtures__/contexts.js';
import { CostTrackingHook } from './cost-tracking-hook.js';

const points = [
  HookPoint.BeforeAgentExecution,
  HookPoint.AfterAgentExecution,
  HookPoint.AfterToolExecution,
  HookPoint.AgentError,
];

describe('CostTrackingHook conformance (memory store, budgets)', () => {
  hookConformanceSuite(
    it,
    () =>
      new CostTrackingHook({
        alertThresholdUsd: 1,
        budgets: { perUserUsd: 10, perComponentUsd: 10 },
        logger: recordingLogger().logger,
      }),
    { points },
  );
});

describe('CostTrackingHook conformance (Redis store from a URL)', () => {
  let redis: RedisServerHandle;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  hookConformanceSuite(
    it,
    () =>
      new CostTrackingHook({
        store: redis.url,
        // Large: with REDIS_URL the totals of earlier runs may still be in that Redis.
        budgets: { perUserUsd: 1_000_000 },
        logger: recordingLogger().logger,
      }),
    { points },
  );
});
