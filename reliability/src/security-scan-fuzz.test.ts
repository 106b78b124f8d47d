import { componentId, HookContext, HookPoint, HookResult } from '@llmspell/core';
import { SecurityConfig, SecurityValidationHook } from '@llmspell/hook-security';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seed } from './__fixtures__/arbitraries.js';

const maxInputLength = 10_000;
/**
 * The linear budget: a fixed cost plus a cost per UTF-16 unit, generous for a loaded 2-core machine (a 10,000
 * character scan takes about 5–50 ms here). Catastrophic backtracking takes seconds on inputs this long.
 */
const fixedBudgetMs = 10;
const budgetPerCharacterMs = 0.03;
const budgetFor = (length: number) => fixedBudgetMs + budgetPerCharacterMs * length;

const allDetectors = { sqlInjection: true, promptInjection: true, pii: true };
const hooks = {
  strict: new SecurityValidationHook(SecurityConfig.strict({ detectors: allDetectors })),
  lenient: new SecurityValidationHook(SecurityConfig.lenient({ detectors: allDetectors })),
};

/** Pieces of what the detectors look for, so that random strings come close to matching (and backtracking). */
const fragments = [
  "'",
  '"',
  ' OR ',
  '1=1',
  "'1'='1",
  '--',
  '/*',
  '*/',
  '#',
  '%27',
  '%2',
  '%',
  'UNION',
  ' SELECT ',
  'select',
  ' FROM ',
  ' WHERE ',
  ';',
  'DROP TABLE ',
  'sleep(',
  'benchmark(',
  'waitfor delay ',
  '0x',
  '\\',
  'ignore ',
  'all ',
  'previous ',
  'instructions',
  'disregard ',
  'system:',
  '<|im_start|>',
  '[INST]',
  'reveal ',
  'prompt',
  '@',
  'x@y.com',
  '4111 1111 1111 1111',
  'sk-',
  'AKIA',
  'password=',
  'api_key: ',
  ' ',
  '\t',
  '\n',
  'a',
  '1',
  '-',
  '.',
  '=',
  '(',
  ')',
  'ｓｅｌｅｃｔ',
  '\u0301',
  '\u200b',
  '\u0000',
];

const nearMatches = fc
  .array(fc.constantFrom(...fragments), { minLength: 1, maxLength: 4_000, size: 'max' })
  .map((parts) => parts.join('').slice(0, maxInputLength));
const repeated = fc
  .tuple(fc.constantFrom(...fragments), fc.integer({ min: 1, max: maxInputLength }))
  .map(([fragment, length]) => fragment.repeat(Math.ceil(length / fragment.length)).slice(0, length));
const anyText = fc.string({ unit: 'binary', maxLength: maxInputLength, size: 'max' });
const text = fc.oneof(nearMatches, repeated, anyText);

function scan(hook: SecurityValidationHook, input: string): { result: HookResult; elapsedMs: number } {
  const context = new HookContext({
    hookPoint: HookPoint.BeforeAgentExecution,
    componentId: componentId('scanned-agent', 'agent'),
    data: { input: { text: input } },
  });
  const startedAt = performance.now();
  const result = hook.execute(context) as HookResult;
  return { result, elapsedMs: performance.now() - startedAt };
}

/** The fastest of up to three scans: a superlinear input is slow every time, a GC pause or a busy core is not. */
function fastestScan(hook: SecurityValidationHook, input: string): { result: HookResult; elapsedMs: number } {
  let best = scan(hook, input);
  for (let attempt = 1; attempt < 3 && best.elapsedMs > budgetFor(input.length); attempt++) {
    const next = scan(hook, input);
    if (next.elapsedMs < best.elapsedMs) best = next;
  }
  return best;
}

describe('SecurityValidationHook scan time on random strings', () => {
  for (const [mode, hook] of Object.entries(hooks)) {
    it(`stays within a linear budget in ${mode} mode, with every detector on`, () => {
      scan(hook, 'warm up the patterns');
      let worst = { length: 0, elapsedMs: 0, overBudgetMs: Number.NEGATIVE_INFINITY };
      let slowest = { length: 0, elapsedMs: 0 };
      fc.assert(
        fc.property(text, (input) => {
          const { result, elapsedMs } = fastestScan(hook, input);
          expect(HookResult.isHookResult(result)).toBe(true);
          const overBudgetMs = elapsedMs - budgetFor(input.length);
          if (overBudgetMs > worst.overBudgetMs) worst = { length: input.length, elapsedMs, overBudgetMs };
          if (elapsedMs > slowest.elapsedMs) slowest = { length: input.length, elapsedMs };
          expect(
            elapsedMs,
            `scanning ${input.length} characters took ${elapsedMs.toFixed(1)} ms: ${JSON.stringify(input.slice(0, 80))}…`,
          ).toBeLessThanOrEqual(budgetFor(input.length));
        }),
        { seed, numRuns: 120 },
      );
      // The worst case seen, relative to its budget, must have stayed inside it.
      expect(worst.overBudgetMs).toBeLessThanOrEqual(0);
      if (process.env.FUZZ_REPORT === '1') {
        console.info(
          `${mode}: slowest scan ${slowest.elapsedMs.toFixed(1)} ms (${slowest.length} characters); ` +
            `closest to budget ${worst.elapsedMs.toFixed(1)} ms of ${budgetFor(worst.length).toFixed(1)} ms`,
        );
      }
    }, 60_000);
  }

  it('checks the length first: a 1,000,000-character input costs no more than a 10,000-character one', () => {
    const huge = "' OR 1=1 -- ".repeat(83_334).slice(0, 1_000_000);
    for (const hook of Object.values(hooks)) {
      scan(hook, huge);
      const { result, elapsedMs } = fastestScan(hook, huge);
      expect(HookResult.isHookResult(result)).toBe(true);
      expect(elapsedMs).toBeLessThanOrEqual(budgetFor(maxInputLength));
    }
  });
});
