import {
  type ComponentId,
  type EventSink,
  emitOperationFinished,
  emitOperationStarted,
  HookCancelledError,
  HookContext,
  HookPoint,
  type HookResult,
  type MetricsRecorder,
} from '@llmspell/core';
import { type ExecutionOutcome, type HookExecutor, UnknownRedirectTargetError } from '@llmspell/executor';
import { InvalidModelOutputError } from './errors/invalid-model-output-error.js';
import { inputOf, type ModelInput, paramsWithInput } from './model-input.js';
import { type ModelOutput, readOutput } from './model-output.js';
import type { CallOptions, LanguageModelV3, Usage } from './model-types.js';
import type { AnswerSource } from './replay.js';
import { sleep } from './sleep.js';
import { tokensUsedOf } from './usage.js';

const { BeforeAgentExecution: Before, AfterAgentExecution: After, AgentError } = HookPoint;

/** What every call of one middleware shares; built once by `hooksMiddleware`. */
export interface CallSetup {
  executor: HookExecutor;
  events: EventSink | undefined;
  metrics: MetricsRecorder | undefined;
  /** The component a call of `model` belongs to. */
  componentFor(model: LanguageModelV3): ComponentId;
  /** `context.metadata` for a call. */
  metadataFor(params: CallOptions, model: LanguageModelV3): Record<string, string>;
  redirects: Readonly<Record<string, LanguageModelV3>>;
}

/** An answer that skips the model (or, at AgentError, stands in for it). */
export interface Answer {
  output: ModelOutput;
  source: AnswerSource;
}

/** The hook that decided an outcome that stopped the point: the last one that ran. */
function decidedBy(outcome: ExecutionOutcome): string | undefined {
  return outcome.records[outcome.records.length - 1]?.hookId;
}

/**
 * One `doGenerate` / `doStream` call as one operation of the component: one context, one `state` map and one
 * correlation id for BeforeAgentExecution, AgentError and AfterAgentExecution. Mirrors the executor's
 * `createAgent` lifecycle.
 */
export class ModelCall {
  readonly context: HookContext;
  /** The options the model is called with: the caller's, as Before hooks changed them. */
  params: CallOptions;
  /** The model that answers: the wrapped one, or a redirect target. */
  model: LanguageModelV3;
  readonly #setup: CallSetup;
  readonly #input: ModelInput;
  #attempts = 0;
  /** Errors the Error point has already seen. */
  readonly #seen = new WeakSet<object>();
  #afterContext: HookContext | undefined;
  #finished = false;

  constructor(setup: CallSetup, params: CallOptions, model: LanguageModelV3) {
    this.#setup = setup;
    this.params = params;
    this.model = model;
    this.#input = inputOf(params);
    this.context = new HookContext({
      hookPoint: Before,
      componentId: setup.componentFor(model),
      data: { input: this.#input, model: model.modelId, provider: model.provider },
      metadata: setup.metadataFor(params, model),
      events: setup.events,
      metrics: setup.metrics,
      signal: params.abortSignal,
    });
    emitOperationStarted(this.context);
  }

  /** Reports the call settled (once): resolved, or rejected with `error`. */
  finish(...failure: [] | [error: unknown]): void {
    if (this.#finished) return;
    this.#finished = true;
    emitOperationFinished(this.context, ...failure);
  }

  get data(): Record<string, unknown> {
    return this.context.data;
  }

  /** How many times the model has been called so far. */
  get attempts(): number {
    return this.#attempts;
  }

  /**
   * BeforeAgentExecution. cancel → throws `HookCancelledError`; cache / replace → the answer; modified → the
   * changed input becomes `params`; redirect → `model` becomes the target; retry → runs the point again after
   * `delayMs`, at most `maxAttempts` times. `undefined` when the model should run.
   */
  async before(): Promise<Answer | undefined> {
    const { executor } = this.#setup;
    const signal = this.params.abortSignal;
    let outcome: ExecutionOutcome;
    for (let evaluations = 1; ; evaluations++) {
      outcome = await executor.execute(Before, this.context);
      signal?.throwIfAborted();
      const result = outcome.result;
      if (result.type !== 'retry') break;
      if (evaluations >= result.maxAttempts) {
        throw new HookCancelledError({
          reason: `hooks still asked to retry after ${evaluations} attempts`,
          hookPoint: Before,
          hookId: decidedBy(outcome),
        });
      }
      await sleep(result.delayMs, signal);
    }
    this.params = paramsWithInput(this.params, this.#input, this.data.input);
    const decision = outcome.result;
    switch (decision.type) {
      case 'cancel':
        throw new HookCancelledError({
          reason: decision.reason,
          hookPoint: Before,
          hookId: decidedBy(outcome),
        });
      case 'cache':
        this.data.cached = true;
        return this.#answer(Before, decision, decision.result, outcome);
      case 'replace':
        return this.#answer(Before, decision, decision.result, outcome);
      case 'redirect': {
        const redirects = this.#setup.redirects;
        const target = Object.hasOwn(redirects, decision.target) ? redirects[decision.target] : undefined;
        if (target === undefined) {
          throw new UnknownRedirectTargetError({
            target: decision.target,
            componentId: this.context.componentId,
            known: Object.keys(redirects),
            hookId: decidedBy(outcome),
          });
        }
        this.model = target;
        this.data.model = target.modelId;
        this.data.provider = target.provider;
        break;
      }
      case 'fork':
        this.context.emitEvent('hook.fork_unhandled', {
          component: this.context.componentId.name,
          operations: decision.operations,
        });
        break;
      default:
        break;
    }
    return undefined;
  }

  /**
   * Calls the model. When it throws, AgentError runs with `data.error`: retry → calls it again after `delayMs`
   * (at most `maxAttempts` calls in all); replace → that answer; anything else → the error is rethrown.
   */
  async run<Result>(
    invoke: (model: LanguageModelV3, params: CallOptions) => PromiseLike<Result>,
  ): Promise<{ result: Result } | { answer: Answer }> {
    const { executor } = this.#setup;
    const data = this.data;
    const signal = this.params.abortSignal;
    for (;;) {
      signal?.throwIfAborted();
      this.#attempts++;
      try {
        const result = await invoke(this.model, this.params);
        delete data.error;
        return { result };
      } catch (error) {
        data.error = error;
        let outcome: ExecutionOutcome;
        try {
          outcome = await executor.execute(AgentError, this.context.child(AgentError));
        } catch (hookError) {
          if (signal?.aborted) throw error;
          throw hookError;
        }
        // An aborted call ends here; the Error point above still ran so hooks could release what they hold.
        this.#markSeen(error);
        if (signal?.aborted) throw error;
        const answer = outcome.result;
        if (answer.type === 'replace')
          return { answer: this.#answer(AgentError, answer, answer.result, outcome) };
        if (answer.type === 'retry' && this.#attempts < answer.maxAttempts) {
          // An abort during the delay ends the call; the Error point has already run for this failure.
          await sleep(answer.delayMs, signal).catch((reason: unknown) => {
            this.#markSeen(reason);
            throw reason;
          });
          continue;
        }
        throw error;
      }
    }
  }

  /**
   * The call ends with `error`: unless the Error point already saw it (the model threw), run it once as cleanup,
   * as `createAgent` does for a cancel at Before or After, an abort or an unknown redirect target.
   */
  async cleanup(error: unknown): Promise<void> {
    if (typeof error === 'object' && error !== null && this.#seen.has(error)) return;
    await this.failed(error);
  }

  #markSeen(error: unknown): void {
    if (typeof error === 'object' && error !== null) this.#seen.add(error);
  }

  /** Puts what the model (or an answer) produced where After hooks read it. */
  describe(output: ModelOutput, usage: Usage | undefined): void {
    const data = this.data;
    data.output = output;
    const tokensUsed = tokensUsedOf(usage);
    if (tokensUsed === undefined) delete data.tokensUsed;
    else data.tokensUsed = tokensUsed;
  }

  /** AfterAgentExecution, with `data.output`, `data.model` and `data.tokensUsed` as `describe` left them. */
  after(): Promise<ExecutionOutcome> {
    this.#afterContext ??= this.context.child(After);
    return this.#setup.executor.execute(After, this.#afterContext);
  }

  /** A `HookCancelledError` for an After hook's cancel. */
  cancelledAfter(outcome: ExecutionOutcome, reason: string): HookCancelledError {
    return new HookCancelledError({ reason, hookPoint: After, hookId: decidedBy(outcome) });
  }

  /** Reads an After hook's `replace` answer (or a changed `data.output`) as model output; throws when it is not. */
  outputAfter(outcome: ExecutionOutcome, value: unknown, answer: HookResult['type']): ModelOutput {
    const output = readOutput(value);
    if (output !== undefined) return output;
    throw new InvalidModelOutputError({ hookPoint: After, hookId: decidedBy(outcome), answer, value });
  }

  /**
   * The Error point for a failure the call cannot recover from any more (a stream that broke or was cancelled
   * after it started): hooks see `data.error` and release what they hold; their answer is not used.
   */
  async failed(error: unknown): Promise<void> {
    this.#markSeen(error);
    this.data.error = error;
    try {
      await this.#setup.executor.execute(AgentError, this.context.child(AgentError));
    } catch {
      // The caller already has the stream's own error; an Error point that could not run adds nothing.
    }
  }

  #answer(
    point: HookPoint,
    result: Extract<HookResult, { type: 'cache' | 'replace' }>,
    value: unknown,
    outcome: ExecutionOutcome,
  ): Answer {
    const hookId = decidedBy(outcome);
    const output = readOutput(value);
    if (output === undefined) {
      throw new InvalidModelOutputError({ hookPoint: point, hookId, answer: result.type, value });
    }
    return { output, source: { answeredBy: result.type, hookId, modelId: this.model.modelId } };
  }
}
