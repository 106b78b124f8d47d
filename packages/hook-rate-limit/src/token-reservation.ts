import { estimateTokens, estimateUsedTokens, type HookContext, type Logger } from '@llmspell/core';
import type { WindowEntry } from './window-entry.js';

/** Tokens one admitted call holds from its Before point until After or Error settles them. */
export interface TokenReservation {
  readonly limiterKey: string;
  readonly estimate: number;
  /** The window the tokens were reserved in (in process, settling after it ended changes nothing). */
  readonly entry: WindowEntry;
  /** Through Redis: the id of that window, which the settlement names. */
  readonly windowId: string | undefined;
}

/** How a call fared against the token limit of its window ('none': no token limit is configured). */
export type TokenOutcome = 'none' | 'reserved' | 'refused';

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** The default estimate: the prompt's UTF-8 bytes plus the requested maximum output (`estimateTokens` of core). */
export function defaultTokenEstimate(context: HookContext): number {
  const estimate = estimateTokens(context.data);
  return estimate.input + estimate.output;
}

/**
 * The tokens a call reserves: the configured estimator's answer rounded up, or the default estimate when the
 * estimator throws or answers something that is not a non-negative finite number (logged).
 */
export function reservedTokens(
  estimator: (context: HookContext) => number,
  context: HookContext,
  logger: Logger,
): number {
  let answer: unknown;
  try {
    answer = estimator(context);
  } catch (error) {
    answer = error;
  }
  if (typeof answer === 'number' && Number.isFinite(answer) && answer >= 0) {
    return Math.min(Math.ceil(answer), Number.MAX_SAFE_INTEGER);
  }
  logger.warn(
    {
      component: context.componentId.name,
      estimate: answer instanceof Error ? answer.message : String(answer),
    },
    'estimateTokens must return a non-negative number of tokens; the default estimate was used',
  );
  return defaultTokenEstimate(context);
}

/**
 * Reserves `estimate` tokens in `entry` when they fit under `limit`. A call refused for tokens is taken off the
 * window's call count again: it used no request slot.
 */
export function reserveInWindow(entry: WindowEntry, estimate: number, limit: number): boolean {
  if (entry.tokens + estimate > limit) {
    entry.count -= 1;
    return false;
  }
  entry.tokens += estimate;
  return true;
}

/**
 * What a call really used, for its settlement: `data.tokensUsed.input + output` when both are counts; 0 for a
 * cached answer. At an Error point without reported usage: an estimate of the prompt and the released text when
 * the call produced output (a stream that ended early; `estimateUsedTokens` of core), else 0 (the reservation is
 * released). At After without usage: undefined (the estimate stands).
 */
export function settledTokens(data: Readonly<Record<string, unknown>>, failed: boolean): number | undefined {
  const reported = data.tokensUsed as { input?: unknown; output?: unknown } | null | undefined;
  if (reported !== null && typeof reported === 'object') {
    const { input = 0, output = 0 } = reported;
    if (isCount(input) && isCount(output)) return input + output;
  }
  if (data.cached === true) return 0;
  if (!failed) return undefined;
  const produced = estimateUsedTokens(data);
  return produced === undefined ? 0 : produced.input + produced.output;
}
