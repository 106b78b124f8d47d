// The four hooks every process of the soak guards its agent with, built one way: the security hook, the Redis
// cache and the Redis-shared rate limiter on the run's keys (shared by every process, so their scopes and limiter
// keys are what keeps callers apart), and the cost hook on a Redis cost store of the caller's key prefix.
import { HookPoint } from '@llmspell/core';
import { CostTrackingHook, RedisCostStore } from '@llmspell/hook-cost';
import { RateLimitingHook } from '@llmspell/hook-rate-limit';
import { RedisCachingHook } from '@llmspell/hook-redis-cache';
import { Cluster } from 'ioredis';
import { createSecurityHook } from './security-hook.mjs';
import { settings } from './settings.mjs';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * On a Cluster (`clusterNodes`, JSON): one client of this process, shared by the three Redis pieces (each borrows
 * it; the cost store writes over a duplicate of it, as confirmReplicas makes it do). Standalone: each piece opens
 * its own from `redisUrl`. `cost` holds the cost hook's options beyond store, prices and logger.
 */
export async function createSoakHooks({ redisUrl, clusterNodes, runId, costKeyPrefix, cost = {} }) {
  const cluster = clusterNodes
    ? new Cluster(JSON.parse(clusterNodes), { enableOfflineQueue: false })
    : undefined;
  const connection = cluster ?? redisUrl;
  const cache = await RedisCachingHook.create(connection, {
    commandTimeoutMs: settings.cache.commandTimeoutMs,
    ttlMs: settings.cache.ttlMs,
    keyPrefix: `chaos:${runId}:cache:`,
  });
  const rateLimiter = new RateLimitingHook({
    requestsPerWindow: settings.rateLimit.requestsPerWindow,
    windowMs: settings.rateLimit.windowMs,
    byUser: true,
    redis: connection,
    storeTimeoutMs: settings.rateLimit.storeTimeoutMs,
    keyPrefix: `chaos:${runId}:ratelimit:`,
  });
  const costStore = new RedisCostStore(connection, {
    keyPrefix: costKeyPrefix,
    commandTimeoutMs: settings.cost.commandTimeoutMs,
    // On a Cluster a failover must not lose a record: each one counts once its master's replica has it.
    ...(cluster ? { confirmReplicas: settings.cluster.confirmReplicas } : {}),
  });
  const costs = new CostTrackingHook({
    store: costStore,
    modelRates: {
      [settings.cost.model]: { inputPer1k: settings.cost.inputPer1k, outputPer1k: settings.cost.outputPer1k },
    },
    logger: quiet,
    ...cost,
  });
  return { cluster, security: createSecurityHook(), cache, rateLimiter, costStore, costs };
}

/**
 * Where the hooks run, as their READMEs show: security and the rate limiter (`rateLimiter`: the hook, or a view
 * of it) before the call, the cache around it, the cost hook after it (and before it when `costBefore`: budgets
 * are checked there).
 */
export function soakRegistrations({ security, rateLimiter, cache, costs }, { costBefore = false } = {}) {
  return [
    [HookPoint.BeforeAgentExecution, security],
    [HookPoint.BeforeAgentExecution, rateLimiter],
    [HookPoint.AfterAgentExecution, rateLimiter],
    [HookPoint.AgentError, rateLimiter],
    [HookPoint.BeforeAgentExecution, cache],
    [HookPoint.AfterAgentExecution, cache],
    [HookPoint.AgentError, cache],
    ...(costBefore ? [[HookPoint.BeforeAgentExecution, costs]] : []),
    [HookPoint.AfterAgentExecution, costs],
    [HookPoint.AgentError, costs],
  ];
}
