import type { Hook, HookMetadata, HookPoint } from '@llmspell/core';

/** A hook as the registry holds it at one point; what `hooksFor()` returns, in run order. */
export interface RegisteredHook {
  readonly id: string;
  readonly hook: Hook;
  readonly point: HookPoint;
  /** The effective priority: the one given to `register()`, else `metadata().priority`, else 0. */
  readonly priority: number;
  /** `hook.metadata()`, read once at registration. */
  readonly metadata: Readonly<HookMetadata>;
  /** Registration sequence number: equal priorities run in this order. */
  readonly sequence: number;
}
