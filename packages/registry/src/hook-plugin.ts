import type { Hook, HookPoint } from '@llmspell/core';

/** A bundle of hooks registered and unregistered together. */
export interface HookPlugin {
  name: string;
  version: string;
  /** The `@llmspell/core` versions this plugin was built for (`^0.1.0`, `>=0.1.0 <0.3.0` …); checked at registration. */
  coreVersion?: string;
  /** The hooks to register: point, hook, and an optional priority. */
  hooks(): [HookPoint, Hook, number?][];
}
