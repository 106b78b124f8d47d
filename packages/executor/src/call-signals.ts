import type { HookContext } from '@llmspell/core';

/**
 * The abort plumbing of one run of a hook point: each hook's own signal (created only when the hook reads
 * `context.signal`), aborted on the hook's timeout or the caller's abort, and the one listener on the caller's
 * signal. Allocated only when a hook reads its signal or a hook goes async under an abortable context.
 */
export class CallSignals {
  #controller: AbortController | undefined;
  #controllerIndex = -1;
  /** Why each abandoned call's signal aborted (by hook index). */
  #abandoned: Map<number, unknown> | undefined;
  #onCallerAbort: (() => void) | undefined;

  constructor(
    readonly context: HookContext,
    /** Called when the caller aborts while the run is listening. */
    readonly onCallerAbort: () => void,
  ) {}

  /**
   * The signal hook `index` sees: an aborted one once it was abandoned, the caller's once it answered (or
   * when it is not the running hook), else its own, aborted on its timeout or the caller's abort.
   */
  signalFor(index: number, running: boolean): AbortSignal {
    const abandoned = this.#abandoned?.get(index);
    if (abandoned !== undefined) return AbortSignal.abort(abandoned);
    if (!running) return this.context.signal;
    if (this.#controllerIndex !== index || this.#controller === undefined) {
      const controller = new AbortController();
      this.#controller = controller;
      this.#controllerIndex = index;
      if (this.context.abortable) {
        const callerSignal = this.context.signal;
        if (callerSignal.aborted) controller.abort(callerSignal.reason);
        else this.listenToCaller();
      }
    }
    return this.#controller.signal;
  }

  /** Abandons hook `index`: its signal (if anyone looked) aborts with `reason`, now and on every later read. */
  abandon(index: number, reason: unknown): void {
    this.#abandoned ??= new Map();
    this.#abandoned.set(index, reason);
    if (this.#controllerIndex === index) this.#controller?.abort(reason);
  }

  /** Aborts the signal of hook `index` (a sync hook running while the caller aborted), if it was created. */
  abortRunning(index: number, reason: unknown): void {
    if (this.#controllerIndex === index) this.#controller?.abort(reason);
  }

  /** Listens once to the caller's signal (a no-op when already listening). */
  listenToCaller(): void {
    if (this.#onCallerAbort !== undefined) return;
    this.#onCallerAbort = this.onCallerAbort;
    this.context.signal.addEventListener('abort', this.#onCallerAbort, { once: true });
  }

  /** The run finished: stop listening to the caller. */
  dispose(): void {
    if (this.#onCallerAbort !== undefined) {
      this.context.signal.removeEventListener('abort', this.#onCallerAbort);
    }
  }
}
