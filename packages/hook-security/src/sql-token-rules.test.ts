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
  ])('leaves plain English alone: %s', (text) => {
    expect(isSql(text), text).toBe(false);
  });
});
