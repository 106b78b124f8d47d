/**
 * A small SQL-aware lexer: one pass over the text, each character read once, no regular expressions, so it
 * is linear whatever the input. It does not parse SQL; it cuts text into the tokens that the rules in
 * `sql-token-rules.ts` read: words (lower-cased), numbers, quotes, operators and punctuation. Typographic
 * quotes and primes (’ ‘ ′ ´ “ ”) count as quotes and the en dash as a minus: payload lists and copied text
 * use them where a database would see the ASCII ones.
 */

export enum TokenKind {
  Word = 0,
  Number = 1,
  /** A single or double quote, alone: strings are not parsed, because an injection is a quote that breaks out. */
  Quote = 2,
  /** Comparison, arithmetic and logical symbols: `=`, `<>`, `!=`, `||`, `&&`, `-`, `*`, `^`, … */
  Operator = 3,
  /** `(` `)` `,` `;` `.` `@` and anything else that is not a letter, digit or space. */
  Punctuation = 4,
}

/** The tokens of one text, as parallel arrays (no object per token). */
export interface Tokens {
  readonly count: number;
  readonly kind: Uint8Array;
  /** Where each token starts and ends in the text (end exclusive). */
  readonly start: Int32Array;
  readonly end: Int32Array;
  /**
   * The token's text: lower-cased for words; the character for quotes, operators and punctuation (quotes as
   * `'` or `"`). Entries from `count` on are left over from earlier texts.
   */
  readonly text: readonly string[];
  /** For quotes: true when the quote sits between two letters (`it's`, `O'Brien`), an apostrophe. */
  readonly apostrophe: Uint8Array;
}

function isLetter(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f || code === 0x24;
}

/** The ASCII quote a character stands for, or 0. */
function quoteOf(code: number): number {
  if (
    code === 0x27 ||
    code === 0x2018 ||
    code === 0x2019 ||
    code === 0x2032 ||
    code === 0xb4 ||
    code === 0x60
  ) {
    return 0x27;
  }
  if (code === 0x22 || code === 0x201c || code === 0x201d || code === 0x2033) return 0x22;
  return 0;
}

/** Character classes of the ASCII range, looked up once per character. */
const LETTER = 1;
const DIGIT = 2;
const SPACE = 4;
const OPERATOR = 8;
const UPPER = 16;
const ASCII_CLASS = (() => {
  const table = new Uint8Array(128);
  for (let code = 0x61; code <= 0x7a; code++) table[code] = LETTER;
  for (let code = 0x41; code <= 0x5a; code++) table[code] = LETTER | UPPER;
  table[0x5f] = LETTER;
  table[0x24] = LETTER;
  for (let code = 0x30; code <= 0x39; code++) table[code] = DIGIT;
  table[0x20] = SPACE;
  for (let code = 0x09; code <= 0x0d; code++) table[code] = SPACE;
  for (const character of '=<>!|&+-*/%^~') table[character.charCodeAt(0)] = OPERATOR;
  return table;
})();

function classOf(code: number): number {
  if (code < 0x80) return ASCII_CLASS[code]!;
  if (code === 0xa0 || code === 0x3000) return SPACE;
  if (code === 0x2013 || code === 0x2212) return OPERATOR;
  return 0;
}

/**
 * The arrays of the last tokenisation, reused (and grown) from call to call: a scan reads its tokens before the
 * next one starts, so one text's tokens never need to outlive the next call.
 */
let capacity = 0;
let kindBuffer = new Uint8Array(0);
let startBuffer = new Int32Array(0);
let endBuffer = new Int32Array(0);
let apostropheBuffer = new Uint8Array(0);
const wordBuffer: string[] = [];

function reserve(length: number): void {
  if (length <= capacity) return;
  capacity = Math.max(length, capacity * 2, 256);
  kindBuffer = new Uint8Array(capacity);
  startBuffer = new Int32Array(capacity);
  endBuffer = new Int32Array(capacity);
  apostropheBuffer = new Uint8Array(capacity);
}

/**
 * Cuts `text` into tokens. Whitespace separates and is dropped. The result is valid until the next call: its
 * arrays are reused.
 */
export function tokenize(text: string): Tokens {
  const length = text.length;
  reserve(length);
  const kind = kindBuffer;
  const start = startBuffer;
  const end = endBuffer;
  const apostrophe = apostropheBuffer;
  const words = wordBuffer;
  let count = 0;
  let index = 0;
  while (index < length) {
    const code = text.charCodeAt(index);
    const type = classOf(code);
    if (type === SPACE) {
      index++;
      continue;
    }
    const from = index;
    // \x27 and \x22: a quote written as a hex escape.
    if (
      code === 0x5c &&
      (text.charCodeAt(index + 1) | 0x20) === 0x78 &&
      text.charCodeAt(index + 2) === 0x32
    ) {
      const digit = text.charCodeAt(index + 3);
      if (digit === 0x37 || digit === 0x32) {
        kind[count] = TokenKind.Quote;
        apostrophe[count] = 0;
        words[count] = digit === 0x37 ? "'" : '"';
        start[count] = from;
        index += 4;
        end[count] = index;
        count++;
        continue;
      }
    }
    if ((type & (LETTER | DIGIT)) !== 0) {
      // A word, or a number (0x7a, 1e5 and 1.5 stay one number). Only a word holding upper-case letters is
      // lower-cased.
      const isNumber = type === DIGIT;
      let upper = type & UPPER;
      index++;
      while (index < length) {
        const next = text.charCodeAt(index);
        const nextType = next < 0x80 ? ASCII_CLASS[next]! : 0;
        if ((nextType & (LETTER | DIGIT)) === 0) {
          if (
            !(
              isNumber &&
              next === 0x2e &&
              index + 1 < length &&
              classOf(text.charCodeAt(index + 1)) === DIGIT
            )
          )
            break;
        }
        upper |= nextType & UPPER;
        index++;
      }
      kind[count] = isNumber ? TokenKind.Number : TokenKind.Word;
      words[count] = upper === 0 ? text.slice(from, index) : text.slice(from, index).toLowerCase();
    } else {
      index++;
      const quote = quoteOf(code);
      if (quote !== 0) {
        kind[count] = TokenKind.Quote;
        words[count] = quote === 0x27 ? "'" : '"';
        const before = from > 0 ? text.charCodeAt(from - 1) : 0;
        const after = index < length ? text.charCodeAt(index) : 0;
        apostrophe[count] = isLetter(before) && isLetter(after) && quote === 0x27 ? 1 : 0;
        start[count] = from;
        end[count] = index;
        count++;
        continue;
      }
      if (type === OPERATOR) {
        // Two-character operators: <> != <= >= || &&.
        const next = index < length ? text.charCodeAt(index) : 0;
        if (
          (code === 0x3c && (next === 0x3e || next === 0x3d)) ||
          ((code === 0x21 || code === 0x3e) && next === 0x3d) ||
          (code === 0x7c && next === 0x7c) ||
          (code === 0x26 && next === 0x26)
        )
          index++;
        kind[count] = TokenKind.Operator;
        words[count] = code === 0x2013 || code === 0x2212 ? '-' : text.slice(from, index);
      } else {
        kind[count] = TokenKind.Punctuation;
        words[count] = text[from]!;
      }
    }
    apostrophe[count] = 0;
    start[count] = from;
    end[count] = index;
    count++;
  }
  return { count, kind, start, end, text: words, apostrophe };
}
