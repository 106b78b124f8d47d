import { visitFeatures } from './classifier-features.js';
import weightsFile from './classifier-weights.json';
import type { PromptInjectionClassifier } from './prompt-injection-classifier.js';
import type { WordGate } from './word-gate.js';

/** The shape of `classifier-weights.json`, written by `eval/train-classifier.ts`. */
export interface ClassifierWeightsFile {
  /** How many features the vocabulary holds. */
  readonly features: number;
  readonly bias: number;
  /** Each stored weight is an int8; the real weight is `int8 * scale`. */
  readonly scale: number;
  /** `features` feature keys (uint32, little-endian), base64. */
  readonly keys: string;
  /** `features` int8 weights in the order of `keys`, base64. */
  readonly weights: string;
}

/** An open-addressing hash table from feature key to weight; key 0 marks an empty slot. */
interface WeightTable {
  readonly keys: Int32Array;
  readonly weights: Float32Array;
  readonly mask: number;
}

let table: WeightTable | undefined;

function loadTable(): WeightTable {
  if (table) return table;
  const file = weightsFile as ClassifierWeightsFile;
  const keyBytes = atob(file.keys);
  const weightBytes = atob(file.weights);
  if (keyBytes.length !== file.features * 4 || weightBytes.length !== file.features) {
    throw new Error(`classifier-weights.json is inconsistent: ${file.features} features declared`);
  }
  let size = 1;
  while (size < file.features * 2) size <<= 1;
  const keys = new Int32Array(size);
  const weights = new Float32Array(size);
  const mask = size - 1;
  for (let feature = 0; feature < file.features; feature++) {
    const offset = feature * 4;
    const key =
      keyBytes.charCodeAt(offset) |
      (keyBytes.charCodeAt(offset + 1) << 8) |
      (keyBytes.charCodeAt(offset + 2) << 16) |
      (keyBytes.charCodeAt(offset + 3) << 24);
    let slot = key & mask;
    while (keys[slot] !== 0) slot = (slot + 1) & mask;
    keys[slot] = key;
    const byte = weightBytes.charCodeAt(feature);
    weights[slot] = (byte > 127 ? byte - 256 : byte) * file.scale;
  }
  table = { keys, weights, mask };
  return table;
}

let sum = 0;
let current: WeightTable = { keys: new Int32Array(1), weights: new Float32Array(1), mask: 0 };
const add = (key: number): void => {
  const { keys, mask } = current;
  const wanted = key | 0;
  let slot = wanted & mask;
  for (let stored = keys[slot]!; stored !== 0; stored = keys[slot]!) {
    if (stored === wanted) {
      sum += current.weights[slot]!;
      return;
    }
    slot = (slot + 1) & mask;
  }
};

/**
 * The built-in model's score of `text` (already normalised), synchronously: a logistic model over words and
 * word pairs; a feature outside the trained vocabulary weighs nothing.
 */
export function builtInScore(text: string): number {
  return scoreOf(visitFeatures(text, prepare()));
}

let gate: WordGate | undefined;
let present: Uint8Array = new Uint8Array(0);
const mark = (hash: number): void => gate?.mark(hash, present);

/**
 * `builtInScore(text)`, and in the same pass which anchor words of `words` the text holds (as
 * `words.read(text)` would say).
 */
export function builtInScoreReading(
  text: string,
  words: WordGate,
): { readonly score: number; readonly present: Uint8Array } {
  gate = words;
  present = words.blank();
  const count = visitFeatures(text, prepare(), mark);
  const result = { score: scoreOf(count), present };
  gate = undefined;
  return result;
}

function prepare(): (key: number) => void {
  current = loadTable();
  sum = 0;
  return add;
}

function scoreOf(count: number): number {
  if (count === 0) return 0;
  const logit = (weightsFile as ClassifierWeightsFile).bias + sum / Math.sqrt(count);
  return 1 / (1 + Math.exp(-logit));
}

/**
 * The classifier that ships in the package: word and word-pair features and a logistic model trained on
 * public jailbreak and benign prompts (see eval/ in the repository). No network, no native code.
 */
export const builtInClassifier: PromptInjectionClassifier = Object.freeze({
  name: 'built-in',
  score: (text: string) => builtInScore(text),
});
