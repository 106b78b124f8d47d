import { type PatternRule, quoteBreaksOut } from './pattern-rule.js';
import type { SqlInjectionTechnique } from './violations.js';
import type { Anchors } from './word-gate.js';

/*
 * The SQL injection patterns. They look for the structure of an injection, not for SQL words: a quote that
 * breaks out of a string followed by a boolean operator, UNION SELECT, a second statement after `;`, a
 * comment that cuts off the rest of a query, delay functions. "Please select the best option", "drop me a
 * line" and "update me on the union meeting" have none of that.
 *
 * Every pattern runs in linear time: no nested or adjacent overlapping quantifiers (`[)\s]*` rather than
 * `\)*\s*`), bounded gaps. `pattern-safety.test.ts` runs each through recheck. They see the normalised text
 * (decoded, NFKC, comments stripped; see `normalize-text.ts`), so `%27%20OR%201%3D1`, `ＵＮＩＯＮ` and
 * `UN/**\/ION` look like what they are.
 */

/** A boolean operator after a quote that breaks out of a string. */
const QUOTE_OPERATOR = String.raw`['"][)\s]*(?:or|and|xor|\|\||&&)`;

const BREAKS_OUT = { breaksOut: true } as const;

function rule(
  name: string,
  label: SqlInjectionTechnique,
  pattern: RegExp,
  options: { form?: 'decoded' | 'stripped'; breaksOut?: boolean; anchors?: Anchors } = {},
): PatternRule<SqlInjectionTechnique> {
  const { form = 'stripped', breaksOut = false, anchors } = options;
  return {
    name,
    label,
    pattern,
    form,
    ...(breaksOut ? { filter: quoteBreaksOut } : {}),
    ...(anchors ? { anchors } : {}),
  };
}

/** One group of words, any of which the pattern needs (see `word-gate.ts`). */
const anyOf = (...words: string[]): Anchors => [[words]];

/** The built-in SQL injection rules, in reporting order. */
export const sqlInjectionRules: readonly PatternRule<SqlInjectionTechnique>[] = [
  // ' OR '1'='1   " or ""="   ') or ('a'='a   ' or 'x' like 'x
  rule(
    'sql-tautology-quoted',
    'tautology',
    new RegExp(
      String.raw`${QUOTE_OPERATOR}[(\s]*['"][^'"\n]*['"]\s*(?:[=<>]|!=|like\b|regexp\b|rlike\b)`,
      'gi',
    ),
    BREAKS_OUT,
  ),
  // ' or 1=1   ' or 1--   ') or (2>1   ' and 1 in (1)
  rule(
    'sql-tautology-numeric',
    'tautology',
    new RegExp(
      String.raw`${QUOTE_OPERATOR}[(\s]*-?\d+(?:\.\d+)?\s*(?:[=<>]|!=|like\b|between\b|in\s*\(|;|$)`,
      'gi',
    ),
    BREAKS_OUT,
  ),
  // ' or true--
  rule(
    'sql-tautology-boolean',
    'tautology',
    new RegExp(String.raw`${QUOTE_OPERATOR}[(\s]*(?:true|false)\s*(?:[=<>);]|$)`, 'gi'),
    BREAKS_OUT,
  ),
  // ' or username like '%   ' and password is not null   ' or a=a
  rule(
    'sql-tautology-column',
    'tautology',
    /['"][)\s]*(?:or|and|xor)\s+[a-z_][\w.]*\s*(?:=[^=]|<>|like\s*['"]|is\s+(?:not\s+)?null\b)/gi,
    BREAKS_OUT,
  ),
  // or 1=1 --   OR 2>1   or(1=1)
  rule('sql-tautology-bare', 'tautology', /\bor[(\s]*-?\d+\s*(?:[=<>]|!=|<>|like\b)[(\s]*-?\d/gi),
  // or 'a'='a
  rule('sql-tautology-bare-quoted', 'tautology', /\bor[(\s]+['"][^'"\n]*['"]\s*=\s*['"]/gi),
  // 1 AND 1=1 as a whole field value (a numeric parameter)
  rule(
    'sql-tautology-numeric-parameter',
    'tautology',
    /^\s*-?\d+[)\s]*(?:and|or|xor|&&|\|\|)[(\s]*-?\d+\s*(?:[=<>]|!=|<>)\s*-?\d+[\s)]*(?:;\s*)?$/gi,
  ),
  // 1 AND (SELECT …)=1   5 or ascii(substr(…   as a whole field value
  rule(
    'sql-subquery-in-parameter',
    'tautology',
    /^\s*-?\d+[)\s]*(?:and|or|xor|&&|\|\|)[(\s]*(?:select\b|(?:ascii|ord|substr|substring|mid|length|exists|sleep|if)\s*\()/gi,
  ),
  // ' and (select count(*) …   '||(select …)||'   ' and case when …
  rule(
    'sql-subquery-after-quote',
    'tautology',
    /['"][)\s]*(?:or|and|xor|\|\||&&|[-+*=])[(\s]*(?:not\s+)?(?:select\s+(?:\*|@@|\d|(?:null|top|distinct)\b|[\w.]+(?:\s*[(,]|\s+from\b))|case\s+when\b)/gi,
    BREAKS_OUT,
  ),
  // ' and ascii(substring(…   ' or exists(…   '-sleep(5)-'
  rule(
    'sql-function-after-quote',
    'tautology',
    /['"][)\s]*(?:or|and|xor|\|\||&&|[-+*=])[(\s]*(?:not\s+)?(?:(?:exists|ascii|substring|substr|sleep|benchmark|extractvalue|updatexml|pg_sleep|load_file|randomblob|convert|cast)\s*\(|(?:ord|mid|length|len|char|chr|if|iif|elt|count|concat|version|database|user|unicode|hex|bin|db_name|user_name)\()/gi,
    BREAKS_OUT,
  ),
  // UNION SELECT   union all select   UNION(SELECT   UN/**/ION SELECT
  rule('sql-union-select', 'union-select', /\bunion[(\s]*(?:(?:all|distinct)[(\s]*)?select\b/gi),
  // ' ORDER BY 1--   ' group by 3   ' having 1=1
  rule(
    'sql-order-by-probe',
    'union-select',
    /['"][)\s]*(?:(?:order|group)\s+by\s+\d|having\s+\d+\s*[=<>])/gi,
    BREAKS_OUT,
  ),
  // ; DROP TABLE users   ;truncate table logs   ; create user
  rule(
    'sql-stacked-ddl',
    'stacked-query',
    /;\s*(?:drop|truncate|alter|create|rename)\s+(?:table|database|schema|view|index|user|login|procedure|proc|function|trigger|column)\b/gi,
  ),
  // ; DELETE FROM users;   ; delete from logs where …
  rule('sql-stacked-delete', 'stacked-query', /;\s*delete\s+from\s+[\w.[\]`"]+(?:\s+where\b|\s*;|\s*$)/gi),
  // ; insert into admins values …   ; INSERT INTO t (a, b) …
  rule(
    'sql-stacked-insert',
    'stacked-query',
    /;\s*insert\s+into\s+[\w.[\]`"]+(?:\s*\(|\s+(?:values|select)\b)/gi,
  ),
  // ; update users set role=…
  rule('sql-stacked-update', 'stacked-query', /;\s*update\s+[\w.[\]`"]+\s+set\s+[\w.[\]`"]+\s*=/gi),
  // ; exec xp_cmdshell   ; declare @x   ; shutdown --   ; waitfor delay
  rule(
    'sql-stacked-procedure',
    'stacked-query',
    /;\s*(?:exec(?:ute)?\s*(?:\(\s*['"@]|@|xp_|sp_|master\.|immediate\b)|declare\s+@|shutdown\s*(?:with\s+nowait\s*)?(?:;|$)|waitfor\s+(?:delay|time)\b|set\s+@)/gi,
  ),
  // '; select …   '); drop …   "; update …
  rule(
    'sql-stacked-after-quote',
    'stacked-query',
    /['"][)\s]*;\s*(?:select|drop|delete|insert|update|exec|execute|declare|shutdown|create|alter|truncate|grant|waitfor|union)\b/gi,
    BREAKS_OUT,
  ),
  // admin'--   admin'#   admin')/*   (comments still in place: this looks at the decoded form). A word or `)`
  // before the quote: the quote closes a value (`'# Title'` and `'---'` in code open strings).
  rule(
    'sql-comment-after-quote',
    'comment-truncation',
    /[\w)]'\)*(?:--(?:[\s-]|$)|#(?:\s|$)|\/\*(?:\s|$))/g,
    {
      form: 'decoded',
      breaksOut: true,
    },
  ),
  // admin' --   admin" #   x'; --   at the end of a value
  rule('sql-comment-at-end', 'comment-truncation', /['"][)\s]*(?:;\s*)?(?:--|#|\/\*)[\s\-+]*$/g, {
    form: 'decoded',
    breaksOut: true,
  }),
  // 1/*'*/   /*"*/: a quote hidden in a block comment. A probe of whether comments reach the database (the
  // quote breaks the query only if the comment is not stripped); text has no use for a comment holding a quote.
  rule('sql-comment-hidden-quote', 'obfuscation', /\/\*\s*['"]+\s*\*\//g, { form: 'decoded' }),
  //  -- &password=   ' -- &pass=: a comment that ends the value right before the next query-string parameter,
  // so the condition on that parameter is cut off.
  rule('sql-comment-before-parameter', 'comment-truncation', /--\s*&[a-z_]\w*=/gi, { form: 'decoded' }),
  // --sp_password: SQL Server leaves a statement holding this word out of its trace log.
  rule('sql-log-evasion', 'comment-truncation', /--\s*sp_password\b/gi, { form: 'decoded' }),
  // 1/*!1111'*/   /*!50000union*/: MySQL runs the body of a versioned comment; only injections hide SQL there.
  rule('sql-executable-comment', 'obfuscation', /\/\*!\d/g, { form: 'decoded' }),
  // and SLEEP(5)   (select(sleep(5)))   or benchmark(5000000,md5(1)): only after an operator, so that
  // `time.sleep(5)` and `await sleep(1000)` pass.
  rule(
    'sql-sleep-call',
    'time-based',
    /(?:\b(?:and|or|xor|select)|[(,'";=|&*+-])\s*(?:sleep\s*\(\s*\d+(?:\.\d+)?\s*\)|benchmark\s*\(\s*\d+\s*,)/gi,
    {
      // `andsleep(5)`: the operator and the call may touch, making one word.
      anchors: anyOf(
        ...['', 'and', 'or', 'xor', 'select'].flatMap((before) => [`${before}sleep`, `${before}benchmark`]),
      ),
    },
  ),
  // pg_sleep(5)   WAITFOR DELAY '0:0:5'   dbms_lock.sleep(5)   randomblob(500000000)
  rule(
    'sql-delay-function',
    'time-based',
    /\b(?:pg_sleep\s*\(|waitfor\s+(?:delay|time)\s*['"]|dbms_lock\.sleep\s*\(|dbms_pipe\.receive_message\s*\(|randomblob\s*\(\s*\d\d\d\d\d\d)/gi,
    { anchors: anyOf('pg_sleep', 'waitfor', 'dbms_lock', 'dbms_pipe', 'randomblob') },
  ),
  // extractvalue(1,concat(…))   updatexml(…)
  rule('sql-xml-error', 'error-based', /\b(?:extractvalue|updatexml)\s*\(/gi, {
    anchors: anyOf('extractvalue', 'updatexml'),
  }),
  // convert(int,@@version)   cast((select …
  rule(
    'sql-conversion-error',
    'error-based',
    /\bconvert\s*\(\s*int\s*,\s*(?:@@|\(\s*select\b|db_name\b|user_name\b|system_user\b|char\b)|\bcast\s*\([\s(]*select\b/gi,
    { anchors: anyOf('convert', 'cast') },
  ),
  // utl_inaddr.get_host_address(…)   ctxsys.drithsx.sn(…)
  rule(
    'sql-oracle-error',
    'error-based',
    /\b(?:utl_inaddr\.get_host_(?:address|name)|ctxsys\.drithsx\.sn)\s*\(/gi,
    { anchors: anyOf('utl_inaddr', 'ctxsys') },
  ),
  // @@version   @@datadir
  rule('sql-system-variable', 'error-based', /@@(?:version|datadir|hostname|basedir|servername|tmpdir)\b/gi),
  // exec master..xp_cmdshell 'dir'   sp_oacreate 'WScript.Shell'
  rule(
    'sql-system-procedure',
    'command-execution',
    /\b(?:xp_cmdshell|xp_dirtree|xp_regread|xp_fileexist|sp_oacreate|sp_oamethod|sp_makewebtask|sp_addlogin|sp_addsrvrolemember|sp_configure)\s*['"(]/gi,
    {
      anchors: anyOf(
        'xp_cmdshell',
        'xp_dirtree',
        'xp_regread',
        'xp_fileexist',
        'sp_oacreate',
        'sp_oamethod',
        'sp_makewebtask',
        'sp_addlogin',
        'sp_addsrvrolemember',
        'sp_configure',
      ),
    },
  ),
  // load_file('/etc/passwd')   into outfile '/var/www/x.php'   utl_http.request(…)   copy t from program 'id'
  rule(
    'sql-file-access',
    'command-execution',
    /\b(?:load_file\s*\(|into\s+(?:out|dump)file\s+['"]|utl_http\.request\s*\(|copy\s+\w+\s+(?:from|to)\s+program\s+['"])/gi,
    { anchors: anyOf('load_file', 'outfile', 'dumpfile', 'utl_http', 'program') },
  ),
  // CHAR(39)+CHAR(32)   chr(111)||chr(114)
  rule(
    'sql-char-concatenation',
    'obfuscation',
    /\b(?:char|chr|nchar)\(\s*\d+\s*\)(?:\s*(?:\+|\|\||,)\s*(?:char|chr|nchar)\(\s*\d+\s*\))+/gi,
    { anchors: anyOf('char', 'chr', 'nchar') },
  ),
  // char(115,101,108,101,99,116)
  rule('sql-char-list', 'obfuscation', /\bchar\(\s*\d+\s*,\s*\d+\s*,\s*\d+/gi, { anchors: anyOf('char') }),
];
