export type { LoggingHookOptions } from './logging-hook.js';
export { LoggingHook } from './logging-hook.js';
export { isSecretKey } from './secret-keys.js';
