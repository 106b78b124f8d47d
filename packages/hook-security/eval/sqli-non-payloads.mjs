// Which records of the `sqli` list are not SQL injection payloads, by criteria stated here and applied to
// every record (detected or not), so the list can be reviewed and nobody picks records by outcome. The public
// payload lists mix in headings, descriptions of syntax, fuzzing dictionaries of bare keywords, LDAP and shell
// payloads and spreadsheet artefacts. `node eval/sqli-non-payloads.mjs` prints the list (SQLI-NON-PAYLOADS.md).

/** Percent- and entity-decoded once: `%2A%7C` → `*|`, `&apos;` → `'`. */
function decode(text) {
  let decoded = text.replace(/&apos;/g, "'").replace(/&quot;/g, '"');
  try {
    decoded = decodeURIComponent(decoded);
  } catch {
    // Not valid percent-encoding: judged as written.
  }
  return decoded;
}

/** The criteria, in order; the first that holds names the reason. */
/**
 * No letter or digit once decoded, no SQL comment marker and no quoted operator: `<>"'%;)(&+`, `*|` (but `'; --`
 * and `'-'`, which makes `name = ''-''` true, are payloads).
 */
const isPunctuation = (text) => {
  const decoded = decode(text);
  return !/[a-z0-9]/i.test(decoded) && !/--|–|#|\/\*/.test(decoded) && !/['"][-+*&^|%=\s]+['"]/.test(decoded);
};
/** One word of letters and `_` (`@`/`,`-prefixed, `;`-ended allowed), or a clause keyword pair ending in `by`. */
const isBareWord = (text) => /^[,@]*(?:[a-z_]+|[a-z]+ by);?$/i.test(decode(text).trim());
/** Comment markers, `…`, `;`, NUL and the word `or` only: a description of comment syntax (`-- or #`, `/*…*\/`). */
const isCommentSyntax = (text) => /^(?:--|#|\/\*|\*\/|…|;|\0|\s|-|\bor\b)+$/i.test(decode(text));

/** The criteria, in order; the first that holds names the reason. */
export const NON_PAYLOAD_CRITERIA = [
  [
    'documentation',
    "a heading or a description: ends with a colon, starts with `# ` and a word, is a sentence-case title (a capital, then lower-case letters and spaces only), or is a `syntax⇥description` line whose syntax part is itself punctuation, a bare word or comment syntax (`@variable⇥local variable`; but `'OR '' = '⇥Allows authentication…` is a payload)",
    (text) => {
      if (/:\s*$/.test(text) || /^#\s+[a-z]/i.test(text) || /^[A-Z][a-z]+(?: [a-z]+)+$/.test(text.trim()))
        return true;
      const tab = text.indexOf('\t');
      if (tab === -1) return false;
      const syntax = text.slice(0, tab).trim();
      return syntax.length <= 1 || isPunctuation(syntax) || isBareWord(syntax) || isCommentSyntax(syntax);
    },
  ],
  [
    'comment syntax',
    'comment markers, `…`, `;` and the word `or` only, no quote: names the comment syntax (`-- or # `, `/*…*/`)',
    isCommentSyntax,
  ],
  [
    'bare keyword',
    'a fuzzing-dictionary entry with nothing to act on: one word of letters and `_` (optionally `@`- or `,`-prefixed, `;`-ended), or a clause keyword pair ending in `by` (`select`, `order by`, `@variable`); no quote, operator, number, parenthesis or comment',
    isBareWord,
  ],
  [
    'marker probe',
    'one made-up marker word (`sqlvuln`, `sqlattempt1`) wrapped only in a quote, parentheses or `;`: provokes an error, injects nothing',
    (text) => /^['"(]*sql[a-z]*\d*[)'";]*$/i.test(decode(text).trim()),
  ],
  [
    'punctuation fuzz',
    "no letter or digit once decoded, no SQL comment marker and no quoted operator (`<>\"'%;)(&+`, `*|`; but `'; --` and `'-'` are payloads): characters that provoke an error",
    isPunctuation,
  ],
  [
    'not SQL',
    'an LDAP filter (`*(|(mail=*))`) or a shell command (`$(sleep 50)`, `sleep 50` without parentheses)',
    (text) => /\(\|\(|\(&\(/.test(decode(text)) || /\$\(|\bsleep\s+\d/i.test(decode(text)),
  ],
  [
    'number or spreadsheet artefact',
    'a spreadsheet error value (`#NAME?`) or a number alone (`3.10E+17`, `031003000270000`): a payload list passed through a spreadsheet',
    (text) => /^#[A-Z]+[?!]$/.test(text.trim()) || /^\d+(?:\.\d+)?(?:E\+\d+)?$/i.test(text.trim()),
  ],
];

/** The criterion `text` meets, or `undefined` when it is taken as a payload. */
export function nonPayloadReason(text) {
  for (const [name, , holds] of NON_PAYLOAD_CRITERIA) if (holds(text)) return name;
  return undefined;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { loadCategory } = await import('./load-data.mjs');
  const lines = [
    '# `sqli` records judged not to be SQL injection payloads',
    '',
    'Written by `node eval/sqli-non-payloads.mjs > eval/SQLI-NON-PAYLOADS.md`. The criteria (in',
    '`eval/sqli-non-payloads.mjs`) are applied to every record of `data/sqli.jsonl.gz`, detected or not; the first',
    'that holds is named. The evaluation reports the detection rate with and without these records.',
    '',
    '| criterion | meaning |',
    '| --- | --- |',
    ...NON_PAYLOAD_CRITERIA.map(([name, meaning]) => `| ${name} | ${meaning.replaceAll('|', '\\|')} |`),
    '',
    '| record (JSON) | length | criterion |',
    '| --- | ---: | --- |',
  ];
  for (const { text } of loadCategory('sqli')) {
    const reason = nonPayloadReason(text);
    if (reason)
      lines.push(
        `| \`${JSON.stringify(text).replaceAll('|', '\\|').replaceAll('`', 'ˋ')}\` | ${text.length} | ${reason} |`,
      );
  }
  console.log(lines.join('\n'));
}
