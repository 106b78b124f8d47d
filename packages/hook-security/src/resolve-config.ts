import { type ConfigIssue, HookConfigError, issuesFromAjv, type Logger, silentLogger } from '@llmspell/core';
import Ajv, {
  type Options as AjvOptions,
  type ErrorObject,
  type SchemaValidateFunction,
  type ValidateFunction,
} from 'ajv';
import Ajv2019 from 'ajv/dist/2019.js';
import Ajv2020 from 'ajv/dist/2020.js';
import { builtInClassifier } from './built-in-classifier.js';
import { checkPatternSafety } from './pattern-safety.js';
import type { PromptInjectionClassifier } from './prompt-injection-classifier.js';
import {
  type DetectorOptions,
  type PromptInjectionOptions,
  type SecurityConfig,
  securityConfigSchema,
} from './security-config.js';

/** A user pattern, checked and compiled: `pattern` is global (for removal), `label` is how it is reported. */
export interface CompiledPattern {
  readonly label: string;
  readonly pattern: RegExp;
}

/** Prompt injection settings with defaults filled in. */
export interface ResolvedPromptInjection {
  readonly classifier: PromptInjectionClassifier;
  /** True for the built-in classifier, which scores synchronously inside the scan. */
  readonly builtIn: boolean;
  readonly threshold: number;
  readonly timeoutMs: number;
  readonly onClassifierError: 'violation' | 'ignore';
}

/** Which detectors run, resolved; `promptInjection` is `undefined` when off. */
export interface ResolvedDetectors {
  readonly sqlInjection: boolean;
  readonly promptInjection: ResolvedPromptInjection | undefined;
  readonly pii: boolean;
}

/** `SecurityConfig` validated, with every default filled in and every pattern and schema compiled. */
export interface ResolvedConfig {
  readonly id: string;
  readonly strictMode: boolean;
  readonly maxInputLength: number;
  readonly blockedPatterns: readonly CompiledPattern[];
  readonly detectors: ResolvedDetectors;
  readonly outputDetectors: ResolvedDetectors;
  readonly rememberedMessages: number;
  readonly streamHoldBackChars: number;
  readonly toolValidators: ReadonlyMap<string, ValidateFunction>;
  readonly logger: Logger;
}

const SUBJECT = 'SecurityValidationHook';

function isRegExp(value: unknown): value is RegExp {
  return Object.prototype.toString.call(value) === '[object RegExp]';
}

function isLogger(value: unknown): value is Logger {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Record<string, unknown>;
  return ['debug', 'info', 'warn', 'error'].every((level) => typeof candidate[level] === 'function');
}

let validateConfig: ValidateFunction | undefined;

function configValidator(): ValidateFunction {
  if (validateConfig) return validateConfig;
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  const stringOrRegExp: SchemaValidateFunction = (_schema, data) => {
    if ((typeof data === 'string' && data.length > 0) || isRegExp(data)) return true;
    stringOrRegExp.errors = [
      { keyword: 'stringOrRegExp', message: 'must be a non-empty string or a RegExp', params: {} },
    ];
    return false;
  };
  const logger: SchemaValidateFunction = (_schema, data) => {
    if (isLogger(data)) return true;
    logger.errors = [
      {
        keyword: 'logger',
        message: 'must be a pino-compatible logger (debug, info, warn and error methods)',
        params: {},
      },
    ];
    return false;
  };
  ajv.addKeyword({
    keyword: 'stringOrRegExp',
    schemaType: 'boolean',
    errors: true,
    validate: stringOrRegExp,
  });
  ajv.addKeyword({ keyword: 'logger', schemaType: 'boolean', errors: true, validate: logger });
  const classifier: SchemaValidateFunction = (_schema, data) => {
    const candidate = data as Partial<PromptInjectionClassifier> | null;
    if (
      candidate !== null &&
      typeof candidate === 'object' &&
      typeof candidate.name === 'string' &&
      typeof candidate.score === 'function'
    ) {
      return true;
    }
    classifier.errors = [
      {
        keyword: 'classifier',
        message: 'must be a PromptInjectionClassifier (a name string and a score(text, { signal }) method)',
        params: {},
      },
    ];
    return false;
  };
  ajv.addKeyword({ keyword: 'classifier', schemaType: 'boolean', errors: true, validate: classifier });
  validateConfig = ajv.compile(securityConfigSchema);
  return validateConfig;
}

/** Shows a bad value in a message: JSON where it can, `String()` otherwise, never longer than 60 characters. */
function show(value: unknown): string {
  let text: string;
  if (isRegExp(value) || typeof value === 'function' || typeof value === 'bigint') text = String(value);
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function valueAt(root: unknown, pointer: string): unknown {
  let value = root;
  for (const part of pointer.split('/').slice(1)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  return value;
}

function escapePointer(part: string): string {
  return part.replaceAll('~', '~0').replaceAll('/', '~1');
}

function configIssue(config: unknown, error: ErrorObject): ConfigIssue {
  if (error.keyword === 'additionalProperties') {
    // Worded by core, as in every package.
    return issuesFromAjv([error], config, securityConfigSchema)[0]!;
  }
  const path = error.instancePath === '' ? '/' : error.instancePath;
  const name = error.instancePath === '' ? 'the configuration' : error.instancePath.slice(1);
  return {
    path,
    message: `${name} ${error.message ?? 'is invalid'}, got ${show(valueAt(config, error.instancePath))}`,
  };
}

/** Compiles one blocked pattern, or says why it cannot be used. */
function compilePattern(entry: string | RegExp, timeoutMs: number): CompiledPattern | string {
  const source = typeof entry === 'string' ? entry : entry.source;
  const flags = typeof entry === 'string' ? 'i' : entry.flags.replace('g', '').replace('y', '');
  let probe: RegExp;
  try {
    probe = new RegExp(source, flags);
  } catch (error) {
    return `is not a valid regular expression: ${(error as Error).message}`;
  }
  const label = `/${source}/${flags}`;
  if (probe.test(''))
    return `${label} matches the empty string, so it would flag every input; make it match something`;
  const safety = checkPatternSafety(source, flags, timeoutMs);
  if (!safety.safe) return `${label} ${safety.problem}`;
  return { label, pattern: new RegExp(source, `${flags}g`) };
}

/** Ajv compiles `pattern` and `patternProperties` of tool schemas through this: they are user patterns too. */
function safeRegExpEngine(timeoutMs: number): AjvOptions['code'] {
  const regExp = (pattern: string, flags: string): RegExp => {
    const safety = checkPatternSafety(pattern, flags, timeoutMs);
    if (!safety.safe) throw new Error(`pattern /${pattern}/${flags} ${safety.problem}`);
    return new RegExp(pattern, flags);
  };
  regExp.code = 'new RegExp';
  return { regExp };
}

function compileToolSchemas(
  schemas: Record<string, Record<string, unknown> | boolean>,
  timeoutMs: number,
  issues: ConfigIssue[],
): Map<string, ValidateFunction> {
  const validators = new Map<string, ValidateFunction>();
  const names = Object.keys(schemas);
  if (names.length === 0) return validators;
  const options: AjvOptions = {
    allErrors: true,
    strict: false,
    logger: false,
    validateFormats: false,
    code: safeRegExpEngine(timeoutMs),
  };
  const engines = new Map<string, Ajv>();
  const engineFor = (schema: Record<string, unknown> | boolean): Ajv => {
    const dialect = typeof schema === 'object' && typeof schema.$schema === 'string' ? schema.$schema : '';
    const kind = dialect.includes('2020-12') ? '2020' : dialect.includes('2019-09') ? '2019' : '07';
    let engine = engines.get(kind);
    if (!engine) {
      engine =
        kind === '2020' ? new Ajv2020(options) : kind === '2019' ? new Ajv2019(options) : new Ajv(options);
      engines.set(kind, engine);
    }
    return engine;
  };
  for (const name of names) {
    const schema = schemas[name]!;
    try {
      validators.set(name, engineFor(schema).compile(schema));
    } catch (error) {
      issues.push({
        path: `/toolSchemas/${escapePointer(name)}`,
        message: `the schema of tool '${name}' cannot be compiled: ${(error as Error).message}`,
      });
    }
  }
  return validators;
}

/** Validates `config` (throwing `HookConfigError` listing every bad field) and fills in the defaults. */
export function resolveConfig(config: unknown): ResolvedConfig {
  const validate = configValidator();
  if (!validate(config)) {
    throw new HookConfigError(
      SUBJECT,
      (validate.errors ?? []).map((error) => configIssue(config, error)),
    );
  }
  const {
    id = 'security-validator',
    strictMode = true,
    maxInputLength = 10_000,
    blockedPatterns = [],
    detectors = {},
    outputDetectors = { sqlInjection: false, promptInjection: true, pii: true },
    rememberedMessages = 1_000,
    streamHoldBackChars = 512,
    toolSchemas = {},
    logger = silentLogger,
    patternCheckTimeoutMs = 10_000,
  } = config as SecurityConfig;
  const issues: ConfigIssue[] = [];
  const compiled: CompiledPattern[] = [];
  blockedPatterns.forEach((entry, index) => {
    const result = compilePattern(entry, patternCheckTimeoutMs);
    if (typeof result === 'string') issues.push({ path: `/blockedPatterns/${index}`, message: result });
    else compiled.push(result);
  });
  const toolValidators = compileToolSchemas(toolSchemas, patternCheckTimeoutMs, issues);
  if (issues.length > 0) throw new HookConfigError(SUBJECT, issues);
  return {
    id,
    strictMode,
    maxInputLength,
    blockedPatterns: compiled,
    detectors: resolveDetectors(detectors, { sqlInjection: true, promptInjection: false, pii: false }),
    outputDetectors: resolveDetectors(outputDetectors, {
      sqlInjection: false,
      promptInjection: true,
      pii: true,
    }),
    rememberedMessages,
    streamHoldBackChars,
    toolValidators,
    logger,
  };
}

function resolvePromptInjection(
  option: boolean | PromptInjectionOptions,
): ResolvedPromptInjection | undefined {
  if (option === false) return undefined;
  const {
    classifier = builtInClassifier,
    threshold = 0.5,
    timeoutMs = 1_000,
    onClassifierError = 'violation',
  } = option === true ? {} : option;
  return { classifier, builtIn: classifier === builtInClassifier, threshold, timeoutMs, onClassifierError };
}

function resolveDetectors(
  options: DetectorOptions,
  defaults: Required<{ [Key in keyof DetectorOptions]: boolean }>,
): ResolvedDetectors {
  const {
    sqlInjection = defaults.sqlInjection,
    promptInjection = defaults.promptInjection,
    pii = defaults.pii,
  } = options;
  return { sqlInjection, promptInjection: resolvePromptInjection(promptInjection), pii };
}
