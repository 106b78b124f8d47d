import { builtInScoreReading } from './built-in-classifier.js';
import { normalizeText } from './normalize-text.js';
import type { Finding } from './pattern-rule.js';
import { scanRules } from './pattern-rule.js';
import { personalDataMasks, scanPersonalData } from './personal-data.js';
import { promptInjectionRules } from './prompt-injection-rules.js';
import type { ResolvedConfig } from './resolve-config.js';
import { sqlInjectionRules } from './sql-injection-rules.js';
import { scanSqlTokens } from './sql-token-rules.js';
import type {
  PersonalDataKind,
  PromptInjectionTechnique,
  SecurityViolation,
  SqlInjectionTechnique,
} from './violations.js';
import { WordGate } from './word-gate.js';

/** What the scan of one string found, per detector. */
export interface TextFindings {
  readonly sqlInjection: Finding<SqlInjectionTechnique>[];
  readonly promptInjection: Finding<PromptInjectionTechnique>[];
  readonly personalData: Finding<PersonalDataKind>[];
  readonly blocked: Finding[];
}

/** The detectors and blocked patterns one scan runs: the input or the output set. */
export type ScanSettings = Pick<ResolvedConfig, 'detectors' | 'blockedPatterns'>;

/** The violation pattern name of the built-in classifier. */
export const BUILT_IN_CLASSIFIER_RULE = 'classifier:built-in';

/**
 * One gate over the anchor words of the prompt rules and of the SQL rules (`word-gate.ts`), read in the
 * classifier's pass over the decoded text: the prompt rules first, then the SQL rules from `SQL_OFFSET`.
 */
export const RULE_GATE = new WordGate(
  [...promptInjectionRules, ...sqlInjectionRules].map((rule) => rule.anchors),
);
const SQL_OFFSET = promptInjectionRules.length;

/** Lenient mode gives up on a string it cannot clean in this many rounds and empties it. */
const MAX_SANITIZE_ROUNDS = 4;
const EXCERPT_LENGTH = 60;

function findingCount(findings: TextFindings): number {
  return (
    findings.sqlInjection.length +
    findings.promptInjection.length +
    findings.personalData.length +
    findings.blocked.length
  );
}

/** Normalises `text` once and runs every enabled detector and blocked pattern over it. */
export function scanText(text: string, settings: ScanSettings, all: boolean, track: boolean): TextFindings {
  const input = normalizeText(text, track);
  const findings: TextFindings = { sqlInjection: [], promptInjection: [], personalData: [], blocked: [] };
  const { detectors } = settings;
  const { decoded } = input;
  const promptInjection = detectors.promptInjection;
  // The classifier judges the whole text, and its pass over the text also tells which rules could match.
  const classified = promptInjection?.builtIn ? builtInScoreReading(decoded.value, RULE_GATE) : undefined;
  const known = classified && { form: decoded, present: classified.present };
  if (detectors.sqlInjection) {
    // SQL rules are skipped by their anchors only on a form whose words the classifier already read.
    scanRules(sqlInjectionRules, input, all, findings.sqlInjection, {
      gate: RULE_GATE,
      offset: SQL_OFFSET,
      known,
      readOthers: false,
    });
    // The token rules add the families the patterns miss; once something is found, a detection-only scan stops.
    for (const form of input.stripped) {
      if (!all && findings.sqlInjection.length > 0) break;
      scanSqlTokens(form, all, findings.sqlInjection);
    }
  }
  if (promptInjection) {
    scanRules(promptInjectionRules, input, all, findings.promptInjection, {
      gate: RULE_GATE,
      offset: 0,
      known,
      readOthers: true,
    });
    // The classifier's verdict counts only when no rule has already decided.
    if (
      classified &&
      findings.promptInjection.length === 0 &&
      classified.score >= promptInjection.threshold
    ) {
      findings.promptInjection.push({
        rule: BUILT_IN_CLASSIFIER_RULE,
        label: 'classifier',
        form: decoded,
        start: 0,
        end: decoded.value.length,
      });
    }
  }
  if (detectors.pii) scanPersonalData(input, all, findings.personalData);
  const forms = input.stripped[0] === input.decoded ? input.stripped : [input.decoded, ...input.stripped];
  for (const { label, pattern } of settings.blockedPatterns) {
    for (const form of forms) {
      let matched = false;
      pattern.lastIndex = 0;
      for (let match = pattern.exec(form.value); match !== null; match = pattern.exec(form.value)) {
        const start = match.index;
        const end = start + match[0].length;
        if (end === start) pattern.lastIndex++;
        findings.blocked.push({ rule: label, label, form, start, end });
        matched = true;
        if (!all) break;
      }
      pattern.lastIndex = 0;
      if (matched && !all) break;
    }
  }
  return findings;
}

function excerpt(finding: Finding): string {
  return finding.form.value.slice(finding.start, Math.min(finding.end, finding.start + EXCERPT_LENGTH));
}

/** The violations behind `findings` in the string at `path`, one per pattern. */
export function violationsOf(findings: TextFindings, path: string): SecurityViolation[] {
  const violations: SecurityViolation[] = [];
  const seen = new Set<string>();
  const once = (key: string): boolean => {
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
  for (const finding of findings.sqlInjection) {
    if (!once(`sql ${finding.rule}`)) continue;
    violations.push({
      type: 'SqlInjection',
      technique: finding.label,
      pattern: finding.rule,
      path,
      excerpt: excerpt(finding),
    });
  }
  for (const finding of findings.promptInjection) {
    if (!once(`prompt ${finding.rule}`)) continue;
    violations.push({
      type: 'PromptInjection',
      technique: finding.label,
      pattern: finding.rule,
      path,
      excerpt: excerpt(finding),
    });
  }
  for (const finding of findings.personalData) {
    if (!once(`pii ${finding.rule}`)) continue;
    violations.push({ type: 'PersonalData', kind: finding.label, pattern: finding.rule, path });
  }
  for (const finding of findings.blocked) {
    if (!once(`blocked ${finding.rule}`)) continue;
    violations.push({ type: 'BlockedPattern', pattern: finding.rule, path, excerpt: excerpt(finding) });
  }
  return violations;
}

interface Edit {
  start: number;
  end: number;
  /** `undefined` removes the range; a string (a PII mask) replaces it. */
  mask: string | undefined;
}

function editOf(finding: Finding, mask: string | undefined): Edit | undefined {
  const { form, start, end } = finding;
  if (end <= start || !form.start || !form.end) return undefined;
  return { start: form.start[start]!, end: form.end[end - 1]!, mask };
}

function applyEdits(text: string, edits: Edit[]): string {
  edits.sort((left, right) => left.start - right.start || right.end - left.end);
  let result = '';
  let position = 0;
  let index = 0;
  while (index < edits.length) {
    const first = edits[index]!;
    let { end } = first;
    let mask = first.mask;
    index++;
    // Overlapping edits merge; removal wins over masking.
    while (index < edits.length && edits[index]!.start < end) {
      const next = edits[index]!;
      end = Math.max(end, next.end);
      if (next.mask === undefined) mask = undefined;
      index++;
    }
    result += text.slice(position, first.start) + (mask ?? '');
    position = end;
  }
  return result + text.slice(position);
}

/** True when no detector of `settings` finds anything in `text`. */
export function textIsClean(text: string, settings: ScanSettings): boolean {
  return text === '' || findingCount(scanText(text, settings, false, false)) === 0;
}

/**
 * Removes every span of `text` a detector or blocked pattern matched (personal data is masked instead),
 * then scans the result again, until nothing matches. The spans are found in the normalised forms and
 * mapped back to the original text, so the rest of the text is left exactly as it was.
 */
export function sanitizeText(text: string, settings: ScanSettings): string {
  let current = text;
  for (let round = 0; round < MAX_SANITIZE_ROUNDS; round++) {
    const findings = scanText(current, settings, true, true);
    if (findingCount(findings) === 0) return current;
    const edits: Edit[] = [];
    const add = (edit: Edit | undefined): void => {
      if (edit) edits.push(edit);
    };
    for (const finding of findings.sqlInjection) add(editOf(finding, undefined));
    for (const finding of findings.promptInjection) add(editOf(finding, undefined));
    for (const finding of findings.blocked) add(editOf(finding, undefined));
    for (const finding of findings.personalData) add(editOf(finding, personalDataMasks[finding.label]));
    if (edits.length === 0) break;
    current = applyEdits(current, edits);
  }
  return findingCount(scanText(current, settings, false, false)) === 0 ? current : '';
}
