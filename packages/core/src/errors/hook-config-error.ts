import { LlmspellError } from './llmspell-error.js';

/** One thing wrong with a configuration: where, and what. */
export interface ConfigIssue {
  /** JSON-pointer-like path of the bad field, e.g. `/maxInputLength`; `/` for the object itself. */
  path: string;
  message: string;
}

/** A constructor or option was given a bad configuration; `issues` lists every bad field. */
export class HookConfigError extends LlmspellError {
  static override readonly code: string = 'HookConfigError';
  readonly issues: readonly ConfigIssue[];

  constructor(subject: string, issues: readonly ConfigIssue[]) {
    const list = issues.map((issue) => `  - ${issue.path}: ${issue.message}`).join('\n');
    super(
      `Invalid ${subject} configuration (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${list}`,
    );
    this.issues = Object.freeze([...issues]);
  }
}
