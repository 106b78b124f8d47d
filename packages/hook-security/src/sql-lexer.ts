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
  /** The token's text: lower-cased for words; the character for quotes, operators and punctuation (quotes as `'` or `"`). */
  readonly text: string[];
  /** For quotes: true when the quote sits between two letters (`it's`, `O'Brien`), an apostrophe. */
  readonly apostrophe: Uint8Array;
}

function isLetter(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f || code === 0x24;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0xa0 || code === 0x3000;
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

const OPERATOR_CHARACTERS = '=<>!|&+-*/%^~';

function isOperator(code: number): boolean {
  return code < 0x80
    ? OPERATOR_CHARACTERS.includes(String.fromCharCode(code))
    : code === 0x2013 || code === 0x2212;
}

/** Cuts `text` into tokens. Whitespace separates and is dropped. */
export function tokenize(text: string): Tokens {
  const length = text.length;
  // One native lower-casing of the whole text; words are sliced from it. (Lower-casing never changes the
  // length of the ASCII letters the lexer reads as words, and other characters keep their positions.)
  const lower = text.toLowerCase();
  const aligned = lower.length === length;
  const kind = new Uint8Array(length);
  const start = new Int32Array(length);
  const end = new Int32Array(length);
  const apostrophe = new Uint8Array(length);
  const words: string[] = new Array(length);
  let count = 0;
  let index = 0;
  while (index < length) {
    const code = text.charCodeAt(index);
    if (isSpace(code)) {
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
        words[count] = digit === 0x37 ? "'" : '"';
        start[count] = from;
        index += 4;
        end[count] = index;
        count++;
        continue;
      }
    }
    if (isLetter(code)) {
      while (index < length) {
        const next = text.charCodeAt(index);
        if (!isLetter(next) && !isDigit(next)) break;
        index++;
      }
      kind[count] = TokenKind.Word;
      words[count] = aligned ? lower.slice(from, index) : text.slice(from, index).toLowerCase();
    } else if (isDigit(code)) {
      while (index < length) {
        const next = text.charCodeAt(index);
        // 0x7a, 1e5 and 1.5 stay one number.
        if (!isDigit(next) && !isLetter(next) && !(next === 0x2e && isDigit(text.charCodeAt(index + 1))))
          break;
        index++;
      }
      kind[count] = TokenKind.Number;
      words[count] = aligned ? lower.slice(from, index) : text.slice(from, index).toLowerCase();
    } else {
      index++;
      const quote = quoteOf(code);
      if (quote !== 0) {
        kind[count] = TokenKind.Quote;
        words[count] = quote === 0x27 ? "'" : '"';
        const before = from > 0 ? text.charCodeAt(from - 1) : 0;
        const after = index < length ? text.charCodeAt(index) : 0;
        apostrophe[count] = isLetter(before) && isLetter(after) && quote === 0x27 ? 1 : 0;
      } else if (isOperator(code)) {
        // Two-character operators: <> != <= >= || &&.
        const next = index < length ? text.charCodeAt(index) : 0;
        const pair = String.fromCharCode(code) + String.fromCharCode(next);
        if (
          pair === '<>' ||
          pair === '!=' ||
          pair === '<=' ||
          pair === '>=' ||
          pair === '||' ||
          pair === '&&'
        )
          index++;
        kind[count] = TokenKind.Operator;
        words[count] = code === 0x2013 || code === 0x2212 ? '-' : text.slice(from, index);
      } else {
        kind[count] = TokenKind.Punctuation;
        words[count] = text[from]!;
      }
    }
    start[count] = from;
    end[count] = index;
    count++;
  }
  words.length = count;
  return { count, kind, start, end, text: words, apostrophe };
}
