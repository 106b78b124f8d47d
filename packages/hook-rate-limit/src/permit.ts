/** A concurrency slot held from a Before point to the After or Error point of the same operation. */
export interface Permit {
  /** Gives the slot back. Idempotent. */
  release(): void;
}

/** The permit of a call that holds no slot (no `maxConcurrent`): releasing it does nothing. */
export const NO_PERMIT: Permit = Object.freeze({ release() {} });
