// 5. Rate limit decision: RateLimitingHook (in process, and Redis-shared) against rate-limiter-flexible
// (memory, and Redis) on the same Redis, over the same 1,000 user keys.
import { RateLimitingHook } from '@llmspell/hook-rate-limit';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { cycle, userContexts } from '../fixtures.mjs';
import { formatRatio, formatTime, interleave, pairedRatio } from '../harness.mjs';

const USERS = 1_000;
/** Large enough that no call is ever refused: the benchmark times the admission decision. */
const LIMIT = 1_000_000_000_000;

function assertAdmitted(result, side) {
  if (result.type !== 'continue')
    throw new Error(`${side} refused a call (${result.type}); the limit is too low`);
}

export const rateLimit = {
  id: 'rate-limit',
  title: '5. Rate limit decision',
  async run({ profile, redis }) {
    const client = new Redis(redis.url, { lazyConnect: true });
    await client.connect();
    const contexts = userContexts('limit-bench-agent', USERS);
    const keys = contexts.map((context) => `limit-bench-agent:${context.metadata.userId}`);
    const options = { requestsPerWindow: LIMIT, windowMs: 60_000, byUser: true };

    const localHook = new RateLimitingHook(options);
    const sharedHook = new RateLimitingHook({ ...options, redis: client, keyPrefix: 'bench:hook:' });
    // The same limits plus a token limit no call reaches, with the default estimate (prompt bytes + max output).
    const tokenOptions = { ...options, tokensPerWindow: Number.MAX_SAFE_INTEGER };
    const localTokenHook = new RateLimitingHook(tokenOptions);
    const sharedTokenHook = new RateLimitingHook({
      ...tokenOptions,
      redis: client,
      keyPrefix: 'bench:tokens:',
    });
    for (const hook of [localHook, sharedHook, localTokenHook, sharedTokenHook]) hook.onRegister();
    const promptContexts = userContexts('limit-bench-agent', USERS);
    for (const context of promptContexts) {
      context.data.input = { text: 'Summarise the attached quarterly report in three bullet points.' };
      context.data.maxTokens = 256;
    }
    const memoryLimiter = new RateLimiterMemory({ points: LIMIT, duration: 60 });
    const redisLimiter = new RateLimiterRedis({
      storeClient: client,
      points: LIMIT,
      duration: 60,
      keyPrefix: 'bench:rlf',
    });
    assertAdmitted(localHook.execute(contexts[0]), 'RateLimitingHook');
    assertAdmitted(await sharedHook.execute(contexts[0]), 'RateLimitingHook (Redis)');
    assertAdmitted(localTokenHook.execute(promptContexts[0]), 'RateLimitingHook (tokens)');
    assertAdmitted(await sharedTokenHook.execute(promptContexts[0]), 'RateLimitingHook (tokens, Redis)');

    const local = await interleave(
      [
        { label: 'RateLimiterMemory.consume (awaited)', fn: consumeFrom(memoryLimiter, cycle(keys)) },
        { label: 'RateLimitingHook in process (awaited)', fn: awaited(localHook, cycle(contexts)) },
        {
          label: 'RateLimitingHook in process (sync, as the executor calls it)',
          fn: synchronous(localHook, cycle(contexts)),
        },
      ],
      profile,
      { batch: true },
    );
    const shared = await interleave(
      [
        { label: 'RateLimiterRedis.consume', fn: consumeFrom(redisLimiter, cycle(keys)) },
        { label: 'RateLimitingHook with redis (Redis-shared)', fn: awaited(sharedHook, cycle(contexts)) },
      ],
      profile,
      { batch: false },
    );
    const [memory, hookAwaited, hookSync] = local;
    const [rlfRedis, hookRedis] = shared;
    // The token decision against the request decision it extends: Before only (the reservation stays; the
    // limit is never reached), the same keys, the same store.
    const [requestLocal, tokenLocal] = await interleave(
      [
        { label: 'request limit, in process (sync)', fn: synchronous(localHook, cycle(promptContexts)) },
        {
          label: 'request + token limit, in process (sync)',
          fn: synchronous(localTokenHook, cycle(promptContexts)),
        },
      ],
      profile,
      { batch: true },
    );
    const [requestRedis, tokenRedis] = await interleave(
      [
        { label: 'request limit, Redis-shared', fn: awaited(sharedHook, cycle(promptContexts)) },
        { label: 'request + token limit, Redis-shared', fn: awaited(sharedTokenHook, cycle(promptContexts)) },
      ],
      profile,
      { batch: false },
    );
    const tokenLocalRatio = pairedRatio(tokenLocal, requestLocal);
    const tokenRedisRatio = pairedRatio(tokenRedis, requestRedis);
    const rows = [
      [memory.label, formatTime(memory.ns), '1.00×'],
      [hookAwaited.label, formatTime(hookAwaited.ns), formatRatio(pairedRatio(hookAwaited, memory))],
      [hookSync.label, formatTime(hookSync.ns), formatRatio(pairedRatio(hookSync, memory))],
      [rlfRedis.label, formatTime(rlfRedis.ns), '1.00×'],
      [hookRedis.label, formatTime(hookRedis.ns), formatRatio(pairedRatio(hookRedis, rlfRedis))],
    ];
    const tokenRows = [
      [requestLocal.label, formatTime(requestLocal.ns), '1.00×'],
      [tokenLocal.label, formatTime(tokenLocal.ns), formatRatio(tokenLocalRatio)],
      [requestRedis.label, formatTime(requestRedis.ns), '1.00×'],
      [tokenRedis.label, formatTime(tokenRedis.ns), formatRatio(tokenRedisRatio)],
    ];

    for (const hook of [localHook, sharedHook, localTokenHook, sharedTokenHook]) await hook.onUnregister();
    client.disconnect();
    return {
      intro:
        `Reject mode, ${USERS.toLocaleString('en')} user keys in turn, a limit no call reaches (the cost of ` +
        'admitting). Ratios are to rate-limiter-flexible on the same store: the in-process hook against ' +
        '`RateLimiterMemory`, the Redis-shared hook against `RateLimiterRedis` on the same server and client.',
      columns: ['measurement', 'median per call', 'vs rate-limiter-flexible (round range)'],
      rows,
      extraTables: [
        {
          caption:
            'Token limit (`tokensPerWindow`, default estimate from a 64-byte prompt and `maxTokens` 256) against the ' +
            'request limit alone, Before point only, same keys and store:',
          columns: ['decision', 'median per call', 'vs the request limit (round range)'],
          rows: tokenRows,
        },
      ],
      goals: [
        {
          text: 'token-limit decision ≤ 1.5× the request-limit decision, in process',
          measured: formatRatio(tokenLocalRatio),
          met: tokenLocalRatio.ratio <= 1.5,
        },
        {
          text: 'token-limit decision ≤ 1.5× the request-limit decision, on Redis',
          measured: formatRatio(tokenRedisRatio),
          met: tokenRedisRatio.ratio <= 1.5,
        },
      ],
    };
  },
};

function consumeFrom(limiter, next) {
  return () => limiter.consume(next());
}

function awaited(hook, next) {
  return async () => {
    const result = await hook.execute(next());
    if (result.type !== 'continue') throw new Error(`RateLimitingHook refused a call: ${result.type}`);
  };
}

function synchronous(hook, next) {
  return () => hook.execute(next());
}
