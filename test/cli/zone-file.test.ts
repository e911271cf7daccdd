import { describe, expect, it } from 'vitest';
import { compareCanonically, formatZoneFile, quoteTxt } from '../../functions/cli/zone-file.ts';
import { InvalidInputError } from '../../functions/core/errors.ts';
import { type RecordSet, recordSet } from '../../functions/core/model.ts';

const ZONE = 'p8xo76.centralus.azure.confluent.cloud';
const AZURE_RECORDS: RecordSet[] = [
  recordSet(`*.az1.${ZONE}`, 'A', 60, ['10.20.1.4']),
  recordSet(`*.${ZONE}`, 'A', 60, ['10.20.1.4', '10.20.1.5']),
];

describe('formatZoneFile', () => {
  it('writes $ORIGIN, $TTL, a placeholder SOA and NS, then relative owners in canonical order', () => {
    // Act
    const zone = formatZoneFile(ZONE, AZURE_RECORDS);

    // Assess
    expect(zone.synthesised).toEqual(['NS', 'SOA']);
    expect(zone.text).toBe(
      [
        `; Zone ${ZONE}, written by linkdns export.`,
        `; SOA/NS synthesised: ns.${ZONE}. is a placeholder name server; replace it before serving.`,
        `$ORIGIN ${ZONE}.`,
        '$TTL 60',
        `@      60  IN  SOA  ns.${ZONE}. hostmaster.${ZONE}. 1 3600 600 604800 60`,
        `@      60  IN  NS   ns.${ZONE}.`,
        '*      60  IN  A    10.20.1.4',
        '*      60  IN  A    10.20.1.5',
        '*.az1  60  IN  A    10.20.1.4',
        '',
      ].join('\n'),
    );
  });

  it('writes the placeholder name server’s address only when asked (BIND needs it for an in-zone NS)', () => {
    // Act
    const withV4 = formatZoneFile(ZONE, AZURE_RECORDS, { nameserverAddress: '127.0.0.1' });
    const withV6 = formatZoneFile(ZONE, AZURE_RECORDS, { nameserverAddress: '::1' });
    const outOfZone = formatZoneFile(ZONE, AZURE_RECORDS, {
      nameserver: 'ns1.example.net',
      nameserverAddress: '1.2.3.4',
    });

    // Assess
    expect(withV4.text).toMatch(/^ns\s+60\s+IN\s+A\s+127\.0\.0\.1$/m);
    expect(withV4.synthesised).toEqual(['NS', 'SOA', 'A']);
    expect(withV6.text).toMatch(/^ns\s+60\s+IN\s+AAAA\s+::1$/m);
    expect(outOfZone.text).toMatch(/^@\s+60\s+IN\s+NS\s+ns1\.example\.net\.$/m);
    expect(outOfZone.text).toMatch(/IN\s+SOA\s+ns1\.example\.net\. hostmaster\./);
    expect(outOfZone.text).not.toContain('1.2.3.4');
  });

  it('keeps the SOA and NS the records hold, with their names made absolute, and adds no placeholder', () => {
    // Prepare
    const records = [
      recordSet(ZONE, 'SOA', 900, ['ns-1.awsdns-1.com hostmaster.amazon.com 1 7200 900 1209600 86400']),
      recordSet(ZONE, 'NS', 172800, ['ns-1.awsdns-1.com.', 'ns-2.awsdns-2.net']),
      ...AZURE_RECORDS,
    ];

    // Act
    const zone = formatZoneFile(ZONE, records, { nameserverAddress: '127.0.0.1' });

    // Assess
    expect(zone.synthesised).toEqual([]);
    expect(zone.text).not.toContain('placeholder');
    expect(zone.text.split('\n').slice(3, 6)).toEqual([
      '@         900  IN  SOA  ns-1.awsdns-1.com. hostmaster.amazon.com. 1 7200 900 1209600 86400',
      '@      172800  IN  NS   ns-1.awsdns-1.com.',
      '@      172800  IN  NS   ns-2.awsdns-2.net.',
    ]);
  });

  it('writes CNAME, MX and SRV targets fully qualified so the origin is not appended', () => {
    // Prepare
    const records = [
      recordSet(`*.${ZONE}`, 'CNAME', 60, ['VPCE-1.Example.COM.']),
      recordSet(`mail.${ZONE}`, 'MX', 60, ['10 mx.example.com']),
      recordSet(`_kafka._tcp.${ZONE}`, 'SRV', 60, ['0 5 9092 b0.example.com']),
    ];

    // Act
    const text = formatZoneFile(ZONE, records).text;

    // Assess
    expect(text).toMatch(/^\*\s+60\s+IN\s+CNAME\s+vpce-1\.example\.com\.$/m);
    expect(text).toMatch(/^mail\s+60\s+IN\s+MX\s+10 mx\.example\.com\.$/m);
    expect(text).toMatch(/^_kafka\._tcp\s+60\s+IN\s+SRV\s+0 5 9092 b0\.example\.com\.$/m);
  });

  it('escapes octets a master file would misread in owner names', () => {
    // Act
    const text = formatZoneFile(ZONE, [recordSet(`a b;c.${ZONE}`, 'A', 60, ['10.0.0.1'])]).text;

    // Assess
    expect(text).toMatch(/^a\\032b\\059c\s+60\s+IN\s+A\s+10\.0\.0\.1$/m);
  });

  it('sorts in DNS canonical order: apex, *, _linkdns, then each zonal subtree', () => {
    // Prepare
    const names = [`*.use2-az2.${ZONE}`, `_linkdns.${ZONE}`, `*.use2-az1.${ZONE}`, `*.${ZONE}`, ZONE];

    // Act
    const sorted = names.map((name) => ({ name, type: 'A' as const })).sort(compareCanonically);

    // Assess
    expect(sorted.map((record) => record.name)).toEqual([
      ZONE,
      `*.${ZONE}`,
      `_linkdns.${ZONE}`,
      `*.use2-az1.${ZONE}`,
      `*.use2-az2.${ZONE}`,
    ]);
  });

  it.each([
    [
      'a record outside the domain',
      [recordSet('lkc-1.example.com', 'A', 60, ['10.0.0.1'])],
      /outside .*lkc-1\.example\.com/,
    ],
    [
      'a CNAME beside other data',
      [recordSet(`*.${ZONE}`, 'CNAME', 60, ['a.example.com']), recordSet(`*.${ZONE}`, 'TXT', 60, ['x'])],
      /CNAME beside other data \(TXT\)/,
    ],
    ['a CNAME with two targets', [recordSet(`*.${ZONE}`, 'CNAME', 60, ['a.com', 'b.com'])], /2 targets/],
    ['a CNAME at the apex', [recordSet(ZONE, 'CNAME', 60, ['a.com'])], /CNAME beside other data \(SOA, NS\)/],
    [
      'an A value that is no IPv4 address',
      [recordSet(`*.${ZONE}`, 'A', 60, ['10.0.0.256', '::1'])],
      /10\.0\.0\.256, ::1/,
    ],
  ])('refuses %s with a named error', (_scenario, records, message) => {
    // Act
    const act = () => formatZoneFile(ZONE, records);

    // Assess
    expect(act).toThrow(InvalidInputError);
    expect(act).toThrow(message);
  });
});

describe('quoteTxt', () => {
  it.each([
    ['a plain value', 'heritage=linkdns,owner=prod', '"heritage=linkdns,owner=prod"'],
    ['quotes and backslashes', 'say "hi" \\o/', '"say \\"hi\\" \\\\o/"'],
    ['a semicolon and parentheses, which only matter outside quotes', 'a;(b)', '"a;(b)"'],
    ['non-ASCII and control octets as \\DDD', 'é\t', '"\\195\\169\\009"'],
    ['an empty value', '', '""'],
  ])('quotes %s', (_scenario, value, quoted) => {
    expect(quoteTxt(value)).toBe(quoted);
  });

  it('splits a value longer than 255 octets into several character-strings of one record', () => {
    // Prepare
    const value = `${'a'.repeat(255)}${'b'.repeat(255)}${'c'.repeat(90)}`;

    // Act
    const quoted = quoteTxt(value);

    // Assess
    expect(quoted).toBe(`"${'a'.repeat(255)}" "${'b'.repeat(255)}" "${'c'.repeat(90)}"`);
  });

  it('counts octets, not characters, when splitting', () => {
    // Act: 200 two-octet characters are 400 octets.
    const strings = quoteTxt('é'.repeat(200)).split('" "');

    // Assess
    expect(strings).toHaveLength(2);
    expect(strings[0]?.match(/\\\d{3}/g)).toHaveLength(255);
  });
});
