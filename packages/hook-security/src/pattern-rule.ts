import type { MappedText, NormalizedInput } from './normalize-text.js';
import type { Anchors, WordGate } from './word-gate.js';

/** Decides, match by match and left to right, whether a match counts; created fresh for every scan. */
export type MatchFilter = (text: string, index: number, matched: string) => boolean;

/** One built-in pattern. Every built-in is global, linear-time (see `pattern-safety.test.ts`) and named. */
export interface PatternRule<Label extends string> {
  /** Stable name reported in violations, e.g. `sql-union-select`. */
  readonly name: string;
  readonly label: Label;
  readonly pattern: RegExp;
  /** `decoded` still holds SQL comments; `stripped` is every comment-stripped form. */
  readonly form: 'decoded' | 'stripped';
  /** A second look at each match that a regular expression cannot take in linear time. */
  readonly filter?: () => MatchFilter;
  /** Words the pattern cannot match without (see `word-gate.ts`): without them the rule is skipped. */
  readonly anchors?: Anchors;
  /**
   * A cheaper pattern (not global) that holds wherever `pattern` matches: a form it does not match is skipped.
   * For a pattern whose start cannot be found quickly (an optional prefix before the part that matters).
   */
  readonly prefilter?: RegExp;
}

/** Where a rule matched: a range of one form of the input. */
export interface Finding<Label extends string = string> {
  readonly rule: string;
  readonly label: Label;
  readonly form: MappedText;
  readonly start: number;
  readonly end: number;
}

/** How `scanRules` may skip rules by their anchor words (see `word-gate.ts`). */
export interface RuleWords {
  /** A gate built over these rules' anchors, the list's first rule at `offset`. */
  readonly gate: WordGate;
  readonly offset: number;
  /** The anchor words of one form, already read (in the classifier's pass). */
  readonly known: { readonly form: MappedText; readonly present: Uint8Array } | undefined;
  /** Whether to read the words of another form (worth a pass only when most rules are anchored). */
  readonly readOthers: boolean;
}

/**
 * Runs `rules` over the forms of `input`, appending to `findings`; with `all` every match of every rule,
 * otherwise the first accepted match of each rule. With `words`, a rule whose anchor words a form lacks is
 * skipped on that form (it could not match there).
 */
export function scanRules<Label extends string>(
  rules: readonly PatternRule<Label>[],
  input: NormalizedInput,
  all: boolean,
  findings: Finding<Label>[],
  words?: RuleWords,
): void {
  const read: { form: MappedText; present: Uint8Array }[] = words?.known ? [words.known] : [];
  const wordsOf = (form: MappedText): Uint8Array | undefined => {
    for (const entry of read) if (entry.form === form) return entry.present;
    if (!words?.readOthers) return undefined;
    const present = words.gate.read(form.value);
    read.push({ form, present });
    return present;
  };
  for (let index = 0; index < rules.length; index++) {
    const rule = rules[index]!;
    const forms = rule.form === 'decoded' ? [input.decoded] : input.stripped;
    for (const form of forms) {
      if (words && rule.anchors) {
        const present = wordsOf(form);
        if (present && !words.gate.allows(words.offset + index, present)) continue;
      }
      if (rule.prefilter && !rule.prefilter.test(form.value)) continue;
      if (scanForm(rule, form, all, findings) && !all) break;
    }
  }
}

function scanForm<Label extends string>(
  rule: PatternRule<Label>,
  form: MappedText,
  all: boolean,
  findings: Finding<Label>[],
): boolean {
  const { pattern } = rule;
  const text = form.value;
  const filter = rule.filter?.();
  let found = false;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const start = match.index;
    const end = start + match[0].length;
    if (end === start) pattern.lastIndex++;
    if (filter && !filter(text, start, match[0])) continue;
    findings.push({ rule: rule.name, label: rule.label, form, start, end });
    found = true;
    if (!all) break;
  }
  pattern.lastIndex = 0;
  return found;
}

const QUOTE = 0x27;
const DOUBLE_QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isLetter(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
}

/**
 * Accepts a match whose first quote would close a string the application
 * opened: an even number of the same quotes precede it. `name = 'bob' AND age = 3` (a query someone is
 * asking about, or Python's `x == 'a' or y == 'b'`) is balanced and passes; `bob' AND age = 3` breaks out.
 * Apostrophes inside words (`it's`, `O'Brien`) and backslash-escaped quotes are not counted. Counting is
 * incremental across the matches of one scan, so the whole scan stays linear.
 */
export function quoteBreaksOut(): MatchFilter {
  let position = 0;
  let singles = 0;
  let doubles = 0;
  return (text, start, matched) => {
    let offset = 0;
    while (
      offset < matched.length &&
      matched.charCodeAt(offset) !== QUOTE &&
      matched.charCodeAt(offset) !== DOUBLE_QUOTE
    ) {
      offset++;
    }
    const index = start + offset;
    for (; position < index; position++) {
      const code = text.charCodeAt(position);
      if (code !== QUOTE && code !== DOUBLE_QUOTE) continue;
      if (position > 0 && text.charCodeAt(position - 1) === BACKSLASH) continue;
      if (code === DOUBLE_QUOTE) doubles++;
      else if (!(isLetter(text.charCodeAt(position - 1)) && isLetter(text.charCodeAt(position + 1))))
        singles++;
    }
    const quote = text.charCodeAt(index);
    if (quote === QUOTE) return singles % 2 === 0;
    if (quote === DOUBLE_QUOTE) return doubles % 2 === 0;
    return true;
  };
}
