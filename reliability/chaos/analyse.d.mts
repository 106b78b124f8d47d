// Types of analyse.mjs for the tests that import it.

export interface ChaosCheck {
  check: string;
  value: string;
  expected: string;
  pass: boolean;
}

export interface ChaosAnalysis {
  passed: boolean;
  checks: ChaosCheck[];
  figures: Record<string, unknown>;
  notes: string[];
}

export interface ChaosRun {
  /** The soak's settings (chaos/settings.mjs). */
  settings: Record<string, unknown>;
  /** Each fault: its kind and when it started and ended (epoch ms). */
  faults: { kind: string; from: number; to: number }[];
  /** Each worker's report (every call), exit figures and how it exited. */
  workers: Record<string, unknown>[];
  /** The cost totals read from Redis, or undefined when unreadable. */
  stored: unknown;
  storeError: string | undefined;
  /** Each token-burst process's report (or why it has none), when `settings.tokenBurst` is set. */
  tokenBurst?: Record<string, unknown>[];
  orchestratorUnhandled: number;
  /** Whether the security scan refuses `text` outside the soak. Default: never. */
  refusedOutsideSoak?: (text: string) => boolean;
  /** The hostile worker's report, exit figures and how it exited; its checks are added when given. */
  hostile?: Record<string, unknown>;
}

/** Turns what the workers reported and what Redis holds into pass/fail checks, figures and notes. */
export function analyse(run: ChaosRun): ChaosAnalysis;
