import { describe, expect, it } from 'vitest';
import { isOnePlainQuotedString, quoteTxtStrings } from '../functions/txt-strings.ts';

describe('TXT text in presentation form', () => {
  it('quotes each printable ASCII character as it is, but escapes " and \\ and writes the others as digits', () => {
    // Every code unit 0x00–0x7f: the quick path for plain text must agree with the octet-by-octet rules at each edge.
    for (let code = 0; code < 0x80; code += 1) {
      const char = String.fromCharCode(code);
      const expected =
        char === '"' || char === '\\'
          ? `"\\${char}"`
          : code >= 0x20 && code <= 0x7e
            ? `"${char}"`
            : `"\\${code.toString(10).padStart(3, '0')}"`;
      expect(quoteTxtStrings(`a${char}b`.slice(1, 2), 10), `code ${code}`).toBe(expected);
    }
    expect(quoteTxtStrings('\u007f', 8)).toBe('"\\177"');
    expect(quoteTxtStrings('é', 10)).toBe('"\\195\\169"');
  });

  it('splits text into strings of at most 255 octets: 255 fit one, 256 take two', () => {
    expect(quoteTxtStrings('x'.repeat(255))).toBe(`"${'x'.repeat(255)}"`);
    expect(quoteTxtStrings('x'.repeat(256))).toBe(`"${'x'.repeat(255)}" "x"`);
    expect(quoteTxtStrings('')).toBe('""');
  });

  it.each([
    ['"heritage=linkdns,owner=a"', true],
    ['""', true],
    ['"a" "b"', false],
    ['"a\\"b"', false],
    ['"a\\065"', false],
    ['"a', false],
    ['a"', false],
    ['"', false],
    [' "a"', false],
  ])('takes %s as one plain quoted string: %s', (data, plain) => {
    expect(isOnePlainQuotedString(data)).toBe(plain);
  });
});
