import { componentId, HookContext, HookPoint } from '@llmspell/core';
import { assertHookResult } from '@llmspell/testing';
import { describe, expect, it } from 'vitest';
import { SecurityValidationHook } from './security-validation-hook.js';

const SIZE = 100_000;
const fill = (unit: string): string => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);

/** Inputs built to make a backtracking pattern try every start against every end. */
const adversarial: Record<string, string> = {
  'quote, or': fill("' or "),
  quotes: fill("'"),
  'quote, spaces': `'${' '.repeat(SIZE - 2)}x`,
  'union, spaces': `union${' '.repeat(SIZE - 6)}x`,
  'or, spaces': `or${' '.repeat(SIZE - 3)}x`,
  'unterminated comments': fill('/*'),
  'comment markers, quotes, @': fill("'%27/*--#@ 4 "),
  'percent escapes': fill('%25'),
  entities: fill('&amp;'),
  dashes: fill('-'),
  hashes: fill('#'),
  newlines: fill('\n'),
  'newline, system': fill('\nsystem '),
  semicolons: fill('; '),
  'quote, parenthesis, space': fill("') "),
  'or, parentheses': `' or ${'('.repeat(SIZE - 6)}`,
  'at signs': fill('a@'),
  dots: fill('a.'),
  letters: fill('a'),
  digits: fill('4'),
  'digit groups': fill('4111 '),
  'ignore all': fill('ignore all '),
  'select words': fill('select a '),
  'key prefixes': fill('sk-aaaa'),
  'token fragments': fill('p-eyJ-'),
  'char calls': fill('char(1)+'),
  'and sleep(': fill('and sleep( '),
  'zero-width': fill('\u200b'),
  fullwidth: fill('ＵＮＩＯＮ'),
  'escaped quotes': fill("\\'"),
};

const benign = fill(
  'Please select the best option and update me on the union meeting; drop me a line when the report from Friday is ready. ',
);

/** Loose on purpose: the machine is shared. A catastrophic pattern would be hundreds of times slower. */
const RATIO_BOUND = 10;

function fastest(hook: SecurityValidationHook, text: string): number {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 5; run++) {
    const start = performance.now();
    hook.validate({ text });
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

describe('scan cost', () => {
  it('scans 100 KB of adversarial input in no more than a few times the cost of 100 KB of prose', () => {
    const hook = new SecurityValidationHook({
      maxInputLength: 2 * SIZE,
      detectors: { sqlInjection: true, promptInjection: true, pii: true },
      blockedPatterns: ['project\\s+falcon', /ticket-\d{4,8}/],
    });
    fastest(hook, benign);
    let benignMs = 0;
    const ratios = Object.entries(adversarial).map(([name, text]) => {
      // Measured side by side, so a burst of load on the shared machine hits both. A ratio over the bound is
      // measured again (up to three more times) before it counts: a burst passes, a backtracking pattern does not.
      let ratio = Number.POSITIVE_INFINITY;
      for (let attempt = 0; attempt < 4 && ratio >= RATIO_BOUND; attempt++) {
        benignMs = fastest(hook, benign);
        ratio = Math.min(ratio, fastest(hook, text) / benignMs);
      }
      return { name, ratio };
    });
    const worst = ratios.reduce((left, right) => (right.ratio > left.ratio ? right : left));
    console.info(
      `100 KB prose: ${benignMs.toFixed(2)} ms; slowest adversarial input: ${worst.name}, ${worst.ratio.toFixed(1)}x`,
    );
    expect(
      worst.ratio,
      `${worst.name}: ${worst.ratio.toFixed(1)}x of ${benignMs.toFixed(2)} ms`,
    ).toBeLessThan(RATIO_BOUND);
  }, 120_000);

  it('sanitizes 100 KB full of injections into an input that passes (lenient mode)', () => {
    const hook = new SecurityValidationHook({
      strictMode: false,
      maxInputLength: 2 * SIZE,
      detectors: { sqlInjection: true, promptInjection: true, pii: true },
    });
    for (const text of [
      fill("x' OR '1'='1 "),
      fill('1; DROP TABLE t '),
      fill('mail a@b.co '),
      fill('UN/**/ION SELECT '),
    ]) {
      const context = new HookContext({
        hookPoint: HookPoint.BeforeAgentExecution,
        componentId: componentId('agent', 'agent'),
        data: { input: { text } },
      });
      const result = hook.execute(context);
      assertHookResult(result, 'modified');
      const sanitized = (result.data.input as { text: string }).text;
      expect(hook.validate({ text: sanitized })).toEqual([]);
    }
  }, 60_000);
});
