import type { Hook, HookPoint } from '@llmspell/core';

/** A bundle of hooks registered and unregistered together. */
export interface HookPlugin {
  name: string;
  version: string;
  /** The `@llmspell/core` semver range this plugin was built for (e.g. `^0.1.0`); checked at registration. */
  coreVersion?: string;
  /** The hooks to register: point, hook, and an optional priority. */
  hooks(): [HookPoint, Hook, number?][];
}
