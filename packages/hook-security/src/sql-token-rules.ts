import type { MappedText } from './normalize-text.js';
import type { Finding } from './pattern-rule.js';
import { TokenKind, type Tokens, tokenize } from './sql-lexer.js';
import type { SqlInjectionTechnique } from './violations.js';

/*
 * SQL injection judged from tokens (see `sql-lexer.ts`), for the families that sentences of regular
 * expressions miss: quote breakouts without spaces (`'or'1=1`), identical-operand tautologies
 * (`') or ('x')=('x`, `1 AND 1083=1083`), a value that starts with a boolean operator (` and 1=1`, ` or true`),
 * `GROUP BY … HAVING` and `ORDER BY n` probes, and whole statements (`select * from sysusers`,
 * `create table t (…)`, `copy t from '/etc/passwd'`, `; if (…) waitfor delay …`). Each rule looks at a
 * bounded window of tokens from each position, so a scan is linear in the number of tokens.
 *
 * Plain English keeps its meaning out of these shapes: "select the best option from the list" has an article
 * where a column would be, "drop me a line" has no object type after `drop`, and a quote the text itself
 * opened and closed (`'yes' or 'no'`) does not break out (quotes are counted left to right).
 */

/** Words that English puts where SQL has a column or a table name. */
const ENGLISH = new Set([
  'the',
  'a',
  'an',
  'my',
  'your',
  'this',
  'that',
  'these',
  'those',
  'some',
  'any',
  'all',
  'our',
  'their',
  'his',
  'her',
  'its',
  'me',
  'us',
  'them',
  'to',
  'of',
  'for',
  'in',
  'on',
  'with',
  'and',
  'or',
  'one',
  'it',
  'is',
  'are',
  'you',
  'i',
  'we',
  'they',
  'he',
  'she',
  'what',
  'which',
  'who',
  'how',
  'each',
  'every',
  'both',
  'few',
  'many',
  'more',
  'most',
  'other',
  'such',
  'no',
  'not',
  'only',
  'own',
  'same',
  'so',
  'than',
  'too',
  'very',
  'can',
  'will',
  'just',
  'should',
  'now',
  'between',
  'among',
  'from',
  'by',
  'at',
  'as',
  'into',
  'out',
  'up',
  'down',
  'off',
  'over',
  'under',
  'again',
  'then',
  'once',
  'here',
  'there',
  'when',
  'where',
  'why',
  'best',
  'first',
  'last',
  'next',
  'new',
  'good',
  'great',
  'right',
  'left',
  'two',
  'three',
  'several',
  'if',
  'be',
  'was',
  'were',
  'do',
]);
const BOOLEAN = new Set(['or', 'and', 'xor', '||', '&&']);

/** `BOOLEAN.has(word)` without hashing the word: most words are longer than three characters. */
function isBoolean(word: string): boolean {
  const length = word.length;
  if (length === 2) return word === 'or' || word === '||' || word === '&&';
  return length === 3 && (word === 'and' || word === 'xor');
}
const COMPARATOR = new Set([
  '=',
  '<',
  '>',
  '<>',
  '!=',
  '<=',
  '>=',
  'like',
  'rlike',
  'regexp',
  'between',
  'in',
  'is',
  'sounds',
]);
const OBJECT_TYPES = new Set([
  'table',
  'database',
  'schema',
  'view',
  'index',
  'user',
  'login',
  'procedure',
  'proc',
  'function',
  'trigger',
  'column',
  'role',
  'sequence',
]);
/** Single words that `select` reads as a value: `select current_user;`, `select version()`. */
const SQL_VALUES = new Set([
  'user',
  'version',
  'database',
  'schema',
  'null',
  'true',
  'false',
  'current_user',
  'session_user',
  'system_user',
]);
const WINDOW = 8;

interface Rule {
  readonly name: string;
  readonly label: SqlInjectionTechnique;
}

const RULES = {
  tautology: { name: 'sql-token-tautology', label: 'tautology' },
  identical: { name: 'sql-token-identical-comparison', label: 'tautology' },
  leading: { name: 'sql-token-leading-boolean', label: 'tautology' },
  having: { name: 'sql-token-having', label: 'union-select' },
  orderBy: { name: 'sql-token-order-by', label: 'union-select' },
  statement: { name: 'sql-token-statement', label: 'stacked-query' },
  numeric: { name: 'sql-token-numeric-comparison', label: 'tautology' },
  delay: { name: 'sql-token-delay-call', label: 'time-based' },
  quoteOperator: { name: 'sql-token-quote-operator', label: 'tautology' },
  systemVariable: { name: 'sql-token-system-variable', label: 'error-based' },
  hexPayload: { name: 'sql-token-hex-payload', label: 'obfuscation' },
  dangling: { name: 'sql-token-dangling-boolean', label: 'tautology' },
  concatenation: { name: 'sql-token-concatenation', label: 'obfuscation' },
  variableSelect: { name: 'sql-token-variable-select', label: 'stacked-query' },
  commentClose: { name: 'sql-token-unopened-comment-close', label: 'comment-truncation' },
} as const satisfies Record<string, Rule>;

class TokenView {
  constructor(readonly tokens: Tokens) {}

  word(index: number): string {
    return index < this.tokens.count ? this.tokens.text[index]! : '';
  }

  kind(index: number): number {
    return index < this.tokens.count ? this.tokens.kind[index]! : -1;
  }

  isEnd(index: number): boolean {
    return index >= this.tokens.count || this.tokens.text[index] === ';';
  }

  /**
   * The end of the value, or a lone quote that ends it: the payload leaves a string open for the
   * application's own closing quote (`admin' or '`, ` or 1 --'`).
   */
  isTail(index: number): boolean {
    return this.isEnd(index) || (this.kind(index) === TokenKind.Quote && this.isEnd(index + 1));
  }

  /** The token at `index` touches the one before it, or starts the text: `admin'`, not `the 'word'`. */
  isGlued(index: number): boolean {
    return index === 0 || this.tokens.start[index] === this.tokens.end[index - 1];
  }

  /** A name a query could use: a word that is not English filler, or a dotted/underscored identifier. */
  isName(index: number): boolean {
    if (this.kind(index) !== TokenKind.Word) return false;
    const word = this.word(index);
    return !ENGLISH.has(word) || word.includes('_');
  }
}

/** The operand text starting at `index`, skipping parentheses and quotes: `('x')` → `x`. Returns its end. */
function operandAt(view: TokenView, index: number): { text: string; next: number } | undefined {
  let position = index;
  let limit = Math.min(view.tokens.count, index + WINDOW);
  while (position < limit && (view.word(position) === '(' || view.kind(position) === TokenKind.Quote))
    position++;
  const kind = view.kind(position);
  if (kind !== TokenKind.Word && kind !== TokenKind.Number) return undefined;
  const text = view.word(position);
  position++;
  limit = Math.min(view.tokens.count, position + WINDOW);
  while (position < limit && (view.word(position) === ')' || view.kind(position) === TokenKind.Quote))
    position++;
  return { text, next: position };
}

/** `X = X` (or `like`) from `index`: the same operand on both sides. Returns the end index or -1. */
function identicalComparison(view: TokenView, index: number): number {
  const left = operandAt(view, index);
  if (!left) return -1;
  const operator = view.word(left.next);
  if (operator !== '=' && operator !== 'like' && operator !== '>=' && operator !== '<=') return -1;
  const right = operandAt(view, left.next + 1);
  if (!right || right.text !== left.text) return -1;
  return right.next;
}

const HEX_SQL = /select|union|waitfor|delay|exec|declare|drop|insert|update|delete|sleep|@@/;

/** A hex literal (`0x7761…`) whose bytes, read as ASCII or UTF-16LE, spell SQL: a hidden statement. */
function hexHoldsSql(word: string): boolean {
  let decoded = '';
  for (let index = 2; index + 1 < word.length; index += 2) {
    const byte = Number.parseInt(word.slice(index, index + 2), 16);
    if (Number.isNaN(byte)) return false;
    if (byte !== 0) decoded += String.fromCharCode(byte);
  }
  return HEX_SQL.test(decoded.toLowerCase());
}

function isDelayFunction(word: string): boolean {
  return word === 'sleep' || word === 'benchmark' || word === 'pg_sleep';
}

/** `N op M` with two numbers from `index` (parentheses allowed): `1083=1083`, `(4346=4347)`, `1=0`. */
function numericComparison(view: TokenView, index: number): boolean {
  let position = index;
  while (view.word(position) === '(' && position < index + 3) position++;
  if (view.kind(position) !== TokenKind.Number) return false;
  const operator = view.word(position + 1);
  if (!(operator === '=' || operator === '<' || operator === '>' || operator === '<>' || operator === '!='))
    return false;
  return view.kind(position + 2) === TokenKind.Number;
}

/** `(select …`, `select …` or a function call `name(` at `index`. */
function subqueryOrCallAt(view: TokenView, index: number): boolean {
  const position = view.word(index) === '(' ? index + 1 : index;
  if (view.word(position) === 'select') return true;
  return (
    view.kind(position) === TokenKind.Word &&
    view.word(position + 1) === '(' &&
    !ENGLISH.has(view.word(position))
  );
}

/** `sleep(5)` where SQL would evaluate it: at the start, or after `by`, a boolean, an operator, `,` or `(`. */
function delayCallContext(view: TokenView, index: number): boolean {
  const argument = view.word(index + 2);
  if (view.kind(index + 2) !== TokenKind.Number && !argument.includes('_')) return false;
  if (index === 0) return true;
  const before = view.word(index - 1);
  return (
    before === 'by' ||
    before === ',' ||
    before === '(' ||
    BOOLEAN.has(before) ||
    view.kind(index - 1) === TokenKind.Operator ||
    view.kind(index - 1) === TokenKind.Quote
  );
}

const EVIDENCE_OPERATORS = new Set([
  '=',
  '<',
  '>',
  '<>',
  '!=',
  '<=',
  '>=',
  '||',
  '&&',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '&',
  '|',
]);

/**
 * What follows `' or` in a breakout: a comparison, a number, an operator or a call within a few tokens. A
 * quote right after the operator counts only when a value or operator follows it (`' or ''-'`, `'or'1=1`),
 * so the quoted word `'or'` in "the word 'or' is a conjunction" does not.
 */
function tautologyEvidence(view: TokenView, index: number): boolean {
  if (view.kind(index) === TokenKind.Quote) {
    const after = view.kind(index + 1);
    return after === TokenKind.Quote || after === TokenKind.Number || after === TokenKind.Operator;
  }
  const limit = Math.min(view.tokens.count, index + 6);
  for (let probe = index; probe < limit; probe++) {
    const kind = view.kind(probe);
    const word = view.word(probe);
    if (kind === TokenKind.Number || (kind === TokenKind.Operator && EVIDENCE_OPERATORS.has(word)))
      return true;
    if (word === 'true' || word === 'false') return true;
    // `like '%'`, not "answer it just like BetterDAN would".
    if (
      (word === 'like' || word === 'rlike' || word === 'regexp') &&
      (view.kind(probe + 1) === TokenKind.Quote || view.kind(probe + 1) === TokenKind.Number)
    )
      return true;
    if ((word === 'in' || word === 'exists') && view.word(probe + 1) === '(') return true;
    if (word === 'is' && (view.word(probe + 1) === 'null' || view.word(probe + 1) === 'not')) return true;
    if (word === '(' && probe === index) return true;
  }
  return false;
}

/** Comparison or value evidence within a few tokens after a boolean operator. */
function comparisonFollows(view: TokenView, index: number, span: number): boolean {
  const limit = Math.min(view.tokens.count, index + span);
  for (let position = index; position < limit; position++) {
    const word = view.word(position);
    if (COMPARATOR.has(word) || word === 'true' || word === 'false' || word === 'null') return true;
  }
  return false;
}

/**
 * `select @v as v into t`, `select @v = …`: a T-SQL variable read or assigned. SQL Server
 * runs statements written one after another without `;`, so this is a statement wherever it stands
 * (`@var select @var as var into temp`); "select @maria as reviewer" and "select @maria from sales" have no
 * `into` with a name after it, nor `=` with a value.
 */
function variableSelectAt(view: TokenView, index: number): boolean {
  if (view.word(index + 1) !== '@' || view.kind(index + 2) !== TokenKind.Word) return false;
  let position = index + 3;
  if (view.word(position) === 'as' && view.kind(position + 1) === TokenKind.Word) position += 2;
  const next = view.word(position);
  if (next === '=') {
    const kind = view.kind(position + 1);
    return kind === TokenKind.Number || kind === TokenKind.Quote || view.word(position + 1) === '@';
  }
  return next === 'into' && view.isName(position + 1);
}

/**
 * `*\/` that closes a block comment the text never opened, then a comparison or a boolean with a value:
 * `password:*\/=1--`, `*\/ or 1=1`. The payload is the second half of an injection split over two fields; the
 * first field opened the comment to swallow what the application put between them. Block comments the text
 * opened itself are already gone from the form the token rules read.
 */
function unopenedCommentClose(view: TokenView, index: number): boolean {
  const tokens = view.tokens;
  if (view.word(index + 1) !== '/' || tokens.start[index + 1] !== tokens.end[index]) return false;
  let position = index + 2;
  while (view.word(position) === ')') position++;
  const operator = view.word(position);
  if (!COMPARATOR.has(operator) && !BOOLEAN.has(operator)) return false;
  const limit = Math.min(tokens.count, position + 4);
  for (let probe = position + 1; probe < limit; probe++) {
    const kind = view.kind(probe);
    if (kind === TokenKind.Number || kind === TokenKind.Quote) return true;
    const word = view.word(probe);
    if (word === 'true' || word === 'false' || word === 'select') return true;
    if (word !== '(' && !COMPARATOR.has(word)) return false;
  }
  return false;
}

/** A statement starting at `index` (a verb with the shape of SQL after it). */
function statementAt(view: TokenView, index: number): boolean {
  const verb = view.word(index);
  const next = index + 1;
  switch (verb) {
    case 'select': {
      const first = view.word(next);
      if (first === '*' || first === '@' || first === 'distinct' || first === 'top' || SQL_VALUES.has(first))
        return true;
      if (view.kind(next) === TokenKind.Number)
        return view.word(next + 1) === ',' || view.word(next + 1) === 'from' || view.isEnd(next + 1);
      if (view.kind(next) !== TokenKind.Word) return false;
      const after = view.word(next + 1);
      if (after === '(') return !ENGLISH.has(first);
      if (after === '.') return true;
      if (view.isEnd(next + 1)) return first.includes('_');
      // select a, b from t
      let position = next;
      const limit = Math.min(view.tokens.count, next + WINDOW);
      while (position < limit && (view.isName(position) || view.word(position) === ',')) position++;
      return position > next && view.word(position) === 'from' && view.isName(position + 1);
    }
    case 'insert':
      return (
        view.word(next) === 'into' &&
        view.isName(next + 1) &&
        ['(', 'values', 'select', 'set'].includes(view.word(next + 2))
      );
    case 'update':
      return (
        view.isName(next) &&
        view.word(next + 1) === 'set' &&
        view.kind(next + 2) === TokenKind.Word &&
        view.word(next + 3) === '='
      );
    case 'delete':
      return (
        view.word(next) === 'from' &&
        view.isName(next + 1) &&
        (view.isEnd(next + 2) || view.word(next + 2) === 'where')
      );
    case 'drop':
    case 'truncate':
    case 'alter':
      return OBJECT_TYPES.has(view.word(next)) && view.isName(next + 1);
    case 'create':
      return (
        OBJECT_TYPES.has(view.word(next)) &&
        view.isName(next + 1) &&
        (view.isEnd(next + 2) ||
          ['(', 'as', 'identified', 'with', 'password', 'from'].includes(view.word(next + 2)))
      );
    case 'grant':
    case 'revoke': {
      const limit = Math.min(view.tokens.count, next + 6);
      for (let position = next + 1; position < limit; position++) {
        const word = view.word(position);
        if (word === 'to' || word === 'on') return view.isName(position + 1);
      }
      return false;
    }
    case 'copy':
      return view.isName(next) && (view.word(next + 1) === 'from' || view.word(next + 1) === 'to');
    case 'load':
      return (
        view.word(next) === 'data' && (view.word(next + 1) === 'infile' || view.word(next + 1) === 'local')
      );
    case 'backup':
    case 'restore':
      return view.word(next) === 'database' || view.word(next) === 'log';
    case 'exec':
    case 'execute': {
      const target = view.word(next);
      return (
        target === '(' ||
        target === '@' ||
        view.kind(next) === TokenKind.Quote ||
        target === 'sp' ||
        target === 'xp' ||
        /^(?:sp|xp)_|^master$/.test(target)
      );
    }
    case 'declare':
      return view.word(next) === '@';
    case 'begin':
      return view.word(next) === 'declare' || view.word(next) === 'exec' || view.word(next) === 'execute';
    case 'desc':
    case 'describe':
      return view.isName(next) && view.isEnd(next + 1);
    case 'shutdown':
      return view.isEnd(next) || view.word(next) === 'with';
    case 'waitfor':
      return view.word(next) === 'delay' || view.word(next) === 'time';
    case 'union':
      return (
        view.word(next) === 'select' ||
        ((view.word(next) === 'all' || view.word(next) === 'distinct') &&
          view.word(next + 2 - 0) === 'select')
      );
    case 'if':
    case 'while': {
      // ; if (1=1) waitfor delay …   ; while 1=1 select …
      if (view.word(next) !== '(' && view.kind(next) !== TokenKind.Number) return false;
      const limit = Math.min(view.tokens.count, next + 16);
      for (let position = next; position < limit; position++) {
        const word = view.word(position);
        if (word === 'waitfor' || word === 'select' || word === 'exec' || word === 'execute') return true;
      }
      return false;
    }
    default:
      return false;
  }
}

/**
 * Runs the token rules over `form`, appending to `findings`; with `all` every match, otherwise the first of
 * each rule. Quotes are counted left to right to tell a quote that closes a string the application opened
 * (an even number of quotes before it) from one the text opened itself.
 */
export function scanSqlTokens(
  form: MappedText,
  all: boolean,
  findings: Finding<SqlInjectionTechnique>[],
): void {
  const tokens = tokenize(form.value);
  const view = new TokenView(tokens);
  const found = new Set<string>();
  const report = (rule: Rule, from: number, to: number): void => {
    if (!all && found.has(rule.name)) return;
    found.add(rule.name);
    const last = Math.max(from, Math.min(to, tokens.count) - 1);
    findings.push({
      rule: rule.name,
      label: rule.label,
      form,
      start: tokens.start[from]!,
      end: tokens.end[last]!,
    });
  };
  let singles = 0;
  let doubles = 0;
  for (let index = 0; index < tokens.count; index++) {
    const kind = tokens.kind[index]!;
    const word = tokens.text[index]!;
    if (kind === TokenKind.Quote) {
      const breaksOut = tokens.apostrophe[index] === 0 && (word === "'" ? singles : doubles) % 2 === 0;
      if (tokens.apostrophe[index] === 0) {
        if (word === "'") singles++;
        else doubles++;
      }
      if (!breaksOut) continue;
      const operator = view.word(index + 1);
      if (
        index === 0 &&
        (view.kind(index + 1) === TokenKind.Operator || operator === 'like' || operator === 'rlike') &&
        tokens.count > 2
      ) {
        report(RULES.quoteOperator, index, index + 3);
      }
      let position = index + 1;
      while (view.word(position) === ')') position++;
      const following = view.word(position);
      if (BOOLEAN.has(following)) {
        if (tautologyEvidence(view, position + 1)) report(RULES.tautology, index, position + 3);
        else if (view.isGlued(index) && view.isTail(position + 1)) {
          // admin' or '   ' OR   ' or "   : the rest of the condition is the application's.
          report(RULES.dangling, index, position + 2);
        } else if (following === '||' && view.isGlued(index) && view.kind(position + 1) === TokenKind.Quote) {
          // 1'||'asd'||'   : a string of the payload's own spliced into the application's.
          report(RULES.concatenation, index, position + 2);
        }
      } else if (following === 'group' && view.word(position + 1) === 'by') {
        if (view.word(position + 3) === 'having' || view.kind(position + 2) === TokenKind.Number) {
          report(RULES.having, index, position + 3);
        }
      } else if (statementAt(view, following === ';' || following === '(' ? position + 1 : position)) {
        report(RULES.statement, index, position + 2);
      }
      continue;
    }
    if (word === '@' && view.word(index + 1) === '@' && view.kind(index + 2) === TokenKind.Word) {
      report(RULES.systemVariable, index, index + 3);
      continue;
    }
    if (kind === TokenKind.Number) {
      if (word.length >= 18 && word.startsWith('0x') && hexHoldsSql(word))
        report(RULES.hexPayload, index, index + 1);
      continue;
    }
    if (word === '*' && unopenedCommentClose(view, index)) {
      report(RULES.commentClose, index, index + 4);
      continue;
    }
    if (kind === TokenKind.Word || kind === TokenKind.Operator) {
      if (isBoolean(word) || word === 'where') {
        const end = identicalComparison(view, index + 1);
        if (end !== -1) report(RULES.identical, index, end);
        else if (numericComparison(view, index + 1)) report(RULES.numeric, index, index + 4);
        if (word === 'where') continue;
        // A value that starts with a boolean operator: ` and 1=1`, `1 or true`, `|| (elt(…`, ` and (select …`.
        const leading = index === 0 || (index === 1 && tokens.kind[0] !== TokenKind.Word);
        const operand = view.word(index + 1) === '(' ? index + 2 : index + 1;
        const bareValue =
          (view.kind(operand) === TokenKind.Number && view.isTail(operand + 1)) ||
          view.word(operand) === 'exists' ||
          (view.kind(operand) === TokenKind.Word &&
            view.word(operand).includes('_') &&
            view.word(operand + 1) === '.');
        if (
          leading &&
          (bareValue || comparisonFollows(view, index + 1, 4) || subqueryOrCallAt(view, index + 1))
        ) {
          report(RULES.leading, index, index + 2);
        }
      } else if (
        index === 0 &&
        (word === 'like' || word === 'rlike' || word === 'regexp') &&
        (tokens.kind[1] === TokenKind.Quote || subqueryOrCallAt(view, 1))
      ) {
        report(RULES.leading, index, index + 2);
      } else if (isDelayFunction(word) && view.word(index + 1) === '(' && delayCallContext(view, index)) {
        report(RULES.delay, index, index + 3);
      } else if (
        word === 'having' &&
        comparisonFollows(view, index + 1, 5) &&
        view.kind(index + 1) !== TokenKind.Word
      ) {
        report(RULES.having, index, index + 3);
      } else if (
        word === 'group' &&
        view.word(index + 1) === 'by' &&
        view.isName(index + 2) &&
        view.word(index + 3) === 'having'
      ) {
        report(RULES.having, index, index + 4);
      } else if (
        word === 'order' &&
        view.word(index + 1) === 'by' &&
        /^\d+$/.test(view.word(index + 2)) &&
        (view.isEnd(index + 3) || view.word(index + 3) === ',' || view.word(index + 3) === ')')
      ) {
        report(RULES.orderBy, index, index + 3);
      } else if (word === 'select' && variableSelectAt(view, index)) {
        report(RULES.variableSelect, index, index + 4);
      } else if (kind === TokenKind.Word) {
        if (
          (word === 'true' || word === 'false') &&
          index === 2 &&
          tokens.kind[0] === TokenKind.Number &&
          tokens.kind[1] === TokenKind.Operator
        ) {
          report(RULES.numeric, 0, 3);
        }
        const start =
          index === 0 ||
          view.word(index - 1) === ';' ||
          (view.word(index - 1) === '(' && index === 1) ||
          (index === 1 && tokens.kind[0] === TokenKind.Number);
        if (start && statementAt(view, index)) report(RULES.statement, index, index + 2);
      }
    }
  }
}
