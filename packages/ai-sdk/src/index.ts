export { InvalidModelOutputError } from './errors/invalid-model-output-error.js';
export type { HookedToolOptions, ToolCallInfo } from './hooked-tool.js';
export { hookedTool } from './hooked-tool.js';
export { hooksMiddleware } from './hooks-middleware.js';
export type { HooksMiddlewareOptions, ModelCallInfo } from './hooks-middleware-options.js';
export type { ModelInput } from './model-input.js';
export type { ModelOutput } from './model-output.js';
