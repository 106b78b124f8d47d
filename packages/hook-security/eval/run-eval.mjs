// The evaluation of SecurityValidationHook on the development set in ./data (public data; see SOURCES.md).
//   pnpm --filter @llmspell/hook-security eval             (builds first, then runs this file)
//   node eval/run-eval.mjs --module <path to another build's dist/index.js>   (compare with another build)
// Strict mode with maxInputLength raised so long jailbreaks reach the detectors. Attack categories report
// detection, benign ones false positives. The prompt-injection categories are also reported on the part the
// built-in classifier never saw in training (see split.mjs).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadCategory } from './load-data.mjs';
import { isTraining } from './split.mjs';
import { nonPayloadReason } from './sqli-non-payloads.mjs';

const moduleFlag = process.argv.indexOf('--module');
const modulePath =
  moduleFlag === -1
    ? new URL('../dist/index.js', import.meta.url).href
    : pathToFileURL(resolve(process.argv[moduleFlag + 1])).href;
const { SecurityConfig, SecurityValidationHook } = await import(modulePath);

const MAX_INPUT_LENGTH = 1_000_000;
const strict = new SecurityValidationHook(SecurityConfig.strict({ maxInputLength: MAX_INPUT_LENGTH }));
const withPersonalData = new SecurityValidationHook(
  SecurityConfig.strict({
    maxInputLength: MAX_INPUT_LENGTH,
    detectors: { sqlInjection: true, promptInjection: true, pii: true },
  }),
);

function measure(hook, texts, counts) {
  let flagged = 0;
  let characters = 0;
  const misses = [];
  const hits = [];
  const start = performance.now();
  for (const text of texts) {
    characters += text.length;
    const violations = hook.validate({ text });
    if (violations.some(counts)) {
      flagged++;
      hits.push(text);
    } else misses.push(text);
  }
  const elapsedMs = performance.now() - start;
  return {
    flagged,
    total: texts.length,
    msPerText: elapsedMs / texts.length,
    averageLength: characters / texts.length,
    misses,
    hits,
  };
}

const isSql = (violation) => violation.type === 'SqlInjection';
const isPrompt = (violation) => violation.type === 'PromptInjection';
const isPersonal = (violation) => violation.type === 'PersonalData';
const isAny = () => true;

const texts = (name, keep = () => true) =>
  loadCategory(name)
    .map((record) => record.text)
    .filter(keep);
const heldBack = (text) => !isTraining(text);

const rows = [
  ['sqli (longer than 5 characters)', 'detected', strict, texts('sqli', (text) => text.length > 5), isSql],
  [
    'sqli (longer than 5 characters, without the non-payloads of SQLI-NON-PAYLOADS.md)',
    'detected',
    strict,
    texts('sqli', (text) => text.length > 5 && nonPayloadReason(text) === undefined),
    isSql,
  ],
  ['sqli (all)', 'detected', strict, texts('sqli'), isSql],
  ['benign (SQL-ish words), SQL detector', 'flagged', strict, texts('benign'), isSql],
  ['benign (SQL-ish words), any detector', 'flagged', strict, texts('benign'), isAny],
  [
    'benign (SQL-ish words), held-back part, any detector',
    'flagged',
    strict,
    texts('benign', heldBack),
    isAny,
  ],
  ['injection, held-back part', 'detected', strict, texts('injection', heldBack), isPrompt],
  ['injection (all)', 'detected', strict, texts('injection'), isPrompt],
  [
    'injection-benign, held-back part, any detector',
    'flagged',
    strict,
    texts('injection-benign', heldBack),
    isAny,
  ],
  ['injection-benign (all), any detector', 'flagged', strict, texts('injection-benign'), isAny],
  ['pii-email', 'detected', withPersonalData, texts('pii-email'), isPersonal],
  ['pii-card', 'detected', withPersonalData, texts('pii-card'), isPersonal],
  ['pii-secret', 'detected', withPersonalData, texts('pii-secret'), isPersonal],
  ['pii-negative', 'flagged', withPersonalData, texts('pii-negative'), isPersonal],
  ['secret-lookalike', 'flagged', withPersonalData, texts('secret-lookalike'), isPersonal],
];

const verbose = process.argv.includes('--verbose');
console.log(`Development set, strict mode, maxInputLength ${MAX_INPUT_LENGTH}; ${modulePath}`);
console.log('| category | n | rate | mean length | mean scan time |');
console.log('| --- | --- | --- | --- | --- |');
for (const [name, what, hook, list, counts] of rows) {
  // One untimed pass warms the patterns and the classifier.
  measure(hook, list.slice(0, 20), counts);
  const result = measure(hook, list, counts);
  const rate = ((100 * result.flagged) / result.total).toFixed(1);
  console.log(
    `| ${name} | ${result.total} | ${rate}% ${what} | ${Math.round(result.averageLength)} | ${(result.msPerText * 1000).toFixed(0)} µs |`,
  );
  if (verbose) {
    const shown = what === 'detected' ? result.misses : result.hits;
    for (const text of shown.slice(0, Number(process.env.SHOW ?? 60)))
      console.log(`    ${what === 'detected' ? 'missed' : 'flagged'}: ${JSON.stringify(text.slice(0, 160))}`);
  }
}
