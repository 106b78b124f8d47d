import { HookResult } from '@llmspell/core';
import { MockContext } from '@llmspell/testing';
import { describe, expect, it } from 'vitest';
import { operation } from './__fixtures__/operation.js';
import { RateLimitingHook } from './rate-limiting-hook.js';
import type { RateLimitingOptions } from './rate-limiting-options.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const CONTINUE = HookResult.continue();
const EXCEEDED = HookResult.cancel('Rate limit exceeded');

/** A hook whose calls reserve `data.estimate` tokens. */
function tokenLimiter(options: Partial<RateLimitingOptions> & { tokensPerWindow: number }) {
  return new RateLimitingHook({
    requestsPerWindow: 1_000,
    windowMs: 60_000,
    estimateTokens: (context) => context.data.estimate as number,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    ...options,
  });
}

function call(estimate: unknown, mock?: MockContext) {
  const op = operation(mock ? { mock } : {});
  op.before.data.estimate = estimate;
  return op;
}

describe('RateLimitingHook tokensPerWindow (in process)', () => {
  it('admits a call while used + reserved + its estimate stay within the limit, to the token', async () => {
    const hook = tokenLimiter({ tokensPerWindow: 1_000 });
    expect(hook.execute(call(600).before)).toEqual(CONTINUE);
    expect(hook.execute(call(400).before)).toEqual(CONTINUE);
    expect(hook.execute(call(1).before)).toEqual(EXCEEDED);
    await hook.onUnregister();
  });

  it('settles at After with data.tokensUsed, so an over-estimate frees its excess for the next call', async () => {
    const hook = tokenLimiter({ tokensPerWindow: 1_000 });
    const first = call(900);
    expect(hook.execute(first.before)).toEqual(CONTINUE);
    expect(hook.execute(call(200).before)).toEqual(EXCEEDED);
    first.after.data.tokensUsed = { input: 250, output: 50 };
    expect(hook.execute(first.after)).toEqual(CONTINUE);
    const next = call(700);
    expect(hook.execute(next.before)).toEqual(CONTINUE);
    expect(next.before.data.rateLimit).toMatchObject({
      tokens: { limit: 1_000, remaining: 0, estimate: 700 },
    });
    await hook.onUnregister();
  });

  it('counts an under-estimate at what was used, so later calls see the overrun', async () => {
    const hook = tokenLimiter({ tokensPerWindow: 1_000 });
    const first = call(100);
    hook.execute(first.before);
    first.after.data.tokensUsed = { input: 700, output: 200 };
    hook.execute(first.after);
    expect(hook.execute(call(101).before)).toEqual(EXCEEDED);
    expect(hook.execute(call(100).before)).toEqual(CONTINUE);
    await hook.onUnregister();
  });

  it('releases the reservation at an Error point without usage, and charges usage an Error point reports', async () => {
    const hook = tokenLimiter({ tokensPerWindow: 1_000 });
    const failed = call(1_000);
    hook.execute(failed.before);
    hook.execute(failed.error);
    const aborted = call(1_000);
    expect(hook.execute(aborted.before)).toEqual(CONTINUE);
    aborted.error.data.tokensUsed = { input: 300, output: 100 };
    hook.execute(aborted.error);
    expect(hook.execute(call(601).before)).toEqual(EXCEEDED);
    expect(hook.execute(call(600).before)).toEqual(CONTINUE);
    await hook.onUnregister();
  });

  it('settles a stream that ended early without reported usage to its prompt and released text', async () => {
    const hook = tokenLimiter({ tokensPerWindow: 1_000 });
    const op = call(1_000);
    op.before.data.input = { text: 'x'.repeat(400) };
    hook.execute(op.before);
    op.error.data.output = { text: 'y'.repeat(200) };
    hook.execute(op.error);
    // 400 / 4 + 200 / 4 = 150 tokens stay counted.
    expect(hook.execute(call(851).before)).toEqual(EXCEEDED);
    expect(hook.execute(call(850).before)).toEqual(CONTINUE);
    await hook.onUnregister();
  });

  it('settles once when both After and an Error point run, and charges nothing for a cached answer', async () => {
    const hook = tokenLimiter({ tokensPerWindow: 1_000 });
    const op = call(500);
    hook.execute(op.before);
    op.after.data.tokensUsed = { input: 100, output: 0 };
    hook.execute(op.after);
    op.error.data.tokensUsed = { input: 0, output: 0 };
    hook.execute(op.error);
    hook.execute(op.after);
    const cached = call(400);
    hook.execute(cached.before);
    cached.after.data.cached = true;
    hook.execute(cached.after);
    // 100 used: 900 left.
    expect(hook.execute(call(901).before)).toEqual(EXCEEDED);
    expect(hook.execute(call(900).before)).toEqual(CONTINUE);
    await hook.onUnregister();
  });

  it('keeps the estimate when the reported usage is negative, NaN or not an integer', async () => {
    const hook = tokenLimiter({ tokensPerWindow: 1_000 });
    for (const tokensUsed of [
      { input: -500, output: 0 },
      { input: Number.NaN, output: 1 },
      { input: 1.5, output: 0 },
      'lots',
    ]) {
      const op = call(200);
      expect(hook.execute(op.before)).toEqual(CONTINUE);
      op.after.data.tokensUsed = tokensUsed;
      hook.execute(op.after);
    }
    expect(hook.execute(call(201).before)).toEqual(EXCEEDED);
    expect(hook.execute(call(200).before)).toEqual(CONTINUE);
    await hook.onUnregister();
  });

  it('refuses at once an estimate no window could hold, without using a request slot or waiting in a queue', async () => {
    const mock = new MockContext();
    const hook = tokenLimiter({
      tokensPerWindow: 1_000,
      requestsPerWindow: 1,
      mode: 'queue',
      maxWaitMs: 5_000,
    });
    const startedAt = performance.now();
    expect(await hook.execute(call(Number.MAX_SAFE_INTEGER, mock).before)).toEqual(EXCEEDED);
    expect(performance.now() - startedAt).toBeLessThan(1_000);
    expect(mock.events.query('rate_limit.exceeded')[0]?.payload).toEqual({
      limiterKey: 'agent-a',
      component: 'agent-a',
      kind: 'tokens',
      estimatedTokens: Number.MAX_SAFE_INTEGER,
    });
    expect(await hook.execute(call(10).before)).toEqual(CONTINUE);
    await hook.onUnregister();
  });

  it('does not spend a request slot on a call refused for tokens', async () => {
    const mock = new MockContext();
    const hook = tokenLimiter({ tokensPerWindow: 100, requestsPerWindow: 2 });
    expect(hook.execute(call(100, mock).before)).toEqual(CONTINUE);
    for (let attempt = 0; attempt < 5; attempt++)
      expect(hook.execute(call(1, mock).before)).toEqual(EXCEEDED);
    const refused = mock.events.query('rate_limit.exceeded').map((event) => event.payload);
    expect(refused).toHaveLength(5);
    expect(refused[0]).toMatchObject({ kind: 'tokens', estimatedTokens: 1, tokensRemaining: 0 });
    expect(mock.metrics.snapshot().rate_limit_exceeded?.byLabels).toEqual({ 'kind=tokens': 5 });
    const op = call(0, mock);
    expect(hook.execute(op.before)).toEqual(CONTINUE);
    expect(op.before.data.rateLimit).toMatchObject({ limit: 2, remaining: 0, tokens: { remaining: 0 } });
    await hook.onUnregister();
  });

  it('uses the default estimate, with a warning, when estimateTokens throws or answers NaN or a negative', async () => {
    const warnings: unknown[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (fields: unknown) => warnings.push(fields) };
    const answers: Array<() => number> = [
      () => Number.NaN,
      () => -5,
      () => {
        throw new Error('tokenizer missing');
      },
    ];
    for (const answer of answers) {
      const hook = new RateLimitingHook({
        requestsPerWindow: 10,
        windowMs: 60_000,
        tokensPerWindow: 1_000,
        logger,
        estimateTokens: answer,
      });
      const op = operation();
      op.before.data.input = { text: 'x'.repeat(300) };
      op.before.data.maxTokens = 200;
      expect(hook.execute(op.before)).toEqual(CONTINUE);
      expect(op.before.data.rateLimit).toMatchObject({ tokens: { estimate: 500, remaining: 500 } });
      await hook.onUnregister();
    }
    expect(warnings).toHaveLength(3);
  });

  it('estimates by default from the input text (one token per UTF-8 byte) and the requested maximum output', async () => {
    const hook = new RateLimitingHook({ requestsPerWindow: 10, windowMs: 60_000, tokensPerWindow: 1_000 });
    const op = operation();
    op.before.data.input = { text: 'héllo' };
    op.before.data.maxTokens = 94;
    hook.execute(op.before);
    expect(op.before.data.rateLimit).toMatchObject({ tokens: { estimate: 100, remaining: 900 } });
    await hook.onUnregister();
  });

  it('gives a new window all its tokens, and a settlement of the old window changes nothing in it', async () => {
    const hook = tokenLimiter({ tokensPerWindow: 1_000, windowMs: 200 });
    const old = call(1_000);
    expect(hook.execute(old.before)).toEqual(CONTINUE);
    await sleep(250);
    expect(hook.execute(call(1_000).before)).toEqual(CONTINUE);
    old.error.data.tokensUsed = { input: 0, output: 0 };
    hook.execute(old.error);
    expect(hook.execute(call(1).before)).toEqual(EXCEEDED);
    await hook.onUnregister();
  });

  it('admits exactly up to the limit from 600 concurrent calls of known usage, within one call of it', async () => {
    const limit = 20_000;
    const hook = tokenLimiter({ tokensPerWindow: limit });
    let admittedTokens = 0;
    let largest = 0;
    const calls = Array.from({ length: 600 }, async (_unused, index) => {
      const usage = 100 + ((index * 37) % 500);
      largest = Math.max(largest, usage);
      const op = call(usage);
      const result = await hook.execute(op.before);
      if (result.type !== 'continue') return;
      admittedTokens += usage;
      await sleep(index % 5);
      op.after.data.tokensUsed = { input: usage - 10, output: 10 };
      await hook.execute(op.after);
    });
    await Promise.all(calls);
    expect(admittedTokens).toBeLessThanOrEqual(limit);
    expect(admittedTokens).toBeGreaterThan(limit - largest);
    await hook.onUnregister();
  });

  it('in queue mode, waits for the next window when the tokens of this one are spent', async () => {
    const hook = tokenLimiter({ tokensPerWindow: 1_000, windowMs: 300, mode: 'queue', maxWaitMs: 2_000 });
    expect(await hook.execute(call(800).before)).toEqual(CONTINUE);
    const startedAt = performance.now();
    const waiting = call(500);
    expect(await hook.execute(waiting.before)).toEqual(CONTINUE);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(100);
    expect(waiting.before.data.rateLimit).toMatchObject({ tokens: { remaining: 500 } });
    await hook.onUnregister();
  });

  it('in queue mode, refuses at once when the next window is beyond maxWaitMs', async () => {
    const hook = tokenLimiter({ tokensPerWindow: 1_000, windowMs: 60_000, mode: 'queue', maxWaitMs: 100 });
    expect(await hook.execute(call(1_000).before)).toEqual(CONTINUE);
    const mock = new MockContext();
    expect(await hook.execute(call(1, mock).before)).toEqual(EXCEEDED);
    expect(mock.events.query('rate_limit.exceeded')[0]?.payload).toMatchObject({ kind: 'tokens' });
    await hook.onUnregister();
  });
});

describe('RateLimitingHook token options', () => {
  it('refuses a non-function estimateTokens, estimateTokens without tokensPerWindow, and a bad tokensPerWindow', () => {
    expect(() => new RateLimitingHook({ requestsPerWindow: 1, windowMs: 1, tokensPerWindow: 0 })).toThrow(
      /tokensPerWindow/,
    );
    expect(() => new RateLimitingHook({ requestsPerWindow: 1, windowMs: 1, tokensPerWindow: 1.5 })).toThrow(
      /tokensPerWindow/,
    );
    expect(
      () =>
        new RateLimitingHook({
          requestsPerWindow: 1,
          windowMs: 1,
          tokensPerWindow: 10,
          estimateTokens: 5 as never,
        }),
    ).toThrow(/estimateTokens/);
    expect(
      () => new RateLimitingHook({ requestsPerWindow: 1, windowMs: 1, estimateTokens: () => 1 }),
    ).toThrow(/applies only with tokensPerWindow/);
  });
});
