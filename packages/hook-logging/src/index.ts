export type { LoggingHookOptions } from './logging-hook.js';
export { LoggingHook } from './logging-hook.js';
export { SECRET_KEY_PATTERN } from './redact.js';
