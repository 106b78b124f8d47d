import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { check } from 'recheck';
import { describe, expect, it } from 'vitest';
import { CONFUSABLE_OR_CONTROL, ENCODED_SEQUENCE, INVISIBLE, NON_ASCII } from './normalize-text.js';
import { PLACEHOLDER, personalDataRules, SEPARATOR_THEN_VALUE } from './personal-data.js';
import { OVERRIDE_QUALIFIER, promptInjectionRules } from './prompt-injection-rules.js';
import { sqlInjectionRules } from './sql-injection-rules.js';

/** Every regular expression the package runs on input, by name. */
const builtIns: [string, RegExp][] = [
  ...[...sqlInjectionRules, ...promptInjectionRules, ...personalDataRules].map((rule): [string, RegExp] => [
    rule.name,
    rule.pattern,
  ]),
  ['encoded-sequence', ENCODED_SEQUENCE],
  ['invisible-characters', INVISIBLE],
  ['non-ascii', NON_ASCII],
  ['confusable-or-control', CONFUSABLE_OR_CONTROL],
  ['override-qualifier', OVERRIDE_QUALIFIER],
  ['separator-then-value', SEPARATOR_THEN_VALUE],
  ['secret-placeholder', PLACEHOLDER],
];

// recheck decides with automata theory where the pattern is small enough (exact), by fuzzing otherwise.
// The analysis of a large alternation takes seconds on a busy machine: generous limits, checks in parallel.
const ANALYSIS_TIMEOUT_MS = 120_000;
const RECALL_TIMEOUT_MS = 2_000;

describe.concurrent('built-in patterns', () => {
  it.each(builtIns)(
    '%s cannot backtrack catastrophically (recheck says safe)',
    async (_name, pattern) => {
      const diagnostics = await check(pattern.source, pattern.flags.replace('g', ''), {
        timeout: ANALYSIS_TIMEOUT_MS,
        // Fuzzing may report an attack that slows nothing down; replaying it (recall validation) settles it.
        recallTimeout: RECALL_TIMEOUT_MS,
      });
      expect(diagnostics.status === 'vulnerable' ? diagnostics.attack.pattern : diagnostics.status).toBe(
        'safe',
      );
    },
    ANALYSIS_TIMEOUT_MS + 10_000,
  );

  it(
    'the Rust guide’s own SQL pattern is the kind recheck refuses (polynomial backtracking)',
    async () => {
      const diagnostics = await check(
        String.raw`\b(union|select|insert|update|delete|drop)\b.*\b(from|into|where)\b`,
        'i',
        {
          timeout: ANALYSIS_TIMEOUT_MS,
        },
      );
      expect(diagnostics.status).toBe('vulnerable');
      expect(diagnostics.status === 'vulnerable' && diagnostics.complexity.type).toBe('polynomial');
    },
    ANALYSIS_TIMEOUT_MS + 10_000,
  );
});

describe('without the optional peer recheck', () => {
  it('a quantified user pattern is refused with a HookConfigError that says how to install recheck; a literal one is accepted', async () => {
    // A fresh process in which `recheck` cannot be resolved, running this package's source.
    const script = `
        const { SecurityValidationHook } = await import('./src/index.ts');
        const outcome = (config) => {
          try {
            new SecurityValidationHook(config);
            return 'constructed';
          } catch (error) {
            return { name: error.name, message: error.message };
          }
        };
        console.log(JSON.stringify([outcome({ blockedPatterns: ['secret-[0-9]+'] }), outcome({ blockedPatterns: ['rm -rf'] })]));
      `;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--require',
        fileURLToPath(new URL('./__fixtures__/hide-recheck.cjs', import.meta.url)),
        '--import',
        'tsx',
        '--input-type=module',
        '--eval',
        script,
      ],
      { cwd: fileURLToPath(new URL('..', import.meta.url)), timeout: 60_000 },
    );
    const [quantified, literal] = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(quantified).toEqual({
      name: 'HookConfigError',
      message: expect.stringContaining(
        '/blockedPatterns/0: /secret-[0-9]+/i needs a check for catastrophic backtracking',
      ),
    });
    expect(quantified.message).toContain('npm install recheck');
    expect(literal).toBe('constructed');
  }, 90_000);
});
