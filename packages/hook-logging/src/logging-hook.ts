import {
  consoleLogger,
  describeValue,
  type Hook,
  HookConfigError,
  type HookContext,
  type HookMetadata,
  HookResult,
  isErrorPoint,
  type Logger,
  Priority,
} from '@llmspell/core';
import { type RedactOptions, redact, SECRET_KEY_PATTERN } from './redact.js';

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
  /** Longest string logged before truncation. Default 200. */
  maxValueLength?: number;
  /** Nesting depth logged before a structure is summarised. Default 5. */
  maxDepth?: number;
  /** Array items logged before the rest is counted. Default 20. */
  maxItems?: number;
  /** Keys whose values are masked (tested against each key). Default: api keys, passwords, secrets, tokens, cookies. */
  secretKeys?: RegExp;
  /** Priority when registered without one. Default `Priority.Lowest`, so it logs what the other hooks decided. */
  priority?: number;
}

function positiveInteger(issues: { path: string; message: string }[], name: string, value: unknown): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || (value as number) < 1)) {
    issues.push({ path: `/${name}`, message: `must be a positive integer, got ${describeValue(value)}` });
  }
}

/**
 * Logs each hook point it is registered at (component, point, correlation id, input and output), with secrets
 * masked and long values truncated. Always answers `continue`.
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
    if (options === null || typeof options !== 'object') {
      throw new HookConfigError('LoggingHook', [
        { path: '/', message: `options must be an object, got ${describeValue(options)}` },
      ]);
    }
    const {
      logInputs = true,
      logOutputs = true,
      logger = consoleLogger('info'),
      level = 'info',
      maxValueLength = 200,
      maxDepth = 5,
      maxItems = 20,
      secretKeys = SECRET_KEY_PATTERN,
      priority = Priority.Lowest,
    } = options;
    const issues: { path: string; message: string }[] = [];
    if (typeof id !== 'string' || id.length === 0)
      issues.push({ path: '/id', message: 'must be a non-empty string' });
    positiveInteger(issues, 'maxValueLength', maxValueLength);
    positiveInteger(issues, 'maxDepth', maxDepth);
    positiveInteger(issues, 'maxItems', maxItems);
    const levelValid = level === 'debug' || level === 'info' || level === 'warn';
    if (!levelValid) {
      issues.push({
        path: '/level',
        message: `must be 'debug', 'info' or 'warn', got ${describeValue(level)}`,
      });
    }
    if (typeof logInputs !== 'boolean') issues.push({ path: '/logInputs', message: 'must be true or false' });
    if (typeof logOutputs !== 'boolean')
      issues.push({ path: '/logOutputs', message: 'must be true or false' });
    if (!(secretKeys instanceof RegExp)) issues.push({ path: '/secretKeys', message: 'must be a RegExp' });
    if (
      logger === null ||
      typeof logger !== 'object' ||
      (levelValid && typeof logger[level] !== 'function') ||
      typeof logger.error !== 'function'
    ) {
      issues.push({
        path: '/logger',
        message: 'must be a pino-compatible logger with debug/info/warn/error methods',
      });
    }
    if (!Number.isSafeInteger(priority)) issues.push({ path: '/priority', message: 'must be an integer' });
    if (issues.length > 0) throw new HookConfigError('LoggingHook', issues);
    this.id = id;
    this.#logInputs = logInputs;
    this.#logOutputs = logOutputs;
    this.#logger = logger;
    this.#level = level;
    this.#redact = { maxValueLength, maxDepth, maxItems, secretKeys };
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
    const fields: Record<string, unknown> = {
      hookPoint: context.hookPoint,
      component: context.componentId.name,
      componentType: context.componentId.componentType,
      correlationId: context.correlationId,
    };
    if (Object.keys(context.metadata).length > 0) fields.metadata = redact(context.metadata, this.#redact);
    if (this.#logInputs && data.input !== undefined) fields.input = redact(data.input, this.#redact);
    if (this.#logOutputs && data.output !== undefined) fields.output = redact(data.output, this.#redact);
    if (data.model !== undefined) fields.model = data.model;
    if (data.tokensUsed !== undefined) fields.tokensUsed = data.tokensUsed;
    if (data.cached === true) fields.cached = true;
    if (isErrorPoint(context.hookPoint)) {
      fields.error = redact(data.error, this.#redact);
      this.#logger.error(fields, `${context.componentId.name} failed at ${context.hookPoint}`);
    } else {
      this.#logger[this.#level](fields, `${context.componentId.name} ${context.hookPoint}`);
    }
    return HookResult.continue();
  }
}
