import { hasFileBytes, withBase64Bytes } from './file-bytes.js';
import type { CallOptions, Prompt, PromptMessage } from './model-types.js';

/** The key of `providerOptions` that carries per-call metadata for the hooks; never part of `data.input`. */
export const METADATA_PROVIDER_KEY = 'llmspell';

/** The call settings that change what a model answers; they join `data.input` so caches tell calls apart. */
const SETTING_KEYS = [
  'maxOutputTokens',
  'temperature',
  'stopSequences',
  'topP',
  'topK',
  'presencePenalty',
  'frequencyPenalty',
  'responseFormat',
  'seed',
  'tools',
  'toolChoice',
  'providerOptions',
] as const satisfies readonly (keyof CallOptions)[];

type SettingKey = (typeof SETTING_KEYS)[number];

/** What the hooks see as `data.input` for one model call. */
export interface ModelInput {
  /** The text of the last user message (its text parts, joined by newlines); '' when there is none. */
  text: string;
  /** The whole prompt: system, user, assistant and tool messages (file bytes as base64). */
  messages: Prompt;
  /** The call settings that shape the answer (temperature, tools, responseFormat …); absent when none is set. */
  settings?: Partial<Pick<CallOptions, SettingKey>>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function lastUserIndex(messages: Prompt): number {
  for (let index = messages.length - 1; index >= 0; index--) {
    if (messages[index]!.role === 'user') return index;
  }
  return -1;
}

function userText(message: PromptMessage | undefined): string {
  if (message === undefined || message.role !== 'user') return '';
  let text = '';
  let first = true;
  for (const part of message.content) {
    if (part.type !== 'text') continue;
    text = first ? part.text : `${text}\n${part.text}`;
    first = false;
  }
  return text;
}

function hasBytes(message: PromptMessage): boolean {
  if (typeof message.content === 'string') return false;
  return message.content.some(hasFileBytes);
}

/**
 * The prompt as hooks see it: file bytes as base64 strings (a form the model accepts too), so that hashing it
 * for a cache key serializes one string, not an object with a key per byte. The prompt itself when it has none.
 */
function jsonSafePrompt(prompt: Prompt): Prompt {
  if (!prompt.some(hasBytes)) return prompt;
  return prompt.map((message): PromptMessage => {
    if (message.role === 'system' || !hasBytes(message)) return message;
    const content = message.content.map(withBase64Bytes);
    return { ...message, content } as PromptMessage;
  });
}

/** `data.input` for a call: the last user message's text, the prompt and the answer-shaping settings. */
export function inputOf(params: CallOptions): ModelInput {
  const messages = jsonSafePrompt(params.prompt);
  const input: ModelInput = { text: userText(messages[lastUserIndex(messages)]), messages };
  let settings: Record<string, unknown> | undefined;
  for (const key of SETTING_KEYS) {
    let value: unknown = params[key];
    if (key === 'providerOptions' && isRecord(value) && Object.hasOwn(value, METADATA_PROVIDER_KEY)) {
      const { [METADATA_PROVIDER_KEY]: _metadata, ...rest } = value;
      value = Object.keys(rest).length > 0 ? rest : undefined;
    }
    if (value === undefined) continue;
    settings ??= {};
    settings[key] = value;
  }
  if (settings !== undefined) input.settings = settings;
  return input;
}

/** `messages` with the last user message's text parts replaced by `text` (its files kept in place). */
function withUserText(messages: Prompt, text: string): Prompt {
  const index = lastUserIndex(messages);
  if (index === -1) return [...messages, { role: 'user', content: [{ type: 'text', text }] }];
  const message = messages[index]!;
  if (message.role !== 'user') return messages;
  const content: typeof message.content = [];
  let placed = false;
  for (const part of message.content) {
    if (part.type !== 'text') content.push(part);
    else if (!placed) {
      content.push({ type: 'text', text });
      placed = true;
    }
  }
  if (!placed) content.push({ type: 'text', text });
  const next = [...messages];
  next[index] = { ...message, content };
  return next;
}

/**
 * The call options after Before hooks changed `data.input`: changed `messages` replace the prompt, a changed
 * `text` replaces the last user message's text, changed `settings` replace those settings. `original` is the
 * input the hooks were given; unchanged parts keep the caller's options as they were.
 */
export function paramsWithInput(params: CallOptions, original: ModelInput, current: unknown): CallOptions {
  if (current === original || !isRecord(current)) return params;
  let prompt = params.prompt;
  if (current.messages !== original.messages && Array.isArray(current.messages)) {
    prompt = current.messages as Prompt;
  }
  if (typeof current.text === 'string' && current.text !== original.text) {
    prompt = withUserText(prompt, current.text);
  }
  let next: CallOptions = prompt === params.prompt ? params : { ...params, prompt };
  if (current.settings !== original.settings) {
    const settings = isRecord(current.settings) ? current.settings : {};
    next = { ...next };
    const writable = next as Record<SettingKey, unknown>;
    for (const key of SETTING_KEYS) {
      if (key === 'providerOptions') {
        const carried = isRecord(params.providerOptions)
          ? params.providerOptions[METADATA_PROVIDER_KEY]
          : undefined;
        const chosen = isRecord(settings.providerOptions) ? settings.providerOptions : undefined;
        writable.providerOptions =
          carried === undefined ? chosen : { ...chosen, [METADATA_PROVIDER_KEY]: carried };
      } else {
        writable[key] = settings[key];
      }
    }
  }
  return next;
}
