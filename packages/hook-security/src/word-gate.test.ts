import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { builtInScore, builtInScoreReading } from './built-in-classifier.js';
import { normalizeText } from './normalize-text.js';
import { personalDataRules } from './personal-data.js';
import { promptInjectionRules } from './prompt-injection-rules.js';
import { RULE_GATE } from './scan-text.js';
import { sqlInjectionRules } from './sql-injection-rules.js';
import { WordGate } from './word-gate.js';

/** Every text of the evaluation data (public attack and benign records; see eval/SOURCES.md). */
function evaluationTexts(names = ['injection', 'injection-benign', 'benign', 'sqli']): string[] {
  const texts: string[] = [];
  for (const name of names) {
    const file = new URL(`../eval/data/${name}.jsonl.gz`, import.meta.url);
    for (const line of gunzipSync(readFileSync(file)).toString('utf8').split('\n')) {
      if (line.trim() !== '') texts.push((JSON.parse(line) as { text: string }).text);
    }
  }
  return texts;
}

const gate = RULE_GATE;
/** The rules in the gate's order. */
const gatedRules = [...promptInjectionRules, ...sqlInjectionRules];

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

  it('never skips a prompt or SQL rule whose pattern matches, on every evaluation text and its variants', () => {
    // Upper case, and a non-ASCII letter touching every word (`\b` does not count it as a word character).
    const variants = (text: string): string[] => [text, `é${text.toUpperCase().replace(/ /g, 'é ')}`];
    let matched = 0;
    for (const text of evaluationTexts()) {
      for (const variant of variants(text)) {
        const decoded = normalizeText(variant).decoded.value;
        const present = gate.read(decoded);
        gatedRules.forEach((rule, index) => {
          if (!rule.anchors) return;
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
    expect(matched).toBeGreaterThan(1000);
  }, 30_000);

  it('never skips a rule by its prefilter where its pattern matches', () => {
    const names = ['pii-secret', 'secret-lookalike', 'pii-negative', 'benign', 'injection', 'sqli'];
    let matched = 0;
    const written = [
      'api_key = "Zk3f9Qx7Lm2Pw8Rt"',
      '{"password": "hunter2-Zk3f9Qx7Lm"}',
      "('api_token', 'Zk3f9Qx7Lm2Pw8Rt')",
      'MY_SERVICE_SECRET_KEY=Zk3f9Qx7Lm2Pw8Rt',
      'db.passwd: Zk3f9Qx7Lm2Pw8Rt!',
      'x-auth-token:Zk3f9Qx7Lm2Pw8Rt',
      'CREDENTIALS = Zk3f9Qx7Lm2Pw8Rt',
    ];
    for (const text of [...written, ...evaluationTexts(names)]) {
      const decoded = normalizeText(text).decoded.value;
      for (const rule of personalDataRules) {
        if (!rule.prefilter) continue;
        rule.pattern.lastIndex = 0;
        const matches = rule.pattern.test(decoded);
        rule.pattern.lastIndex = 0;
        if (!matches) continue;
        matched++;
        expect(rule.prefilter.test(decoded), `${rule.name} on ${JSON.stringify(decoded.slice(0, 80))}`).toBe(
          true,
        );
      }
    }
    expect(matched).toBeGreaterThanOrEqual(written.length);
  });

  it('reads the same words, and scores the same, in the classifier pass as on its own', () => {
    for (const text of evaluationTexts().slice(0, 1500)) {
      const decoded = normalizeText(text).decoded.value;
      const fused = builtInScoreReading(decoded, gate);
      expect(fused.score).toBe(builtInScore(decoded));
      expect([...fused.present]).toEqual([...gate.read(decoded)]);
    }
  }, 20_000);
});
