import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SecurityValidationHook } from './security-validation-hook.js';

interface Entry {
  label: 'injection' | 'benign';
  text: string;
  technique?: string;
  topic?: string;
}

function load(name: string): Entry[] {
  const file = new URL(`./__fixtures__/${name}`, import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { entries: Entry[] }).entries;
}

const payloads = load('sql-injection-payloads.json');
const benign = load('benign-prompts.json');
// The default configuration: the SQL injection detector only.
const hook = new SecurityValidationHook({ maxInputLength: 100_000 });
const flagged = (entry: Entry): boolean =>
  hook.validate({ text: entry.text }).some((violation) => violation.type === 'SqlInjection');

describe('SQL injection evaluation set', () => {
  it('holds at least 150 labelled payloads and 150 labelled benign prompts', () => {
    expect(payloads.length).toBeGreaterThanOrEqual(150);
    expect(benign.length).toBeGreaterThanOrEqual(150);
    expect(payloads.every((entry) => entry.label === 'injection')).toBe(true);
    expect(benign.every((entry) => entry.label === 'benign')).toBe(true);
  });

  it('detects at least 95% of the payloads', () => {
    const missed = payloads.filter((entry) => !flagged(entry));
    const detectionRate = 1 - missed.length / payloads.length;
    console.info(
      `SQL injection detection rate: ${(detectionRate * 100).toFixed(1)}% (${payloads.length - missed.length}/${payloads.length})`,
      missed.map((entry) => entry.text),
    );
    expect(detectionRate).toBeGreaterThanOrEqual(0.95);
  });

  it('flags at most 1% of the benign prompts', () => {
    const falsePositives = benign.filter(flagged);
    const falsePositiveRate = falsePositives.length / benign.length;
    console.info(
      `SQL injection false-positive rate: ${(falsePositiveRate * 100).toFixed(1)}% (${falsePositives.length}/${benign.length})`,
      falsePositives.map((entry) => entry.text),
    );
    expect(falsePositiveRate).toBeLessThanOrEqual(0.01);
  });
});
