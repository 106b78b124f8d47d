// node src/profile-summary.mjs <file.cpuprofile> [top=25]: self and total time per function of a V8 CPU profile.
import { readFileSync } from 'node:fs';

const [file, topArgument = '25'] = process.argv.slice(2);
if (!file) throw new Error('usage: node src/profile-summary.mjs <file.cpuprofile> [top]');
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfTicks = new Map();
for (const sample of profile.samples) selfTicks.set(sample, (selfTicks.get(sample) ?? 0) + 1);
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

const name = (node) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url
    ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/packages\//, '')}:${lineNumber + 1}`
    : '';
  return `${functionName || '(anonymous)'} ${where}`.trim();
};
const self = new Map();
const total = new Map();
let all = 0;
for (const [id, ticks] of selfTicks) {
  all += ticks;
  const node = byId.get(id);
  self.set(name(node), (self.get(name(node)) ?? 0) + ticks);
  const seen = new Set();
  for (let current = id; current !== undefined; current = parent.get(current)) {
    const key = name(byId.get(current));
    if (seen.has(key)) continue;
    seen.add(key);
    total.set(key, (total.get(key) ?? 0) + ticks);
  }
}
const top = Number(topArgument);
const show = (map, title) => {
  console.log(`\n${title}`);
  for (const [key, ticks] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((ticks / all) * 100).toFixed(1).padStart(5)} %  ${key}`);
  }
};
show(self, 'self time');
show(total, 'total time (inclusive)');

// Optional third argument: a function name whose callers (by sample share) are listed.
const focus = process.argv[4];
if (focus) {
  const callers = new Map();
  for (const [id, ticks] of selfTicks) {
    const chain = [];
    for (let current = id; current !== undefined; current = parent.get(current))
      chain.push(byId.get(current));
    const at = chain.findIndex((node) => node.callFrame.functionName === focus);
    if (at < 0) continue;
    const path = chain
      .slice(at, at + 5)
      .map(name)
      .join(' ← ');
    callers.set(path, (callers.get(path) ?? 0) + ticks);
  }
  show(callers, `call paths into ${focus}`);
}
