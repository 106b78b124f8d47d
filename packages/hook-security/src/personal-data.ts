import type { MappedText, NormalizedInput } from './normalize-text.js';
import { type Finding, type MatchFilter, type PatternRule, scanRules } from './pattern-rule.js';
import type { PersonalDataKind } from './violations.js';

/** What lenient mode writes in place of each kind of personal data. */
export const personalDataMasks: Readonly<Record<PersonalDataKind, string>> = Object.freeze({
  email: '[email]',
  'card-number': '[card number]',
  'api-key': '[api key]',
  secret: '[secret]',
});

/**
 * Placeholders and documentation values are not secrets: `ghp_xxxx…`, `xoxb-…-TokenHere`, `abc123`, runs of
 * one character, and words such as "example" or "your". Shannon entropy below 3 bits per character (a
 * word, a repeated pattern) does not make an assigned secret either.
 */
export const PLACEHOLDER =
  /x{4}|here\b|example|sample|dummy|placeholder|redacted|your|random|fake|changeme|abc123|abcdef|123456|([a-z])\1{5}/i;

function entropyBitsPerCharacter(value: string): number {
  const counts = new Map<number, number>();
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  let bits = 0;
  for (const count of counts.values()) {
    const share = count / value.length;
    bits -= share * Math.log2(share);
  }
  return bits;
}

const notPlaceholder = (): MatchFilter => (_text, _index, matched) => !PLACEHOLDER.test(matched);

/** An assigned value counts when it is no placeholder and looks random (the value follows the separator). */
const randomValue = (): MatchFilter => (text, index, matched) => {
  const separator = SEPARATOR_THEN_VALUE.exec(matched);
  // A CSRF token is sent to every visitor of a page: not a secret (`csrf-token=`, `X-CSRF-Token:`).
  const name = separator ? matched.slice(0, separator.index) : matched;
  if (/^csrf[_.-]/i.test(name) || /csrf[_-]?$/i.test(text.slice(Math.max(0, index - 5), index))) return false;
  const value = separator ? matched.slice(separator.index + separator[0].length) : matched;
  return !PLACEHOLDER.test(value) && entropyBitsPerCharacter(value) >= 3;
};

/**
 * Secrets with a recognisable shape (the kinds gitleaks calls common). Case-sensitive: `AKIA…` is an AWS
 * key, `akia…` is not. A JWT must start a token (the lookbehind), or `-eyJ-eyJ-…` would be tried from every
 * `eyJ`. No pattern crosses a line break, so a mask never reaches into the next line.
 */
export const personalDataRules: readonly PatternRule<PersonalDataKind>[] = [
  {
    name: 'pii-api-key',
    label: 'api-key',
    form: 'decoded',
    pattern: /\b(?:sk|rk|pk)-(?:proj-|live-|test-|ant-)?[A-Za-z0-9_-]{20,}/g,
    filter: notPlaceholder,
  },
  {
    name: 'pii-stripe-key',
    label: 'api-key',
    form: 'decoded',
    pattern: /\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}/g,
    filter: notPlaceholder,
  },
  {
    name: 'pii-aws-key',
    label: 'api-key',
    form: 'decoded',
    pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g,
    filter: notPlaceholder,
  },
  {
    name: 'pii-github-token',
    label: 'api-key',
    form: 'decoded',
    pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}|\bgithub_pat_[A-Za-z0-9_]{40,}/g,
    filter: notPlaceholder,
  },
  // Slack bot/user/app/config/refresh tokens and incoming-webhook URLs.
  {
    name: 'pii-slack-token',
    label: 'api-key',
    form: 'decoded',
    pattern:
      /\bxox[abposre]-(?:\d-)?(?:\d{8,}-[A-Za-z0-9-]{8,}|[A-Za-z0-9]{30,})|\bxoxe\.xox[bp]-\d-[A-Za-z0-9]{10,}|\bxapp-\d-[A-Za-z0-9]+-\d+-[A-Za-z0-9]+|\bhooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/_-]{20,}/g,
    filter: notPlaceholder,
  },
  {
    name: 'pii-service-token',
    label: 'api-key',
    form: 'decoded',
    pattern: /\bAIza[0-9A-Za-z_-]{35}|\bglpat-[A-Za-z0-9_-]{20,}|\bnpm_[A-Za-z0-9]{36}\b/g,
    filter: notPlaceholder,
  },
  // PEM and PGP private key blocks; an empty block (`-----BEGIN … KEY----------END …`) is no key.
  {
    name: 'pii-private-key',
    label: 'api-key',
    form: 'decoded',
    pattern: /-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----(?=[ \t\r\n]{0,4}[A-Za-z0-9+/])/g,
  },
  {
    name: 'pii-json-web-token',
    label: 'api-key',
    form: 'decoded',
    pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
  },
  // api_key = "…"   password: …   "credentials" : "…"   ("api_token", "…")   (only the value is masked)
  {
    name: 'pii-secret-assignment',
    label: 'secret',
    form: 'decoded',
    pattern:
      /\b(?:[A-Za-z0-9]{1,20}[_.-])?(?:api[_-]?key|api[_-]?secret|api[_-]?token|secret[_-]?key|access[_-]?key|access[_-]?token|auth[_-]?token|user[_-]?auth|client[_-]?secret|private[_-]?key|credentials?|password|passwd|secret|token)(?:["'][ \t]*[:=,][ \t]*["']|["']?[ \t]*[:=][ \t]*["']?)[A-Za-z0-9_\-+/.=!@$%^*]{12,}/gi,
    filter: randomValue,
    // Every name above ends with one of these words, and the separator follows it.
    prefilter: /(?:key|secret|token|auth|credentials?|password|passwd)["']?[ \t]*[:=,]/i,
  },
];

export const SEPARATOR_THEN_VALUE = /[:=,][ \t]*["']?/;

function isLocalCharacter(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x2e ||
    code === 0x5f ||
    code === 0x25 ||
    code === 0x2b ||
    code === 0x2d
  );
}

function isDomainCharacter(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x2e ||
    code === 0x2d
  );
}

function isLetterCode(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
}

function isDigitCode(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isWordCode(code: number): boolean {
  return isLetterCode(code) || isDigitCode(code) || code === 0x5f;
}

/**
 * Email addresses, found around each `@` without a regular expression: each character is looked at by at
 * most the `@` before it and the `@` after it, so the scan is linear whatever the input.
 */
function findEmails(form: MappedText, all: boolean, findings: Finding<PersonalDataKind>[]): void {
  const text = form.value;
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > 0 && isLocalCharacter(text.charCodeAt(start - 1))) start--;
    while (start < at && text.charCodeAt(start) === 0x2e) start++;
    if (start === at) continue;
    let end = at + 1;
    while (end < text.length && isDomainCharacter(text.charCodeAt(end))) end++;
    while (end > at + 1 && !isLetterCode(text.charCodeAt(end - 1))) end--;
    // Look for the dot only inside this domain (lastIndexOf could run back over the whole text).
    let lastDot = end - 1;
    while (lastDot > at && text.charCodeAt(lastDot) !== 0x2e) lastDot--;
    if (lastDot <= at + 1 || end - lastDot - 1 < 2) continue;
    let topLevelIsLetters = true;
    for (let index = lastDot + 1; index < end; index++) {
      if (!isLetterCode(text.charCodeAt(index))) topLevelIsLetters = false;
    }
    if (!topLevelIsLetters) continue;
    findings.push({ rule: 'pii-email', label: 'email', form, start, end });
    if (!all) return;
  }
}

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = digits.charCodeAt(digits.length - 1 - index) - 0x30;
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** The digit-group layouts card numbers are written in: 4-4-4-4(-3), 4-4-4-1..3, Amex 4-6-5, Diners 4-6-4. */
function isCardLayout(lengths: readonly number[]): boolean {
  if (lengths.length === 1) return lengths[0]! >= 13 && lengths[0]! <= 19;
  if (lengths.length === 3)
    return lengths[0] === 4 && lengths[1] === 6 && (lengths[2] === 5 || lengths[2] === 4);
  if (lengths.length < 4 || lengths.length > 5) return false;
  for (let index = 0; index < 3; index++) if (lengths[index] !== 4) return false;
  if (lengths.length === 4) return lengths[3]! >= 1 && lengths[3]! <= 4;
  return lengths[3] === 4 && lengths[4] === 3;
}

/**
 * Card numbers: 13–19 digits in a card layout, first digit 2–6, Luhn-valid. Digits are read in groups
 * split by single spaces or dashes; each run of groups is read once and tried from each of its groups with
 * at most five groups, so the scan is linear.
 */
const NEXT_DIGIT = /[0-9]/g;

function findCardNumbers(form: MappedText, all: boolean, findings: Finding<PersonalDataKind>[]): void {
  const text = form.value;
  let position = 0;
  while (position < text.length) {
    if (!isDigitCode(text.charCodeAt(position))) {
      // Jump to the next digit natively: prose holds few.
      NEXT_DIGIT.lastIndex = position;
      if (!NEXT_DIGIT.test(text)) return;
      position = NEXT_DIGIT.lastIndex - 1;
    }
    if (position > 0 && isWordCode(text.charCodeAt(position - 1))) {
      position++;
      continue;
    }
    const starts: number[] = [];
    const ends: number[] = [];
    let cursor = position;
    for (;;) {
      const groupStart = cursor;
      while (cursor < text.length && isDigitCode(text.charCodeAt(cursor))) cursor++;
      starts.push(groupStart);
      ends.push(cursor);
      const separator = text.charCodeAt(cursor);
      if ((separator === 0x20 || separator === 0x2d) && isDigitCode(text.charCodeAt(cursor + 1))) cursor++;
      else break;
    }
    position = cursor;
    if (isWordCode(text.charCodeAt(cursor))) continue;
    for (let first = 0; first < starts.length; first++) {
      let digits = '';
      const lengths: number[] = [];
      for (let last = first; last < starts.length && last < first + 5; last++) {
        digits += text.slice(starts[last], ends[last]);
        lengths.push(ends[last]! - starts[last]!);
        if (digits.length > 19) break;
        if (digits.length < 13 || !isCardLayout(lengths)) continue;
        const firstDigit = digits.charCodeAt(0);
        if (firstDigit < 0x32 || firstDigit > 0x36 || !passesLuhn(digits)) continue;
        findings.push({
          rule: 'pii-card-number',
          label: 'card-number',
          form,
          start: starts[first]!,
          end: ends[last]!,
        });
        if (!all) return;
        first = last;
        break;
      }
    }
  }
}

/** Runs the PII detector over `input`: emails, card numbers, API keys and assigned secrets. */
export function scanPersonalData(
  input: NormalizedInput,
  all: boolean,
  findings: Finding<PersonalDataKind>[],
): void {
  findEmails(input.decoded, all, findings);
  findCardNumbers(input.decoded, all, findings);
  const before = findings.length;
  scanRules(personalDataRules, input, all, findings);
  for (let index = before; index < findings.length; index++) {
    const finding = findings[index]!;
    if (finding.rule !== 'pii-secret-assignment') continue;
    // Keep the name ("password:"), mask the value.
    const matched = finding.form.value.slice(finding.start, finding.end);
    const separator = SEPARATOR_THEN_VALUE.exec(matched);
    if (separator)
      findings[index] = { ...finding, start: finding.start + separator.index + separator[0].length };
  }
}
