import {
  type Hook,
  type HookContext,
  type HookMetadata,
  HookPoint,
  HookResult,
  Priority,
} from '@llmspell/core';
import type { ValidateFunction } from 'ajv';
import { builtInScore } from './built-in-classifier.js';
import {
  messageKey,
  messageStrings,
  type PromptMessage,
  promptMessagesOf,
  RememberedMessages,
  refusesFiles,
  userText,
} from './conversation.js';
import { MissingInputError } from './errors/missing-input-error.js';
import {
  type CollectedStrings,
  collectAllStrings,
  collectResponseStrings,
  collectTextStrings,
  dataPatch,
  type InputString,
  isContainer,
  joinedResponseParts,
  jsonForm,
  pointerOf,
  replaceStrings,
  totalLength,
  truncateStrings,
} from './input-strings.js';
import { normalizeText } from './normalize-text.js';
import { type ResolvedConfig, type ResolvedPromptInjection, resolveConfig } from './resolve-config.js';
import {
  BUILT_IN_CLASSIFIER_RULE,
  type ScanSettings,
  sanitizeText,
  scanText,
  textIsClean,
  violationsOf,
} from './scan-text.js';
import { scoreWithTimeout } from './score-with-timeout.js';
import type { SecurityConfig } from './security-config.js';
import {
  cutContinuation,
  endStreamScan,
  planStreamScan,
  resumeStreamScan,
  type StreamScanState,
  type StreamWindow,
} from './stream-scan.js';
import { describeViolation, type InvalidToolArguments, type SecurityViolation } from './violations.js';

/** Lenient mode re-truncates and re-sanitizes at most this many times when masks lengthen the input. */
const MAX_LENIENT_ROUNDS = 3;

/** Ordinary prose with quotes, percent signs, comment markers and an address shape: reaches every pattern. */
const WARM_UP_TEXT =
  'Please select the best option and update me on the union meeting; drop me a line at noon (see page 3).';

/** The cancel reason for a missing or unreadable input (DESIGN §10). */
const NO_INPUT_REASON = 'Security violation: no input text found';

/**
 * The longest match a streamed response is guaranteed to be judged whole on (secrets, injection phrases), in
 * characters as the detectors read them (decoded, invisible characters removed).
 */
const STREAM_OVERLAP_CHARS = 128;

/** Text the normalisation leaves as it is (printable ASCII without escapes): its decoded characters are its own. */
const PLAIN_TEXT = /^[\t\n\r\x20-\x24\x27-\x7e]*$/;
const AGENT_STREAM_CHUNK = 'AgentStreamChunk';

/** Points whose `data.input` is a tool's argument object: every string and key is scanned. */
const TOOL_INPUT_POINTS: ReadonlySet<string> = new Set([
  HookPoint.BeforeToolExecution,
  HookPoint.ToolValidation,
]);
/** Points that judge `data.output` with `outputDetectors`. */
const OUTPUT_POINTS: ReadonlySet<string> = new Set([
  HookPoint.AfterAgentExecution,
  HookPoint.AfterToolExecution,
]);

interface Evaluation {
  violations: SecurityViolation[];
  /** Nothing lenient mode could do makes the value pass: too long in strict mode, too deep, bad schema. */
  mustCancel: boolean;
}

/** What one judgement looks at: the strings of `data[root]`, the detectors, and whether length is limited. */
interface Subject {
  readonly root: 'input' | 'output';
  readonly value: unknown;
  readonly collected: CollectedStrings;
  readonly settings: ScanSettings;
  readonly limitLength: boolean;
  readonly validator: ValidateFunction | undefined;
  readonly tool: string;
}

/** One message of a conversation and what the detectors made of it; `message` is undefined when malformed. */
interface JudgedMessage {
  readonly index: number;
  readonly message: PromptMessage | undefined;
  readonly key: string;
  readonly subject: Subject | undefined;
  readonly strings: readonly InputString[];
  readonly scanned: readonly number[];
  evaluation: Evaluation;
}

/**
 * Judges what goes into and comes out of agents and tools. Before points scan `data.input` (length, SQL and
 * prompt injection, personal data, blocked patterns, tool schemas); After points scan `data.output` with
 * `outputDetectors` (indirect injection in tool results, leaks in responses). Strict mode cancels; lenient
 * mode answers with a sanitized value. Runs first (Priority.Highest), fails closed, and never throws on
 * anything a caller sends: a missing or unreadable input is a `cancel`.
 */
export class SecurityValidationHook implements Hook {
  readonly id: string;
  readonly #config: ResolvedConfig;
  readonly #inputSettings: ScanSettings;
  readonly #outputSettings: ScanSettings;
  /** The output detectors without the classifier: a window of a stream is not a text to classify. */
  readonly #chunkSettings: ScanSettings;
  readonly #streamStateKey: string;
  readonly #remembered: RememberedMessages;

  /** Throws `HookConfigError` listing every bad option, including user patterns that could backtrack catastrophically. */
  constructor(config: SecurityConfig = {}) {
    this.#config = resolveConfig(config);
    this.id = this.#config.id;
    const { detectors, outputDetectors, blockedPatterns } = this.#config;
    this.#inputSettings = { detectors, blockedPatterns };
    this.#outputSettings = { detectors: outputDetectors, blockedPatterns };
    const chunkDetectors = outputDetectors.promptInjection
      ? { ...outputDetectors, promptInjection: { ...outputDetectors.promptInjection, builtIn: false } }
      : outputDetectors;
    this.#chunkSettings = { detectors: chunkDetectors, blockedPatterns };
    this.#streamStateKey = `${this.id}:streamScannedTo`;
    this.#remembered = new RememberedMessages(this.#config.rememberedMessages);
    // V8 compiles each regular expression on its first use: one scan now moves that cost (several ms with
    // every detector on) from the first user request to start-up.
    const warmUp = { text: WARM_UP_TEXT, note: "It's 50% off at O'Brien's -- see you at 10:30 #team" };
    for (const settings of [this.#inputSettings, this.#outputSettings]) {
      for (const entry of collectAllStrings(warmUp).strings) scanText(entry.value, settings, false, false);
    }
  }

  metadata(): HookMetadata {
    return {
      name: 'SecurityValidationHook',
      description:
        'Validates agent and tool inputs and outputs: length, SQL/prompt injection, PII and secrets, blocked patterns, tool schemas',
      tags: ['security'],
      priority: Priority.Highest,
      failurePolicy: 'closed',
      streamHoldBackChars: this.#config.streamHoldBackChars,
    };
  }

  /**
   * Every violation in `input` (a `{ text }` object, a string, or with `tool` that tool's argument object,
   * every string and key of it, also checked against `toolSchemas[tool]`), as `execute` would find it in
   * lenient mode (strict mode stops at InputTooLong). The built-in detectors only: a plugged classifier is
   * not consulted. Empty when clean; throws `MissingInputError` for `undefined` or `null`.
   */
  validate(input: unknown, tool?: string): SecurityViolation[] {
    if (input === undefined || input === null) throw new MissingInputError('validate()');
    const collected = tool === undefined ? collectTextStrings(input) : collectAllStrings(input);
    const validator = tool === undefined ? undefined : this.#config.toolValidators.get(tool);
    return this.#evaluate(
      {
        root: 'input',
        value: input,
        collected,
        settings: this.#inputSettings,
        limitLength: true,
        validator,
        tool: tool ?? '',
      },
      false,
    ).violations;
  }

  execute(context: HookContext): HookResult | Promise<HookResult> {
    const point = context.hookPoint;
    if (point === AGENT_STREAM_CHUNK) return this.#judgeChunk(context);
    if (OUTPUT_POINTS.has(point)) {
      const output = context.data.output;
      if (output === undefined || output === null) return HookResult.continue();
      const isTool = point === HookPoint.AfterToolExecution;
      let value: unknown = output;
      let collected = isTool ? collectAllStrings(output) : collectResponseStrings(output);
      if (isTool && collected.opaque === true && collected.overflow === undefined) {
        // A result that is (or holds) a class instance, a Map … reaches the model as its JSON: scan that.
        const json = jsonForm(output);
        if (json !== undefined && 'overflow' in json) {
          collected = { ...collected, overflow: collected.overflow ?? json.overflow };
        } else if (json !== undefined) {
          value = json.value;
          collected = collectAllStrings(json.value);
        }
      }
      return this.#judge(context, {
        root: 'output',
        value,
        collected,
        settings: this.#outputSettings,
        limitLength: false,
        validator: undefined,
        tool: '',
      });
    }
    const input = context.data.input;
    const isTool = TOOL_INPUT_POINTS.has(point);
    if (
      input === undefined ||
      input === null ||
      (!isTool && typeof input !== 'string' && !isContainer(input))
    ) {
      this.#report(context, [{ type: 'MissingInput', path: '/input' }]);
      return HookResult.cancel(NO_INPUT_REASON);
    }
    if (!isTool) {
      const messages = promptMessagesOf(input);
      if (messages !== undefined)
        return this.#judgeConversation(context, input as Record<string, unknown>, messages);
    }
    const tool = point === HookPoint.BeforeToolExecution ? context.componentId.name : '';
    return this.#judge(context, {
      root: 'input',
      value: input,
      collected: isTool ? collectAllStrings(input) : collectTextStrings(input),
      settings: this.#inputSettings,
      limitLength: true,
      validator: tool === '' ? undefined : this.#config.toolValidators.get(tool),
      tool,
    });
  }

  /**
   * A streamed response, scanned incrementally (see `stream-scan.ts`) with `outputDetectors`; the classifier
   * judges the whole response once, when the stream ends.
   */
  #judgeChunk(context: HookContext): HookResult | Promise<HookResult> {
    const chunk = context.data.chunk as { text?: unknown; final?: unknown; appended?: unknown } | undefined;
    if (chunk === null || typeof chunk !== 'object' || typeof chunk.text !== 'string')
      return HookResult.continue();
    const output = context.data.output as { text?: unknown } | undefined;
    const released =
      output !== null && typeof output === 'object' && typeof output.text === 'string' ? output.text : '';
    const pending = chunk.text;
    const final = chunk.final === true;
    const previous = context.state.get(this.#streamStateKey) as StreamScanState | undefined;
    const scannedTo = resumeStreamScan(
      previous,
      released.length,
      pending,
      // Only the stream phase's own chunk is frozen; a chunk an earlier hook rewrote carries a stale figure.
      Object.isFrozen(chunk) ? chunk.appended : undefined,
    );
    const plan = planStreamScan({
      released: released.length,
      pending,
      final,
      scannedTo,
      holdBackChars: this.#config.streamHoldBackChars,
    });
    if (plan.window === undefined) return HookResult.continue();
    const offset = plan.offsetInPending;
    // A key whose start a lenient mask hid may go on here: cut what continues it before judging the window.
    // It cannot have been released: it is no further than `scannedTo` from the end, and a window is due first.
    const cut =
      previous?.continueAt === undefined
        ? { window: plan.window, cut: false, continuing: false }
        : cutContinuation(plan.window, previous.continueAt - released.length - offset);
    const window = cut.window;
    const strings = [{ path: undefined, value: window, isKey: false }];
    const subject: Subject = {
      root: 'output',
      value: window,
      collected: { strings, overflow: undefined },
      settings: this.#chunkSettings,
      limitLength: false,
      validator: undefined,
      tool: '',
    };
    const evaluation = this.#evaluate(subject, true);
    const promptInjection = this.#config.outputDetectors.promptInjection;
    if (final && promptInjection && (evaluation.violations.length === 0 || !this.#config.strictMode)) {
      const whole = released + pending;
      const wholeSubject: Subject = {
        ...subject,
        value: whole,
        collected: { strings: [{ path: undefined, value: whole, isKey: false }], overflow: undefined },
      };
      if (promptInjection.builtIn) {
        if (builtInScore(normalizeText(whole).decoded.value) >= promptInjection.threshold) {
          evaluation.violations.push({
            type: 'PromptInjection',
            technique: 'classifier',
            pattern: BUILT_IN_CLASSIFIER_RULE,
            path: '/output',
            excerpt: whole.slice(0, 60),
          });
          evaluation.mustCancel = true;
        }
      } else {
        return this.#classify(promptInjection, wholeSubject, evaluation).then((classified) =>
          this.#decideChunk(context, { released: released.length, pending, offset, final, cut }, classified),
        );
      }
    }
    return this.#decideChunk(context, { released: released.length, pending, offset, final, cut }, evaluation);
  }

  /**
   * Strict: cancel. Lenient: the pending text with the scanned window sanitized. Remembers where the next window
   * starts, in the text as answered: a mask shorter than what it hides must not move the next window past
   * text that was never scanned; and where a mask that reached the end of the window ended, so that what
   * continues the masked match in later deltas is cut too.
   */
  #decideChunk(
    context: HookContext,
    window: {
      released: number;
      pending: string;
      /** Where the scanned window starts in `pending`. */
      offset: number;
      final: boolean;
      /** The scanned window, what continued an earlier mask cut out of it. */
      cut: StreamWindow;
    },
    evaluation: Evaluation,
  ): HookResult {
    const { released, pending, offset, final, cut } = window;
    const { violations, mustCancel } = evaluation;
    let judgedWindow = cut.window;
    let continuing = cut.continuing;
    if (violations.length > 0) {
      this.#report(context, violations);
      if (this.#config.strictMode || mustCancel) {
        return HookResult.cancel(`Security violation: ${violations.map(describeViolation).join('; ')}`);
      }
      judgedWindow = sanitizeText(cut.window, this.#chunkSettings);
      // A mask that covers the window's last character may hide a match that goes on in the next delta.
      const last = cut.window.length - 1;
      if (last >= 0 && (judgedWindow.length === 0 || judgedWindow.at(-1) !== cut.window[last])) {
        continuing = true;
      }
    }
    // `cut.window` is the planned window itself (`pending` from `offset`) unless something was cut from it.
    const unchanged = judgedWindow === cut.window && !cut.cut;
    const judged = unchanged ? pending : pending.slice(0, offset) + judgedWindow;
    const result =
      judged === pending ? HookResult.continue() : HookResult.modified({ chunk: { text: judged } });
    const holdBack = this.#config.streamHoldBackChars;
    const state = endStreamScan({
      released,
      judged,
      final,
      overlapChars: STREAM_OVERLAP_CHARS,
      maxOverlapChars: Math.max(
        STREAM_OVERLAP_CHARS,
        Math.floor(((holdBack - STREAM_OVERLAP_CHARS) * 3) / 4),
      ),
      decodedStarts: (text) => (PLAIN_TEXT.test(text) ? undefined : normalizeText(text, true).decoded.start),
    });
    if (continuing && !final) state.continueAt = released + judged.length;
    context.state.set(this.#streamStateKey, state);
    return result;
  }

  /**
   * A model call's prompt (`data.input = { text, messages }` from the AI SDK middleware): every message is
   * judged, user messages with `detectors` (each within `maxInputLength`), assistant messages and tool results
   * with `outputDetectors` (indirect injection), system messages not at all (they are the application's). A
   * plugged classifier is asked about every message the rules leave undecided, all of them at once. Messages
   * judged clean are remembered and not scanned again on the next turn; refused ones are judged every time
   * they are sent.
   */
  #judgeConversation(
    context: HookContext,
    input: Record<string, unknown>,
    messages: readonly unknown[],
  ): HookResult | Promise<HookResult> {
    const strict = this.#config.strictMode;
    const judged: JudgedMessage[] = [];
    let malformed = false;
    let lastUser = -1;
    for (let index = 0; index < messages.length; index++) {
      const message = messages[index] as PromptMessage | null;
      if (message === null || typeof message !== 'object' || typeof message.role !== 'string') {
        judged.push({
          index,
          message: undefined,
          key: '',
          subject: undefined,
          strings: [],
          scanned: [],
          evaluation: {
            violations: [{ type: 'MissingInput', path: `/input/messages/${index}` }],
            mustCancel: true,
          },
        });
        malformed = true;
        continue;
      }
      if (message.role === 'user') lastUser = index;
      if (message.role === 'system') continue;
      const isUser = message.role === 'user';
      // The walk first: it is bounded, and a message it cannot walk whole has no key (it is never remembered).
      // A user message's text files count toward `maxInputLength`; they are read only that far.
      const { strings, overflow, scanned, content, files, opaque } = messageStrings(
        message,
        isUser ? this.#config.maxInputLength : undefined,
      );
      const key = overflow ? '' : messageKey(message.role, content, opaque === true);
      if (key !== '' && this.#remembered.has(key)) continue;
      const subject: Subject = {
        root: 'input',
        value: content,
        collected: { strings: [...scanned.map((position) => strings[position]!), ...files], overflow },
        settings: isUser ? this.#inputSettings : this.#outputSettings,
        limitLength: isUser,
        validator: undefined,
        tool: '',
      };
      const evaluation = this.#evaluate(subject, strict);
      // Lenient mode sanitizes the strings it collected; a file it cannot rewrite refuses the call.
      if (refusesFiles(evaluation.violations, files)) evaluation.mustCancel = true;
      judged.push({ index, message, key, subject, strings, scanned, evaluation });
    }
    // In strict mode one refused message decides the call: no classifier is asked.
    const decided = strict && judged.some((entry) => entry.evaluation.violations.length > 0);
    const pending: Promise<void>[] = [];
    if (!decided) {
      for (const entry of judged) {
        const promptInjection = entry.subject?.settings.detectors.promptInjection;
        if (!entry.subject || !promptInjection || promptInjection.builtIn) continue;
        if (entry.subject.collected.strings.length === 0) continue;
        const subject = entry.subject;
        pending.push(
          this.#classify(promptInjection, subject, entry.evaluation).then((evaluation) => {
            entry.evaluation = evaluation;
          }),
        );
      }
    }
    if (pending.length === 0) return this.#decideConversation(context, input, judged, lastUser, malformed);
    return Promise.all(pending).then(() =>
      this.#decideConversation(context, input, judged, lastUser, malformed),
    );
  }

  /** Remembers the clean messages; strict: cancel on any violation; lenient: the offending turns sanitized. */
  #decideConversation(
    context: HookContext,
    input: Record<string, unknown>,
    judged: readonly JudgedMessage[],
    lastUser: number,
    malformed: boolean,
  ): HookResult {
    const strict = this.#config.strictMode;
    const violations: SecurityViolation[] = [];
    let mustCancel = malformed;
    let rewritten: unknown[] | undefined;
    for (const entry of judged) {
      const { index, message, subject, evaluation } = entry;
      if (!message || !subject) {
        violations.push(...evaluation.violations);
        continue;
      }
      if (evaluation.violations.length === 0) {
        this.#remembered.remember(entry.key);
        continue;
      }
      const prefix = `/input/messages/${index}/content`;
      for (const violation of evaluation.violations) {
        violations.push(
          'path' in violation
            ? { ...violation, path: violation.path.replace(/^\/input/, prefix) }
            : violation,
        );
      }
      if (evaluation.mustCancel) mustCancel = true;
      if (strict || mustCancel) continue;
      const sanitized = this.#sanitize(subject);
      const replacement = entry.strings.slice();
      entry.scanned.forEach((position, order) => {
        replacement[position] = sanitized[order]!;
      });
      rewritten ??= (input.messages as unknown[]).slice();
      rewritten[index] = { ...message, content: replaceStrings(subject.value, replacement) };
    }
    if (violations.length === 0) return HookResult.continue();
    this.#report(context, violations);
    if (strict || mustCancel || rewritten === undefined) {
      return HookResult.cancel(`Security violation: ${violations.map(describeViolation).join('; ')}`);
    }
    const text = lastUser === -1 ? input.text : userText((rewritten[lastUser] as PromptMessage).content);
    return HookResult.modified({ input: { messages: rewritten, text } });
  }

  #judge(context: HookContext, subject: Subject): HookResult | Promise<HookResult> {
    const strict = this.#config.strictMode;
    const evaluation = this.#evaluate(subject, strict);
    const promptInjection = subject.settings.detectors.promptInjection;
    // A plugged classifier is asked only when its answer can still change the outcome.
    if (promptInjection && !promptInjection.builtIn && !(strict && evaluation.violations.length > 0)) {
      const strings = subject.collected.strings;
      if (strings.length > 0) {
        return this.#classify(promptInjection, subject, evaluation).then((classified) =>
          this.#decide(context, subject, classified),
        );
      }
    }
    return this.#decide(context, subject, evaluation);
  }

  async #classify(
    options: ResolvedPromptInjection,
    subject: Subject,
    evaluation: Evaluation,
  ): Promise<Evaluation> {
    const collected = subject.collected.strings.filter((entry) => entry.repeatsText !== true);
    const strings = subject.limitLength ? truncateStrings(collected, this.#config.maxInputLength) : collected;
    let text = '';
    for (const entry of strings) text += text === '' ? entry.value : `\n${entry.value}`;
    const outcome = await scoreWithTimeout(options.classifier, text, options.timeoutMs);
    const path = `/${subject.root}`;
    const { name } = options.classifier;
    if (typeof outcome === 'string') {
      if (options.onClassifierError === 'ignore') return evaluation;
      return {
        violations: [
          ...evaluation.violations,
          { type: 'ClassifierFailed', classifier: name, path, message: outcome },
        ],
        mustCancel: true,
      };
    }
    if (outcome < options.threshold) return evaluation;
    const violation: SecurityViolation = {
      type: 'PromptInjection',
      technique: 'classifier',
      pattern: `classifier:${name}`,
      path,
      excerpt: text.slice(0, 60),
    };
    // Lenient mode cannot cut a classifier's judgement out of a text: the whole value is refused.
    return { violations: [...evaluation.violations, violation], mustCancel: true };
  }

  #decide(context: HookContext, subject: Subject, evaluation: Evaluation): HookResult {
    const { violations, mustCancel } = evaluation;
    if (violations.length === 0) return HookResult.continue();
    this.#report(context, violations);
    if (this.#config.strictMode || mustCancel) {
      return HookResult.cancel(`Security violation: ${violations.map(describeViolation).join('; ')}`);
    }
    const next = replaceStrings(subject.value, this.#sanitize(subject));
    if (subject.root === 'output' && subject.collected.strings.some((entry) => entry.repeatsText === true)) {
      // A response's parts were masked one by one: a match split across two of them is still there, joined.
      const { text, reasoning } = joinedResponseParts(next);
      if (!textIsClean(text, subject.settings) || !textIsClean(reasoning, subject.settings)) {
        return HookResult.cancel(
          `Security violation: ${violations.map(describeViolation).join('; ')}; split across parts of the response, it cannot be masked`,
        );
      }
    }
    const { validator, tool } = subject;
    if (validator && !validator(next)) {
      const problem = describeViolation(schemaViolation(tool, validator));
      return HookResult.cancel(`Security violation: after sanitizing, the ${problem}`);
    }
    return HookResult.modified(dataPatch(subject.root, subject.value, next));
  }

  /** Reachability, length (strict mode stops there), the tool schema, then the detectors on every string. */
  #evaluate(subject: Subject, stopWhenTooLong: boolean): Evaluation {
    const config = this.#config;
    const violations: SecurityViolation[] = [];
    const { strings, overflow } = subject.collected;
    let mustCancel = false;
    if (overflow) {
      violations.push({
        type: 'InputTooComplex',
        limit: overflow.limit,
        max: overflow.max,
        path: pointerOf(subject.root, overflow.path),
      });
      mustCancel = true;
    }
    const length = totalLength(strings);
    const tooLong = subject.limitLength && length > config.maxInputLength;
    if (tooLong) {
      violations.push({ type: 'InputTooLong', max: config.maxInputLength, actual: length });
      if (stopWhenTooLong) return { violations, mustCancel: true };
    }
    const { validator } = subject;
    if (validator && !validator(subject.value)) {
      violations.push(schemaViolation(subject.tool, validator));
      mustCancel = true;
    }
    // Only what would survive truncation is scanned, so a huge input costs no more than a maximal one.
    const scanned = tooLong ? truncateStrings(strings, config.maxInputLength) : strings;
    for (const entry of scanned) {
      if (entry.value === '') continue;
      const findings = scanText(entry.value, subject.settings, false, false);
      for (const violation of violationsOf(findings, pointerOf(subject.root, entry.path))) {
        violations.push(violation);
      }
    }
    return { violations, mustCancel };
  }

  /** Truncates (inputs), then removes or masks every match; repeats if masks pushed the input over the limit. */
  #sanitize(subject: Subject): InputString[] {
    const max = subject.limitLength ? this.#config.maxInputLength : Number.POSITIVE_INFINITY;
    let current: InputString[] = subject.collected.strings.slice();
    for (let round = 0; round < MAX_LENIENT_ROUNDS; round++) {
      current = truncateStrings(current, max);
      for (let index = 0; index < current.length; index++) {
        const entry = current[index]!;
        if (entry.value === '') continue;
        const value = sanitizeText(entry.value, subject.settings);
        if (value !== entry.value) current[index] = { path: entry.path, value, isKey: entry.isKey };
      }
      if (totalLength(current) <= max) return current;
    }
    return current.map((entry) => ({ path: entry.path, value: '', isKey: entry.isKey }));
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
