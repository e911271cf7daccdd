import { describe, expect, it } from 'vitest';
import { type LinkdnsConfig, layoutByName, parseConfig } from '../../functions/core/config.ts';
import { desiredRecords } from '../../functions/core/layout.ts';
import type { ObservedEndpoint } from '../../functions/core/model.ts';
import { registryName } from '../../functions/core/registry.ts';
import { managedRecordNamePatterns, normalizedRecordName } from '../../infra/lib/record-name-conditions.ts';
import { stringLike } from '../support/iam-string-like.ts';

const DOMAIN = 'pr1jy6.us-east-2.aws.confluent.cloud';

/** What `ForAllValues:StringLike` decides for one record name of a change batch. */
function allowed(patterns: readonly string[], recordName: string): boolean {
  return patterns.some((pattern) => stringLike(pattern, normalizedRecordName(recordName)));
}

function awsEndpoint(zones: readonly string[]): ObservedEndpoint {
  return {
    cloud: 'aws',
    id: 'vpce-0a1b2c3d4e5f60718',
    state: 'available',
    scope: 'vpc-0123456789abcdef0',
    service: 'com.amazonaws.vpce.us-east-2.vpce-svc-0123456789abcdef0',
    targetKind: 'name',
    regional: ['vpce-0a1b2c3d4e5f60718-abcdefgh.vpce-svc-0123456789abcdef0.us-east-2.vpce.amazonaws.com'],
    zonal: Object.fromEntries(
      zones.map((zone) => [
        zone,
        [`vpce-0a1b2c3d4e5f60718-abcdefgh-${zone}.vpce-svc-0123456789abcdef0.us-east-2.vpce.amazonaws.com`],
      ]),
    ),
    tags: {},
  };
}

function recordNamesOf(config: LinkdnsConfig, domain: string, layoutName: string, zones: readonly string[]): string[] {
  const layout = layoutByName(config, layoutName);
  if (!layout) throw new Error(`no layout ${layoutName}`);
  return [
    ...desiredRecords({ domain, layout, endpoints: [awsEndpoint(zones)] }).map((record) => record.name),
    registryName(domain),
  ];
}

describe('normalizedRecordName', () => {
  it.each([
    ['writes the wildcard label as \\052', `*.${DOMAIN}`, `\\052.${DOMAIN}`],
    ['lowercases and drops the trailing dot', '*.USE2-AZ1.Example.COM.', '\\052.use2-az1.example.com'],
    ['keeps hyphens, underscores and digits', '_linkdns.a-1.example.com', '_linkdns.a-1.example.com'],
    ['escapes any other character as three octal digits', 'a@b.example.com', 'a\\100b.example.com'],
  ])('%s', (_scenario, name, expected) => {
    // Prepare: the name as written
    // Act
    const normalized = normalizedRecordName(name);
    // Assess
    expect(normalized).toBe(expected);
  });
});

describe('managedRecordNamePatterns', () => {
  it('limits a mapped domain with the built-in layouts to its wildcards and its registry', () => {
    // Prepare
    const config = parseConfig({ owner: 'team', mappings: [{ service: 'com.amazonaws.vpce.*', domain: DOMAIN }] });
    // Act
    const patterns = managedRecordNamePatterns(config);
    // Assess
    expect(patterns).toEqual([`\\052.*.${DOMAIN}`, `\\052.${DOMAIN}`, `_linkdns.${DOMAIN}`]);
  });

  it('allows every record the core computes for a multi-AZ, a single-AZ and a regional endpoint', () => {
    // Prepare
    const config = parseConfig({
      owner: 'team',
      mappings: [
        { service: 'com.amazonaws.vpce.us-east-2.vpce-svc-0123456789abcdef0', domain: DOMAIN, layout: 'zonal' },
        {
          service: 'com.amazonaws.vpce.us-east-1.*',
          domain: 'us-east-1.aws.private.confluent.cloud',
          layout: 'regional',
        },
      ],
    });
    const patterns = managedRecordNamePatterns(config);
    const names = [
      ...recordNamesOf(config, DOMAIN, 'zonal', ['use2-az1', 'use2-az2', 'use2-az3']),
      ...recordNamesOf(config, DOMAIN, 'zonal', ['use2-az2']),
      ...recordNamesOf(config, 'us-east-1.aws.private.confluent.cloud', 'regional', ['use1-az1']),
    ];
    // Act
    const refused = names.filter((name) => !allowed(patterns, name));
    // Assess
    expect(names.length).toBeGreaterThan(8);
    expect(refused).toEqual([]);
  });

  it.each([
    ['the zone apex', DOMAIN],
    ['a plain name in the zone', `www.${DOMAIN}`],
    ['a wildcard in another domain', '*.example.com'],
    ['a domain that merely ends like a managed one', `*.x${DOMAIN}`],
    ['a registry of another domain', '_linkdns.example.com'],
  ])('refuses %s', (_scenario, name) => {
    // Prepare
    const config = parseConfig({ owner: 'team', mappings: [{ service: 'com.amazonaws.vpce.*', domain: DOMAIN }] });
    // Act
    const isAllowed = allowed(managedRecordNamePatterns(config), name);
    // Assess
    expect(isAllowed).toBe(false);
  });

  it('lets tags name a domain below an allowed domain, and nothing outside it', () => {
    // Prepare
    const config = parseConfig({ owner: 'team', allowedDomains: ['aws.private.confluent.cloud'] });
    const patterns = managedRecordNamePatterns(config);
    // Act
    const tagged = recordNamesOf(config, 'us-east-1.aws.private.confluent.cloud', 'zonal', ['use1-az1', 'use1-az2']);
    // Assess
    expect(tagged.filter((name) => !allowed(patterns, name))).toEqual([]);
    expect(allowed(patterns, '*.aws.confluent.cloud')).toBe(false);
    expect(allowed(patterns, 'api.us-east-1.aws.private.confluent.cloud')).toBe(false);
  });

  it('drops patterns another pattern already covers', () => {
    // Prepare
    const config = parseConfig({ owner: 'team', allowedDomains: ['aws.private.confluent.cloud'] });
    // Act
    const patterns = managedRecordNamePatterns(config);
    // Assess
    expect(patterns).toEqual(['\\052.*.aws.private.confluent.cloud', '_linkdns.*.aws.private.confluent.cloud']);
  });

  it.each([
    ['a wildcard at the allowlisted domain itself', '*.aws.private.confluent.cloud'],
    ['a registry at the allowlisted domain itself', '_linkdns.aws.private.confluent.cloud'],
    ['a wildcard at a parent of the allowlisted domain', '*.private.confluent.cloud'],
  ])('refuses %s: tags only name domains strictly below an allowlist entry', (_scenario, name) => {
    // Prepare
    const config = parseConfig({ owner: 'team', allowedDomains: ['aws.private.confluent.cloud'] });
    // Act
    const isAllowed = allowed(managedRecordNamePatterns(config), name);
    // Assess
    expect(isAllowed).toBe(false);
  });

  it('derives patterns from custom layouts: {zone} becomes the IAM wildcard, @ the apex, fixed names stay', () => {
    // Prepare
    const config = parseConfig({
      owner: 'team',
      layouts: {
        brokers: {
          records: [
            { name: '@', from: 'regional' },
            { name: 'kafka', from: 'regional' },
            { name: 'b-*.{zone}', from: 'zonal' },
          ],
        },
      },
      mappings: [{ service: 'svc', domain: 'example.internal', layout: 'brokers' }],
    });
    // Act
    const patterns = managedRecordNamePatterns(config);
    // Assess
    expect(patterns).toEqual(
      expect.arrayContaining(['example.internal', 'kafka.example.internal', 'b-\\052.*.example.internal']),
    );
    expect(allowed(patterns, 'b-*.use1-az1.example.internal')).toBe(true);
    expect(allowed(patterns, 'other.example.internal')).toBe(false);
  });
});
