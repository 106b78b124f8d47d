import type { LanguageModelMiddleware } from 'ai';
import { callSetup } from './call-setup.js';
import { generateThrough } from './generate-call.js';
import type { HooksMiddlewareOptions } from './hooks-middleware-options.js';
import { streamThrough } from './stream-call.js';
import { validateMiddlewareOptions } from './validate-options.js';

/**
 * Language-model middleware (`wrapLanguageModel` of AI SDK 6 and 7) that runs each `doGenerate` / `doStream` call
 * as one operation of an agent through BeforeAgentExecution, AgentStreamChunk (streams), AfterAgentExecution and
 * AgentError — the executor's one lifecycle; this package only maps AI SDK calls to hook data and back.
 *
 * Before gets `data.input` = { text: the last user message, messages, settings? } and `data.model`. cancel →
 * the call rejects with `HookCancelledError`; cache / replace → a well-formed result without calling the model
 * (a replayed stream for `doStream`); modified → the model sees the modified prompt; redirect → a model of
 * `redirects`. A stream's text passes the AgentStreamChunk hooks before it reaches the reader. After gets
 * `data.output` = { text }, `data.model` and `data.tokensUsed`; a generate call awaits it, a stream runs it
 * when the stream finishes.
 */
export function hooksMiddleware(options: HooksMiddlewareOptions): LanguageModelMiddleware {
  validateMiddlewareOptions(options);
  const setup = callSetup(options);
  return {
    // AI SDK 6 requires 'v3'; AI SDK 7 accepts any version and always hands middleware V4 models and calls.
    specificationVersion: 'v3',
    wrapGenerate: ({ params, model }) => generateThrough(setup, params, model),
    wrapStream: ({ params, model }) => streamThrough(setup, params, model),
  };
}
