/**
 * Why a call was refused: the window's call count, its tokens (`tokensPerWindow`), the concurrency cap, or
 * (queue mode) no capacity in time.
 */
export type RateLimitExceededKind = 'window' | 'tokens' | 'concurrency' | 'queue_timeout';

/** Payload of the `rate_limit.exceeded` event. */
export interface RateLimitExceededEvent {
  /** The key the limit applies to: component and/or user joined with ':', or 'global'. */
  limiterKey: string;
  /** The component name of the refused call. */
  component: string;
  kind: RateLimitExceededKind;
  /** Kind 'tokens': the tokens the call asked to reserve. */
  estimatedTokens?: number;
  /** Kind 'tokens': the tokens left in the key's window. */
  tokensRemaining?: number;
}

/** Payload of the `rate_limit.store_error` event. */
export interface RateLimitStoreErrorEvent {
  limiterKey: string;
  component: string;
  /** What went wrong with Redis. */
  error: string;
  /** What `onStoreError` made of it ('allow' for a failed settlement: the call has already run). */
  decision: 'allow' | 'deny';
  /** 'take': the decision at a Before point; 'settle': settling a call's tokens at After or Error. */
  operation: 'take' | 'settle';
}
