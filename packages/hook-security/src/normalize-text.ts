/**
 * A string together with, when tracking is on, the range of the original input that produced each of its
 * UTF-16 units: `start[i]`..`end[i]` (end exclusive). Lenient mode uses the ranges to remove or mask the
 * original text behind a match; detection alone runs without them.
 */
export interface MappedText {
  readonly value: string;
  readonly start: Int32Array | undefined;
  readonly end: Int32Array | undefined;
}

/** The forms of one input string that the detectors look at. */
export interface NormalizedInput {
  /** Percent- and entity-decoded, NFKC-normalised, invisible characters removed; comments still present. */
  readonly decoded: MappedText;
  /**
   * `decoded` with SQL comments stripped, in one or two forms. The first removes block comments
   * (`UN/**\/ION` → `UNION`) and turns `--` and `#` into spaces, keeping the rest of the line in view. The
   * second, made only when it would differ, turns each block comment and each newline-terminated line
   * comment into one space (`UNION/**\/SELECT`, `UNION-- x⏎SELECT` → `UNION SELECT`).
   */
  readonly stripped: readonly MappedText[];
}

/** Percent-encoding may be stacked (`%2527`); decoding stops after this many rounds. */
const MAX_DECODE_ROUNDS = 3;

/** Runs of `%XX` bytes, IIS-style `%uXXXX`, numeric HTML entities and the few named ones that matter. */
export const ENCODED_SEQUENCE =
  /%[0-9a-f]{2}(?:%[0-9a-f]{2})*|%u[0-9a-f]{4}|&#(?:x[0-9a-f]{1,6}|\d{1,7});|&(?:quot|apos|amp|lt|gt);/gi;
/** Characters that render as nothing and can split a keyword (`UN\u200bION`). */
export const INVISIBLE = /[\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]/g;
export const NON_ASCII = /[\u0080-\uffff]/;

const namedEntities: Record<string, string> = { quot: '"', apos: "'", amp: '&', lt: '<', gt: '>' };
const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/** Collects output text and, when tracking, the original range behind every unit. */
class TextBuilder {
  value = '';
  readonly #start: number[] | undefined;
  readonly #end: number[] | undefined;

  constructor(track: boolean) {
    this.#start = track ? [] : undefined;
    this.#end = track ? [] : undefined;
  }

  /** Appends `piece`, every unit of which came from original range `from`..`to`. */
  push(piece: string, from: number, to: number): void {
    this.value += piece;
    if (this.#start && this.#end) {
      for (let index = 0; index < piece.length; index++) {
        this.#start.push(from);
        this.#end.push(to);
      }
    }
  }

  /** Appends `source.value[from..to)` unchanged, keeping its own original ranges. */
  copy(source: MappedText, from: number, to: number): void {
    if (from >= to) return;
    this.value += source.value.slice(from, to);
    if (this.#start && this.#end && source.start && source.end) {
      for (let index = from; index < to; index++) {
        this.#start.push(source.start[index]!);
        this.#end.push(source.end[index]!);
      }
    }
  }

  /** Appends `piece`, which replaces `source.value[from..to)`. */
  replace(source: MappedText, piece: string, from: number, to: number): void {
    if (source.start && source.end && to > from) this.push(piece, source.start[from]!, source.end[to - 1]!);
    else this.value += piece;
  }

  build(): MappedText {
    return {
      value: this.value,
      start: this.#start ? Int32Array.from(this.#start) : undefined,
      end: this.#end ? Int32Array.from(this.#end) : undefined,
    };
  }
}

function identity(text: string, track: boolean): MappedText {
  if (!track) return { value: text, start: undefined, end: undefined };
  const start = new Int32Array(text.length);
  const end = new Int32Array(text.length);
  for (let index = 0; index < text.length; index++) {
    start[index] = index;
    end[index] = index + 1;
  }
  return { value: text, start, end };
}

function decodeSequence(sequence: string): string {
  if (sequence.charCodeAt(0) === 0x26 /* & */) {
    if (sequence.charCodeAt(1) !== 0x23 /* # */) return namedEntities[sequence.slice(1, -1).toLowerCase()]!;
    const hex = sequence.charCodeAt(2) === 0x78 || sequence.charCodeAt(2) === 0x58;
    const codePoint = Number.parseInt(sequence.slice(hex ? 3 : 2, -1), hex ? 16 : 10);
    return codePoint > 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : '\ufffd';
  }
  if (sequence.charCodeAt(1) === 0x75 || sequence.charCodeAt(1) === 0x55) {
    return String.fromCharCode(Number.parseInt(sequence.slice(2), 16));
  }
  const bytes = new Uint8Array(sequence.length / 3);
  for (let index = 0; index < bytes.length; index++) {
    bytes[index] = Number.parseInt(sequence.slice(index * 3 + 1, index * 3 + 3), 16);
  }
  try {
    return utf8.decode(bytes);
  } catch {
    // Not UTF-8: single-byte encodings (MySQL's latin1 `%A0` is a space) decode byte for byte.
    return latin1.decode(bytes);
  }
}

function decodeRound(text: MappedText, track: boolean): MappedText | undefined {
  ENCODED_SEQUENCE.lastIndex = 0;
  let match = ENCODED_SEQUENCE.exec(text.value);
  if (!match) return undefined;
  const builder = new TextBuilder(track);
  let position = 0;
  while (match) {
    builder.copy(text, position, match.index);
    builder.replace(text, decodeSequence(match[0]), match.index, match.index + match[0].length);
    position = match.index + match[0].length;
    match = ENCODED_SEQUENCE.exec(text.value);
  }
  builder.copy(text, position, text.value.length);
  return builder.build();
}

/**
 * NFKC folds look-alikes (fullwidth `ＵＮＩＯＮ`, ligatures) onto ASCII. ASCII characters never compose with
 * what precedes them, so normalising each run "ASCII character + following non-ASCII characters" on its own
 * gives the same string as normalising the whole, and tells which original range each output unit came from.
 */
function foldUnicode(text: MappedText, track: boolean): MappedText {
  if (!NON_ASCII.test(text.value)) return text;
  if (!track) {
    INVISIBLE.lastIndex = 0;
    return { value: text.value.normalize('NFKC').replace(INVISIBLE, ''), start: undefined, end: undefined };
  }
  const builder = new TextBuilder(true);
  const value = text.value;
  let segmentStart = 0;
  const flush = (segmentEnd: number): void => {
    if (segmentEnd <= segmentStart) return;
    const segment = value.slice(segmentStart, segmentEnd);
    INVISIBLE.lastIndex = 0;
    if (!NON_ASCII.test(segment)) builder.copy(text, segmentStart, segmentEnd);
    else builder.replace(text, segment.normalize('NFKC').replace(INVISIBLE, ''), segmentStart, segmentEnd);
  };
  for (let index = 0; index < value.length; index++) {
    if (value.charCodeAt(index) < 0x80) {
      flush(index);
      segmentStart = index;
    }
  }
  flush(value.length);
  return builder.build();
}

/** Cyrillic and Greek letters that look like Latin ones (NFKC leaves them alone), and their Latin twins. */
const CONFUSABLE_FROM = 'аеорсухікјѕԁԛԝАВЕКМНОРСТХІЈЅαεικνορτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ';
const CONFUSABLE_TO = 'aeopcyxikjsdqwABEKMHOPCTXIJSaeiknoptuxABEZHIKMNOPTYX';
const CONFUSABLE_MAP = new Map<number, number>();
for (let index = 0; index < CONFUSABLE_FROM.length; index++) {
  CONFUSABLE_MAP.set(CONFUSABLE_FROM.charCodeAt(index), CONFUSABLE_TO.charCodeAt(index));
}
/** Control characters that separate words as a space would (`x'\u0000OR\u00001=1`). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this pattern's job
export const CONFUSABLE_OR_CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f\u0370-\u03ff\u0400-\u052f]/;

/**
 * Maps look-alike letters onto Latin and control characters onto spaces, one unit for one unit, so the
 * original ranges stay as they are.
 */
function foldConfusables(text: MappedText): MappedText {
  const value = text.value;
  if (!CONFUSABLE_OR_CONTROL.test(value)) return text;
  let result = '';
  let copiedTo = 0;
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    const mapped =
      code < 0x20
        ? code <= 0x08 || code >= 0x0e
          ? 0x20
          : code
        : code === 0x7f
          ? 0x20
          : CONFUSABLE_MAP.get(code);
    if (mapped === undefined || mapped === code) continue;
    result += value.slice(copiedTo, index) + String.fromCharCode(mapped);
    copiedTo = index + 1;
  }
  return { value: result + value.slice(copiedTo), start: text.start, end: text.end };
}

/**
 * Strips SQL comments. `joined` removes block comments and keeps the text of line comments; otherwise block
 * comments and newline-terminated line comments each become one space.
 */
function stripComments(text: MappedText, joined: boolean, track: boolean): MappedText {
  const value = text.value;
  const builder = new TextBuilder(track);
  const blockReplacement = joined ? '' : ' ';
  let position = 0;
  let copiedTo = 0;
  let insideExecutableComment = false;
  // The next newline at or after `position`; found with one indexOf per newline, so the pass stays linear.
  let newline = joined ? -1 : value.indexOf('\n');
  let close = value.indexOf('*/');
  // Where the text ends without its trailing whitespace.
  const contentEnd = value.trimEnd().length;
  while (position < value.length) {
    const code = value.charCodeAt(position);
    if (code === 0x2f /* / */ && value.charCodeAt(position + 1) === 0x2a /* * */) {
      builder.copy(text, copiedTo, position);
      if (value.charCodeAt(position + 2) === 0x21 /* ! */) {
        // MySQL runs the body of `/*!50000 … */`: drop the markers and the version, keep the body.
        let bodyStart = position + 3;
        while (bodyStart < value.length && isDigit(value.charCodeAt(bodyStart))) bodyStart++;
        builder.replace(text, blockReplacement, position, bodyStart);
        insideExecutableComment = true;
        position = copiedTo = bodyStart;
        continue;
      }
      // The first `*/` after this comment start; reused while it lies ahead, so the pass stays linear
      // even for many unterminated `/*`.
      if (close !== -1 && close < position + 2) close = value.indexOf('*/', position + 2);
      // An unterminated comment is left in place so that nothing after it escapes the scan, unless only
      // whitespace follows it (` or 1/*`): then it hides nothing and cuts off the rest of the query.
      const unterminated = close === -1 && position + 2 < contentEnd;
      const end = close === -1 ? position + 2 : close + 2;
      builder.replace(text, unterminated ? '/*' : blockReplacement, position, end);
      position = copiedTo = end;
      continue;
    }
    if (insideExecutableComment && code === 0x2a /* * */ && value.charCodeAt(position + 1) === 0x2f) {
      builder.copy(text, copiedTo, position);
      builder.replace(text, blockReplacement, position, position + 2);
      insideExecutableComment = false;
      position = copiedTo = position + 2;
      continue;
    }
    if (code === 0x23 /* # */ || (code === 0x2d /* - */ && value.charCodeAt(position + 1) === 0x2d)) {
      if (newline !== -1 && newline < position) newline = value.indexOf('\n', position);
      const end = newline === -1 ? position + (code === 0x23 ? 1 : 2) : newline;
      builder.copy(text, copiedTo, position);
      builder.replace(text, ' ', position, end);
      position = copiedTo = end;
      continue;
    }
    position++;
  }
  builder.copy(text, copiedTo, value.length);
  return builder.build();
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/**
 * Normalises one input string once, in linear time: percent- and entity-decoding (repeated, at most
 * three rounds), NFKC, removal of invisible characters, then SQL comment stripping (one or two forms). With `track`, every
 * form carries the original range behind each of its units.
 */
export function normalizeText(text: string, track = false): NormalizedInput {
  let decoded = identity(text, track);
  for (let round = 0; round < MAX_DECODE_ROUNDS; round++) {
    const next = decodeRound(decoded, track);
    if (!next) break;
    decoded = next;
  }
  decoded = foldConfusables(foldUnicode(decoded, track));
  const value = decoded.value;
  const hasBlockComment = value.includes('/*');
  const hasLineComment = value.includes('--') || value.includes('#');
  if (!hasBlockComment && !hasLineComment) return { decoded, stripped: [decoded] };
  const joined = stripComments(decoded, true, track);
  if (!hasBlockComment && !value.includes('\n')) return { decoded, stripped: [joined] };
  return { decoded, stripped: [joined, stripComments(decoded, false, track)] };
}
