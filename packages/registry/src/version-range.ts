// The version ranges a plugin may declare for `coreVersion`, with npm's meaning (prereleases included, as semver's
// `includePrerelease`): exact versions (`0.1.0`, `=0.1.0`), caret and tilde ranges (`^0.1.0`, `~1.2`, `^1`),
// comparators (`>=0.1.0`, `<2.0.0`, `>=0.1.0 <0.3.0`) and alternatives joined by `||`. Hyphen ranges and `x`
// wildcards are refused. Kept to these forms so that the registry needs no semver dependency for one check.

type Version = [major: number, minor: number, patch: number, prerelease: string[]];

const VERSION = /^v?(\d+)(?:\.(\d+)(?:\.(\d+)(?:-([0-9A-Za-z.-]+))?)?)?$/;

function parse(text: string): { version: Version; parts: number } | undefined {
  const match = VERSION.exec(text.trim());
  if (match === null) return undefined;
  const parts = match[3] !== undefined ? 3 : match[2] !== undefined ? 2 : 1;
  const prerelease = match[4] === undefined ? [] : match[4].split('.');
  return { version: [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0), prerelease], parts };
}

function compareIdentifiers(a: string, b: string): number {
  const numeric = /^\d+$/;
  if (numeric.test(a) && numeric.test(b)) return Number(a) - Number(b);
  if (numeric.test(a) !== numeric.test(b)) return numeric.test(a) ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compare(a: Version, b: Version): number {
  for (let index = 0; index < 3; index++)
    if (a[index] !== b[index]) return (a[index] as number) - (b[index] as number);
  const [left, right] = [a[3], b[3]];
  if (left.length === 0 || right.length === 0) return right.length - left.length; // a release ranks above its prereleases
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    if (left[index] === undefined) return -1;
    if (right[index] === undefined) return 1;
    const order = compareIdentifiers(left[index] as string, right[index] as string);
    if (order !== 0) return order;
  }
  return 0;
}

/** The first version of the next major, minor or patch: the exclusive upper bound of a range (`<2.0.0-0`). */
const next = (major: number, minor: number, patch: number): Version => [major, minor, patch, ['0']];

type Test = (version: Version) => boolean;
const atLeast =
  (bound: Version): Test =>
  (version) =>
    compare(version, bound) >= 0;
const below =
  (bound: Version): Test =>
  (version) =>
    compare(version, bound) < 0;

/** The tests one comparator (`^1.2`, `>=0.1.0`, `1.2.3` …) puts on a version; `undefined` when it is malformed. */
function comparator(text: string): Test[] | undefined {
  const operator = /^(\^|~|>=|<=|>|<|=)?/.exec(text)?.[0] ?? '';
  const parsed = parse(text.slice(operator.length));
  if (parsed === undefined) return undefined;
  const { parts } = parsed;
  const [major, minor, patch] = parsed.version;
  // A partial version (`^1`, `~1.2`, `>=1.2`) stands for the versions it names, from their first prerelease.
  const first = parts < 3 ? next(major, minor, 0) : parsed.version;
  const afterPartial = parts === 1 ? next(major + 1, 0, 0) : next(major, minor + 1, 0);
  switch (operator) {
    case '^':
      if (major > 0 || parts === 1) return [atLeast(first), below(next(major + 1, 0, 0))];
      if (minor > 0 || parts === 2) return [atLeast(first), below(next(0, minor + 1, 0))];
      return [atLeast(first), below(next(0, 0, patch + 1))];
    case '~':
      return [atLeast(first), below(parts === 1 ? next(major + 1, 0, 0) : next(major, minor + 1, 0))];
    case '>=':
      return [atLeast(first)];
    case '>':
      return parts < 3 ? [atLeast(afterPartial)] : [(version) => compare(version, first) > 0];
    case '<':
      return [below(first)];
    case '<=':
      return parts < 3 ? [below(afterPartial)] : [(version) => compare(version, first) <= 0];
    default:
      return parts < 3 ? [atLeast(first), below(afterPartial)] : [(version) => compare(version, first) === 0];
  }
}

/** The range as alternatives of all-of tests; `undefined` when any part is not a supported form. */
function compile(range: string): Test[][] | undefined {
  const alternatives: Test[][] = [];
  for (const alternative of range.split('||')) {
    // `>= 1.2.0` and `>=1.2.0` are the same comparator.
    const words = alternative
      .trim()
      .replace(/(\^|~|>=|<=|>|<|=)\s+/g, '$1')
      .split(/\s+/);
    const tests: Test[] = [];
    for (const word of words) {
      const parsed = word === '' ? undefined : comparator(word);
      if (parsed === undefined) return undefined;
      tests.push(...parsed);
    }
    alternatives.push(tests);
  }
  return alternatives;
}

/** True when `range` is one of the supported forms. */
export function isVersionRange(range: string): boolean {
  return compile(range) !== undefined;
}

/** True when `version` is within `range` (prereleases included, as semver's `includePrerelease`). */
export function satisfiesRange(version: string, range: string): boolean {
  const parsed = parse(version);
  const alternatives = compile(range);
  if (parsed === undefined || parsed.parts < 3 || alternatives === undefined) return false;
  return alternatives.some((tests) => tests.every((test) => test(parsed.version)));
}
