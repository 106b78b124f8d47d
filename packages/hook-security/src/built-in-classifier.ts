import { FEATURE_BUCKETS, visitFeatures } from './classifier-features.js';
import weightsFile from './classifier-weights.json';
import type { PromptInjectionClassifier } from './prompt-injection-classifier.js';

/** The shape of `classifier-weights.json`, written by `eval/train-classifier.ts`. */
export interface ClassifierWeightsFile {
  readonly buckets: number;
  readonly bias: number;
  /** Each stored weight is an int8; the real weight is `int8 * scale`. */
  readonly scale: number;
  /** `buckets` int8 weights, base64. */
  readonly weights: string;
}

let weights: Float32Array | undefined;

function loadWeights(): Float32Array {
  if (weights) return weights;
  const file = weightsFile as ClassifierWeightsFile;
  if (file.buckets !== FEATURE_BUCKETS) {
    throw new Error(
      `classifier-weights.json has ${file.buckets} buckets, the features use ${FEATURE_BUCKETS}`,
    );
  }
  const bytes = atob(file.weights);
  const loaded = new Float32Array(FEATURE_BUCKETS);
  for (let index = 0; index < FEATURE_BUCKETS; index++) {
    const byte = bytes.charCodeAt(index);
    loaded[index] = (byte > 127 ? byte - 256 : byte) * file.scale;
  }
  weights = loaded;
  return loaded;
}

let sum = 0;
let table: Float32Array = new Float32Array(0);
const add = (bucket: number): void => {
  sum += table[bucket]!;
};

/** The built-in model's score of `text` (already normalised), synchronously: a logistic model over hashed words. */
export function builtInScore(text: string): number {
  table = loadWeights();
  sum = 0;
  const count = visitFeatures(text, add);
  if (count === 0) return 0;
  const logit = (weightsFile as ClassifierWeightsFile).bias + sum / Math.sqrt(count);
  return 1 / (1 + Math.exp(-logit));
}

/**
 * The classifier that ships in the package: hashed word and word-pair features and a logistic model trained
 * on public jailbreak and benign prompts (see eval/ in the repository). No network, no native code.
 */
export const builtInClassifier: PromptInjectionClassifier = Object.freeze({
  name: 'built-in',
  score: (text: string) => builtInScore(text),
});
