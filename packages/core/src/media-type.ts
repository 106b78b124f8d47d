/**
 * Which files are text: the one rule the security scan (which reads text files in prompts) and the token
 * estimate (which counts their bytes) share.
 */

/** `application/` subtypes that are text. */
const TEXT_APPLICATION_SUBTYPES: ReadonlySet<string> = new Set([
  'json',
  'ld+json',
  'x-ndjson',
  'ndjson',
  'jsonl',
  'xml',
  'yaml',
  'x-yaml',
  'toml',
  'x-toml',
  'csv',
  'javascript',
  'x-javascript',
  'ecmascript',
  'typescript',
  'x-sh',
  'sql',
  'graphql',
  'x-www-form-urlencoded',
]);

/** Media types are compared without parameters and case. */
function mediaTypeEssence(mediaType: string): string {
  const semicolon = mediaType.indexOf(';');
  return (semicolon === -1 ? mediaType : mediaType.slice(0, semicolon)).trim().toLowerCase();
}

/** True for a media type whose files are text: `text/*` (or V4's bare `text`) and textual `application/` types. */
export function isTextMediaType(mediaType: unknown): boolean {
  if (typeof mediaType !== 'string') return false;
  const essence = mediaTypeEssence(mediaType);
  if (essence === 'text' || essence.startsWith('text/')) return true;
  if (!essence.startsWith('application/')) return false;
  const subtype = essence.slice('application/'.length);
  return (
    TEXT_APPLICATION_SUBTYPES.has(subtype) ||
    subtype.endsWith('+json') ||
    subtype.endsWith('+xml') ||
    subtype.endsWith('+yaml')
  );
}
