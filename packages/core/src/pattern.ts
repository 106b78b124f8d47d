/**
 * Compiles an event-type pattern into a matcher: `*` matches any run of characters (including none)
 * anywhere in the pattern (`hook.*`, `*.error`, `a.*.b`); every other character matches itself.
 * Linear-time greedy matching with single-point backtracking: no regular expression, no blow-up.
 */
export function compilePattern(pattern: string): (type: string) => boolean {
  if (pattern === '*') return () => true;
  if (!pattern.includes('*')) return (type) => type === pattern;
  const parts = pattern.split('*');
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  const middle = parts.slice(1, -1).filter((part) => part.length > 0);
  const minLength = parts.reduce((sum, part) => sum + part.length, 0);
  return (type) => {
    if (type.length < minLength || !type.startsWith(first) || !type.endsWith(last)) return false;
    let position = first.length;
    const end = type.length - last.length;
    for (const part of middle) {
      const found = type.indexOf(part, position);
      if (found === -1 || found + part.length > end) return false;
      position = found + part.length;
    }
    return true;
  };
}
