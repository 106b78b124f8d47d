// Trains the built-in prompt-injection classifier and writes src/classifier-weights.json.
//   pnpm --filter @llmspell/hook-security exec tsx eval/train-classifier.ts [--gptfuzz <path to GPTFuzzer.csv>]
// Training data (see CLASSIFIER-DATA.md): the training part of the development set (split.mjs: 70%, fixed
// seed) and, when given, the GPTFuzz jailbreak templates. External texts equal to a held-back text (after
// whitespace and case folding) are dropped, so the held-back figures printed at the end are on texts the
// model never saw. Deterministic: the same data gives the same weights.
import { readFileSync, writeFileSync } from 'node:fs';
import { FEATURE_BUCKETS, visitFeatures } from '../src/classifier-features.js';
import { normalizeText } from '../src/normalize-text.js';
import { loadCategory } from './load-data.mjs';
import { isTraining, splitKey } from './split.mjs';

interface Example {
  buckets: Int32Array;
  label: 0 | 1;
}

function featuresOf(text: string): Int32Array {
  const buckets: number[] = [];
  visitFeatures(normalizeText(text).decoded.value, (bucket) => buckets.push(bucket));
  return Int32Array.from(buckets);
}

/** Minimal CSV reader for GPTFuzzer.csv (`id,text`, quoted fields with "" escapes). */
function readCsvTexts(path: string): string[] {
  const source = readFileSync(path, 'utf8');
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
  return rows
    .slice(1)
    .map((cells) => cells[1] ?? '')
    .filter((text) => text.trim() !== '');
}

const categories = {
  injection: loadCategory('injection').map((record: { text: string }) => record.text),
  injectionBenign: loadCategory('injection-benign').map((record: { text: string }) => record.text),
  benign: loadCategory('benign').map((record: { text: string }) => record.text),
};
const heldBackKeys = new Set<string>();
for (const list of Object.values(categories)) {
  for (const text of list) if (!isTraining(text)) heldBackKeys.add(splitKey(text));
}

const EPOCHS = Number(process.env.EPOCHS ?? 15);
const LEARNING_RATE = 0.05;
const L2 = Number(process.env.L2 ?? 1e-5);
const training: Example[] = [];
const add = (texts: string[], label: 0 | 1): number => {
  for (const text of texts) training.push({ buckets: featuresOf(text), label });
  return texts.length;
};
const counts: Record<string, number> = {};
counts.injection = add(categories.injection.filter(isTraining), 1);
counts['injection-benign'] = add(categories.injectionBenign.filter(isTraining), 0);
counts.benign = add(categories.benign.filter(isTraining), 0);
const gptfuzzFlag = process.argv.indexOf('--gptfuzz');
if (gptfuzzFlag !== -1) {
  const templates = readCsvTexts(process.argv[gptfuzzFlag + 1]!).filter(
    (text) => !heldBackKeys.has(splitKey(text)),
  );
  counts.gptfuzz = add(templates, 1);
}

// Logistic regression, z = bias + Σ w[bucket] / sqrt(feature count), fitted with Adam on the class-balanced
// log loss plus an L2 penalty; examples visited in a fixed shuffled order.
interface Model {
  weights: Float64Array;
  bias: number;
}

const BETA1 = 0.9;
const BETA2 = 0.999;

function logitOf(model: Model, buckets: Int32Array): number {
  let sum = 0;
  for (const bucket of buckets) sum += model.weights[bucket]!;
  return buckets.length === 0 ? model.bias : model.bias + sum / Math.sqrt(buckets.length);
}

function train(examples: Example[], options: { epochs: number; learningRate: number; l2: number }): Model {
  const { epochs, learningRate, l2 } = options;
  const model: Model = { weights: new Float64Array(FEATURE_BUCKETS), bias: 0 };
  const { weights } = model;
  const moment = new Float64Array(FEATURE_BUCKETS);
  const velocity = new Float64Array(FEATURE_BUCKETS);
  let biasMoment = 0;
  let biasVelocity = 0;
  const positives = examples.filter((example) => example.label === 1).length;
  const classWeight = [
    examples.length / (2 * (examples.length - positives)),
    examples.length / (2 * positives),
  ];
  let seed = 20260101;
  const random = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const order = examples.map((_, index) => index);
  let step = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let index = order.length - 1; index > 0; index--) {
      const other = Math.floor(random() * (index + 1));
      [order[index], order[other]] = [order[other]!, order[index]!];
    }
    for (const position of order) {
      const example = examples[position]!;
      if (example.buckets.length === 0) continue;
      step++;
      const probability = 1 / (1 + Math.exp(-logitOf(model, example.buckets)));
      const error = (probability - example.label) * classWeight[example.label]!;
      const share = 1 / Math.sqrt(example.buckets.length);
      const correction1 = 1 - BETA1 ** step;
      const correction2 = 1 - BETA2 ** step;
      // Sparse Adam: only the buckets of this example move (their gradient summed over repeats).
      const gradient = new Map<number, number>();
      for (const bucket of example.buckets) gradient.set(bucket, (gradient.get(bucket) ?? 0) + error * share);
      for (const [bucket, value] of gradient) {
        const total = value + l2 * weights[bucket]!;
        moment[bucket] = BETA1 * moment[bucket]! + (1 - BETA1) * total;
        velocity[bucket] = BETA2 * velocity[bucket]! + (1 - BETA2) * total * total;
        weights[bucket]! -=
          (learningRate * (moment[bucket]! / correction1)) /
          (Math.sqrt(velocity[bucket]! / correction2) + 1e-8);
      }
      biasMoment = BETA1 * biasMoment + (1 - BETA1) * error;
      biasVelocity = BETA2 * biasVelocity + (1 - BETA2) * error * error;
      model.bias -=
        (learningRate * (biasMoment / correction1)) / (Math.sqrt(biasVelocity / correction2) + 1e-8);
    }
  }
  return model;
}

const sigmoid = (logit: number): number => 1 / (1 + Math.exp(-logit));

// --tune: choose the settings on a validation fold carved out of the training part (never the held-back part).
if (process.argv.includes('--tune')) {
  const inFold = (index: number): boolean => index % 5 === 0;
  const fit = training.filter((_, index) => !inFold(index));
  const check = training.filter((_, index) => inFold(index));
  for (const l2 of [1e-5, 1e-4, 1e-3, 1e-2]) {
    for (const epochs of [10, 30, 60]) {
      const model = train(fit, { epochs, learningRate: 0.05, l2 });
      const scores = check.map((example) => ({
        score: sigmoid(logitOf(model, example.buckets)),
        label: example.label,
      }));
      const negatives = scores
        .filter((entry) => entry.label === 0)
        .map((entry) => entry.score)
        .sort((a, b) => b - a);
      // The threshold that flags at most 1% of the validation negatives.
      const threshold = negatives[Math.floor(negatives.length * 0.01)]! + 1e-9;
      const positives = scores.filter((entry) => entry.label === 1);
      const detected = positives.filter((entry) => entry.score >= threshold).length / positives.length;
      console.log(
        `l2 ${l2} epochs ${epochs}: threshold ${threshold.toFixed(3)} detects ${(100 * detected).toFixed(1)}%`,
      );
    }
  }
  process.exit(0);
}

// Five-fold cross-fitting over the training part: each fold's model scores the examples it did not see, and
// the shipped model is the average of the five (a linear model, so its logit is the average of theirs). The
// operating point is read from those out-of-fold scores: just above all but the top 0.8% of the training
// role prompts (the hard negatives: "Act as …, you will …"), leaving room under the 1% goal for the rules.
// The model is shifted so that this threshold reads as 0.5, the hook's default.
const settings = { epochs: EPOCHS, learningRate: LEARNING_RATE, l2: L2 };
const FOLDS = 5;
const isRolePrompt = new Set(
  categories.injectionBenign.filter(isTraining).map((text) => featuresOf(text).join()),
);
const roleLogits: number[] = [];
const injectionLogits: number[] = [];
const weights = new Float64Array(FEATURE_BUCKETS);
let averageBias = 0;
for (let fold = 0; fold < FOLDS; fold++) {
  const foldModel = train(
    training.filter((_, index) => index % FOLDS !== fold),
    settings,
  );
  training.forEach((example, index) => {
    if (index % FOLDS !== fold) return;
    if (example.label === 1) injectionLogits.push(logitOf(foldModel, example.buckets));
    else if (isRolePrompt.has(example.buckets.join())) roleLogits.push(logitOf(foldModel, example.buckets));
  });
  for (let bucket = 0; bucket < FEATURE_BUCKETS; bucket++) {
    weights[bucket] = weights[bucket]! + foldModel.weights[bucket]! / FOLDS;
  }
  averageBias += foldModel.bias / FOLDS;
}
roleLogits.sort((left, right) => left - right);
const operatingLogit = roleLogits[roleLogits.length - 1 - Math.floor(roleLogits.length * 0.008)]! + 1e-6;
const bias = averageBias - operatingLogit;
const outOfFold = injectionLogits.filter((logit) => logit >= operatingLogit).length / injectionLogits.length;
console.log(
  `out-of-fold detection of training injections at the operating point: ${(100 * outOfFold).toFixed(1)}%`,
);
console.log(
  `operating point: out-of-fold logit ${operatingLogit.toFixed(3)} over ${roleLogits.length} role prompts reads as 0.5`,
);

// int8 quantisation: one scale for all weights.
let largest = 0;
for (const weight of weights) largest = Math.max(largest, Math.abs(weight));
const scale = largest / 127;
const bytes = new Uint8Array(FEATURE_BUCKETS);
for (let index = 0; index < FEATURE_BUCKETS; index++) {
  bytes[index] = Math.round(weights[index]! / scale) & 0xff;
}
const file = {
  buckets: FEATURE_BUCKETS,
  bias: Number(bias.toFixed(6)),
  scale: Number(scale.toPrecision(8)),
  weights: Buffer.from(bytes).toString('base64'),
};
writeFileSync(new URL('../src/classifier-weights.json', import.meta.url), `${JSON.stringify(file)}\n`);

// Figures on the quantised model, over the held-back part only.
const quantised = (buckets: Int32Array): number => {
  let sum = 0;
  for (const bucket of buckets) sum += ((bytes[bucket]! << 24) >> 24) * scale;
  const logit = buckets.length === 0 ? file.bias : file.bias + sum / Math.sqrt(buckets.length);
  return 1 / (1 + Math.exp(-logit));
};
console.log('training examples:', counts);
for (const threshold of [0.3, 0.5, 0.7]) {
  const rate = (texts: string[]): string => {
    const held = texts.filter((text) => !isTraining(text));
    const hits = held.filter((text) => quantised(featuresOf(text)) >= threshold).length;
    return `${((100 * hits) / held.length).toFixed(1)}% of ${held.length}`;
  };
  console.log(
    `threshold ${threshold}: held-back injection ${rate(categories.injection)} detected; ` +
      `injection-benign ${rate(categories.injectionBenign)} and benign ${rate(categories.benign)} flagged`,
  );
}
