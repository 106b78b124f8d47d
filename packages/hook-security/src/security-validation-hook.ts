import {
  type Hook,
  type HookContext,
  type HookMetadata,
  HookPoint,
  HookResult,
  Priority,
} from '@llmspell/core';
import type { ValidateFunction } from 'ajv';
import { MissingInputError } from './errors/missing-input-error.js';
import {
  collectInputStrings,
  type InputString,
  inputPatch,
  pointerOf,
  replaceStrings,
  totalLength,
  truncateStrings,
} from './input-strings.js';
import { type ResolvedConfig, resolveConfig } from './resolve-config.js';
import { sanitizeText, scanText, violationsOf } from './scan-text.js';
import type { SecurityConfig } from './security-config.js';
import { describeViolation, type InvalidToolArguments, type SecurityViolation } from './violations.js';

/** Lenient mode re-truncates and re-sanitizes at most this many times when masks lengthen the input. */
const MAX_LENIENT_ROUNDS = 3;

interface Evaluation {
  violations: SecurityViolation[];
  /** Strict mode stopped at the length check, or the tool's arguments do not match its schema. */
  mustCancel: boolean;
}

/**
 * Validates `data.input` before an agent or tool runs: input length, SQL injection, opt-in prompt injection
 * and PII detection, blocked patterns, and tool arguments against JSON Schemas. Strict mode cancels;
 * lenient mode answers with a sanitized input. Runs first (Priority.Highest) and fails closed.
 */
/** Ordinary prose with quotes, percent signs, comment markers and an address shape: reaches every pattern. */
const WARM_UP_TEXT =
  'Please select the best option and update me on the union meeting; drop me a line at noon (see page 3).';

export class SecurityValidationHook implements Hook {
  readonly id: string;
  readonly #config: ResolvedConfig;

  /** Throws `HookConfigError` listing every bad option, including user patterns that could backtrack catastrophically. */
  constructor(config: SecurityConfig = {}) {
    this.#config = resolveConfig(config);
    this.id = this.#config.id;
    // V8 compiles each regular expression on its first use: one scan now moves that cost (several ms with
    // every detector on) from the first user request to start-up.
    this.validate({ text: WARM_UP_TEXT, note: "It's 50% off at O'Brien's -- see you at 10:30 #team" });
  }

  metadata(): HookMetadata {
    return {
      name: 'SecurityValidationHook',
      description:
        'Validates agent and tool input: length, SQL/prompt injection, PII, blocked patterns, tool schemas',
      tags: ['security'],
      priority: Priority.Highest,
      failurePolicy: 'closed',
    };
  }

  /**
   * Every violation in `input` (a `{ text }` object, a string or a tool's argument object), as `execute` would
   * find it in lenient mode (strict mode stops at InputTooLong); with `tool`, its arguments are also checked
   * against `toolSchemas[tool]`. Empty when clean; throws `MissingInputError` for `undefined` or `null`.
   */
  validate(input: unknown, tool?: string): SecurityViolation[] {
    if (input === undefined || input === null) throw new MissingInputError('validate()');
    const strings = collectInputStrings(input);
    const validator = tool === undefined ? undefined : this.#config.toolValidators.get(tool);
    return this.#evaluate(input, strings, validator, tool ?? '', false).violations;
  }

  execute(context: HookContext): HookResult {
    const input = context.data.input;
    if (input === undefined || input === null) throw new MissingInputError(context.hookPoint);
    const config = this.#config;
    const tool = context.hookPoint === HookPoint.BeforeToolExecution ? context.componentId.name : '';
    const validator = tool === '' ? undefined : config.toolValidators.get(tool);
    const strings = collectInputStrings(input);
    const { violations, mustCancel } = this.#evaluate(input, strings, validator, tool, config.strictMode);
    if (violations.length === 0) return HookResult.continue();
    this.#report(context, violations);
    if (config.strictMode || mustCancel) {
      return HookResult.cancel(`Security violation: ${violations.map(describeViolation).join('; ')}`);
    }
    const next = replaceStrings(input, this.#sanitize(strings));
    if (validator && !validator(next)) {
      const problem = describeViolation(schemaViolation(tool, validator));
      return HookResult.cancel(`Security violation: after sanitizing, the ${problem}`);
    }
    return HookResult.modified(inputPatch(input, next));
  }

  /** Length first (strict mode stops there), then the tool schema, then the detectors on every string. */
  #evaluate(
    input: unknown,
    strings: readonly InputString[],
    validator: ValidateFunction | undefined,
    tool: string,
    stopWhenTooLong: boolean,
  ): Evaluation {
    const config = this.#config;
    const violations: SecurityViolation[] = [];
    const length = totalLength(strings);
    const tooLong = length > config.maxInputLength;
    if (tooLong) {
      violations.push({ type: 'InputTooLong', max: config.maxInputLength, actual: length });
      if (stopWhenTooLong) return { violations, mustCancel: true };
    }
    let mustCancel = false;
    if (validator && !validator(input)) {
      violations.push(schemaViolation(tool, validator));
      mustCancel = true;
    }
    // Only what would survive truncation is scanned, so a huge input costs no more than a maximal one.
    const scanned = tooLong ? truncateStrings(strings, config.maxInputLength) : strings;
    for (const entry of scanned) {
      const findings = scanText(entry.value, config, false, false);
      for (const violation of violationsOf(findings, pointerOf(entry.path))) violations.push(violation);
    }
    return { violations, mustCancel };
  }

  /** Truncates, then removes or masks every match; repeats if masks pushed the input over the limit. */
  #sanitize(strings: readonly InputString[]): InputString[] {
    const config = this.#config;
    let current = [...strings];
    for (let round = 0; round < MAX_LENIENT_ROUNDS; round++) {
      current = truncateStrings(current, config.maxInputLength).map((entry) => {
        const value = sanitizeText(entry.value, config);
        return value === entry.value ? entry : { path: entry.path, value };
      });
      if (totalLength(current) <= config.maxInputLength) return current;
    }
    return current.map((entry) => ({ path: entry.path, value: '' }));
  }

  #report(context: HookContext, violations: readonly SecurityViolation[]): void {
    const component = context.componentId.name;
    for (const violation of violations) {
      this.#config.logger.warn(
        { violationType: violation.type, component, hookPoint: context.hookPoint, details: violation },
        'Security violation detected',
      );
      context.metrics.increment('security_violations', 1, { type: violation.type });
    }
    context.emitEvent('security.violation', {
      violationType: violations[0]!.type,
      component,
      details: violations,
    });
  }
}

function schemaViolation(tool: string, validator: ValidateFunction): InvalidToolArguments {
  return {
    type: 'InvalidToolArguments',
    tool,
    errors: (validator.errors ?? []).map((error) => {
      const property = (error.params as { additionalProperty?: unknown }).additionalProperty;
      return {
        path: error.instancePath === '' ? '/' : error.instancePath,
        message:
          property === undefined
            ? (error.message ?? 'is invalid')
            : `must NOT have additional property '${String(property)}'`,
      };
    }),
  };
}
