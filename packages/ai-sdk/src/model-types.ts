import type { LanguageModelMiddleware } from 'ai';

// The language-model types, derived from `ai`'s own middleware type so that the published declarations
// name only the peer dependency `ai` and follow whichever major (6: specification V3, 7: V4) the user has.
type WrapGenerateOptions = Parameters<NonNullable<LanguageModelMiddleware['wrapGenerate']>>[0];

/** A language model as middleware receives it: specification V3 under AI SDK 6, V4 under AI SDK 7. */
export type LanguageModelV3 = WrapGenerateOptions['model'];
/** The options of one `doGenerate` / `doStream` call: the prompt and the call settings. */
export type CallOptions = WrapGenerateOptions['params'];
/** The prompt of one call: system, user, assistant and tool messages. */
export type Prompt = CallOptions['prompt'];
/** One message of a prompt. */
export type PromptMessage = Prompt[number];
/** What `doGenerate` resolves to. */
export type GenerateResult = Awaited<ReturnType<WrapGenerateOptions['doGenerate']>>;
/** What `doStream` resolves to. */
export type StreamResult = Awaited<ReturnType<WrapGenerateOptions['doStream']>>;
/** One part of a `doStream` stream. */
export type StreamPart = StreamResult['stream'] extends ReadableStream<infer Part> ? Part : never;
/** One content part a model generated (text, reasoning, tool call …). */
export type ContentPart = GenerateResult['content'][number];
/** Token usage as the model reports it. */
export type Usage = GenerateResult['usage'];
/** Why the model stopped. */
export type FinishReason = GenerateResult['finishReason'];
