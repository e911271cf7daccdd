import { describe, expect, it } from 'vitest';
import { LayoutError } from '../../functions/core/errors.ts';
import { absoluteName, desiredRecords, REGIONAL_LAYOUT, ZONAL_LAYOUT } from '../../functions/core/layout.ts';
import type { ObservedEndpoint } from '../../functions/core/model.ts';

const DOMAIN = 'pr1jy6.us-east-2.aws.confluent.cloud';

function awsEndpoint(overrides: Partial<ObservedEndpoint> = {}): ObservedEndpoint {
  return {
    cloud: 'aws',
    id: 'vpce-0a1',
    state: 'available',
    scope: 'vpc-1',
    service: 'com.amazonaws.vpce.us-east-2.vpce-svc-0abc',
    targetKind: 'name',
    regional: ['vpce-0a1-x.vpce-svc-0abc.us-east-2.vpce.amazonaws.com'],
    zonal: {
      'use2-az1': ['vpce-0a1-x-us-east-2a.vpce-svc-0abc.us-east-2.vpce.amazonaws.com'],
      'use2-az3': ['vpce-0a1-x-us-east-2b.vpce-svc-0abc.us-east-2.vpce.amazonaws.com'],
    },
    tags: {},
    ...overrides,
  };
}

function ipEndpoint(id: string, zone: string | undefined, ip: string): ObservedEndpoint {
  return {
    cloud: 'azure',
    id,
    state: 'available',
    scope: 'vnet-1',
    service: 'alias',
    targetKind: 'ip',
    regional: [ip],
    zonal: zone ? { [zone]: [ip] } : {},
    tags: {},
  };
}

describe('desiredRecords', () => {
  it('writes a regional CNAME and one per AZ id for a multi-AZ endpoint', () => {
    const records = desiredRecords({ domain: DOMAIN, layout: ZONAL_LAYOUT, endpoints: [awsEndpoint()] });

    expect(records.map((record) => [record.name, record.type, record.ttl, record.values[0]])).toEqual([
      [`*.${DOMAIN}`, 'CNAME', 60, 'vpce-0a1-x.vpce-svc-0abc.us-east-2.vpce.amazonaws.com'],
      [`*.use2-az1.${DOMAIN}`, 'CNAME', 60, 'vpce-0a1-x-us-east-2a.vpce-svc-0abc.us-east-2.vpce.amazonaws.com'],
      [`*.use2-az3.${DOMAIN}`, 'CNAME', 60, 'vpce-0a1-x-us-east-2b.vpce-svc-0abc.us-east-2.vpce.amazonaws.com'],
    ]);
  });

  it('collapses a single-subnet AWS endpoint to one * record to its zonal name', () => {
    const single = awsEndpoint({
      zonal: { 'use2-az2': ['vpce-0a1-x-us-east-2c.vpce-svc-0abc.us-east-2.vpce.amazonaws.com'] },
    });

    const records = desiredRecords({ domain: DOMAIN, layout: ZONAL_LAYOUT, endpoints: [single] });

    expect(records).toEqual([
      {
        name: `*.${DOMAIN}`,
        type: 'CNAME',
        ttl: 60,
        values: ['vpce-0a1-x-us-east-2c.vpce-svc-0abc.us-east-2.vpce.amazonaws.com'],
      },
    ]);
  });

  it('writes only the regional record with the regional layout', () => {
    const records = desiredRecords({ domain: DOMAIN, layout: REGIONAL_LAYOUT, endpoints: [awsEndpoint()] });

    expect(records.map((record) => record.name)).toEqual([`*.${DOMAIN}`]);
  });

  it('merges every IP endpoint into * and gives each zone its own record', () => {
    const endpoints = [
      ipEndpoint('pe-3', 'az3', '10.0.0.6'),
      ipEndpoint('pe-1', 'az1', '10.0.0.4'),
      ipEndpoint('pe-2', 'az2', '10.0.0.5'),
    ];

    const records = desiredRecords({
      domain: 'p8xo76.centralus.azure.confluent.cloud',
      layout: ZONAL_LAYOUT,
      endpoints,
    });

    expect(records.map((record) => [record.name, record.type, record.values])).toEqual([
      ['*.az1.p8xo76.centralus.azure.confluent.cloud', 'A', ['10.0.0.4']],
      ['*.az2.p8xo76.centralus.azure.confluent.cloud', 'A', ['10.0.0.5']],
      ['*.az3.p8xo76.centralus.azure.confluent.cloud', 'A', ['10.0.0.6']],
      ['*.p8xo76.centralus.azure.confluent.cloud', 'A', ['10.0.0.4', '10.0.0.5', '10.0.0.6']],
    ]);
  });

  it('does not collapse a single-zone A layout (the rule is for CNAME targets)', () => {
    const records = desiredRecords({
      domain: 'x.example.com',
      layout: ZONAL_LAYOUT,
      endpoints: [ipEndpoint('pe-1', 'az1', '10.0.0.4')],
    });

    expect(records.map((record) => record.name)).toEqual(['*.az1.x.example.com', '*.x.example.com']);
  });

  it('ignores rejected, failed and deleted endpoints', () => {
    const endpoints = [
      ipEndpoint('pe-1', 'az1', '10.0.0.4'),
      { ...ipEndpoint('pe-2', 'az2', '10.0.0.5'), state: 'rejected' as const },
      { ...ipEndpoint('pe-3', 'az3', '10.0.0.6'), state: 'failed' as const },
      { ...ipEndpoint('pe-4', 'az3', '10.0.0.7'), state: 'deleted' as const },
    ];

    const records = desiredRecords({ domain: 'x.example.com', layout: ZONAL_LAYOUT, endpoints });

    expect(records.flatMap((record) => record.values)).toEqual(['10.0.0.4', '10.0.0.4']);
  });

  it('counts pendingAcceptance endpoints: their names exist before the provider accepts', () => {
    const records = desiredRecords({
      domain: DOMAIN,
      layout: ZONAL_LAYOUT,
      endpoints: [awsEndpoint({ state: 'pendingAcceptance' })],
    });

    expect(records).toHaveLength(3);
  });

  it('refuses two endpoints for one CNAME instead of picking one', () => {
    const endpoints = [awsEndpoint(), awsEndpoint({ id: 'vpce-0b2' })];

    expect(() => desiredRecords({ domain: DOMAIN, layout: ZONAL_LAYOUT, endpoints })).toThrow(LayoutError);
    expect(() => desiredRecords({ domain: DOMAIN, layout: ZONAL_LAYOUT, endpoints })).toThrow(/vpce-0a1, vpce-0b2/);
  });

  it('refuses a domain mapped to both a PrivateLink endpoint (names) and an Azure endpoint (IPs)', () => {
    // Prepare: one A endpoint first, so the record type cannot come from the first endpoint alone.
    const endpoints = [ipEndpoint('pe-1', 'az1', '10.20.1.4'), awsEndpoint()];

    // Act / Assess
    expect(() => desiredRecords({ domain: DOMAIN, layout: ZONAL_LAYOUT, endpoints })).toThrow(
      /mixes DNS-name and IP endpoints: pe-1, vpce-0a1/,
    );
  });

  it('expands a custom layout from data', () => {
    const layout = {
      name: 'access-point',
      records: [
        { name: '*.kafka', from: 'regional' as const },
        { name: 'bootstrap', from: 'zonal' as const },
      ],
    };

    const records = desiredRecords({ domain: DOMAIN, layout, endpoints: [awsEndpoint()], ttl: 30 });

    expect(records.map((record) => [record.name, record.ttl, record.values.length])).toEqual([
      [`*.kafka.${DOMAIN}`, 30, 1],
      [`bootstrap.${DOMAIN}`, 30, 2],
    ]);
  });

  it('writes no record for a fixed zonal name when the endpoints have no zones (an Azure attachment)', () => {
    // Prepare
    const layout = {
      name: 'with-bootstrap',
      records: [
        { name: '*', from: 'regional' as const },
        { name: 'bootstrap', from: 'zonal' as const },
      ],
    };

    // Act
    const records = desiredRecords({
      domain: DOMAIN,
      layout,
      endpoints: [ipEndpoint('pe-att', undefined, '10.30.2.4')],
    });

    // Assess
    expect(records.map((record) => record.name)).toEqual([`*.${DOMAIN}`]);
  });

  it('counts an endpoint in the pending state: its IPs exist before the provider accepts', () => {
    const pending = { ...ipEndpoint('pe-1', 'az1', '10.20.1.4'), state: 'pending' as const };

    expect(desiredRecords({ domain: DOMAIN, layout: REGIONAL_LAYOUT, endpoints: [pending] })).toHaveLength(1);
  });

  it.each([
    ['@', DOMAIN],
    ['', DOMAIN],
    ['*', `*.${DOMAIN}`],
  ])('places the relative name "%s" at %s', (relative, absolute) => {
    expect(absoluteName(relative, DOMAIN)).toBe(absolute);
  });

  it('wants no records when no endpoint contributes', () => {
    expect(desiredRecords({ domain: DOMAIN, layout: ZONAL_LAYOUT, endpoints: [] })).toEqual([]);
  });
});
