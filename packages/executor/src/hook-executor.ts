import { type HookContext, type HookPoint, HookResult, silentLogger } from '@llmspell/core';
import type { HookRegistry, RegisteredHook } from '@llmspell/registry';
import { type CircuitBreakerConfig, resolveCircuitBreakerConfig } from './circuit-breaker.js';
import type { DispatchEnvironment } from './dispatch-environment.js';
import type { ExecutionOutcome } from './execution-outcome.js';
import { type HookExecutorOptions, validateExecutorOptions } from './executor-options.js';
import { HookSlot } from './hook-slot.js';
import type { HookStats } from './hook-stats.js';
import { PointRun } from './point-run.js';
import { Watchdog } from './watchdog.js';

const CONTINUE = HookResult.continue();

/**
 * Runs the hooks registered at a point, in priority order, and folds their answers into one outcome.
 * Enforces per-hook timeouts (one shared watchdog timer, armed only while a hook's promise is pending),
 * applies each hook's failure policy, and keeps a circuit breaker and statistics per (hook id, point).
 */
export class HookExecutor {
  readonly #registry: HookRegistry;
  readonly #environment: DispatchEnvironment;
  readonly #defaultTimeoutMs: number;
  readonly #breakerConfig: Required<CircuitBreakerConfig> | undefined;
  /** Slots by point, then hook id; they outlive re-registrations so counters and circuits carry on. */
  readonly #slots = new Map<HookPoint, Map<string, HookSlot>>();
  /** The slots lined up with each `hooksFor()` array (the registry hands out a new array on every change). */
  readonly #plans = new WeakMap<readonly RegisteredHook[], HookSlot[]>();

  constructor(registry: HookRegistry, options: HookExecutorOptions = {}) {
    validateExecutorOptions(registry, options);
    const {
      events,
      metrics,
      logger = silentLogger,
      defaultTimeoutMs = 1000,
      circuitBreaker = {},
      timingSampleInterval = 64,
    } = options;
    this.#registry = registry;
    this.#defaultTimeoutMs = defaultTimeoutMs;
    this.#breakerConfig = circuitBreaker === false ? undefined : resolveCircuitBreakerConfig(circuitBreaker);
    this.#environment = { events, metrics, logger, watchdog: new Watchdog(), timingSampleInterval };
  }

  /**
   * Runs every enabled hook at `point` against `context` and resolves with the decisive result and one record
   * per hook. Never rejects because of a hook: failures, timeouts and invalid answers are recorded instead.
   */
  execute(point: HookPoint, context: HookContext): Promise<ExecutionOutcome> {
    if (typeof (context as Partial<HookContext> | undefined)?.withSignal !== 'function') {
      return Promise.reject(
        new TypeError(
          `HookExecutor.execute(point, context) needs a HookContext from @llmspell/core as context`,
        ),
      );
    }
    try {
      const outcome = this.dispatch(point, context);
      return outcome instanceof Promise ? outcome : Promise.resolve(outcome);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * @internal `execute` for the lifecycle: the outcome itself when every hook answered synchronously (no promise
   * to await per stream delta), else a promise of it. `context` must be a HookContext.
   */
  dispatch(point: HookPoint, context: HookContext): ExecutionOutcome | Promise<ExecutionOutcome> {
    const hooks = this.#registry.hooksFor(point);
    if (hooks.length === 0) return { result: CONTINUE, records: [] };
    return new PointRun(this.#environment, point, context, hooks, this.#plan(point, hooks)).start();
  }

  /**
   * @internal The Error point as cleanup: every hook at `point` except those whose ids are in `skip` (they
   * already saw this end of the call) runs, and no result stops the run. Never rejects.
   */
  cleanup(point: HookPoint, context: HookContext, skip?: ReadonlySet<string>): Promise<ExecutionOutcome> {
    try {
      let hooks = this.#registry.hooksFor(point);
      if (hooks.length === 0) return Promise.resolve({ result: CONTINUE, records: [] });
      let plan = this.#plan(point, hooks);
      if (skip !== undefined && skip.size > 0) {
        const kept = hooks.flatMap((entry, index) => (skip.has(entry.id) ? [] : [index]));
        hooks = kept.map((index) => hooks[index]!);
        plan = kept.map((index) => plan[index]!);
      }
      const run = new PointRun(this.#environment, point, context, hooks, plan);
      run.runsAll = true;
      return Promise.resolve(run.start());
    } catch (error) {
      this.#environment.logger.warn({ error, hookPoint: point }, 'The cleanup run of the Error point failed');
      return Promise.resolve({ result: CONTINUE, records: [] });
    }
  }

  /**
   * @internal How many characters the hooks at a stream point hold back (the largest `streamHoldBackChars`
   * among them), or -1 when no hook is registered there.
   */
  holdBackAt(point: HookPoint): number {
    const hooks = this.#registry.hooksFor(point);
    if (hooks.length === 0) return -1;
    let holdBack = 0;
    for (const entry of hooks) {
      const chars = entry.metadata.streamHoldBackChars;
      if (chars !== undefined && chars > holdBack) holdBack = chars;
    }
    return holdBack;
  }

  /** Counters, recent duration percentiles and circuit state per (hook id, point), for every hook run so far. */
  stats(): HookStats[] {
    const all: HookStats[] = [];
    for (const byId of this.#slots.values()) {
      for (const slot of byId.values()) all.push(slot.stats());
    }
    return all;
  }

  #plan(point: HookPoint, hooks: readonly RegisteredHook[]): HookSlot[] {
    const cached = this.#plans.get(hooks);
    if (cached !== undefined) return cached;
    let byId = this.#slots.get(point);
    if (byId === undefined) {
      byId = new Map();
      this.#slots.set(point, byId);
    }
    const plan = hooks.map((entry) => {
      let slot = byId.get(entry.id);
      if (slot === undefined) {
        slot = new HookSlot(entry.id, point, this.#defaultTimeoutMs, this.#breakerConfig);
        byId.set(entry.id, slot);
      }
      const warning = slot.configure(entry.metadata, this.#defaultTimeoutMs);
      if (warning !== undefined)
        this.#environment.logger.warn({ hookId: entry.id, hookPoint: point }, warning);
      return slot;
    });
    this.#plans.set(hooks, plan);
    return plan;
  }
}
