import { type Hook, type HookMetadata, HookResult } from '@llmspell/core';

/** What `faultyHook` does. */
export interface FaultyHookOptions {
  /** The hook id. Default 'faulty-hook'. */
  id?: string;
  /** Throw this (any value, not only Errors). Applied after `delayMs`. */
  throws?: unknown;
  /** Wait this long before answering; `Infinity` never answers (it still honours `context.signal`). */
  delayMs?: number;
  /** Answer this (any value, even one that is not a HookResult). Default `HookResult.continue()`. */
  result?: unknown;
  /** Metadata to report, e.g. `{ failurePolicy: 'closed', timeoutMs: 50 }`. */
  metadata?: HookMetadata;
}

/** A hook that misbehaves on purpose: throws, hangs, answers late or returns garbage. `calls` counts executions. */
export function faultyHook(options: FaultyHookOptions = {}): Hook & { calls: number; aborted: number } {
  const { id = 'faulty-hook', throws, delayMs, result = HookResult.continue(), metadata = {} } = options;
  const hasThrow = 'throws' in options;
  const hook = {
    id,
    calls: 0,
    aborted: 0,
    metadata: () => metadata,
    execute(context: { signal: AbortSignal }) {
      hook.calls++;
      if (delayMs === undefined) {
        if (hasThrow) throw throws;
        return result as HookResult;
      }
      const { signal } = context;
      return new Promise<HookResult>((resolve, reject) => {
        const timer = Number.isFinite(delayMs)
          ? setTimeout(() => (hasThrow ? reject(throws) : resolve(result as HookResult)), delayMs)
          : undefined;
        signal.addEventListener(
          'abort',
          () => {
            hook.aborted++;
            clearTimeout(timer);
          },
          { once: true },
        );
      });
    },
  };
  return hook as Hook & { calls: number; aborted: number };
}
