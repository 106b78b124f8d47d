import { isTextMediaType } from './media-type.js';

/** What a call may use before it runs: input tokens and the requested maximum output. */
export interface TokenEstimate {
  input: number;
  output: number;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** A prompt's file part (the AI SDK's `file`, or an `image` part): its bytes are not text. */
function isFilePart(value: object): value is { type: string; mediaType?: unknown; data?: unknown } {
  const type = (value as { type?: unknown }).type;
  return type === 'file' || type === 'image';
}

/**
 * The bytes of text a file part holds: its decoded size when it is a text file given as a base64 string (as the
 * AI SDK middleware passes file bytes), 0 for any other file. An image or a PDF costs tokens by the provider's
 * own rule, not one per byte of its encoding.
 */
function textFileBytes(part: { mediaType?: unknown; data?: unknown }): number {
  if (!isTextMediaType(part.mediaType)) return 0;
  return typeof part.data === 'string' ? Math.ceil((part.data.length * 3) / 4) : 0;
}

/**
 * A prompt that reuses its objects (one sub-object at every level) has exponentially many paths for few
 * distinct objects: once its JSON would go over more than this many values again, it is not written out.
 */
const MAX_REPEATED_VALUES = 100_000;
/** Levels the sizing of a prompt's distinct objects follows; deeper, `JSON.stringify` counts for itself. */
const MAX_SIZING_DEPTH = 1_000;

/**
 * True when `JSON.stringify(value)` would go over more than `MAX_REPEATED_VALUES` values again, every occurrence
 * of a shared object counted; computed over the distinct objects only (a `toJSON` object or a file part counts
 * as one value). False when within, and for a cycle or a deeper value (`JSON.stringify` then counts for itself).
 */
function repeatsTooOften(value: unknown): boolean {
  const sizes = new Map<object, number | null>();
  let distinct = 1;
  const size = (item: unknown, depth: number): number | undefined => {
    if (item === null || typeof item !== 'object') return 1;
    const object = item as Record<string, unknown>;
    if (typeof object.toJSON === 'function' || isFilePart(object)) return 1;
    if (depth >= MAX_SIZING_DEPTH) return undefined;
    const known = sizes.get(object);
    if (known === null) return undefined;
    if (known !== undefined) return known;
    sizes.set(object, null);
    const keys = Array.isArray(object) ? undefined : Object.keys(object);
    const count = keys === undefined ? (object as unknown as unknown[]).length : keys.length;
    distinct += count;
    let total = 1;
    for (let index = 0; index < count; index++) {
      const child = size(keys === undefined ? object[index] : object[keys[index]!], depth + 1);
      if (child === undefined) return undefined;
      total += child;
    }
    sizes.set(object, total);
    return total;
  };
  try {
    const total = size(value, 0);
    return total !== undefined && total - distinct > MAX_REPEATED_VALUES;
  } catch {
    return false;
  }
}

function utf8Bytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  // Past the limit the JSON is far larger than any model reads: no count is too high for it.
  if (repeatsTooOften(value)) return Number.MAX_SAFE_INTEGER;
  const objects = new Set<object>();
  let values = 0;
  let limit = Number.POSITIVE_INFINITY;
  try {
    let fileBytes = 0;
    const json = JSON.stringify(value, (_key, item: unknown) => {
      if (++values > limit) throw new RangeError('repeats too often');
      if (item === null || typeof item !== 'object') return item;
      // Met again (shared, or a cycle that JSON.stringify refuses): from here at most MAX_REPEATED_VALUES more.
      if (!objects.has(item)) objects.add(item);
      else if (limit === Number.POSITIVE_INFINITY) limit = values + MAX_REPEATED_VALUES;
      if (!isFilePart(item)) return item;
      fileBytes += textFileBytes(item);
      return { type: item.type };
    });
    return json === undefined ? 0 : Buffer.byteLength(json) + fileBytes;
  } catch {
    // Past the limit (a cycle with shared objects, or deeper than the sizing goes): as above. A cyclic or
    // otherwise unserialisable input: nothing to measure.
    return values > limit ? Number.MAX_SAFE_INTEGER : 0;
  }
}

/**
 * An upper bound of a call's tokens from its payload, before it runs. Input: the UTF-8 bytes of the prompt
 * (`data.input.messages` when present, as the AI SDK middleware gives it, else `data.input.text`, else the
 * whole input) — no BPE tokenizer makes more than one token per byte. File parts count their text only (a
 * text file's decoded bytes, by `isTextMediaType`): an image's base64 is not text, and counted as such would
 * refuse any call with a picture under a token limit. A prompt reusing its objects so often that its JSON would
 * go over more than 100,000 values again (one sub-object at every level) counts as `Number.MAX_SAFE_INTEGER`
 * input tokens, without being written out: any token limit or budget refuses it. Output: `data.maxTokens`, else
 * the AI SDK's `data.input.settings.maxOutputTokens`, else 0 (unknown).
 */
export function estimateTokens(data: Readonly<Record<string, unknown>>): TokenEstimate {
  const input = data.input;
  let prompt: unknown = input;
  let settings: unknown;
  if (input !== null && typeof input === 'object') {
    const fields = input as { text?: unknown; messages?: unknown; settings?: unknown };
    if (Array.isArray(fields.messages)) prompt = fields.messages;
    else if (typeof fields.text === 'string') prompt = fields.text;
    settings = fields.settings;
  }
  const requested =
    settings !== null && typeof settings === 'object'
      ? (settings as { maxOutputTokens?: unknown }).maxOutputTokens
      : undefined;
  const output = isCount(data.maxTokens) ? data.maxTokens : isCount(requested) ? requested : 0;
  return { input: prompt === undefined ? 0 : utf8Bytes(prompt), output };
}

/**
 * Tokens in `text` by the usual rule of thumb: about four characters per token for ASCII text, one token per
 * other character (accented, CJK, emoji). An approximation for charging, not an upper bound.
 */
export function approximateTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) ascii++;
    // A surrogate pair is one character.
    else if (code < 0xdc00 || code > 0xdfff) other++;
  }
  return Math.ceil(ascii / 4) + other;
}

/** The strings of a prompt (message texts, not their keys), at most `depth` levels down, each object once. */
function promptTokens(value: unknown, depth: number, seen: WeakSet<object>): number {
  if (typeof value === 'string') return approximateTokens(value);
  if (depth === 0 || value === null || typeof value !== 'object' || seen.has(value)) return 0;
  seen.add(value);
  if (isFilePart(value)) return Math.ceil(textFileBytes(value) / 4);
  let total = 0;
  if (Array.isArray(value)) {
    for (const item of value) total += promptTokens(item, depth - 1, seen);
  } else {
    for (const [key, item] of Object.entries(value)) {
      // Parts' kinds and roles are not text the model read.
      if (key !== 'type' && key !== 'role') total += promptTokens(item, depth - 1, seen);
    }
  }
  return total;
}

/**
 * What a call that ended without reported usage (a stream aborted or cancelled early) most likely used:
 * the prompt, which the provider read whole, and the text released before the end (`data.output.text`), by
 * `approximateTokens`. Undefined when no output phase began (no `data.output.text`): nothing was generated.
 */
export function estimateUsedTokens(data: Readonly<Record<string, unknown>>): TokenEstimate | undefined {
  const output = data.output as { text?: unknown } | null | undefined;
  if (output === null || typeof output !== 'object' || typeof output.text !== 'string') return undefined;
  const input = data.input;
  let prompt: unknown = input;
  if (input !== null && typeof input === 'object') {
    const fields = input as { text?: unknown; messages?: unknown };
    if (Array.isArray(fields.messages)) prompt = fields.messages;
    else if (typeof fields.text === 'string') prompt = fields.text;
  }
  return { input: promptTokens(prompt, 8, new WeakSet()), output: approximateTokens(output.text) };
}
