// Side-by-side scan cost of this build and a baseline build of @llmspell/hook-security, in one run:
//   node packages/hook-security/bench/compare-baseline.mjs <baseline dist/index.js>
// Build a baseline from an earlier commit with:
//   git worktree add /tmp/security-baseline <commit> && cd /tmp/security-baseline && pnpm install && pnpm build
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadCategory } from '../eval/load-data.mjs';

const current = await import('../dist/index.js');
const baseline = await import(pathToFileURL(resolve(process.argv[2])).href);

const prose = loadCategory('benign')
  .map((record) => record.text)
  .join('\n');
const benign1k = prose.slice(0, 1024);
const adversarial = [
  ["'".repeat(100_000), 'quotes'],
  ["' or ".repeat(20_000), "repeated ' or"],
  ['%25'.repeat(33_334), 'stacked percent-encoding'],
  ['select '.repeat(14_286), 'repeated select'],
  ['a'.repeat(100_000), 'one long word'],
  ['(('.repeat(50_000), 'parentheses'],
];
const benign100k = prose.repeat(Math.ceil(100_000 / prose.length)).slice(0, 100_000);

function median(fn, runs) {
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

const every = { sqlInjection: true, promptInjection: true, pii: true };
const hookOf = (module) => new module.SecurityValidationHook({ maxInputLength: 200_000, detectors: every });
const now = hookOf(current);
const before = hookOf(baseline);
const rows = [];
// Interleaved rounds, so that load on the machine hits both builds alike.
const rounds = 5;
let nowSum = 0;
let beforeSum = 0;
for (let round = 0; round < rounds; round++) {
  beforeSum += median(() => before.validate({ text: benign1k }), 200);
  nowSum += median(() => now.validate({ text: benign1k }), 200);
}
rows.push(['benign 1 KB, every detector', beforeSum / rounds, nowSum / rounds]);
const benignNow = median(() => now.validate({ text: benign100k }), 7);
const benignBefore = median(() => before.validate({ text: benign100k }), 7);
rows.push(['benign 100 KB, every detector', benignBefore, benignNow]);
for (const [text, name] of adversarial) {
  rows.push([
    `adversarial 100 KB: ${name}`,
    median(() => before.validate({ text }), 5),
    median(() => now.validate({ text }), 5),
  ]);
}
console.log('| input | baseline | this build | this ÷ baseline | this ÷ benign 100 KB |');
console.log('| --- | --- | --- | --- | --- |');
for (const [name, old, fresh] of rows) {
  const perBenign = name.startsWith('adversarial') ? `${(fresh / benignNow).toFixed(2)}×` : '';
  console.log(
    `| ${name} | ${old.toFixed(3)} ms | ${fresh.toFixed(3)} ms | ${(fresh / old).toFixed(2)}× | ${perBenign} |`,
  );
}
