import type { HookContext, Logger } from '@llmspell/core';
import type { RedisWindowStore } from './redis-window-store.js';
import {
  reservedTokens,
  reserveInWindow,
  settledTokens,
  type TokenOutcome,
  type TokenReservation,
} from './token-reservation.js';
import type { WindowEntry } from './window-entry.js';

/** Options of `TokenLedger`, already validated by the hook. */
export interface TokenLedgerOptions {
  /** `tokensPerWindow`. */
  limit: number;
  requestsPerWindow: number;
  estimateTokens: (context: HookContext) => number;
  logger: Logger;
  /** The Redis windows, when the limit is shared across processes. */
  shared: RedisWindowStore | undefined;
  /** True when a Before point can still be waiting after its operation ended (queue mode, Redis). */
  beforeMayOutliveCall: boolean;
  /** Where a reservation lives in `context.state` (one key per hook instance). */
  stateKey: string;
  /** Reports a failed settlement on Redis (the reservation then stands until its window ends). */
  onSettleError: (context: HookContext, limiterKey: string, error: unknown) => void;
}

/** What one decision took from a window: the entry, the token outcome and (Redis) the window's id. */
export interface Taken {
  entry: WindowEntry;
  tokens: TokenOutcome;
  windowId?: string | undefined;
}

/** Left in `context.state` when After/Error ran before a waiting Before made its reservation. */
const RELEASED = Symbol('tokens released');

/**
 * The token side of a rate limit: what a call reserves at Before (its estimate), and how After settles it
 * (`data.tokensUsed`) or an Error point releases it, in the window the reservation was taken in.
 */
export class TokenLedger {
  readonly limit: number;
  readonly #options: TokenLedgerOptions;

  constructor(options: TokenLedgerOptions) {
    this.limit = options.limit;
    this.#options = options;
  }

  /** The tokens the call asks to reserve (`estimateTokens`, or the default estimate when that misbehaves). */
  estimate(context: HookContext): number {
    return reservedTokens(this.#options.estimateTokens, context, this.#options.logger);
  }

  /** Reserves `estimate` tokens in an in-process window that admitted the call by its count. */
  reserveLocal(entry: WindowEntry, estimate: number): TokenOutcome {
    if (entry.count > this.#options.requestsPerWindow) return 'none';
    return reserveInWindow(entry, estimate, this.limit) ? 'reserved' : 'refused';
  }

  /** One Redis round trip that counts the call and reserves its tokens. */
  async takeShared(limiterKey: string, estimate: number): Promise<Taken> {
    const { requestsPerWindow, shared } = this.#options;
    const entry = await shared!.takeTokens(limiterKey, requestsPerWindow, this.limit, estimate);
    const tokens = entry.count > requestsPerWindow ? 'none' : entry.reserved ? 'reserved' : 'refused';
    return { entry, tokens, windowId: entry.windowId };
  }

  /** Keeps an admitted call's reservation for its After or Error point; releases it if that already ran. */
  hold(
    context: HookContext,
    limiterKey: string,
    estimate: number,
    entry: WindowEntry,
    windowId: string | undefined,
  ): void {
    const reservation: TokenReservation = { limiterKey, estimate, entry, windowId };
    const { stateKey } = this.#options;
    // The executor stopped waiting for this hook (its timeout, the caller's abort): its writes no longer reach the
    // operation, so nothing would ever settle a reservation kept in its state. Give the tokens back now.
    if (context.abortable && context.signal.aborted) {
      void this.#apply(context, reservation, -estimate);
      return;
    }
    if (this.#options.beforeMayOutliveCall && context.state.get(stateKey) === RELEASED) {
      context.state.delete(stateKey);
      void this.#apply(context, reservation, -estimate);
      return;
    }
    context.state.set(stateKey, reservation);
  }

  /** Settles the call's tokens once: what it used (After), or nothing (an Error point without reported usage). */
  settle(context: HookContext, failed: boolean): void | Promise<void> {
    const { state } = context;
    const { stateKey } = this.#options;
    const reservation = state.get(stateKey) as TokenReservation | typeof RELEASED | undefined;
    if (reservation === undefined) {
      if (this.#options.beforeMayOutliveCall) state.set(stateKey, RELEASED);
      return;
    }
    if (reservation === RELEASED) return;
    state.delete(stateKey);
    const used = settledTokens(context.data, failed);
    if (used === undefined || used === reservation.estimate) return;
    return this.#apply(context, reservation, used - reservation.estimate);
  }

  /** Adds `delta` tokens to the window the reservation was taken in, if that window is still current. */
  #apply(context: HookContext, reservation: TokenReservation, delta: number): void | Promise<void> {
    const { entry, windowId, limiterKey } = reservation;
    if (windowId === undefined) {
      if (entry.resetAt > performance.now()) entry.tokens = Math.max(0, entry.tokens + delta);
      return;
    }
    return this.#options.shared!.settleTokens(limiterKey, windowId, delta).catch((error: unknown) => {
      // The reservation stands until its window ends: a window can admit fewer tokens, never more.
      this.#options.onSettleError(context, limiterKey, error);
    });
  }
}
