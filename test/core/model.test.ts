import { describe, expect, it } from 'vitest';
import {
  canonicalName,
  compareRecords,
  isWithinDomain,
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

  it('trims a name pasted with spaces', () => {
    expect(canonicalName(`  ${DOMAIN}. `)).toBe(DOMAIN);
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
