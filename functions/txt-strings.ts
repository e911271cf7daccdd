/** Longest character-string in a TXT record (RFC 1035 §3.3.14): one length octet. */
export const MAX_TXT_STRING_OCTETS = 255;

/**
 * TXT text in presentation form, as Route 53, Cloud DNS and zone files take it: quoted character-strings of at most
 * 255 octets (`"…255…" "…rest…"`), `"` and `\` escaped, every octet outside printable ASCII as `\` + three digits —
 * decimal per RFC 1035 §5.1, octal where Route 53 documents it. Empty text is one empty string `""`.
 */
export function quoteTxtStrings(text: string, escapeRadix: 8 | 10 = 10): string {
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
