// The fixed split of the development set used by the classifier: a text is in the training part when its
// seeded FNV-1a hash falls below 70 of 100. Texts are compared after whitespace and case folding, so a copy
// of a held-back text that differs only in spacing lands on the same side.
const SEED = 'llmspell-security-eval-2026';
const TRAINING_PERCENT = 70;

/** The text as the split sees it: lower case, runs of whitespace as one space, trimmed. */
export function splitKey(text) {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

function fnv1a(text) {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** True when `text` belongs to the classifier's training part. */
export function isTraining(text) {
  return fnv1a(SEED + splitKey(text)) % 100 < TRAINING_PERCENT;
}
