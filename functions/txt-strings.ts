/** Longest character-string in a TXT record (RFC 1035 §3.3.14): one length octet. */
export const MAX_TXT_STRING_OCTETS = 255;

const NOTHING_TO_ESCAPE = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * TXT text in presentation form, as Route 53, Cloud DNS and zone files take it: quoted character-strings of at most
 * 255 octets (`"…255…" "…rest…"`), `"` and `\` escaped, every octet outside printable ASCII as `\` + three digits —
 * decimal per RFC 1035 §5.1, octal where Route 53 documents it. Empty text is one empty string `""`.
 */
export function quoteTxtStrings(text: string, escapeRadix: 8 | 10 = 10): string {
  // Printable ASCII without `"` or `\` that fits one string, the usual registry entry: nothing to escape or split.
  if (text.length <= MAX_TXT_STRING_OCTETS && NOTHING_TO_ESCAPE.test(text)) return `"${text}"`;
  const octets = Buffer.from(text, 'utf8');
  const strings: string[] = [];
  for (let start = 0; start < octets.length || strings.length === 0; start += MAX_TXT_STRING_OCTETS) {
    let quoted = '';
    for (const octet of octets.subarray(start, start + MAX_TXT_STRING_OCTETS)) {
      if (octet === 0x22 || octet === 0x5c) quoted += `\\${String.fromCharCode(octet)}`;
      else if (octet >= 0x20 && octet <= 0x7e) quoted += String.fromCharCode(octet);
      else quoted += `\\${octet.toString(escapeRadix).padStart(3, '0')}`;
    }
    strings.push(`"${quoted}"`);
  }
  return strings.join(' ');
}

/**
 * True for `"text"` with no `"` or `\` inside: one character-string whose text is its content as is. Most TXT data
 * read back is one (every registry entry), and a zone of 10,000 records holds 10,000 of them.
 */
export function isOnePlainQuotedString(data: string): boolean {
  return (
    data.length >= 2 && data.charCodeAt(0) === 0x22 && data.indexOf('"', 1) === data.length - 1 && !data.includes('\\')
  );
}
