export { describeRedisError } from './error-cause.js';
export { RedisUnavailableError } from './errors/redis-unavailable-error.js';
export { hashTag } from './hash-tag.js';
export type { RedisClient } from './redis-client.js';
export { isRedisClient } from './redis-client.js';
export type {
  RedisClientOptions,
  RedisConnectionInput,
  RedisConnectionOptions,
} from './redis-connection.js';
export { createRedisClient, RedisConnection } from './redis-connection.js';
export type { RedisScript } from './redis-script.js';
export { defineScript } from './redis-script.js';
