export type { HookPlugin } from './hook-plugin.js';
export type { HookRegistration, RegistryStats } from './hook-registry.js';
export { HookRegistry } from './hook-registry.js';
export type { RegisteredHook } from './registered-hook.js';
