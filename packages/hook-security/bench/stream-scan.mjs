// Total scan time of a guarded 100 KB stream against one scan of the same text, in one run:
//   pnpm --filter @llmspell/hook-security build && node packages/hook-security/bench/stream-scan.mjs
// The stream side replays what the AgentStreamChunk phase does (pending text, release all but the declared
// hold-back) around the hook's execute, without an agent, so only the hook's own work is timed.
import { componentId, HookContext } from '@llmspell/core';
import { SecurityConfig, SecurityValidationHook } from '../dist/index.js';
import { loadCategory } from '../eval/load-data.mjs';

const prose = loadCategory('benign')
  .map((record) => record.text)
  .join('\n');
const text = prose.repeat(Math.ceil(100_000 / prose.length)).slice(0, 100_000);
const hook = new SecurityValidationHook(SecurityConfig.strict());
const holdBack = hook.metadata().streamHoldBackChars;

/** Time spent inside the hook during one streamed run (the replay's own string work is not counted). */
function streamOnce(deltaSize) {
  let inHookMs = 0;
  const context = new HookContext({
    hookPoint: 'AgentStreamChunk',
    componentId: componentId('writer', 'agent'),
    data: {},
  });
  let released = '';
  let pending = '';
  const judge = (final) => {
    context.data.chunk = { text: pending, final };
    context.data.output = { text: released };
    const start = performance.now();
    const result = hook.execute(context);
    inHookMs += performance.now() - start;
    if (result.type !== 'continue') throw new Error(`unexpected ${result.type}`);
    const count = final ? pending.length : pending.length - holdBack;
    if (count > 0) {
      released += pending.slice(0, count);
      pending = pending.slice(count);
    }
  };
  for (let index = 0; index < text.length; index += deltaSize) {
    pending += text.slice(index, index + deltaSize);
    judge(false);
  }
  judge(true);
  if (released !== text) throw new Error('stream lost text');
  return inHookMs;
}

function scanOnce() {
  const context = new HookContext({
    hookPoint: 'AfterAgentExecution',
    componentId: componentId('writer', 'agent'),
    data: { output: { text } },
  });
  if (hook.execute(context).type !== 'continue') throw new Error('flagged');
}

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

console.log(
  `hold-back ${holdBack} characters; 100 KB of benign prose; output detectors (prompt injection, personal data)`,
);
console.log(
  '| deltas of | one scan of the text | time in the hook over the whole stream | stream ÷ one scan |',
);
console.log('| --- | --- | --- | --- |');
for (const size of [1, 4, 16, 64]) {
  const once = median(scanOnce, 9);
  const runs = [];
  for (let run = 0; run < 5; run++) runs.push(streamOnce(size));
  runs.sort((left, right) => left - right);
  const streamed = runs[2];
  console.log(
    `| ${size} | ${once.toFixed(2)} ms | ${streamed.toFixed(2)} ms | ${(streamed / once).toFixed(2)}× |`,
  );
}
