import {
  ConfigIssues,
  consoleLogger,
  type Hook,
  type HookContext,
  type HookMetadata,
  HookResult,
  isErrorPoint,
  type Logger,
  Priority,
} from '@llmspell/core';
import { type RedactBudget, type RedactOptions, redact } from './redact.js';

/** Options of `LoggingHook`. */
export interface LoggingHookOptions {
  /** Log `data.input`. Default true. */
  logInputs?: boolean;
  /** Log `data.output`. Default true. */
  logOutputs?: boolean;
  /** A pino-compatible logger. Default: `consoleLogger('info')` from @llmspell/core. */
  logger?: Logger;
  /** The level of ordinary entries; error points always log at 'error'. Default 'info'. */
  level?: 'debug' | 'info' | 'warn';
  /** Longest string logged before truncation (at most 65_536). Default 200. */
  maxValueLength?: number;
  /** Longest object key logged before truncation (at most 65_536). Default 100. */
  maxKeyLength?: number;
  /** Nesting depth logged before a structure is summarised (at most 32). Default 5. */
  maxDepth?: number;
  /** Array items and object keys logged per level before the rest is counted (at most 10_000). Default 20. */
  maxItems?: number;
  /** Characters of strings and keys one log entry may hold in all; the rest is summarised. Default 16_384. */
  maxEntryLength?: number;
  /**
   * More keys to mask, tested against each key (cut to `maxKeyLength`). The built-in rules always apply: keys
   * naming passwords, secrets, tokens, API, private, access and encryption keys, cookies, auth, JWTs, sessions.
   */
  secretKeys?: RegExp;
  /** Priority when registered without one. Default `Priority.Lowest`, so it logs what the other hooks decided. */
  priority?: number;
}

const KNOWN_OPTIONS = [
  'logInputs',
  'logOutputs',
  'logger',
  'level',
  'maxValueLength',
  'maxKeyLength',
  'maxDepth',
  'maxItems',
  'maxEntryLength',
  'secretKeys',
  'priority',
];

function validate(id: unknown, given: unknown): LoggingHookOptions {
  const issues = new ConfigIssues();
  if (typeof id !== 'string' || id.length === 0) issues.add('/id', 'must be a non-empty string');
  const options = issues.object(given);
  issues.unknownKeys(options, KNOWN_OPTIONS).boolean(options, 'logInputs').boolean(options, 'logOutputs');
  for (const [name, max] of [
    ['maxValueLength', 65_536],
    ['maxKeyLength', 65_536],
    ['maxDepth', 32],
    ['maxItems', 10_000],
    ['maxEntryLength', 16_777_216],
  ] as const) {
    issues.positiveInteger(options, name);
    const value = options[name];
    if (Number.isSafeInteger(value) && (value as number) > max)
      issues.add(`/${name}`, `must be at most ${max}, got ${value}`);
  }
  issues
    .oneOf(options, 'level', ['debug', 'info', 'warn'])
    .methods(options, 'logger', ['debug', 'info', 'warn', 'error'], 'a pino-compatible logger');
  if (options.secretKeys !== undefined && !(options.secretKeys instanceof RegExp)) {
    issues.add('/secretKeys', 'must be a RegExp');
  }
  if (options.priority !== undefined && !Number.isSafeInteger(options.priority)) {
    issues.add('/priority', 'must be an integer');
  }
  issues.throwIfAny('LoggingHook');
  return options as LoggingHookOptions;
}

/** A copy of a user pattern that `test` can use repeatedly (no `g`/`y` state between calls). */
function statelessPattern(pattern: RegExp | undefined): RegExp | undefined {
  return pattern === undefined ? undefined : new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
}

/**
 * Logs each hook point it is registered at (component, point, correlation id, input and output), with secrets
 * masked and every value bounded in size. Always answers `continue`, whatever the call carries.
 */
export class LoggingHook implements Hook {
  readonly id: string;
  readonly #logInputs: boolean;
  readonly #logOutputs: boolean;
  readonly #logger: Logger;
  readonly #level: 'debug' | 'info' | 'warn';
  readonly #redact: RedactOptions;
  readonly #priority: number;

  constructor(id = 'logging', options: LoggingHookOptions = {}) {
    const {
      logInputs = true,
      logOutputs = true,
      logger = consoleLogger('info'),
      level = 'info',
      maxValueLength = 200,
      maxKeyLength = 100,
      maxDepth = 5,
      maxItems = 20,
      maxEntryLength = 16_384,
      secretKeys,
      priority = Priority.Lowest,
    } = validate(id, options);
    this.id = id;
    this.#logInputs = logInputs;
    this.#logOutputs = logOutputs;
    this.#logger = logger;
    this.#level = level;
    this.#redact = {
      maxValueLength,
      maxKeyLength,
      maxDepth,
      maxItems,
      maxEntryLength,
      secretKeys: statelessPattern(secretKeys),
    };
    this.#priority = priority;
  }

  metadata(): HookMetadata {
    return {
      name: 'LoggingHook',
      description: 'Logs hook points with secrets masked',
      priority: this.#priority,
    };
  }

  execute(context: HookContext): HookResult {
    const { data } = context;
    const options = this.#redact;
    // One budget per entry: however many fields a call fills, the entry stays within maxEntryLength.
    const budget: RedactBudget = { remaining: options.maxEntryLength };
    const fields: Record<string, unknown> = {
      hookPoint: context.hookPoint,
      component: redact(context.componentId.name, options, budget),
      componentType: redact(context.componentId.componentType, options, budget),
      correlationId: redact(context.correlationId, options, budget),
    };
    if (Object.keys(context.metadata).length > 0) fields.metadata = redact(context.metadata, options, budget);
    if (this.#logInputs && data.input !== undefined) fields.input = redact(data.input, options, budget);
    if (this.#logOutputs && data.output !== undefined) fields.output = redact(data.output, options, budget);
    if (data.model !== undefined) fields.model = redact(data.model, options, budget);
    if (data.tokensUsed !== undefined) fields.tokensUsed = redact(data.tokensUsed, options, budget);
    if (data.cached === true) fields.cached = true;
    const component = fields.component as string;
    if (isErrorPoint(context.hookPoint)) {
      fields.error = redact(data.error, options, budget);
      this.#logger.error(fields, `${component} failed at ${context.hookPoint}`);
    } else {
      this.#logger[this.#level](fields, `${component} ${context.hookPoint}`);
    }
    return HookResult.continue();
  }
}
