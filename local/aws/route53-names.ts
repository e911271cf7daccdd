/**
 * DNS names as the Route 53 API spells them.
 *
 * "DNS domain name format" (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DomainNameFormat.html):
 * Route 53 stores letters as lowercase; names may contain printable ASCII characters, which callers may write as
 * characters or as `\` + three-digit octal escapes; and when a name contains characters other than a-z, 0-9, `-`
 * and `_`, the API returns those characters as octal escapes (`*` → `\052`). Names come back fully qualified, with a
 * trailing dot.
 *
 * The local server keeps names unescaped, lowercase and without the trailing dot, and formats them on the way out.
 */

/** Parses a name as a caller may send it (`*.Example.com`, `\052.example.com.`) into the stored form. */
export function parseDnsName(input: string): string {
  const bytes: number[] = [];
  for (let index = 0; index < input.length; index += 1) {
    const char = input[index] as string;
    if (char === '\\' && /^[0-7]{3}$/.test(input.slice(index + 1, index + 4))) {
      bytes.push(Number.parseInt(input.slice(index + 1, index + 4), 8));
      index += 3;
    } else if (char === '\\' && index + 1 < input.length) {
      bytes.push(...Buffer.from(input[index + 1] as string, 'utf8'));
      index += 1;
    } else {
      bytes.push(...Buffer.from(char, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('latin1').toLowerCase().replace(/\.$/, '');
}

/** Formats a stored name the way Route 53 returns it: octal escapes and a trailing dot. */
export function formatDnsName(name: string): string {
  let formatted = '';
  for (const byte of Buffer.from(name, 'latin1')) {
    const char = String.fromCharCode(byte);
    formatted += /[a-z0-9_.-]/.test(char) ? char : `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return `${formatted}.`;
}

/**
 * Sort key of `ListResourceRecordSets` and `ListHostedZonesByName`: labels reversed, with the trailing dot
 * (`www.example.com` → `com.example.www.`), compared as ASCII. The trailing dot is why `a-b` sorts before `a.b`.
 */
export function reversedLabelKey(name: string): string {
  return name === '' ? '.' : `${name.split('.').reverse().join('.')}.`;
}

export function compareAscii(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True when `name` is the zone apex or below it. */
export function isInZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}
