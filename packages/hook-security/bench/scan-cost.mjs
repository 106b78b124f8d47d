// Measures construction and scan costs of SecurityValidationHook. Run after a build:
//   pnpm --filter @llmspell/hook-security build && node packages/hook-security/bench/scan-cost.mjs
import { SecurityValidationHook } from '../dist/index.js';

const SIZE = 100_000;
const fill = (unit, size = SIZE) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
const prose =
  'Please select the best option and update me on the union meeting; drop me a line when the report from Friday is ready. ';

function time(fn, runs) {
  fn();
  const samples = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  samples.sort((left, right) => left - right);
  return samples[Math.floor(samples.length / 2)];
}

function once(fn) {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

const rows = [];
rows.push([
  'construct, default options, first in the process (compiles the config schema)',
  once(() => new SecurityValidationHook()),
]);
rows.push(['construct, default options, again', once(() => new SecurityValidationHook())]);
rows.push([
  'construct with a quantified blocked pattern, first in the process (loads recheck)',
  once(() => new SecurityValidationHook({ blockedPatterns: ['ticket-\\d{4,8}'] })),
]);
rows.push([
  'construct with another quantified pattern (recheck warm)',
  once(() => new SecurityValidationHook({ blockedPatterns: ['project\\s+falcon'] })),
]);
rows.push([
  'construct with the same pattern again (verdict cached)',
  once(() => new SecurityValidationHook({ blockedPatterns: ['project\\s+falcon'] })),
]);
rows.push([
  'construct with a literal pattern (no analysis needed)',
  once(() => new SecurityValidationHook({ blockedPatterns: ['rm -rf'] })),
]);

const sqlOnly = new SecurityValidationHook({ maxInputLength: 2 * SIZE });
const everything = new SecurityValidationHook({
  maxInputLength: 2 * SIZE,
  detectors: { sqlInjection: true, promptInjection: true, pii: true },
  blockedPatterns: ['project\\s+falcon'],
});
for (const size of [100, 1_000, 10_000]) {
  const text = fill(prose, size);
  rows.push([
    `validate ${size} characters of prose, SQL detector`,
    time(() => sqlOnly.validate({ text }), 200),
  ]);
  rows.push([
    `validate ${size} characters of prose, every detector`,
    time(() => everything.validate({ text }), 200),
  ]);
}

const benignMs = time(() => everything.validate({ text: fill(prose) }), 20);
rows.push(['validate 100 KB of prose, every detector', benignMs]);
const adversarial = {
  "' or ": fill("' or "),
  "'%27/*--#@ 4 ": fill("'%27/*--#@ 4 "),
  '/*': fill('/*'),
  'a@': fill('a@'),
  '4111 ': fill('4111 '),
  "' + spaces + x": `'${' '.repeat(SIZE - 2)}x`,
  'p-eyJ-': fill('p-eyJ-'),
};
let worst = 0;
for (const [name, text] of Object.entries(adversarial)) {
  const ms = time(() => everything.validate({ text }), 20);
  worst = Math.max(worst, ms / benignMs);
  rows.push([`validate 100 KB of ${JSON.stringify(name)} repeated, every detector`, ms]);
}

const lenient = new SecurityValidationHook({ strictMode: false });
const injected = fill("find admin' OR '1'='1 and 1; DROP TABLE users ", 10_000);
const { componentId, HookContext, HookPoint } = await import('@llmspell/core');
rows.push([
  'lenient: sanitize 10,000 characters full of injections',
  time(
    () =>
      lenient.execute(
        new HookContext({
          hookPoint: HookPoint.BeforeAgentExecution,
          componentId: componentId('bench', 'agent'),
          data: { input: { text: injected } },
        }),
      ),
    20,
  ),
]);

console.log(`Node ${process.version}\n`);
console.log('| measurement | ms |');
console.log('| --- | ---: |');
for (const [name, ms] of rows) console.log(`| ${name} | ${ms < 1 ? ms.toFixed(3) : ms.toFixed(1)} |`);
console.log(`\nworst adversarial / prose ratio at 100 KB: ${worst.toFixed(1)}x`);
