/** One key's fixed window: calls counted so far (admitted or not) and when the window ends. */
export interface WindowEntry {
  /** Calls counted in this window, this one included. */
  count: number;
  /** When the window ends, on the `performance.now()` clock. */
  resetAt: number;
}
