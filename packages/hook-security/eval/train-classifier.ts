// Trains the built-in prompt-injection classifier and writes src/classifier-weights.json.
//   bash eval/fetch-classifier-sources.sh /tmp/classifier-sources
//   pnpm --filter @llmspell/hook-security exec tsx eval/train-classifier.ts --sources /tmp/classifier-sources
// Training data (CLASSIFIER-DATA.md): the training part of the development set (split.mjs: 70%, fixed seed) and
// the public sources of classifier-sources.json. An outside text equal to, or a near copy of, a held-back text
// is dropped, so the held-back figures printed at the end are on texts the model never saw. Deterministic: the
// same data gives the same weights.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { visitFeatures } from '../src/classifier-features.js';
import { normalizeText } from '../src/normalize-text.js';
import { loadCategory } from './load-data.mjs';
import { isTraining, splitKey } from './split.mjs';

type Label = 0 | 1;

interface Source {
  name: string;
  repository: string;
  commit: string;
  paths: string[];
  format: string;
  label: 'injection' | 'benign';
  limit?: number;
}

/** A training text: its features as vocabulary indices (unknown features left out) and how many it had. */
interface Example {
  features: Int32Array;
  count: number;
  label: Label;
  group: string;
}

/** Minimal CSV reader (quoted fields with "" escapes): the `text` column, or the second one. */
function readCsvTexts(source: string): string[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < source.length; index++) {
    const character = source[index]!;
    if (quoted) {
      if (character === '"' && source[index + 1] === '"') {
        field += '"';
        index++;
      } else if (character === '"') quoted = false;
      else field += character;
    } else if (character === '"') quoted = true;
    else if (character === ',') {
      row.push(field);
      field = '';
    } else if (character === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (character !== '\r') field += character;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  const header = rows[0] ?? [];
  const column = Math.max(1, header.indexOf('text'));
  return rows.slice(1).map((cells) => cells[column] ?? '');
}

const jsonLines = (text: string): Record<string, unknown>[] =>
  text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** The files a manifest path names; `*` matches one folder name. */
function expand(root: string, path: string): string[] {
  const star = path.indexOf('*');
  if (star === -1) return [join(root, path)];
  const folder = path.slice(0, path.lastIndexOf('/', star));
  const rest = path.slice(path.indexOf('/', star) + 1);
  return readdirSync(join(root, folder))
    .sort()
    .map((name) => join(root, folder, name, rest));
}

function readSource(root: string, source: Source): string[] {
  const folder = join(root, source.repository.replace('/', '+'));
  const texts: string[] = [];
  for (const file of source.paths.flatMap((path) => expand(folder, path))) {
    const raw = readFileSync(file);
    switch (source.format) {
      case 'csv-text-column':
        texts.push(...readCsvTexts(raw.toString('utf8')));
        break;
      case 'alpaca-eval-instructions':
        for (const record of JSON.parse(raw.toString('utf8')) as { instruction: string; dataset: string }[])
          if (record.dataset !== 'selfinstruct') texts.push(record.instruction);
        break;
      case 'fastchat-turns':
        for (const record of jsonLines(raw.toString('utf8'))) texts.push((record.turns as string[])[0]!);
        break;
      case 'jsonl-question':
        for (const record of jsonLines(raw.toString('utf8'))) texts.push(record.question as string);
        break;
      case 'hh-first-human-turn':
        for (const record of jsonLines(gunzipSync(raw).toString('utf8'))) {
          const match = /\n\nHuman: ([\s\S]*?)\n\nAssistant:/.exec(record.chosen as string);
          if (match) texts.push(match[1]!);
        }
        break;
      case 'whole-file':
        texts.push(raw.toString('utf8'));
        break;
      default:
        throw new Error(`unknown format ${source.format} in classifier-sources.json`);
    }
  }
  return texts.filter((text) => text.trim() !== '');
}

/** A seeded order (FNV-1a of the split key), so `limit` takes the same records every time. */
function seededOrder(texts: string[]): string[] {
  const rank = (text: string): number => {
    let hash = 0x811c9dc5;
    const key = `classifier-sample${splitKey(text)}`;
    for (let index = 0; index < key.length; index++) {
      hash ^= key.charCodeAt(index);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash;
  };
  return texts
    .map((text) => ({ text, rank: rank(text) }))
    .sort((left, right) => left.rank - right.rank)
    .map((entry) => entry.text);
}

// --- The development set and its held-back part ------------------------------------------------------------

const categories = {
  injection: loadCategory('injection').map((record: { text: string }) => record.text) as string[],
  injectionBenign: loadCategory('injection-benign').map(
    (record: { text: string }) => record.text,
  ) as string[],
  benign: loadCategory('benign').map((record: { text: string }) => record.text) as string[],
};
const heldBack = Object.values(categories).flatMap((list) => list.filter((text) => !isTraining(text)));
const heldBackKeys = new Set(heldBack.map(splitKey));

/** Word 5-gram shingles of a text (hashed), for the near-copy test. */
function shingles(text: string): Set<number> {
  const words = splitKey(text)
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const result = new Set<number>();
  for (let index = 0; index + 5 <= Math.max(words.length, 5); index++) {
    let hash = 0x811c9dc5;
    for (const word of words.slice(index, index + 5)) {
      for (let position = 0; position < word.length; position++) {
        hash = Math.imul(hash ^ word.charCodeAt(position), 0x01000193);
      }
      hash = Math.imul(hash ^ 0x20, 0x01000193);
    }
    result.add(hash >>> 0);
  }
  return result;
}

// An outside text is a near copy of a held-back text when half the shingles of the shorter one are shared.
const shingleOwners = new Map<number, number[]>();
const heldBackShingleCounts: number[] = [];
heldBack.forEach((text, owner) => {
  const set = shingles(text);
  heldBackShingleCounts.push(set.size);
  for (const shingle of set) {
    const owners = shingleOwners.get(shingle);
    if (owners) owners.push(owner);
    else shingleOwners.set(shingle, [owner]);
  }
});
function nearHeldBack(text: string): boolean {
  if (heldBackKeys.has(splitKey(text))) return true;
  const set = shingles(text);
  const shared = new Map<number, number>();
  for (const shingle of set) {
    for (const owner of shingleOwners.get(shingle) ?? []) shared.set(owner, (shared.get(owner) ?? 0) + 1);
  }
  for (const [owner, count] of shared) {
    if (count >= 0.5 * Math.min(set.size, heldBackShingleCounts[owner]!)) return true;
  }
  return false;
}

// --- Training texts -----------------------------------------------------------------------------------------

const sourcesFlag = process.argv.indexOf('--sources');
if (sourcesFlag === -1) {
  throw new Error('give --sources <directory> (see eval/fetch-classifier-sources.sh and CLASSIFIER-DATA.md)');
}
const sourcesRoot = process.argv[sourcesFlag + 1]!;
const manifest = JSON.parse(readFileSync(new URL('./classifier-sources.json', import.meta.url), 'utf8')) as {
  sources: Source[];
};

interface Text {
  text: string;
  label: Label;
  group: string;
}
const texts: Text[] = [];
const counts: Record<string, string> = {};
const addTexts = (list: string[], label: Label, group: string): void => {
  for (const text of list) texts.push({ text, label, group });
  counts[group] = String(list.length);
};
addTexts(categories.injection.filter(isTraining), 1, 'injection');
addTexts(categories.injectionBenign.filter(isTraining), 0, 'role');
addTexts(categories.benign.filter(isTraining), 0, 'benign');
const seen = new Set(texts.map((entry) => splitKey(entry.text)));
for (const source of manifest.sources) {
  const all = readSource(sourcesRoot, source);
  const kept: string[] = [];
  let dropped = 0;
  for (const text of seededOrder(all)) {
    if (source.limit !== undefined && kept.length >= source.limit) break;
    const key = splitKey(text);
    if (seen.has(key)) continue;
    if (nearHeldBack(text)) {
      dropped++;
      continue;
    }
    seen.add(key);
    kept.push(text);
  }
  const label: Label = source.label === 'injection' ? 1 : 0;
  addTexts(kept, label, source.name);
  counts[source.name] = `${kept.length} (of ${all.length}; ${dropped} near held-back texts dropped)`;
}

// --- Vocabulary: features seen in at least two training texts -----------------------------------------------

const MIN_DOCUMENT_FREQUENCY = Number(process.env.MIN_DF ?? 2);
const featureLists = texts.map((entry) => {
  const keys: number[] = [];
  visitFeatures(normalizeText(entry.text).decoded.value, (key) => keys.push(key));
  return keys;
});
const documentFrequency = new Map<number, number>();
for (const keys of featureLists) {
  for (const key of new Set(keys)) documentFrequency.set(key, (documentFrequency.get(key) ?? 0) + 1);
}
const vocabulary = [...documentFrequency]
  .filter(([, frequency]) => frequency >= MIN_DOCUMENT_FREQUENCY)
  .map(([key]) => key)
  .sort((left, right) => left - right);
const indexOf = new Map(vocabulary.map((key, index) => [key, index]));
const examples: Example[] = texts.map((entry, position) => {
  const keys = featureLists[position]!;
  const known: number[] = [];
  for (const key of keys) {
    const index = indexOf.get(key);
    if (index !== undefined) known.push(index);
  }
  return { features: Int32Array.from(known), count: keys.length, label: entry.label, group: entry.group };
});

// --- Logistic regression ------------------------------------------------------------------------------------

// z = bias + Σ w[feature] / sqrt(feature count), fitted with Adam on the class-balanced log loss plus an L2
// penalty; examples visited in a fixed shuffled order.
interface Model {
  weights: Float64Array;
  bias: number;
}

const EPOCHS = Number(process.env.EPOCHS ?? 5);
const LEARNING_RATE = 0.05;
const L2 = Number(process.env.L2 ?? 1e-6);
const BETA1 = 0.9;
const BETA2 = 0.999;

function logitOf(model: Model, example: Example): number {
  if (example.count === 0) return model.bias;
  let sum = 0;
  for (const feature of example.features) sum += model.weights[feature]!;
  return model.bias + sum / Math.sqrt(example.count);
}

function train(training: Example[]): Model {
  const size = vocabulary.length;
  const model: Model = { weights: new Float64Array(size), bias: 0 };
  const { weights } = model;
  const moment = new Float64Array(size);
  const velocity = new Float64Array(size);
  let biasMoment = 0;
  let biasVelocity = 0;
  const positives = training.filter((example) => example.label === 1).length;
  const classWeight = [
    training.length / (2 * (training.length - positives)),
    training.length / (2 * positives),
  ];
  let seed = 20260101;
  const random = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const order = training.map((_, index) => index);
  const gradient = new Map<number, number>();
  let step = 0;
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    for (let index = order.length - 1; index > 0; index--) {
      const other = Math.floor(random() * (index + 1));
      [order[index], order[other]] = [order[other]!, order[index]!];
    }
    for (const position of order) {
      const example = training[position]!;
      if (example.count === 0) continue;
      step++;
      const probability = 1 / (1 + Math.exp(-logitOf(model, example)));
      const error = (probability - example.label) * classWeight[example.label]!;
      const share = 1 / Math.sqrt(example.count);
      const correction1 = 1 - BETA1 ** step;
      const correction2 = 1 - BETA2 ** step;
      // Sparse Adam: only the features of this example move (their gradient summed over repeats).
      gradient.clear();
      for (const feature of example.features)
        gradient.set(feature, (gradient.get(feature) ?? 0) + error * share);
      for (const [feature, value] of gradient) {
        const total = value + L2 * weights[feature]!;
        moment[feature] = BETA1 * moment[feature]! + (1 - BETA1) * total;
        velocity[feature] = BETA2 * velocity[feature]! + (1 - BETA2) * total * total;
        weights[feature]! -=
          (LEARNING_RATE * (moment[feature]! / correction1)) /
          (Math.sqrt(velocity[feature]! / correction2) + 1e-8);
      }
      biasMoment = BETA1 * biasMoment + (1 - BETA1) * error;
      biasVelocity = BETA2 * biasVelocity + (1 - BETA2) * error * error;
      model.bias -=
        (LEARNING_RATE * (biasMoment / correction1)) / (Math.sqrt(biasVelocity / correction2) + 1e-8);
    }
  }
  return model;
}

// --- Cross-fitting and the operating point -----------------------------------------------------------------

// Five folds over the training texts: each fold's model scores the texts it did not see, and the shipped
// model is the average of the five (a linear model, so its logit is the average of theirs). The operating
// point is read from those out-of-fold scores, never from the held-back part: the highest of the logit above
// all but ROLE_QUANTILE of the role prompts and the one above all but BENIGN_QUANTILE of the other benign
// texts. The model is shifted so that this threshold reads as 0.5, the hook's default.
const FOLDS = 5;
/** The weights file keeps this many features, those of largest weight (the rest weigh nothing). */
const MAX_FEATURES = Number(process.env.MAX_FEATURES ?? 30_000);

/** Zeroes every weight but the MAX_FEATURES largest in magnitude, as the shipped file will. */
function prune(weights: Float64Array): void {
  if (weights.length <= MAX_FEATURES) return;
  const magnitudes = Array.from(weights, Math.abs).sort((left, right) => right - left);
  const smallestKept = magnitudes[MAX_FEATURES - 1]!;
  let kept = 0;
  for (let feature = 0; feature < weights.length; feature++) {
    if (Math.abs(weights[feature]!) >= smallestKept && kept < MAX_FEATURES) kept++;
    else weights[feature] = 0;
  }
}

const ROLE_QUANTILE = Number(process.env.ROLE_QUANTILE ?? 0.005);
const BENIGN_QUANTILE = Number(process.env.BENIGN_QUANTILE ?? 0.001);
const outOfFold = new Float64Array(examples.length);
const averaged = new Float64Array(vocabulary.length);
let averageBias = 0;
for (let fold = 0; fold < FOLDS; fold++) {
  const model = train(examples.filter((_, index) => index % FOLDS !== fold));
  prune(model.weights);
  examples.forEach((example, index) => {
    if (index % FOLDS === fold) outOfFold[index] = logitOf(model, example);
  });
  for (let feature = 0; feature < vocabulary.length; feature++)
    averaged[feature] = averaged[feature]! + model.weights[feature]! / FOLDS;
  averageBias += model.bias / FOLDS;
}
const quantileLogit = (logits: number[], quantile: number): number => {
  const sorted = [...logits].sort((left, right) => left - right);
  return sorted[sorted.length - 1 - Math.floor(sorted.length * quantile)]! + 1e-6;
};
const oofOf = (keep: (example: Example) => boolean): number[] =>
  examples.flatMap((example, index) => (keep(example) ? [outOfFold[index]!] : []));
const operatingLogit = Math.max(
  quantileLogit(
    oofOf((example) => example.group === 'role'),
    ROLE_QUANTILE,
  ),
  quantileLogit(
    oofOf((example) => example.label === 0 && example.group !== 'role'),
    BENIGN_QUANTILE,
  ),
);
const bias = averageBias - operatingLogit;
const rateAbove = (logits: number[]): string =>
  `${((100 * logits.filter((logit) => logit >= operatingLogit).length) / logits.length).toFixed(1)}% of ${logits.length}`;
console.log('training texts:', counts);
console.log(`vocabulary: ${vocabulary.length} features seen in at least ${MIN_DOCUMENT_FREQUENCY} texts`);
console.log(
  `out of fold at the operating point: injection ${rateAbove(oofOf((example) => example.label === 1))} detected; ` +
    `role ${rateAbove(oofOf((example) => example.group === 'role'))} and other benign ` +
    `${rateAbove(oofOf((example) => example.label === 0 && example.group !== 'role'))} flagged`,
);

// --- int8 quantisation; features whose weight rounds to 0 are left out ------------------------------------

prune(averaged);

let largest = 0;
for (const weight of averaged) largest = Math.max(largest, Math.abs(weight));
const scale = largest / 127;
const keptKeys: number[] = [];
const keptWeights: number[] = [];
for (let feature = 0; feature < vocabulary.length; feature++) {
  const quantised = Math.round(averaged[feature]! / scale);
  if (quantised === 0) continue;
  keptKeys.push(vocabulary[feature]!);
  keptWeights.push(quantised);
}
const keyBytes = Buffer.alloc(keptKeys.length * 4);
keptKeys.forEach((key, index) => {
  keyBytes.writeUInt32LE(key, index * 4);
});
const weightBytes = Buffer.from(Int8Array.from(keptWeights).buffer);
const file = {
  features: keptKeys.length,
  bias: Number(bias.toFixed(6)),
  scale: Number(scale.toPrecision(8)),
  keys: keyBytes.toString('base64'),
  weights: weightBytes.toString('base64'),
};
const output = `${JSON.stringify(file)}\n`;
writeFileSync(new URL('../src/classifier-weights.json', import.meta.url), output);
console.log(`wrote ${keptKeys.length} features, ${(output.length / 1024).toFixed(0)} KB`);

// --- Figures of the quantised model on the held-back part only ---------------------------------------------

const shipped = new Map(keptKeys.map((key, index) => [key, keptWeights[index]! * scale]));
const score = (text: string): number => {
  let sum = 0;
  const count = visitFeatures(normalizeText(text).decoded.value, (key) => {
    sum += shipped.get(key) ?? 0;
  });
  return count === 0 ? 0 : 1 / (1 + Math.exp(-(file.bias + sum / Math.sqrt(count))));
};
for (const threshold of [0.3, 0.5, 0.7]) {
  const rate = (list: string[]): string => {
    const held = list.filter((text) => !isTraining(text));
    const hits = held.filter((text) => score(text) >= threshold).length;
    return `${((100 * hits) / held.length).toFixed(1)}% of ${held.length}`;
  };
  console.log(
    `threshold ${threshold}: held-back injection ${rate(categories.injection)} detected; ` +
      `role prompts ${rate(categories.injectionBenign)} and benign ${rate(categories.benign)} flagged`,
  );
}
