/** How a SQL injection attempt works; reported in `SqlInjection.technique`. */
export type SqlInjectionTechnique =
  | 'tautology'
  | 'union-select'
  | 'stacked-query'
  | 'comment-truncation'
  | 'time-based'
  | 'error-based'
  | 'command-execution'
  | 'obfuscation';

/** How a prompt injection attempt works; reported in `PromptInjection.technique`. */
export type PromptInjectionTechnique =
  | 'instruction-override'
  | 'jailbreak-persona'
  | 'role-spoofing'
  | 'prompt-exfiltration'
  /** A classifier scored the text at or above its threshold; `pattern` is `classifier:<name>`. */
  | 'classifier';

/** What kind of personal data was found: `api-key` has a provider's shape, `secret` follows `password:` or `api_key=`. */
export type PersonalDataKind = 'email' | 'card-number' | 'api-key' | 'secret';

/** The input (every string of it together) is longer than `maxInputLength`; lengths in UTF-16 units. */
export interface InputTooLong {
  type: 'InputTooLong';
  max: number;
  actual: number;
}

/**
 * The value could not be scanned whole: it is nested deeper than `max` levels, holds more than `max` arrays
 * and objects (a shared one counted each time it is reached), or reuses its objects so often that reading it
 * would go over more than `max` values again (`repeats`). Never a silent pass: content the scanner cannot
 * reach is refused.
 */
export interface InputTooComplex {
  type: 'InputTooComplex';
  limit: 'depth' | 'nodes' | 'repeats';
  max: number;
  /** JSON pointer of where the walk stopped. */
  path: string;
}

/** The input is missing or is not something the hook can read (e.g. `null`, a number at an agent point). */
export interface MissingInput {
  type: 'MissingInput';
  /** JSON pointer of what was missing, e.g. `/input`. */
  path: string;
}

/** A plugged classifier failed (threw, rejected, timed out, or answered outside 0..1) and `onClassifierError` is 'violation'. */
export interface ClassifierFailed {
  type: 'ClassifierFailed';
  classifier: string;
  path: string;
  message: string;
}

/** The SQL injection detector matched. */
export interface SqlInjection {
  type: 'SqlInjection';
  technique: SqlInjectionTechnique;
  /** The name of the built-in pattern that matched, e.g. `sql-union-select`. */
  pattern: string;
  /** JSON pointer of the string in `context.data`, e.g. `/input/text`. */
  path: string;
  /** The matched text (normalised, at most 60 characters). */
  excerpt: string;
}

/** The prompt injection detector matched. */
export interface PromptInjection {
  type: 'PromptInjection';
  technique: PromptInjectionTechnique;
  pattern: string;
  path: string;
  excerpt: string;
}

/** The PII detector found an email address, a card number, an API key or a secret; the value itself is never reported. */
export interface PersonalData {
  type: 'PersonalData';
  kind: PersonalDataKind;
  pattern: string;
  path: string;
}

/** One of the configured `blockedPatterns` matched. */
export interface BlockedPattern {
  type: 'BlockedPattern';
  /** The pattern as a regular expression literal, e.g. `/secret/i`. */
  pattern: string;
  path: string;
  excerpt: string;
}

/** A tool's arguments do not match the JSON Schema configured for it in `toolSchemas`. */
export interface InvalidToolArguments {
  type: 'InvalidToolArguments';
  tool: string;
  /** ajv's errors: `path` is the JSON pointer inside the arguments (`/` for the object itself). */
  errors: { path: string; message: string }[];
}

/** Everything the hook can find wrong with an input. */
export type SecurityViolation =
  | MissingInput
  | InputTooLong
  | InputTooComplex
  | ClassifierFailed
  | SqlInjection
  | PromptInjection
  | PersonalData
  | BlockedPattern
  | InvalidToolArguments;

/** The name of a violation variant, as reported in the `security.violation` event and the metric label. */
export type SecurityViolationType = SecurityViolation['type'];

/** A one-line description of a violation, used in cancel reasons. */
export function describeViolation(violation: SecurityViolation): string {
  switch (violation.type) {
    case 'MissingInput':
      return 'no input text found';
    case 'InputTooComplex':
      if (violation.limit === 'depth')
        return `input nested deeper than ${violation.max} levels at ${violation.path}`;
      if (violation.limit === 'repeats')
        return `input reuses its objects so often that reading it would go over more than ${violation.max} values again (at ${violation.path})`;
      return `input has more than ${violation.max} arrays and objects (at ${violation.path})`;
    case 'ClassifierFailed':
      return `prompt-injection classifier '${violation.classifier}' failed at ${violation.path}: ${violation.message}`;
    case 'InputTooLong':
      return `input too long (${violation.actual} characters, at most ${violation.max} allowed)`;
    case 'SqlInjection':
      return `SQL injection (${violation.technique}, pattern ${violation.pattern}) at ${violation.path}`;
    case 'PromptInjection':
      return `prompt injection (${violation.technique}, pattern ${violation.pattern}) at ${violation.path}`;
    case 'PersonalData':
      return `personal data (${violation.kind}) at ${violation.path}`;
    case 'BlockedPattern':
      return `blocked pattern ${violation.pattern} at ${violation.path}`;
    case 'InvalidToolArguments':
      return `arguments of tool '${violation.tool}' do not match its schema: ${violation.errors
        .map((error) => `${error.path} ${error.message}`)
        .join(', ')}`;
  }
}
