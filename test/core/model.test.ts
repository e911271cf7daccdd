import { describe, expect, it } from 'vitest';
import {
  canonicalName,
  compareRecords,
  indexRecords,
  isWithinDomain,
  RecordKeyMap,
  recordKey,
  recordSet,
  sameRecord,
} from '../../functions/core/model.ts';

const DOMAIN = 'pr1jy6.us-east-2.aws.confluent.cloud';
const REGIONAL = 'vpce-0f3e9d2c1b4a56789-k3qz8w1v.vpce-svc-01234567890abcdef.us-east-2.vpce.amazonaws.com';

describe('record sets as the core compares them', () => {
  it('reads a CNAME as Route 53 returns it: trailing dots and capitals dropped from name and target', () => {
    expect(recordSet(`*.${DOMAIN.toUpperCase()}.`, 'CNAME', 60, [`${REGIONAL.toUpperCase()}.`])).toEqual({
      name: `*.${DOMAIN}`,
      type: 'CNAME',
      ttl: 60,
      values: [REGIONAL],
    });
  });

  it('sorts and de-duplicates A values but leaves TXT text as written', () => {
    expect(recordSet(`*.${DOMAIN}`, 'A', 60, ['10.20.1.6', '10.20.1.4', '10.20.1.6']).values).toEqual([
      '10.20.1.4',
      '10.20.1.6',
    ]);
    expect(recordSet(`_linkdns.${DOMAIN}`, 'TXT', 300, ['Owner=Team-A']).values).toEqual(['Owner=Team-A']);
  });

  it('sorts two values, takes values from any iterable, and keeps no reference to the array it was given', () => {
    // Prepare
    const values = ['10.20.1.6', '10.20.1.4'];

    // Act
    const record = recordSet(`*.${DOMAIN}`, 'A', 60, values);
    values.push('10.20.1.9');

    // Assess
    expect(record.values).toEqual(['10.20.1.4', '10.20.1.6']);
    expect(recordSet(`*.${DOMAIN}`, 'A', 60, new Set(['10.20.1.5'])).values).toEqual(['10.20.1.5']);
    expect(recordSet(`*.${DOMAIN}`, 'A', 60, []).values).toEqual([]);
    const one = ['10.20.1.7'];
    const single = recordSet(`*.${DOMAIN}`, 'A', 60, one);
    one[0] = '10.20.1.8';
    expect(single.values).toEqual(['10.20.1.7']);
  });

  it('trims a name pasted with spaces', () => {
    expect(canonicalName(`  ${DOMAIN}. `)).toBe(DOMAIN);
  });

  it('drops one trailing dot, the root label, and no other character', () => {
    expect(canonicalName(`${DOMAIN}..`)).toBe(`${DOMAIN}.`);
    expect(canonicalName(DOMAIN)).toBe(DOMAIN);
    expect(canonicalName('.')).toBe('');
  });

  it('sees a change of TTL, type, a value or the number of values', () => {
    // Prepare
    const a = recordSet(`*.${DOMAIN}`, 'A', 60, ['10.20.1.4', '10.20.1.5']);

    // Act / Assess
    expect(sameRecord(a, recordSet(`*.${DOMAIN}.`, 'A', 60, ['10.20.1.5', '10.20.1.4']))).toBe(true);
    expect(sameRecord(a, { ...a, ttl: 300 })).toBe(false);
    expect(sameRecord(a, { ...a, type: 'AAAA' })).toBe(false);
    expect(sameRecord(a, { ...a, name: `*.az1.${DOMAIN}` })).toBe(false);
    expect(sameRecord(a, { ...a, values: ['10.20.1.4'] })).toBe(false);
    expect(sameRecord(a, { ...a, values: ['10.20.1.4', '10.20.1.6'] })).toBe(false);
  });

  it('prints records by name, then type', () => {
    // Prepare
    const records = [
      { name: `*.use2-az1.${DOMAIN}`, type: 'CNAME' as const },
      { name: `*.${DOMAIN}`, type: 'TXT' as const },
      { name: `*.${DOMAIN}`, type: 'CNAME' as const },
    ];

    // Act / Assess
    expect([...records].sort(compareRecords).map(recordKey)).toEqual([
      `*.${DOMAIN} CNAME`,
      `*.${DOMAIN} TXT`,
      `*.use2-az1.${DOMAIN} CNAME`,
    ]);
  });

  it.each([
    ['the domain itself', DOMAIN, true],
    ['a name below it', `lkc-9v8q3m.${DOMAIN}`, true],
    ['a name below it, as written in a tag', `LKC.${DOMAIN}.`, true],
    ['a look-alike that only ends with the same text', `evil${DOMAIN}`, false],
    ['a parent domain', 'aws.confluent.cloud', false],
  ])('counts %s as within the domain: %s', (_name, name, within) => {
    expect(isWithinDomain(name, `${DOMAIN}.`)).toBe(within);
  });
});

describe('records by name and type', () => {
  const star = { name: `*.${DOMAIN}`, type: 'CNAME' as const };
  const starTxt = { name: `*.${DOMAIN}`, type: 'TXT' as const };
  const zonal = { name: `*.use2-az1.${DOMAIN}`, type: 'CNAME' as const };

  it('tells apart two types at one name and two names of one type', () => {
    // Act
    const index = new RecordKeyMap<string>().set(star, 'wildcard').set(zonal, 'zonal');

    // Assess
    expect(index.get({ ...star })).toBe('wildcard');
    expect(index.get(zonal)).toBe('zonal');
    expect(index.has(starTxt)).toBe(false);
    expect(index.get(starTxt)).toBeUndefined();
    expect(index.has({ name: `*.use2-az2.${DOMAIN}`, type: 'CNAME' })).toBe(false);
    expect(index.has({ name: DOMAIN, type: 'SOA' })).toBe(false);
  });

  it('keeps the later of two records with the same name and type, in the place of the first', () => {
    // Prepare
    const later = { ...star, note: 'later' };

    // Act
    const index = indexRecords([star, starTxt, zonal, later]);

    // Assess
    expect(index.get(star)).toBe(later);
    expect(index.values()).toEqual([later, zonal, starTxt]);
  });
});
