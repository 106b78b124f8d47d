// One file on purpose: a decision (window count, tokens, concurrency permit, queue wait, store failure) is one
// sequence whose steps share the call's key, entry and permit; the token ledger, the window stores, the permit
// limiters and the queue gate live in their own modules.
import {
  consoleLogger,
  type Hook,
  type HookContext,
  type HookMetadata,
  HookResult,
  isAfterPoint,
  isBeforePoint,
  isErrorPoint,
  Priority,
} from '@llmspell/core';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import { FixedWindowCounter } from './fixed-window-counter.js';
import { limiterKey } from './limiter-key.js';
import { NO_PERMIT, type Permit } from './permit.js';
import { QueueGate } from './queue-gate.js';
import type {
  RateLimitExceededEvent,
  RateLimitExceededKind,
  RateLimitStoreErrorEvent,
} from './rate-limit-events.js';
import {
  type RateLimitInfo,
  type RateLimitingOptions,
  type ResolvedRateLimitingOptions,
  resolveOptions,
} from './rate-limiting-options.js';
import { RedisWindowStore } from './redis-window-store.js';
import { type Taken, TokenLedger } from './token-ledger.js';
import type { TokenOutcome } from './token-reservation.js';
import type { WindowEntry } from './window-entry.js';

const CONTINUE = HookResult.continue();
const EXCEEDED = Object.freeze(HookResult.cancel('Rate limit exceeded'));
const STORE_UNAVAILABLE = Object.freeze(HookResult.cancel('Rate limit store unavailable'));
/** Left in `context.state` when After/Error ran before a queued Before got its permit. */
const RELEASED = Symbol('released');
/** Time allowed on top of the hook's own waits before the executor may call it timed out. */
const METADATA_TIMEOUT_MARGIN_MS = 1_000;

const exceededLabels: Record<RateLimitExceededKind, Record<string, string>> = {
  window: Object.freeze({ kind: 'window' }),
  tokens: Object.freeze({ kind: 'tokens' }),
  concurrency: Object.freeze({ kind: 'concurrency' }),
  queue_timeout: Object.freeze({ kind: 'queue_timeout' }),
};

let instanceCount = 0;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    // Not unref'd: the caller is waiting on it.
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

/**
 * Exact per-key rate limits. At Before points a call is counted in its key's fixed window: exactly
 * `requestsPerWindow` calls per window are admitted, the rest are cancelled ('reject') or wait for the next
 * window ('queue'). Counts live in this process, or in Redis to share one limit across processes. After and
 * Error points release the concurrency permit the Before point took and answer `continue`.
 */
export class RateLimitingHook implements Hook {
  /** Always 'rate-limiter'. */
  readonly id = 'rate-limiter';
  readonly #options: ResolvedRateLimitingOptions;
  readonly #stateKey: string;
  readonly #counter: FixedWindowCounter | undefined;
  readonly #shared: RedisWindowStore | undefined;
  readonly #permits: ConcurrencyLimiter | undefined;
  readonly #gate: QueueGate | undefined;
  readonly #holdsPermits: boolean;
  readonly #metadata: HookMetadata;
  readonly #tokens: TokenLedger | undefined;

  /** Validates `options` (throws `HookConfigError` listing every bad field). */
  constructor(options: RateLimitingOptions) {
    const resolved = resolveOptions(options);
    const { windowMs, maxConcurrent, mode, minTimeMs, maxWaitMs, redis, storeTimeoutMs, permitTimeoutMs } =
      resolved;
    this.#options = resolved;
    this.#stateKey = `rate-limiter:permit:${++instanceCount}`;
    this.#holdsPermits = maxConcurrent !== undefined;
    if (redis === undefined) {
      this.#counter = new FixedWindowCounter(windowMs);
    } else {
      this.#shared = new RedisWindowStore({
        connection: redis,
        windowMs,
        keyPrefix: resolved.keyPrefix,
        timeoutMs: storeTimeoutMs,
        logger: resolved.logger,
      });
    }
    if (resolved.tokensPerWindow !== undefined) {
      this.#tokens = new TokenLedger({
        limit: resolved.tokensPerWindow,
        requestsPerWindow: resolved.requestsPerWindow,
        estimateTokens: resolved.estimateTokens,
        logger: resolved.logger ?? consoleLogger('warn'),
        shared: this.#shared,
        beforeMayOutliveCall: redis !== undefined || mode === 'queue',
        stateKey: `rate-limiter:tokens:${instanceCount}`,
        onSettleError: (context, key, error) =>
          this.#reportStoreError(context, key, error, 'allow', 'settle'),
      });
    }
    if (mode === 'queue') {
      if (maxConcurrent !== undefined || minTimeMs > 0) {
        this.#gate = new QueueGate({ maxConcurrent, minTimeMs, permitTimeoutMs });
      }
    } else if (maxConcurrent !== undefined) {
      this.#permits = new ConcurrencyLimiter(maxConcurrent, permitTimeoutMs);
    }
    const storeWaitMs = redis === undefined ? 0 : storeTimeoutMs;
    const ownWaitMs = mode === 'queue' ? maxWaitMs + storeWaitMs : storeWaitMs;
    this.#metadata = Object.freeze({
      name: 'rate-limiter',
      description: `At most ${resolved.requestsPerWindow} calls${
        resolved.tokensPerWindow === undefined ? '' : ` and ${resolved.tokensPerWindow} tokens`
      } per ${windowMs} ms per key (${mode} mode)`,
      tags: ['rate-limit'],
      priority: Priority.High,
      failurePolicy: 'open',
      // The executor must not give up on a call while the hook is still within its own bounded waits, nor
      // count such a wait as a slow call: an open circuit would skip the hook, turning onStoreError 'deny'
      // and queue mode into 'admit everything'.
      ...(ownWaitMs > 0
        ? {
            timeoutMs: ownWaitMs + METADATA_TIMEOUT_MARGIN_MS,
            slowCallMs: ownWaitMs + METADATA_TIMEOUT_MARGIN_MS,
          }
        : {}),
    });
  }

  /** Priority High, fail-open; in queue mode or with Redis, `timeoutMs` and `slowCallMs` that cover the hook's own waits. */
  metadata(): HookMetadata {
    return this.#metadata;
  }

  /**
   * Before points: count the call (and reserve its tokens) and admit, wait or cancel. After and Error points:
   * release the permit and settle the tokens.
   */
  execute(context: HookContext): HookResult | Promise<HookResult> {
    const point = context.hookPoint;
    if (isBeforePoint(point)) return this.#before(context);
    const failed = isErrorPoint(point);
    if (failed || isAfterPoint(point)) {
      if (this.#holdsPermits) this.#release(context);
      const settled = this.#tokens?.settle(context, failed);
      if (settled !== undefined) return settled.then(() => CONTINUE);
    }
    return CONTINUE;
  }

  /** Starts connecting a Redis client the hook owns. */
  onRegister(): void {
    this.#shared?.connect();
  }

  /** Closes the Redis client the hook owns and stops its background sweeps; counts already taken stay. */
  async onUnregister(): Promise<void> {
    this.#counter?.stop();
    this.#permits?.stop();
    await this.#gate?.close();
    await this.#shared?.close();
  }

  #limiterKey(context: HookContext): string {
    const { byComponent, byUser } = this.#options;
    const user = byUser ? context.metadata.userId : undefined;
    return limiterKey(
      byComponent ? context.componentId.name : undefined,
      typeof user === 'string' && user !== '' ? user : undefined,
    );
  }

  #before(context: HookContext): HookResult | Promise<HookResult> {
    const key = this.#limiterKey(context);
    let estimate = 0;
    const tokens = this.#tokens;
    if (tokens !== undefined) {
      estimate = tokens.estimate(context);
      // No window could ever hold it: refuse at once, without counting the call or waiting in a queue.
      if (estimate > tokens.limit) return this.#exceeded(context, key, 'tokens', estimate);
    }
    if (this.#options.mode === 'queue') return this.#queued(context, key, estimate);
    let permit: Permit | undefined;
    if (this.#permits !== undefined) {
      permit = this.#permits.tryAcquire(key, performance.now());
      if (permit === undefined) return this.#exceeded(context, key, 'concurrency');
    }
    if (this.#counter !== undefined) {
      const now = performance.now();
      const entry = this.#counter.take(key, now);
      const outcome = tokens === undefined ? 'none' : tokens.reserveLocal(entry, estimate);
      return this.#decide(context, key, entry, now, permit, outcome, estimate);
    }
    return this.#takeShared(context, key, permit, estimate);
  }

  /** One Redis round trip: the call's count, and its tokens when a token limit is set. */
  async #takeFromRedis(key: string, estimate: number): Promise<Taken> {
    if (this.#tokens !== undefined) return this.#tokens.takeShared(key, estimate);
    return { entry: await this.#shared!.take(key), tokens: 'none' };
  }

  async #takeShared(
    context: HookContext,
    key: string,
    permit: Permit | undefined,
    estimate: number,
  ): Promise<HookResult> {
    let taken: Taken;
    try {
      taken = await this.#takeFromRedis(key, estimate);
    } catch (error) {
      return this.#storeFailed(context, key, error, permit);
    }
    const { entry, tokens, windowId } = taken;
    return this.#decide(context, key, entry, performance.now(), permit, tokens, estimate, windowId);
  }

  async #queued(context: HookContext, key: string, estimate: number): Promise<HookResult> {
    const { maxWaitMs, requestsPerWindow } = this.#options;
    const signal = context.signal;
    const startedAt = performance.now();
    const deadline = startedAt + maxWaitMs;
    let permit: Permit = NO_PERMIT;
    if (this.#gate !== undefined) {
      const acquired = await this.#gate.acquire(key, maxWaitMs, signal);
      if (acquired === undefined) return this.#exceeded(context, key, 'queue_timeout');
      permit = acquired;
    }
    for (;;) {
      let entry: WindowEntry;
      let tokens: TokenOutcome;
      let windowId: string | undefined;
      if (this.#counter !== undefined) {
        entry = this.#counter.take(key, performance.now());
        tokens = this.#tokens === undefined ? 'none' : this.#tokens.reserveLocal(entry, estimate);
      } else {
        try {
          ({ entry, tokens, windowId } = await this.#takeFromRedis(key, estimate));
        } catch (error) {
          return this.#storeFailed(context, key, error, permit);
        }
      }
      const now = performance.now();
      // The count and the tokens restart when the window ends; +1 ms so the retry lands in the new window.
      const untilResetMs = Math.max(1, Math.ceil(entry.resetAt - now) + 1);
      const admitted = entry.count <= requestsPerWindow && tokens !== 'refused';
      if (admitted || now + untilResetMs > deadline || signal.aborted) {
        if (admitted) context.metrics.observe('rate_limit_wait_ms', now - startedAt);
        return this.#decide(context, key, entry, now, permit, tokens, estimate, windowId);
      }
      await sleep(untilResetMs, signal);
      if (signal.aborted) {
        permit.release();
        return this.#exceeded(context, key, 'queue_timeout');
      }
    }
  }

  #decide(
    context: HookContext,
    key: string,
    entry: WindowEntry,
    now: number,
    permit: Permit | undefined,
    tokens: TokenOutcome = 'none',
    estimate = 0,
    windowId?: string,
  ): HookResult {
    const limit = this.#options.requestsPerWindow;
    const inWindow = entry.count <= limit;
    const remaining = inWindow ? limit - entry.count : 0;
    const resetMs = Math.max(0, Math.ceil(entry.resetAt - now));
    const ledger = this.#tokens;
    // One object literal per shape: adding `tokens` afterwards would change its hidden class on every call.
    const tokensRemaining = ledger === undefined ? 0 : Math.max(0, ledger.limit - entry.tokens);
    const info: RateLimitInfo =
      ledger === undefined
        ? { limit, remaining, resetMs }
        : {
            limit,
            remaining,
            resetMs,
            tokens: { limit: ledger.limit, remaining: tokensRemaining, estimate },
          };
    context.data.rateLimit = info;
    if (!inWindow || tokens === 'refused') {
      permit?.release();
      return inWindow
        ? this.#exceeded(context, key, 'tokens', estimate, tokensRemaining)
        : this.#exceeded(context, key, 'window');
    }
    if (permit !== undefined) this.#hold(context, permit);
    if (tokens === 'reserved') ledger!.hold(context, key, estimate, entry, windowId);
    context.metrics.increment('rate_limit_admitted');
    return CONTINUE;
  }

  #exceeded(
    context: HookContext,
    key: string,
    kind: RateLimitExceededKind,
    estimatedTokens?: number,
    tokensRemaining?: number,
  ): HookResult {
    context.metrics.increment('rate_limit_exceeded', 1, exceededLabels[kind]);
    const payload: RateLimitExceededEvent = { limiterKey: key, component: context.componentId.name, kind };
    if (estimatedTokens !== undefined) payload.estimatedTokens = estimatedTokens;
    if (tokensRemaining !== undefined) payload.tokensRemaining = tokensRemaining;
    context.emitEvent('rate_limit.exceeded', payload);
    return EXCEEDED;
  }

  #reportStoreError(
    context: HookContext,
    key: string,
    error: unknown,
    decision: 'allow' | 'deny',
    operation: 'take' | 'settle',
  ): void {
    context.metrics.increment('rate_limit_store_errors');
    const payload: RateLimitStoreErrorEvent = {
      limiterKey: key,
      component: context.componentId.name,
      error: describe(error),
      decision,
      operation,
    };
    context.emitEvent('rate_limit.store_error', payload);
  }

  #storeFailed(context: HookContext, key: string, error: unknown, permit: Permit | undefined): HookResult {
    const decision = this.#options.onStoreError;
    this.#reportStoreError(context, key, error, decision, 'take');
    if (decision === 'deny') {
      permit?.release();
      return STORE_UNAVAILABLE;
    }
    if (permit !== undefined) this.#hold(context, permit);
    context.metrics.increment('rate_limit_admitted');
    return CONTINUE;
  }

  #hold(context: HookContext, permit: Permit): void {
    if (permit === NO_PERMIT) return;
    if (context.signal.aborted) {
      // The executor stopped waiting for this hook (its timeout, the caller's abort): its writes no longer reach
      // the operation, so nothing would ever release a permit kept in its state.
      permit.release();
      return;
    }
    const state = context.state;
    const existing = state.get(this.#stateKey);
    if (existing === RELEASED) {
      // The operation already finished (the executor stopped waiting for this hook): give the slot back.
      state.delete(this.#stateKey);
      permit.release();
    } else if (existing !== undefined) {
      // One permit per operation, even when the hook sits at two Before points of it.
      permit.release();
    } else {
      state.set(this.#stateKey, permit);
    }
  }

  #release(context: HookContext): void {
    const state = context.state;
    const held = state.get(this.#stateKey);
    if (held === undefined) {
      // A queued Before may still be waiting for its permit; it will find this and give the permit back.
      if (this.#gate !== undefined) state.set(this.#stateKey, RELEASED);
      return;
    }
    if (held !== RELEASED) {
      (held as Permit).release();
      state.delete(this.#stateKey);
    }
  }
}
