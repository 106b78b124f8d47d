import { describe, expect, it } from 'vitest';
import { SecurityValidationHook } from './security-validation-hook.js';

const hook = new SecurityValidationHook();
const isSql = (text: string): boolean =>
  hook.validate({ text }).some((violation) => violation.type === 'SqlInjection');

describe('SQL injection judged from tokens', () => {
  it.each([
    ['a quote breakout without spaces', "'or'1=1"],
    ['a parenthesised identical comparison', "') or ('x')=('x"],
    ['an empty-string tautology with an operator', "' or ''-'"],
    ['typographic quotes', '’ or ‘1’=’1'],
    ['a numeric-context expression', '1 AND 1083=1083'],
    ['a value that starts with a boolean', ' and 1=1'],
    ['a bare boolean value', ' or true'],
    ['an identical bare comparison', ' OR x=x'],
    ['a GROUP BY … HAVING probe', "' group by userid having 1=1--"],
    ['an ORDER BY probe', '1 ORDER BY 3'],
    ['a whole SELECT statement', 'select * from sysusers'],
    ['a system function call', "select current_setting('data_directory');"],
    ['a stacked IF … WAITFOR', "1; IF (1=1) WAITFOR DELAY '0:0:5'"],
    ['a delay call as the value', 'SLEEP(5)#'],
    ['a table created for file reading', 'create table myfile (input TEXT);'],
    ['a COPY from a file', "copy myfile from '/etc/passwd';"],
    ['a hex-encoded statement', '0x77616974666F722064656C61792027303A303A313027'],
    ['a system variable', 'PRINT @@version'],
    ['a boolean left for the application to finish', "admin' or '"],
    ['a dangling boolean after an encoded quote', '&apos;%20OR'],
    ['a boolean value cut off by a trailing comment', ' or 1/*'],
    ['a boolean value before a commented-out quote', " or 1 --'"],
    ['a string spliced in by concatenation', "1'||'asd'||'"],
    ['a MySQL versioned comment', "1/*!1111'*/"],
    ['a statement hidden from the SQL Server trace log', "x'--sp_password"],
    ['a T-SQL variable selected into a table', '@var select @var as var into temp end --'],
    ['a T-SQL variable assignment', "1 select @s = 'x'"],
    ['a quote hidden in a block comment', "1/*'*/"],
    ['a comment before the next query-string parameter', ' -- &password='],
    ['a block comment closed but never opened', 'password:*/=1--'],
    ['an unopened comment close before a tautology', '*/ or 1=1'],
  ])('finds %s', (_family, text) => {
    expect(isSql(text), text).toBe(true);
  });

  it.each([
    'Please select the best option from the list.',
    'Can you drop me a line when the union meeting is over?',
    "The word 'or' is a conjunction; so is 'and'.",
    'Order by 5pm so it ships today.',
    'Create a table of contents for my essay.',
    'Update me on the order status; delete the draft from my inbox.',
    "She said, 'or else!' and left.",
    "It's 50% off at O'Brien's -- see you at 10:30",
    'Select one from the menu and grant access to the team.',
    "Translate 'and' and 'or'",
    "Reply 'yes' or 'no' or '",
    'See the notes in docs/* or 1/*',
    'He said "stop" and answered just like a pro would.',
    'The glob src/**/*.ts or lib/*',
    'Please select @john from marketing and @sara as reviewers.',
    'Then select @maria into the team channel.',
    'Use --verbose & check the output',
    'Compute 3*/2 = 1.5 and note it.',
    "Comments look like /* this */ and 'quotes' like that.",
  ])('leaves plain English alone: %s', (text) => {
    expect(isSql(text), text).toBe(false);
  });
});
