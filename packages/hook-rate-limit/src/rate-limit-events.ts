/** Why a call was refused: the window count, the concurrency cap, or (queue mode) no capacity in time. */
export type RateLimitExceededKind = 'window' | 'concurrency' | 'queue_timeout';

/** Payload of the `rate_limit.exceeded` event. */
export interface RateLimitExceededEvent {
  /** The key the limit applies to: component and/or user joined with ':', or 'global'. */
  limiterKey: string;
  /** The component name of the refused call. */
  component: string;
  kind: RateLimitExceededKind;
}

/** Payload of the `rate_limit.store_error` event. */
export interface RateLimitStoreErrorEvent {
  limiterKey: string;
  component: string;
  /** What went wrong with Redis. */
  error: string;
  /** What `onStoreError` made of it. */
  decision: 'allow' | 'deny';
}
