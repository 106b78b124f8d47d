import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { builtInScore, builtInScoreReading } from './built-in-classifier.js';
import { normalizeText } from './normalize-text.js';
import { gateOf } from './pattern-rule.js';
import { promptInjectionRules } from './prompt-injection-rules.js';
import { WordGate } from './word-gate.js';

/** Every text of the evaluation data (public attack and benign records; see eval/SOURCES.md). */
function evaluationTexts(): string[] {
  const texts: string[] = [];
  for (const name of ['injection', 'injection-benign', 'benign', 'sqli']) {
    const file = new URL(`../eval/data/${name}.jsonl.gz`, import.meta.url);
    for (const line of gunzipSync(readFileSync(file)).toString('utf8').split('\n')) {
      if (line.trim() !== '') texts.push((JSON.parse(line) as { text: string }).text);
    }
  }
  return texts;
}

const gate = gateOf(promptInjectionRules);

describe('word gate', () => {
  it('reads whole [A-Za-z0-9_] words, case-insensitively, and nothing inside a longer word', () => {
    const words = new WordGate([[[['ignore']]], [[['im_start']]], [[['mode'], ['dan']]]]);
    const allows = (text: string): boolean[] => {
      const present = words.read(text);
      return [0, 1, 2].map((index) => words.allows(index, present));
    };
    expect(allows('IGNORE that')).toEqual([true, false, false]);
    expect(allows('éignore<|im_start|>')).toEqual([true, true, false]);
    expect(allows('ignored x_ignore ignore1 im_starts')).toEqual([false, false, false]);
    expect(allows('dan mode')).toEqual([false, false, true]);
    expect(allows('mode only')).toEqual([false, false, false]);
  });

  it('never skips a prompt rule whose pattern matches, on every evaluation text and its variants', () => {
    const variants = (text: string): string[] => [text, text.toUpperCase(), `é${text.replace(/ /g, 'é ')}`];
    let matched = 0;
    for (const text of evaluationTexts()) {
      for (const variant of variants(text)) {
        const decoded = normalizeText(variant).decoded.value;
        const present = gate.read(decoded);
        promptInjectionRules.forEach((rule, index) => {
          rule.pattern.lastIndex = 0;
          const matches = rule.pattern.test(decoded);
          rule.pattern.lastIndex = 0;
          if (!matches) return;
          matched++;
          expect(gate.allows(index, present), `${rule.name} on ${JSON.stringify(decoded.slice(0, 80))}`).toBe(
            true,
          );
        });
      }
    }
    // The data exercises the rules (a gate that skipped everything would fail above).
    expect(matched).toBeGreaterThan(500);
  });

  it('reads the same words, and scores the same, in the classifier pass as on its own', () => {
    for (const text of evaluationTexts().slice(0, 3000)) {
      const decoded = normalizeText(text).decoded.value;
      const fused = builtInScoreReading(decoded, gate);
      expect(fused.score).toBe(builtInScore(decoded));
      expect([...fused.present]).toEqual([...gate.read(decoded)]);
    }
  });
});
