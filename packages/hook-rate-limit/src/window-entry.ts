/** One key's fixed window: calls counted so far (admitted or not), tokens held, and when the window ends. */
export interface WindowEntry {
  /** Calls counted in this window, this one included. */
  count: number;
  /** When the window ends, on the `performance.now()` clock. */
  resetAt: number;
  /** Tokens used and reserved in this window (token limits only; 0 otherwise). */
  tokens: number;
}
