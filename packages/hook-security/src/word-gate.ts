/*
 * A cheap test, before a rule's regular expression runs, of whether the rule could match at all: the words it
 * needs. Most rules of the prompt detector cannot match without one of a few words ("ignore", "mode",
 * "jailbroken"), which ordinary text rarely holds; one pass over the text notes which of those words occur,
 * and a rule whose words are missing is skipped. Skipping never changes a result: a rule's anchors are words its
 * pattern cannot match without (`word-gate.test.ts` checks each rule on the evaluation data).
 *
 * Words are maximal runs of `[A-Za-z0-9_]`, lower-cased: exactly what `\b…\b` delimits in a non-Unicode
 * regular expression, whose case-insensitive matching maps no other character to an ASCII letter.
 */

/**
 * What a rule needs: any one alternative; an alternative needs every one of its groups; a group needs any one
 * of its words (lower-case `[a-z0-9_]` words).
 */
export type Anchors = readonly (readonly (readonly string[])[])[];

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function hashWord(word: string): number {
  let hash = FNV_OFFSET;
  for (let index = 0; index < word.length; index++)
    hash = Math.imul(hash ^ word.charCodeAt(index), FNV_PRIME) >>> 0;
  return hash === 0 ? 1 : hash;
}

/** 1 for `[A-Za-z0-9_]`, with upper-case letters mapped to lower-case in `LOWER`. */
const WORD_CODE = (() => {
  const table = new Uint8Array(128);
  for (let code = 0x30; code <= 0x39; code++) table[code] = code;
  for (let code = 0x61; code <= 0x7a; code++) table[code] = code;
  for (let code = 0x41; code <= 0x5a; code++) table[code] = code + 0x20;
  table[0x5f] = 0x5f;
  return table;
})();

/** The anchor words of a list of rules, and which of them one text holds. */
export class WordGate {
  readonly #keys: Int32Array;
  readonly #ids: Int32Array;
  readonly #mask: number;
  readonly #words: number;
  /** Per rule: alternatives of groups of word ids; `undefined` for a rule without anchors. */
  readonly #rules: (readonly (readonly Int32Array[])[] | undefined)[];

  constructor(anchors: readonly (Anchors | undefined)[]) {
    const ids = new Map<string, number>();
    const idOf = (word: string): number => {
      if (!/^[a-z0-9_]+$/.test(word))
        throw new Error(`anchor ${JSON.stringify(word)} is not a lower-case word`);
      let id = ids.get(word);
      if (id === undefined) {
        id = ids.size;
        ids.set(word, id);
      }
      return id;
    };
    this.#rules = anchors.map((alternatives) =>
      alternatives?.map((groups) => groups.map((group) => Int32Array.from(group, idOf))),
    );
    let size = 16;
    while (size < ids.size * 4) size <<= 1;
    this.#keys = new Int32Array(size);
    this.#ids = new Int32Array(size);
    this.#mask = size - 1;
    for (const [word, id] of ids) {
      const key = hashWord(word) | 0;
      let slot = key & this.#mask;
      while (this.#keys[slot] !== 0) {
        // Two anchors with one hash would read as each other: harmless (a rule runs), but keep them apart.
        if (this.#keys[slot] === key) throw new Error(`anchors collide: ${word}`);
        slot = (slot + 1) & this.#mask;
      }
      this.#keys[slot] = key;
      this.#ids[slot] = id;
    }
    this.#words = ids.size;
  }

  /**
   * Which anchor words `text` holds, for `allows` (a word whose hash equals an anchor's counts as that anchor,
   * which can only let a rule run). Linear in the length of `text`.
   */
  read(text: string): Uint8Array {
    const present = this.blank();
    let hash = FNV_OFFSET;
    let inWord = false;
    const length = text.length;
    for (let index = 0; index <= length; index++) {
      const code = index < length ? text.charCodeAt(index) : 0x20;
      const lower = code < 0x80 ? WORD_CODE[code]! : 0;
      if (lower !== 0) {
        hash = Math.imul(hash ^ lower, FNV_PRIME) >>> 0;
        inWord = true;
        continue;
      }
      if (!inWord) continue;
      this.mark(hash, present);
      hash = FNV_OFFSET;
      inWord = false;
    }
    return present;
  }

  /** A record of no anchor words, for `mark`. */
  blank(): Uint8Array {
    return new Uint8Array(this.#words);
  }

  /** Notes in `present` the anchor word whose FNV-1a hash (of its lower-cased characters) is `hash`, if any. */
  mark(hash: number, present: Uint8Array): void {
    const keys = this.#keys;
    const mask = this.#mask;
    const key = (hash === 0 ? 1 : hash) | 0;
    let slot = key & mask;
    for (let stored = keys[slot]!; stored !== 0; stored = keys[slot]!) {
      if (stored === key) {
        present[this.#ids[slot]!] = 1;
        return;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** Whether rule `index` could match a text holding the anchor words `present` (from `read`). */
  allows(index: number, present: Uint8Array): boolean {
    const alternatives = this.#rules[index];
    if (alternatives === undefined) return true;
    for (const groups of alternatives) {
      let all = true;
      for (const group of groups) {
        let any = false;
        for (let word = 0; word < group.length; word++) {
          if (present[group[word]!] === 1) {
            any = true;
            break;
          }
        }
        if (!any) {
          all = false;
          break;
        }
      }
      if (all) return true;
    }
    return false;
  }
}
