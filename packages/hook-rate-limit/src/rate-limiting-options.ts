import type { HookContext, Logger } from '@llmspell/core';
import { type ConfigIssue, HookConfigError, issuesFromAjv, MAX_TIMER_MS } from '@llmspell/core';
import type { RedisConnectionInput } from '@llmspell/redis';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { defaultTokenEstimate } from './token-reservation.js';

/** Options of `new RateLimitingHook(options)`. */
export interface RateLimitingOptions {
  /** Calls admitted per window per key. Required: a positive integer. */
  requestsPerWindow: number;
  /** Length of a key's fixed window in ms, counted from its first call. Required: a positive integer. */
  windowMs: number;
  /**
   * Tokens admitted per window per key: a call is admitted while the tokens used and reserved in the window, plus
   * its own estimate, stay within this. Before reserves the estimate, After settles it with
   * `data.tokensUsed.input + output`, an Error point releases it. Default: no token limit.
   */
  tokensPerWindow?: number;
  /**
   * The tokens a call reserves at Before. Default: the prompt's UTF-8 bytes plus the requested maximum output
   * (`estimateTokens(context.data)` of `@llmspell/core`: an upper bound, settled down at After).
   */
  estimateTokens?: (context: HookContext) => number;
  /** Put the component name in the key. Default true. */
  byComponent?: boolean;
  /** Put `metadata.userId` in the key (left out for a call without one). Default false. */
  byUser?: boolean;
  /** Calls in flight per key in this process, from the Before point to After or Error. Default: no cap. */
  maxConcurrent?: number;
  /** 'reject' cancels a call over the limit at once; 'queue' lets it wait up to `maxWaitMs`. Default 'reject'. */
  mode?: 'reject' | 'queue';
  /** Queue mode: the longest a call waits for capacity before it is cancelled, in ms. Default 10_000. */
  maxWaitMs?: number;
  /** Queue mode: least time between the starts of two calls of one key in this process, in ms. Default 0. */
  minTimeMs?: number;
  /**
   * Share the window counts of every process through Redis: a URL or ioredis options such as `{ tls }` or
   * `{ sentinels, name }` (the hook owns that client and closes it in `onUnregister`), or your ioredis `Redis` or
   * `Cluster` client (never closed by the hook). Default: counts in this process.
   */
  redis?: RedisConnectionInput;
  /** Where Redis failures are logged, at most once a minute per cause (a new cause at once). Default `consoleLogger('warn')`. */
  logger?: Logger;
  /** Redis key prefix; the limiter key follows as a hash tag (`llmspell:ratelimit:{key}`). Default 'llmspell:ratelimit:'. */
  keyPrefix?: string;
  /** A Redis reply later than this (or a disconnected Redis) is a store error, in ms. Default 1_000. */
  storeTimeoutMs?: number;
  /** On a store error: 'allow' admits the call, 'deny' cancels it; both emit `rate_limit.store_error`. Default 'allow'. */
  onStoreError?: 'allow' | 'deny';
  /** A concurrency permit not released within this time (its operation never reached After or Error) is reclaimed, in ms. Default 600_000. */
  permitTimeoutMs?: number;
}

/** `context.data.rateLimit`, set at every Before point that consulted the window count. */
export interface RateLimitInfo {
  /** `requestsPerWindow`. */
  limit: number;
  /** Calls this key may still make in the current window. */
  remaining: number;
  /** Milliseconds until the current window ends and the count starts again. */
  resetMs: number;
  /** With `tokensPerWindow`: the key's tokens in this window. */
  tokens?: TokenLimitInfo;
}

/** `data.rateLimit.tokens`: the token window of the call's key. */
export interface TokenLimitInfo {
  /** `tokensPerWindow`. */
  limit: number;
  /** Tokens left in the current window, after this call's reservation when it was admitted. */
  remaining: number;
  /** The tokens this call reserved (or asked for, when refused). */
  estimate: number;
}

/** Options with every default filled in. */
export type ResolvedRateLimitingOptions = Required<
  Omit<RateLimitingOptions, 'maxConcurrent' | 'redis' | 'logger' | 'tokensPerWindow'>
> &
  Pick<RateLimitingOptions, 'maxConcurrent' | 'redis' | 'logger' | 'tokensPerWindow'>;

const optionsSchema = {
  type: 'object',
  required: ['requestsPerWindow', 'windowMs'],
  additionalProperties: false,
  properties: {
    requestsPerWindow: { type: 'integer', minimum: 1 },
    windowMs: { type: 'integer', minimum: 1, maximum: MAX_TIMER_MS },
    tokensPerWindow: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
    estimateTokens: {},
    byComponent: { type: 'boolean' },
    byUser: { type: 'boolean' },
    maxConcurrent: { type: 'integer', minimum: 1 },
    mode: { enum: ['reject', 'queue'] },
    maxWaitMs: { type: 'integer', minimum: 0, maximum: MAX_TIMER_MS },
    minTimeMs: { type: 'integer', minimum: 0, maximum: MAX_TIMER_MS },
    redis: { type: ['string', 'object'], minLength: 1 },
    logger: { type: 'object' },
    keyPrefix: { type: 'string' },
    storeTimeoutMs: { type: 'integer', minimum: 1, maximum: MAX_TIMER_MS },
    onStoreError: { enum: ['allow', 'deny'] },
    permitTimeoutMs: { type: 'integer', minimum: 1, maximum: MAX_TIMER_MS },
  },
} as const;

const hints: Record<string, string> = {
  requestsPerWindow: 'a positive integer',
  windowMs: 'a positive integer number of milliseconds, at most 2147483647',
  tokensPerWindow: 'a positive integer number of tokens',
  estimateTokens: 'a function (context) => number of tokens',
  byComponent: 'true or false',
  byUser: 'true or false',
  maxConcurrent: 'a positive integer',
  mode: "'reject' or 'queue'",
  maxWaitMs: 'a non-negative integer number of milliseconds',
  minTimeMs: 'a non-negative integer number of milliseconds',
  redis: 'a Redis URL, ioredis options or an ioredis Redis or Cluster client',
  logger: 'a logger with debug, info, warn and error methods',
  keyPrefix: 'a string',
  storeTimeoutMs: 'a positive integer number of milliseconds',
  onStoreError: "'allow' or 'deny'",
  permitTimeoutMs: 'a positive integer number of milliseconds',
};

let validate: ValidateFunction | undefined;

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}

function toIssue(error: ErrorObject, options: Record<string, unknown>): ConfigIssue {
  if (error.keyword === 'required') {
    const field = (error.params as { missingProperty: string }).missingProperty;
    return { path: `/${field}`, message: `is required: give ${hints[field] ?? 'a value'}` };
  }
  if (error.keyword === 'additionalProperties') {
    // Worded by core, as in every package.
    const [issue] = issuesFromAjv([error], options, optionsSchema);
    return issue!;
  }
  if (error.instancePath === '') return { path: '/', message: `${error.message}: pass an options object` };
  const field = error.instancePath.slice(1);
  return {
    path: error.instancePath,
    message: `${error.message}: give ${hints[field] ?? 'a valid value'}, got ${show(options[field])}`,
  };
}

/** Validates `options` with ajv and fills in the defaults; throws `HookConfigError` listing every bad field. */
export function resolveOptions(options: RateLimitingOptions): ResolvedRateLimitingOptions {
  validate ??= new Ajv({ allErrors: true, allowUnionTypes: true }).compile(optionsSchema);
  const issues: ConfigIssue[] = [];
  if (!validate(options)) {
    const seen = new Set<string>();
    for (const error of validate.errors ?? []) {
      const issue = toIssue(error, (options ?? {}) as unknown as Record<string, unknown>);
      if (!seen.has(issue.path)) issues.push(issue);
      seen.add(issue.path);
    }
  }
  const given = (options ?? {}) as Partial<RateLimitingOptions>;
  const { redis, logger } = given;
  if (given.estimateTokens !== undefined && typeof given.estimateTokens !== 'function') {
    issues.push({
      path: '/estimateTokens',
      message: `must be a function (context) => number of tokens, got ${show(given.estimateTokens)}`,
    });
  } else if (given.estimateTokens !== undefined && given.tokensPerWindow === undefined) {
    issues.push({
      path: '/estimateTokens',
      message: 'applies only with tokensPerWindow: set tokensPerWindow or remove it',
    });
  }
  if (given.mode !== 'queue') {
    for (const field of ['maxWaitMs', 'minTimeMs'] as const) {
      if (given[field] !== undefined) {
        issues.push({
          path: `/${field}`,
          message: "applies only in queue mode: set mode: 'queue' or remove it",
        });
      }
    }
  }
  if (issues.length > 0) throw new HookConfigError('RateLimitingHook', issues);

  const {
    requestsPerWindow,
    windowMs,
    byComponent = true,
    byUser = false,
    maxConcurrent,
    mode = 'reject',
    maxWaitMs = 10_000,
    minTimeMs = 0,
    keyPrefix = 'llmspell:ratelimit:',
    storeTimeoutMs = 1_000,
    onStoreError = 'allow',
    permitTimeoutMs = 600_000,
    tokensPerWindow,
    estimateTokens = defaultTokenEstimate,
  } = given as RateLimitingOptions;
  return {
    requestsPerWindow,
    windowMs,
    byComponent,
    byUser,
    maxConcurrent,
    mode,
    maxWaitMs,
    minTimeMs,
    redis,
    logger,
    keyPrefix,
    storeTimeoutMs,
    onStoreError,
    permitTimeoutMs,
    tokensPerWindow,
    estimateTokens,
  };
}
