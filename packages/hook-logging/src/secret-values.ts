/** What a masked secret is replaced by. */
export const REDACTED = '[REDACTED]';

/**
 * Common secret shapes inside text. Every alternative starts with a literal (or a word boundary and a
 * literal) and ends in a single greedy character class or a bounded count, so a match attempt costs at most
 * the length of the secret; the patterns only ever see text of bounded length (see `maskSecrets`).
 */
const SECRET_SHAPES = new RegExp(
  [
    // Authorization schemes.
    String.raw`\b[Bb]earer\s+[^\s"',;]+`,
    // Provider keys: OpenAI/Anthropic `sk-…`, Stripe `sk_live_…`, `pk_test_…`, `rk_…`.
    String.raw`\b(?:sk|pk|rk)[-_][A-Za-z0-9_-]{16,}`,
    // AWS access key ids.
    String.raw`\b(?:AKIA|ASIA)[0-9A-Z]{16}`,
    // GitHub tokens.
    String.raw`\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})`,
    // Slack tokens and Google API keys.
    String.raw`\bxox[abeprs]-[A-Za-z0-9-]{10,}`,
    String.raw`\bAIza[0-9A-Za-z_-]{30,}`,
    // JSON Web Tokens (header and payload are base64url JSON, so both start with eyJ).
    String.raw`\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)?`,
    // PEM private keys, up to their END line or the end of the text.
    String.raw`-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]{0,40}PRIVATE KEY-----|$)`,
    // key=value and "key": "value" pairs naming a secret.
    String.raw`\b(?:password|passwd|pwd|passphrase|secret|api[-_]?key|access[-_]?token|auth[-_]?token|token)\b"?\s*[:=]\s*"?[^\s"&,;]+`,
  ].join('|'),
  'gi',
);

/** The characters a URL's user information may hold. */
function endsUserInfo(code: number): boolean {
  // '/', '?', '#', whitespace and quotes end the authority before any '@' could make it user information.
  return code === 47 || code === 63 || code === 35 || code <= 32 || code === 34 || code === 39;
}

/**
 * `scheme://user:password@host` → `scheme://[REDACTED]@host`, by a linear scan for `://`. With `cut` (the text
 * is the start of a longer one), user information that runs to the end of the text is masked too: its `@` may
 * lie beyond the cut.
 */
export function maskUrlCredentials(text: string, cut = false): string {
  let from = text.indexOf('://');
  if (from < 0) return text;
  let out = '';
  let copiedUpTo = 0;
  while (from >= 0) {
    const start = from + 3;
    let at = start;
    let atSign = -1;
    let colon = false;
    while (at < text.length) {
      const code = text.charCodeAt(at);
      if (code === 64) atSign = at;
      else if (code === 58) colon = true;
      else if (endsUserInfo(code)) break;
      at++;
    }
    const end = atSign > start ? atSign : cut && at === text.length && colon ? at : -1;
    if (end > 0) {
      out += `${text.slice(copiedUpTo, start)}${REDACTED}`;
      copiedUpTo = end;
    }
    from = text.indexOf('://', at);
  }
  return out + text.slice(copiedUpTo);
}

/** How far past the truncation point secrets are still looked for, so one that starts before it is seen whole. */
const LOOKAHEAD = 1_024;

/**
 * `text` cut to `maxLength` characters (ending in `… (+N chars)`) with secret shapes and URL credentials
 * replaced by `[REDACTED]`. Only the first `maxLength + 1024` characters are ever scanned, so the cost does
 * not depend on the size of `text`, and a secret that starts before the cut is masked to its end (a token
 * or PEM block running past the scanned part is masked to the end of it).
 */
export function redactText(text: string, maxLength: number): string {
  const cut = text.length > maxLength + LOOKAHEAD;
  const seen = cut ? text.slice(0, maxLength + LOOKAHEAD) : text;
  const masked = maskUrlCredentials(seen, cut).replace(SECRET_SHAPES, maskMatch);
  if (text.length <= maxLength) return masked;
  const omitted = Math.max(text.length - maxLength, 1);
  return `${masked.slice(0, maxLength)}… (+${omitted} chars)`;
}

function maskMatch(match: string): string {
  // Keep the name of a key=value pair or an authorization scheme, so the entry still says what was hidden.
  const separator = /^(?:[Bb]earer\s+|[A-Za-z_-]+"?\s*[:=]\s*"?)/.exec(match);
  return separator ? `${separator[0]}${REDACTED}` : REDACTED;
}
