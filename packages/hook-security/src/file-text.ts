import { isTextMediaType } from '@llmspell/core';

/**
 * The text a model reads from a prompt's file part, so that a text document attached to a message is judged
 * like the message's text. Only text files are read: `text/*` and the textual `application/` types (JSON,
 * XML, YAML …). Images, PDFs and other binary files are not text, and a file given by URL or by a provider
 * reference is not fetched.
 *
 * The shapes read are the AI SDK's: specification V3 (AI SDK 6) `data` as bytes, a base64 string or a URL;
 * V4 (AI SDK 7) `data` as `{ type: 'data', data }` (bytes or base64), `{ type: 'text', text }`,
 * `{ type: 'url' }` or `{ type: 'reference' }`. `hooksMiddleware` passes bytes as base64 strings.
 */

/** The decoder a media type's `charset` names; UTF-8 when it names none or one the runtime does not know. */
function decoderOf(mediaType: string): { decoder: InstanceType<typeof TextDecoder>; utf8: boolean } {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(mediaType);
  if (match !== null) {
    try {
      const decoder = new TextDecoder(match[1]!);
      return { decoder, utf8: decoder.encoding === 'utf-8' };
    } catch {
      // An unknown charset label: read the bytes as UTF-8.
    }
  }
  return { decoder: new TextDecoder('utf-8'), utf8: true };
}

const UTF8_STRICT = new TextDecoder('utf-8', { fatal: true });
const BASE64_SHAPE = /^[A-Za-z0-9+/_-]*={0,2}$/;
const ASCII_WHITESPACE = /[\t\n\f\r ]+/g;

/**
 * The bytes of `value` read as base64 (either alphabet, whitespace ignored, padding optional, as runtimes
 * decode it), or undefined when it is not base64.
 */
function base64Bytes(value: string, truncated: boolean): Uint8Array | undefined {
  const compact = value.replace(ASCII_WHITESPACE, '');
  if (!BASE64_SHAPE.test(compact)) return undefined;
  let digits = compact.replace(/=+$/, '');
  // The beginning of a longer string ends anywhere in a group of four digits: its last whole group is kept.
  if (truncated) digits = digits.slice(0, digits.length - (digits.length % 4));
  else if (digits.length % 4 === 1) return undefined;
  else if (digits.length !== compact.length && compact.length % 4 !== 0) return undefined;
  const standard = digits.replaceAll('-', '+').replaceAll('_', '/');
  let binary: string;
  try {
    binary = atob(standard + '='.repeat((4 - (standard.length % 4)) % 4));
  } catch {
    return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/** The texts of a file's bytes: decoded by its charset. */
function textsOfBytes(bytes: Uint8Array, mediaType: string): string[] {
  return [decoderOf(mediaType).decoder.decode(bytes)];
}

/**
 * The texts of a file given as a string. The AI SDK's prompt specification makes such a string base64, and
 * providers decode it: the decoded text is what the model reads. A string that is not base64, or whose bytes
 * are not text in the declared charset, may be passed on as it is by a provider that does not decode it, so
 * the string itself is read too.
 */
function textsOfString(value: string, mediaType: string, truncated: boolean): string[] {
  const bytes = base64Bytes(value, truncated);
  if (bytes === undefined) return [value];
  const { decoder, utf8 } = decoderOf(mediaType);
  if (!utf8) return [decoder.decode(bytes)];
  try {
    return [UTF8_STRICT.decode(bytes)];
  } catch {
    return [decoder.decode(bytes), value];
  }
}

/** One text read from a file part, and the key under the part that holds it (`data`, or `data` then `text` …). */
export interface FilePartText {
  readonly keys: readonly string[];
  readonly text: string;
}

/**
 * The texts a model reads from `part` when it is a text file with inline content; empty for any other part.
 * With `maxChars`, a file's content is read only as far as needed to tell it holds more than `maxChars`
 * characters: a longer file yields a text longer than `maxChars` (its beginning), never an unbounded one.
 */
export function filePartTexts(part: unknown, maxChars = Number.POSITIVE_INFINITY): FilePartText[] {
  if (part === null || typeof part !== 'object') return [];
  const { type, mediaType, data } = part as { type?: unknown; mediaType?: unknown; data?: unknown };
  if (type !== 'file') return [];
  // V4's inline text form is text whatever the media type says.
  if (isInlineText(data)) return [{ keys: ['data', 'text'], text: bounded(data.text, maxChars) }];
  if (!isTextMediaType(mediaType)) return [];
  const media = mediaType as string;
  if (isDataForm(data)) return read(data.data, media, ['data', 'data'], maxChars);
  return read(data, media, ['data'], maxChars);
}

function isInlineText(data: unknown): data is { type: 'text'; text: string } {
  return (
    data !== null &&
    typeof data === 'object' &&
    (data as { type?: unknown }).type === 'text' &&
    typeof (data as { text?: unknown }).text === 'string'
  );
}

function isDataForm(data: unknown): data is { type: 'data'; data: unknown } {
  return data !== null && typeof data === 'object' && (data as { type?: unknown }).type === 'data';
}

/** A text cut to at most four times `maxChars` plus one: enough to be over the bound, bounded in cost. */
function bounded(text: string, maxChars: number): string {
  const limit = readLimit(maxChars);
  return text.length <= limit ? text : text.slice(0, limit);
}

/** Characters (or bytes) read of one file at most: past this its decoded text is surely over `maxChars`. */
function readLimit(maxChars: number): number {
  return Number.isFinite(maxChars) ? 4 * (Math.max(0, Math.floor(maxChars)) + 1) : Number.POSITIVE_INFINITY;
}

function read(data: unknown, mediaType: string, keys: string[], maxChars: number): FilePartText[] {
  const limit = readLimit(maxChars);
  let texts: string[];
  if (typeof data === 'string') {
    // Four base64 digits are three bytes, each at least a third of a character: a prefix of `limit` digits
    // decodes to more than `maxChars` characters.
    const truncated = data.length > limit;
    texts = textsOfString(truncated ? data.slice(0, limit) : data, mediaType, truncated);
  } else if (data instanceof Uint8Array) {
    // A character is at most three UTF-8 bytes per UTF-16 unit: `limit` bytes are more than `maxChars` of them.
    texts = textsOfBytes(data.length <= limit ? data : data.subarray(0, limit), mediaType);
  } else {
    // A URL (or a provider reference): not fetched.
    return [];
  }
  return texts.map((text) => ({ keys, text: bounded(text, maxChars) }));
}
