import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeText } from './normalize-text.js';

const forms = (text: string) => {
  const { decoded, stripped } = normalizeText(text);
  return { decoded: decoded.value, stripped: stripped.map((form) => form.value) };
};

describe('normalizeText', () => {
  it('percent-decodes repeatedly, at most three rounds', () => {
    expect(forms('%27%20OR%201%3D1').decoded).toBe("' OR 1=1");
    expect(forms('%2527').decoded).toBe("'");
    expect(forms('%252527').decoded).toBe("'");
    expect(forms('%25252527').decoded).toBe('%27');
  });

  it('decodes UTF-8 byte runs, single bytes that are not UTF-8, %u escapes and HTML entities', () => {
    expect(forms('caf%C3%A9').decoded).toBe('café');
    // Latin-1 0xA0 is a no-break space, which NFKC folds to a space.
    expect(forms('a%A0b').decoded).toBe('a b');
    expect(forms('%u0027').decoded).toBe("'");
    expect(forms('&#39;&#x27;&quot;&lt;&amp;').decoded).toBe("''\"<&");
    expect(forms('50% off').decoded).toBe('50% off');
  });

  it('folds look-alike characters with NFKC and removes invisible ones', () => {
    expect(forms('ＵＮＩＯＮ ＳＥＬＥＣＴ').decoded).toBe('UNION SELECT');
    expect(forms('UN\u200bION SEL\u00adECT').decoded).toBe('UNION SELECT');
  });

  it('strips comments into two forms: joined keywords and comments as spaces', () => {
    expect(forms('UN/**/ION/**/SELECT').stripped).toEqual(['UNIONSELECT', 'UN ION SELECT']);
    expect(forms('1 /*!50000UNION*/ SELECT').stripped).toEqual(['1 UNION SELECT', '1  UNION  SELECT']);
    expect(forms('UNION-- note\nSELECT').stripped).toEqual(['UNION  note\nSELECT', 'UNION \nSELECT']);
    expect(forms("admin'#").stripped).toEqual(["admin' "]);
    expect(forms('plain text').stripped).toEqual(['plain text']);
  });

  it('keeps an unterminated block comment in view', () => {
    expect(forms('a /* b').stripped[0]).toBe('a /* b');
  });

  it('produces the same text with and without offset tracking', () => {
    const alphabet = fc.constantFrom(
      ...'aZ09 \'";-#/*!%25%27%C3%A9%u0027&#39;&amp;\u200bＵé\ne\u0301ﬁ'.split(''),
      '%27',
      '/*',
      '*/',
      '--',
      '/*!5',
    );
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 40 }).map((parts) => parts.join('')),
        (text) => {
          const plain = normalizeText(text, false);
          const tracked = normalizeText(text, true);
          expect(tracked.decoded.value).toBe(plain.decoded.value);
          expect(tracked.stripped.map((form) => form.value)).toEqual(
            plain.stripped.map((form) => form.value),
          );
          for (const form of [tracked.decoded, ...tracked.stripped]) {
            expect(form.start?.length).toBe(form.value.length);
            for (let index = 0; index < form.value.length; index++) {
              const start = form.start![index]!;
              const end = form.end![index]!;
              expect(start).toBeGreaterThanOrEqual(0);
              expect(end).toBeGreaterThan(start);
              expect(end).toBeLessThanOrEqual(text.length);
              if (index > 0) expect(start).toBeGreaterThanOrEqual(form.start![index - 1]!);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('maps each unit of a form back to the original text behind it', () => {
    const text = 'x %27%20OR y';
    const { decoded } = normalizeText(text, true);
    expect(decoded.value).toBe("x ' OR y");
    const quote = decoded.value.indexOf("'");
    expect(text.slice(decoded.start![quote], decoded.end![quote])).toBe('%27%20');
    const letter = decoded.value.indexOf('y');
    expect(text.slice(decoded.start![letter], decoded.end![letter])).toBe('y');
  });
});
