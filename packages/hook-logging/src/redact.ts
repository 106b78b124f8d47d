/** Keys whose values are never logged (matched case-insensitively at the end of the key: `openaiApiKey`, `db_password`). */
export const SECRET_KEY_PATTERN =
  /(api[-_]?key|password|passwd|secret|token|authorization|cookie|credentials?|private[-_]?key|session[-_]?id)$/i;

/** Secret-shaped values inside strings: provider keys (`sk-…`) and bearer tokens. */
const SECRET_VALUE_PATTERN = /\b(?:sk|pk|rk)-[A-Za-z0-9_-]{16,}|\bBearer\s+[A-Za-z0-9._~+/-]{16,}=*/g;

/** What `redact` keeps. */
export interface RedactOptions {
  maxValueLength: number;
  maxDepth: number;
  maxItems: number;
  secretKeys: RegExp;
}

/** A JSON-safe copy of `value` with secrets masked, long strings truncated, deep or wide structures cut. */
export function redact(
  value: unknown,
  options: RedactOptions,
  depth = 0,
  seen = new WeakSet<object>(),
): unknown {
  if (typeof value === 'string') return truncate(value.replace(SECRET_VALUE_PATTERN, '[REDACTED]'), options);
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') return `${value}n`;
    if (typeof value === 'function' || typeof value === 'symbol') return `[${typeof value}]`;
    return value;
  }
  if (value instanceof Error) return { name: value.name, message: truncate(value.message, options) };
  if (value instanceof Date) return value.toISOString();
  if (seen.has(value)) return '[Circular]';
  if (depth >= options.maxDepth) return Array.isArray(value) ? `[Array(${value.length})]` : '[Object]';
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      const items = value.slice(0, options.maxItems).map((item) => redact(item, options, depth + 1, seen));
      if (value.length > options.maxItems) items.push(`… (+${value.length - options.maxItems} items)`);
      return items;
    }
    const copy: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      copy[key] = options.secretKeys.test(key) ? '[REDACTED]' : redact(inner, options, depth + 1, seen);
    }
    return copy;
  } finally {
    seen.delete(value);
  }
}

function truncate(text: string, options: RedactOptions): string {
  if (text.length <= options.maxValueLength) return text;
  return `${text.slice(0, options.maxValueLength)}… (+${text.length - options.maxValueLength} chars)`;
}
