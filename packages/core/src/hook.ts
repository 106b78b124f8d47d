import type { HookContext } from './hook-context.js';
import type { HookResult } from './hook-result.js';

/** What a hook says about itself. Every field is optional. */
export interface HookMetadata {
  name?: string;
  description?: string;
  version?: string;
  tags?: string[];
  /** Used when `register()` is given no priority. Default `Priority.Normal` (0). */
  priority?: number;
  /** Overrides the executor's default timeout for this hook. */
  timeoutMs?: number;
  /** On throw or timeout: 'open' goes on (default), 'closed' cancels the operation. */
  failurePolicy?: 'open' | 'closed';
  /**
   * A call at least this long counts as slow for this hook's circuit breaker, overriding the executor's
   * `circuitBreaker.slowCallMs`. For hooks that wait by design (a cache's single-flight wait). Default: the executor's.
   */
  slowCallMs?: number;
  /**
   * At `AgentStreamChunk`: how many characters after any character this hook must see before that character
   * may reach the reader, so a match of up to `streamHoldBackChars + 1` characters split across deltas is judged
   * whole. The point holds back the largest value among its hooks. An integer ≥ 0; default 0.
   */
  streamHoldBackChars?: number;
}

/** A hook: code that runs at a hook point and answers with a `HookResult`. */
export interface Hook {
  /** Unique within a hook point of a registry. */
  readonly id: string;
  metadata?(): HookMetadata;
  /** Sync results are allowed and take the executor's fast path. */
  execute(context: HookContext): HookResult | Promise<HookResult>;
  /** Called once when the hook first joins a registry. */
  onRegister?(): void | Promise<void>;
  /** Called once when the hook has left every point of a registry: release timers, sockets, clients here. */
  onUnregister?(): void | Promise<void>;
}
