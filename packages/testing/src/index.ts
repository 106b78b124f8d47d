export { assertHookResult } from './assert-hook-result.js';
export type { ConformanceOptions, DefineTest } from './conformance-suite.js';
export { hookConformanceSuite } from './conformance-suite.js';
export type { FaultyHookOptions } from './faulty-hook.js';
export { faultyHook } from './faulty-hook.js';
export { MockCacheHook } from './mock-cache-hook.js';
export { MockContext } from './mock-context.js';
export type { RedisServerHandle, StartRedisServerOptions } from './redis-server.js';
export { redisServerAvailable, startRedisServer } from './redis-server.js';
