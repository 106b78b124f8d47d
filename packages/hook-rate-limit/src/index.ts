export type { RedisClient, RedisClientOptions } from '@llmspell/redis';
export type {
  RateLimitExceededEvent,
  RateLimitExceededKind,
  RateLimitStoreErrorEvent,
} from './rate-limit-events.js';
export { RateLimitingHook } from './rate-limiting-hook.js';
export type { RateLimitInfo, RateLimitingOptions } from './rate-limiting-options.js';
