export { assertHookResult } from './assert-hook-result.js';
export type { ConformanceOptions, DefineTest } from './conformance-suite.js';
export { hookConformanceSuite } from './conformance-suite.js';
export type { FaultyHookOptions } from './faulty-hook.js';
export { faultyHook } from './faulty-hook.js';
export { MockCacheHook } from './mock-cache-hook.js';
export { MockContext } from './mock-context.js';
export type { RedisCliOptions } from './redis-cli.js';
export { redisCli } from './redis-cli.js';
export type { RedisClusterHandle, StartRedisClusterOptions } from './redis-cluster.js';
export { startRedisCluster } from './redis-cluster.js';
export type { RedisSentinelHandle, StartRedisSentinelOptions } from './redis-sentinel.js';
export { startRedisSentinel } from './redis-sentinel.js';
export type { RedisServerHandle, StartRedisServerOptions } from './redis-server.js';
export { redisServerAvailable, startRedisServer } from './redis-server.js';
export type { RedisTlsServerHandle } from './redis-tls.js';
export { startRedisTlsServer } from './redis-tls.js';
export type {
  DrivenStream,
  ScriptedModel,
  StreamLifecycleDriver,
  StreamScript,
} from './stream-lifecycle-suite.js';
export { streamLifecycleSuite } from './stream-lifecycle-suite.js';
