import { createRequire } from 'node:module';
import type { Diagnostics } from 'recheck';

/** The verdict on one regular expression. */
export type PatternSafety = { safe: true } | { safe: false; problem: string };

type CheckSync = (
  source: string,
  flags: string,
  params?: { timeout?: number | null; recallTimeout?: number | null },
) => Diagnostics;

/**
 * Fuzzing (recheck's method for large patterns) can report a pattern as vulnerable that is not; replaying
 * the attack string it found (recall validation, at most this long) weeds those out.
 */
const RECALL_TIMEOUT_MS = 1_000;

let checkSync: CheckSync | undefined;
const verdicts = new Map<string, PatternSafety>();

/** Why a pattern could not be checked when the optional peer `recheck` is not installed. */
export const RECHECK_MISSING =
  "needs a check for catastrophic backtracking, which uses the optional peer dependency 'recheck' " +
  '(about 60 MB installed); install it (npm install recheck) or write the pattern without quantifiers';

/**
 * recheck is an optional peer (its package is ~60 MB installed): loaded on the first user pattern that needs
 * it, never on import; `undefined` when it is not installed.
 */
function recheck(): CheckSync | undefined {
  if (!checkSync) {
    try {
      const require = createRequire(import.meta.url);
      checkSync = (require('recheck') as { checkSync: CheckSync }).checkSync;
    } catch {
      return undefined;
    }
  }
  return checkSync;
}

/**
 * True when `source` has no quantifier outside escapes and character classes. Such a pattern tries at
 * most a fixed number of steps at each position, so it is linear and needs no analysis. Conservative:
 * `(?:` and a literal `{` count as quantifiers.
 */
function hasNoQuantifier(source: string): boolean {
  let insideClass = false;
  for (let index = 0; index < source.length; index++) {
    const character = source[index];
    if (character === '\\') {
      index++;
    } else if (insideClass) {
      if (character === ']') insideClass = false;
    } else if (character === '[') {
      insideClass = true;
    } else if (character === '*' || character === '+' || character === '?' || character === '{') {
      return false;
    }
  }
  return true;
}

/**
 * Decides whether a regular expression can backtrack catastrophically, with recheck
 * (https://makenowjust-labs.github.io/recheck/): automata-theoretic analysis where it applies, fuzzing
 * otherwise. Blocks for up to `timeoutMs`; a pattern that cannot be proven safe in that time is refused.
 * Verdicts are cached per source and flags.
 */
export function checkPatternSafety(source: string, flags: string, timeoutMs: number): PatternSafety {
  if (hasNoQuantifier(source)) return { safe: true };
  const key = `${flags}/${source}`;
  const cached = verdicts.get(key);
  if (cached) return cached;
  const check = recheck();
  if (check === undefined) return { safe: false, problem: RECHECK_MISSING };
  const diagnostics = check(source, flags, { timeout: timeoutMs, recallTimeout: RECALL_TIMEOUT_MS });
  let verdict: PatternSafety;
  switch (diagnostics.status) {
    case 'safe':
      verdict = { safe: true };
      break;
    case 'vulnerable': {
      const { complexity, attack } = diagnostics;
      const sample = attack.pattern.length > 80 ? `${attack.pattern.slice(0, 77)}...` : attack.pattern;
      verdict = {
        safe: false,
        problem:
          `can backtrack catastrophically (${complexity.summary} time, e.g. on ${sample}); ` +
          'rewrite it without nested or overlapping quantifiers such as (a+)+ or \\s*\\s*',
      };
      break;
    }
    default: {
      const { error } = diagnostics;
      if (error.kind === 'timeout' || error.kind === 'cancel') {
        // Not cached: a busy machine may finish the analysis next time.
        return {
          safe: false,
          problem: `could not be proven safe from catastrophic backtracking within ${timeoutMs} ms; simplify it or raise patternCheckTimeoutMs`,
        };
      }
      verdict = {
        safe: false,
        problem: `could not be analysed for catastrophic backtracking (${error.message})`,
      };
    }
  }
  verdicts.set(key, verdict);
  return verdict;
}
