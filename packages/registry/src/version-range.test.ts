import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { isVersionRange, satisfiesRange } from './version-range.js';

const ranges = [
  '0.1.0',
  '=0.1.0',
  'v1.2.3',
  '^0.1.0',
  '^0.0.3',
  '^0.2',
  '^0',
  '^1.2.3',
  '^1.2',
  '^1',
  '~0.1.0',
  '~1.2.3',
  '~1.2',
  '~1',
  '1',
  '1.2',
  '^1.2.3-beta.2',
  '~0.1.0-next.1',
  '1.0.0-rc.1',
  '>=0.1.0',
  '>= 0.1.0',
  '>=1.2',
  '>1.2.3',
  '>1.2',
  '<1.2.3',
  '<=1.2.3',
  '<=1.2',
  '<1',
  '>=0.1.0 <0.3.0',
  '^0.1.0 || ^1.2.3',
  '~0.1.0 || >=2.0.0-alpha',
];
const versions = [
  '0.0.2',
  '0.0.3',
  '0.0.4',
  '0.1.0',
  '0.1.0-next.0',
  '0.1.0-next.1',
  '0.1.0-next.10',
  '0.1.5',
  '0.2.0-0',
  '0.2.0',
  '0.2.9',
  '0.3.0-0',
  '1.0.0',
  '1.0.0-rc.1',
  '1.2.0-beta',
  '1.2.2',
  '1.2.3',
  '1.2.3-beta.1',
  '1.2.3-beta.2',
  '1.2.3-beta.10',
  '1.2.9',
  '1.3.0',
  '1.9.9',
  '2.0.0-alpha',
  '2.0.0',
];

describe('satisfiesRange', () => {
  for (const range of ranges) {
    it(`agrees with semver (includePrerelease) on ${range}`, () => {
      for (const version of versions) {
        const expected = semver.satisfies(version, range, { includePrerelease: true });
        expect({ version, range, admitted: satisfiesRange(version, range) }).toEqual({
          version,
          range,
          admitted: expected,
        });
      }
    });
  }

  it('refuses hyphen ranges, wildcards and malformed ranges rather than guessing', () => {
    for (const range of ['1.x', '*', '1.2.3 - 1.4.0', 'not a range', '', '^', '>=', '^1.0.0 ||']) {
      expect(isVersionRange(range)).toBe(false);
      expect(satisfiesRange('1.2.3', range)).toBe(false);
    }
    expect(isVersionRange('^0.1.0')).toBe(true);
  });
});
