/*
 * The features of the built-in prompt-injection classifier, shared by the runtime and the training script
 * (eval/train-classifier.ts) so they cannot drift apart. A text becomes a bag of hashed words and word pairs:
 * letters and digits, lower-cased, everything else separates words. Hashing needs no vocabulary file and
 * allocates nothing per word: each word's hash is built character by character.
 */

/** Number of hash buckets (a power of two); the weights file holds one weight per bucket. */
export const FEATURE_BUCKETS = 1 << 16;
const BUCKET_MASK = FEATURE_BUCKETS - 1;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** Salt that keeps a word pair's bucket apart from its words' buckets. */
const PAIR_SALT = 0x9e3779b1;

function isWordCode(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0xc0 && code !== 0xd7 && code !== 0xf7)
  );
}

function bucketOf(hash: number): number {
  return (hash ^ (hash >>> 16)) & BUCKET_MASK;
}

/**
 * Calls `visit` with the bucket of every word and every pair of neighbouring words of `text`, in order;
 * returns how many features it visited. Linear in the length of `text`.
 */
export function visitFeatures(text: string, visit: (bucket: number) => void): number {
  let count = 0;
  let hash = FNV_OFFSET;
  let inWord = false;
  let previous = 0;
  let hasPrevious = false;
  const length = text.length;
  for (let index = 0; index <= length; index++) {
    let code = index < length ? text.charCodeAt(index) : 0x20;
    if (code >= 0x41 && code <= 0x5a) code += 0x20;
    if (isWordCode(code)) {
      hash = Math.imul(hash ^ code, FNV_PRIME) >>> 0;
      inWord = true;
      continue;
    }
    if (!inWord) continue;
    visit(bucketOf(hash));
    count++;
    if (hasPrevious) {
      visit(bucketOf(Math.imul(previous ^ PAIR_SALT, FNV_PRIME) ^ hash));
      count++;
    }
    previous = hash;
    hasPrevious = true;
    hash = FNV_OFFSET;
    inWord = false;
  }
  return count;
}
