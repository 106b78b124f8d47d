import { createHash } from 'node:crypto';
import { filePartTexts } from './file-text.js';
import {
  boundedJson,
  type CollectedStrings,
  collectAllStrings,
  type InputString,
  isContainer,
  jsonForm,
  pointerOf,
  type StringPath,
} from './input-strings.js';
import type { SecurityViolation } from './violations.js';

/** One message of a prompt as the AI SDK's `hooksMiddleware` puts it in `data.input.messages`. */
export interface PromptMessage {
  readonly role: string;
  readonly content: unknown;
}

/** `data.input` of a model call through `hooksMiddleware`: `{ text, messages }`. */
export function promptMessagesOf(input: unknown): readonly unknown[] | undefined {
  if (!isContainer(input) || Array.isArray(input)) return undefined;
  const messages = (input as { messages?: unknown }).messages;
  return Array.isArray(messages) ? messages : undefined;
}

/**
 * The strings of a message's content, and which of them are scanned: file data (base64), part types and the
 * SDK's keys are not; keys of tool-call arguments and JSON tool results are. The text of text files is read
 * apart, decoded, in `files`.
 */
export interface MessageStrings extends CollectedStrings {
  readonly scanned: readonly number[];
  /** The content the strings were collected from: the message's, or its JSON form when it held objects the walk does not go into. */
  readonly content: unknown;
  /**
   * The decoded text of the message's text files (see `file-text.ts`), each with the path of its part's data;
   * not among `strings`: lenient mode cannot rewrite a file.
   */
  readonly files: readonly InputString[];
}

function isFilePart(content: unknown, index: string | number): boolean {
  if (!Array.isArray(content)) return false;
  const part = content[index as number] as { type?: unknown } | undefined;
  return part !== null && typeof part === 'object' && (part.type === 'file' || part.type === 'image');
}

/** The keys from the message's content down to `path`, outermost first (the part's index first). */
function keysOf(path: StringPath | undefined): (string | number)[] {
  const keys: (string | number)[] = [];
  for (let at = path; at !== undefined; at = at.parent) keys.push(at.key);
  return keys.reverse();
}

/**
 * True for a key that is content rather than the SDK's structure: a key of a tool call's arguments (`input`),
 * or of a JSON tool result (`output.value` of type 'json' / 'error-json'), as at the tool's own points.
 */
function isContentKey(content: unknown, path: StringPath | undefined): boolean {
  if (!Array.isArray(content)) return false;
  const keys = keysOf(path);
  const part = content[keys[0] as number] as { type?: unknown; output?: { type?: unknown } } | undefined;
  if (part === null || typeof part !== 'object') return false;
  if (keys[1] === 'input') return keys.length >= 3 && part.type === 'tool-call';
  if (keys[1] !== 'output' || keys[2] !== 'value' || keys.length < 4) return false;
  const output = part.output;
  return (
    part.type === 'tool-result' &&
    output !== null &&
    typeof output === 'object' &&
    (output.type === 'json' || output.type === 'error-json')
  );
}

/**
 * The text of every text file of `content` with inline data. With `maxChars`, files are read until their
 * texts together pass `maxChars` characters, so a message over the bound costs no more than one at it.
 */
function fileTexts(content: unknown, maxChars: number): InputString[] {
  const files: InputString[] = [];
  if (!Array.isArray(content)) return files;
  let total = 0;
  for (let index = 0; index < content.length && total <= maxChars; index++) {
    for (const { keys, text } of filePartTexts(content[index], maxChars - total)) {
      let path: StringPath = { parent: undefined, key: index };
      for (const key of keys) path = { parent: path, key };
      files.push({ path, value: text, isKey: false });
      total += text.length;
    }
  }
  return files;
}

/**
 * Every string of `message.content` (in walk order), with the indices of those the hook judges, and the text
 * of its text files (read as far as `maxFileChars` characters in all, when given).
 */
export function messageStrings(
  message: PromptMessage,
  maxFileChars = Number.POSITIVE_INFINITY,
): MessageStrings {
  const files = fileTexts(message.content, maxFileChars);
  let content = message.content;
  let collected = collectAllStrings(content);
  if (collected.opaque === true && collected.overflow === undefined) {
    // A tool result that is a class instance (an ORM row …) reaches the model as its JSON: scan that.
    const json = jsonForm(content);
    if (json !== undefined && 'overflow' in json) {
      collected = { ...collected, overflow: collected.overflow ?? json.overflow };
    } else if (json !== undefined) {
      content = json.value;
      collected = collectAllStrings(content);
    }
  }
  const scanned: number[] = [];
  collected.strings.forEach((entry: InputString, index) => {
    if (entry.isKey) {
      if (isContentKey(content, entry.path)) scanned.push(index);
      return;
    }
    // A part's `type` ('text', 'tool-result') is the SDK's discriminator, not content.
    if (entry.path?.key === 'type' && entry.path.parent?.parent === undefined && Array.isArray(content))
      return;
    let top = entry.path;
    while (top?.parent !== undefined) top = top.parent;
    if (top !== undefined && isFilePart(content, top.key)) return;
    scanned.push(index);
  });
  return { ...collected, scanned, content, files };
}

/**
 * True when lenient mode cannot answer `violations` by sanitizing the message's strings: a finding in a file's
 * text, or a message over the length bound with a file's text in it (a file is not cut or rewritten).
 */
export function refusesFiles(
  violations: readonly SecurityViolation[],
  files: readonly InputString[],
): boolean {
  if (files.length === 0) return false;
  const pointers = files.map((file) => pointerOf('input', file.path));
  return violations.some((violation) => {
    if (violation.type === 'InputTooLong') return true;
    if (!('path' in violation)) return false;
    const path = violation.path;
    return pointers.some((pointer) => path === pointer || path.startsWith(`${pointer}/`));
  });
}

/**
 * A message's identity for the memory of clean messages: its role and content (as `messageStrings` gives it),
 * hashed; '' (never remembered) when the content cannot be serialised or, read as JSON because it holds class
 * instances (`opaque`), is too complex. Call it on content the walk went through whole: its JSON is then bounded.
 */
export function messageKey(role: string, content: unknown, opaque = false): string {
  let json: string | undefined;
  if (opaque) {
    const bounded = boundedJson(content);
    json = bounded === 'too-complex' ? undefined : bounded;
  } else {
    try {
      json = JSON.stringify(content);
    } catch {
      json = undefined;
    }
  }
  if (json === undefined && content !== undefined) return '';
  return createHash('sha256')
    .update(role)
    .update('\u0000')
    .update(json ?? '')
    .digest('base64');
}

/** The last `capacity` messages judged clean (least recently seen evicted first). */
export class RememberedMessages {
  readonly #keys = new Map<string, true>();

  constructor(readonly capacity: number) {}

  has(key: string): boolean {
    if (!this.#keys.has(key)) return false;
    this.#keys.delete(key);
    this.#keys.set(key, true);
    return true;
  }

  remember(key: string): void {
    if (this.capacity === 0) return;
    this.#keys.delete(key);
    this.#keys.set(key, true);
    if (this.#keys.size > this.capacity) this.#keys.delete(this.#keys.keys().next().value as string);
  }
}

/** The text of a user message's text parts, joined as the middleware joins them for `data.input.text`. */
export function userText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    const candidate = part as { type?: unknown; text?: unknown };
    if (candidate?.type === 'text' && typeof candidate.text === 'string')
      text += text === '' ? candidate.text : `\n${candidate.text}`;
  }
  return text;
}
