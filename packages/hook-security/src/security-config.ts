import type { Logger } from '@llmspell/core';

/** Which detectors run. */
export interface DetectorOptions {
  /** SQL injection: tautologies, UNION SELECT, stacked queries, comment truncation, delays, encodings. Default true. */
  sqlInjection?: boolean;
  /** Prompt injection: instruction overrides, role/system spoofing, system-prompt exfiltration. Default false. */
  promptInjection?: boolean;
  /** Personal data: emails, Luhn-valid card numbers, API keys and assigned secrets (masked in lenient mode). Default false. */
  pii?: boolean;
}

/** A JSON Schema (draft-07 by default; draft 2019-09 and 2020-12 when its `$schema` says so). */
export type JsonSchema = Record<string, unknown> | boolean;

/** Options of `SecurityValidationHook`; every field is optional. */
export interface SecurityConfig {
  /** The hook's id. Default 'security-validator'. */
  id?: string;
  /** true: a violation cancels the operation; false: the hook answers `modified` with a sanitized input. Default true. */
  strictMode?: boolean;
  /** The most UTF-16 units of input text (all strings of an object input together). Default 10_000. */
  maxInputLength?: number;
  /**
   * Extra patterns that count as violations. A string is a regular expression source, matched
   * case-insensitively; a RegExp keeps its flags. Patterns that can backtrack catastrophically are refused.
   * Default [].
   */
  blockedPatterns?: (string | RegExp)[];
  /** Which detectors run. Default { sqlInjection: true, promptInjection: false, pii: false }. */
  detectors?: DetectorOptions;
  /** Tool name → JSON Schema its arguments (`data.input`) must match at BeforeToolExecution. Default {}. */
  toolSchemas?: Record<string, JsonSchema>;
  /** pino-compatible logger; every violation is logged at warn. Default: a silent logger. */
  logger?: Logger;
  /** How long the ReDoS analysis of one user pattern may block the constructor. Default 10_000. */
  patternCheckTimeoutMs?: number;
}

/** Ready-made configurations; pass overrides to change single fields. */
export const SecurityConfig = Object.freeze({
  /** Cancels on any violation; SQL and prompt injection detectors on (PII stays a choice of yours). */
  strict(overrides: SecurityConfig = {}): SecurityConfig {
    return {
      strictMode: true,
      maxInputLength: 10_000,
      detectors: { sqlInjection: true, promptInjection: true, pii: false },
      ...overrides,
    };
  },
  /** Sanitizes instead of cancelling (truncates, removes injections); SQL and prompt injection detectors on. */
  lenient(overrides: SecurityConfig = {}): SecurityConfig {
    return {
      strictMode: false,
      maxInputLength: 10_000,
      detectors: { sqlInjection: true, promptInjection: true, pii: false },
      ...overrides,
    };
  },
});

/** The JSON Schema of `SecurityConfig`; `stringOrRegExp` and `logger` are keywords of this package. */
export const securityConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'string', minLength: 1 },
    strictMode: { type: 'boolean' },
    maxInputLength: { type: 'integer', minimum: 1 },
    blockedPatterns: { type: 'array', items: { stringOrRegExp: true } },
    detectors: {
      type: 'object',
      additionalProperties: false,
      properties: {
        sqlInjection: { type: 'boolean' },
        promptInjection: { type: 'boolean' },
        pii: { type: 'boolean' },
      },
    },
    toolSchemas: { type: 'object', additionalProperties: { type: ['object', 'boolean'] } },
    logger: { logger: true },
    patternCheckTimeoutMs: { type: 'integer', minimum: 1 },
  },
} as const;
