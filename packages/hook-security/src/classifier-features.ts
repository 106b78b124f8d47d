/*
 * The features of the built-in prompt-injection classifier, shared by the runtime and the training script
 * (eval/train-classifier.ts) so they cannot drift apart. A text becomes a bag of words and word pairs: letters
 * and digits, lower-cased, everything else separates words; a word of digits only is read as one token, "a
 * number", so `123` and `0` in an ID or a sum are not features of their own. Each feature is a 32-bit key
 * built character by character (no allocation per word); the weights file lists the keys of the vocabulary
 * seen in training, and a key not in it weighs nothing, so an unseen word cannot borrow a weight.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** Salt that keeps a word pair's key apart from its words' keys. */
const PAIR_SALT = 0x9e3779b1;
/** The key every all-digit word hashes to before mixing (the FNV-1a hash of `#`). */
const NUMBER_HASH = Math.imul(FNV_OFFSET ^ 0x23, FNV_PRIME) >>> 0;

function isWordCode(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0xc0 && code !== 0xd7 && code !== 0xf7)
  );
}

/** Spreads the bits of a 32-bit hash (murmur3's finaliser); never 0, which the weight table reads as empty. */
function keyOf(hash: number): number {
  let mixed = hash;
  mixed = Math.imul(mixed ^ (mixed >>> 16), 0x85ebca6b);
  mixed = Math.imul(mixed ^ (mixed >>> 13), 0xc2b2ae35);
  mixed = (mixed ^ (mixed >>> 16)) >>> 0;
  return mixed === 0 ? 1 : mixed;
}

/**
 * Calls `visit` with the key of every word and every pair of neighbouring words of `text`, in order; returns
 * how many features it visited. Linear in the length of `text`. With `word`, the same pass also calls it with
 * the FNV-1a hash of every maximal run of `[A-Za-z0-9_]`, lower-cased (the words of `word-gate.ts`), so the
 * prompt detector learns which rules can match without reading the text again.
 */
export function visitFeatures(
  text: string,
  visit: (key: number) => void,
  word?: (hash: number) => void,
): number {
  let count = 0;
  let hash = FNV_OFFSET;
  let inWord = false;
  let digitsOnly = true;
  let previous = 0;
  let hasPrevious = false;
  let gateHash = FNV_OFFSET;
  let inGateWord = false;
  const length = text.length;
  for (let index = 0; index <= length; index++) {
    let code = index < length ? text.charCodeAt(index) : 0x20;
    if (code >= 0x41 && code <= 0x5a) code += 0x20;
    if (word !== undefined) {
      if ((code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || code === 0x5f) {
        gateHash = Math.imul(gateHash ^ code, FNV_PRIME) >>> 0;
        inGateWord = true;
      } else if (inGateWord) {
        word(gateHash);
        gateHash = FNV_OFFSET;
        inGateWord = false;
      }
    }
    if (isWordCode(code)) {
      hash = Math.imul(hash ^ code, FNV_PRIME) >>> 0;
      if (code > 0x39) digitsOnly = false;
      inWord = true;
      continue;
    }
    if (!inWord) continue;
    if (digitsOnly) hash = NUMBER_HASH;
    visit(keyOf(hash));
    count++;
    if (hasPrevious) {
      visit(keyOf(Math.imul(previous ^ PAIR_SALT, FNV_PRIME) ^ hash));
      count++;
    }
    previous = hash;
    hasPrevious = true;
    hash = FNV_OFFSET;
    inWord = false;
    digitsOnly = true;
  }
  return count;
}
