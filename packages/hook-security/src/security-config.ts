import type { Logger } from '@llmspell/core';
import type { PromptInjectionClassifier } from './prompt-injection-classifier.js';

/** How prompt injection is judged besides the built-in rules. */
export interface PromptInjectionOptions {
  /** The model that scores each text. Default: the built-in classifier (shipped in the package, no network). */
  classifier?: PromptInjectionClassifier;
  /** A score at or above this is a violation. Default 0.5. */
  threshold?: number;
  /** How long one `score` call may take before `onClassifierError` applies. Default 1_000. */
  timeoutMs?: number;
  /**
   * When the classifier throws, rejects, times out or returns something other than a number in 0..1:
   * 'violation' judges the text an injection (fail closed), 'ignore' goes by the rules alone. Default 'violation'.
   */
  onClassifierError?: 'violation' | 'ignore';
}

/** Which detectors run. */
export interface DetectorOptions {
  /** SQL injection: tautologies, UNION SELECT, stacked queries, comment truncation, delays, encodings. Default true for inputs. */
  sqlInjection?: boolean;
  /**
   * Prompt injection: instruction overrides, jailbreak personas, forged conversation turns, system-prompt
   * exfiltration, plus a classifier. `true` uses the built-in classifier. Default false for inputs.
   */
  promptInjection?: boolean | PromptInjectionOptions;
  /** Personal data and secrets: emails, Luhn-valid card numbers, API keys, tokens, private keys, assigned secrets. Default false for inputs. */
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
  /** Which detectors run on inputs (Before points). Default { sqlInjection: true, promptInjection: false, pii: false }. */
  detectors?: DetectorOptions;
  /**
   * Which detectors run on outputs: tool results and responses (After points) and streamed chunks.
   * Default { sqlInjection: false, promptInjection: true, pii: true }.
   */
  outputDetectors?: DetectorOptions;
  /**
   * How many clean prompt messages (through the AI SDK's `hooksMiddleware`) are remembered so that the next
   * turn does not scan them again. Default 1_000.
   */
  rememberedMessages?: number;
  /**
   * Characters of a streamed response held back at `AgentStreamChunk` until they are judged with what follows
   * (declared as the hook's `streamHoldBackChars`). Larger scans less often; at least 256. Default 512.
   */
  streamHoldBackChars?: number;
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
      outputDetectors: { sqlInjection: false, promptInjection: true, pii: true },
      ...overrides,
    };
  },
  /** Sanitizes instead of cancelling (truncates, removes injections); SQL and prompt injection detectors on. */
  lenient(overrides: SecurityConfig = {}): SecurityConfig {
    return {
      strictMode: false,
      maxInputLength: 10_000,
      detectors: { sqlInjection: true, promptInjection: true, pii: false },
      outputDetectors: { sqlInjection: false, promptInjection: true, pii: true },
      ...overrides,
    };
  },
});

const detectorsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    sqlInjection: { type: 'boolean' },
    promptInjection: {
      oneOf: [
        { type: 'boolean' },
        {
          type: 'object',
          additionalProperties: false,
          properties: {
            classifier: { classifier: true },
            threshold: { type: 'number', minimum: 0, maximum: 1 },
            timeoutMs: { type: 'integer', minimum: 1 },
            onClassifierError: { enum: ['violation', 'ignore'] },
          },
        },
      ],
    },
    pii: { type: 'boolean' },
  },
} as const;

/** The JSON Schema of `SecurityConfig`; `stringOrRegExp`, `logger` and `classifier` are keywords of this package. */
export const securityConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'string', minLength: 1 },
    strictMode: { type: 'boolean' },
    maxInputLength: { type: 'integer', minimum: 1 },
    blockedPatterns: { type: 'array', items: { stringOrRegExp: true } },
    detectors: detectorsSchema,
    outputDetectors: detectorsSchema,
    rememberedMessages: { type: 'integer', minimum: 0 },
    streamHoldBackChars: { type: 'integer', minimum: 256 },
    toolSchemas: { type: 'object', additionalProperties: { type: ['object', 'boolean'] } },
    logger: { logger: true },
    patternCheckTimeoutMs: { type: 'integer', minimum: 1 },
  },
} as const;
