import { describe, expect, it } from 'vitest';
import { crossCheckZonalLabels, withMappedZone } from '../../functions/core/advertised-zones.ts';
import { parseConfig } from '../../functions/core/config.ts';
import type { ObservedEndpoint } from '../../functions/core/model.ts';
import { reconcileDomain } from '../../functions/core/reconcile.ts';
import { InMemoryDns, InMemoryEndpoints } from '../support/in-memory-cloud.ts';

const DOMAIN = 'p8xo76.centralus.azure.confluent.cloud';
const ALIAS = (n: number) => `s-nk99e-privatelink-${n}.guid.centralus.azure.privatelinkservice`;

function pe(id: string, n: number, ip: string): ObservedEndpoint {
  return {
    cloud: 'azure',
    id,
    state: 'available',
    scope: 'vnet-1',
    service: ALIAS(n),
    targetKind: 'ip',
    regional: [ip],
    // What the alias suffix suggests; a mapping zone must win over it.
    zonal: { [`az${n}`]: [ip] },
    tags: {},
  };
}

function deps(mappings: Record<string, unknown>[], endpoints: ObservedEndpoint[]) {
  const dns = new InMemoryDns();
  dns.addZone('Z1', DOMAIN, ['vnet-1']);
  const config = parseConfig({ owner: 'platform', mappings });
  return { dns, deps: { dns, endpoints: new InMemoryEndpoints(endpoints), config, now: () => new Date(0) } };
}

describe('mapping zones', () => {
  it('give an IP endpoint the zone of its service, whatever the alias suggests', () => {
    expect(withMappedZone(pe('pe-1', 1, '10.0.0.4'), 'zone-7').zonal).toEqual({ 'zone-7': ['10.0.0.4'] });
  });

  it('leave name-reached (AWS) endpoints alone: their zones are their AZ ids', () => {
    const vpce = { ...pe('vpce-1', 1, 'x'), targetKind: 'name' as const };
    expect(withMappedZone(vpce, 'az9')).toBe(vpce);
  });
});

describe('crossCheckZonalLabels', () => {
  const advertised = ['az1', 'az2', 'az3'];
  const records = (labels: string[]) => [
    { name: `*.${DOMAIN}`, type: 'A' as const, ttl: 60, values: ['10.0.0.4'] },
    ...labels.map((label) => ({ name: `*.${label}.${DOMAIN}`, type: 'A' as const, ttl: 60, values: ['10.0.0.4'] })),
  ];

  it.each([
    ['exactly the advertised zones', ['az1', 'az2', 'az3'], []],
    ['a zone not advertised', ['az1', 'az2', 'az3', 'az4'], ['*.az4 not advertised']],
    ['an advertised zone missing', ['az1', 'az2'], ['*.az3 missing']],
  ])('%s', (_name, labels, expected) => {
    const conflicts = crossCheckZonalLabels(DOMAIN, records(labels), [], advertised);
    expect(
      conflicts.map(
        (c) =>
          `${c.name.replace(`.${DOMAIN}`, '')} ${/not one the provider advertises/.test(c.reason) ? 'not advertised' : 'missing'}`,
      ),
    ).toEqual(expected);
  });

  it('is silent without advertised zones or records', () => {
    expect(crossCheckZonalLabels(DOMAIN, records(['az9']), [], undefined)).toEqual([]);
    expect(crossCheckZonalLabels(DOMAIN, [], [], advertised)).toEqual([]);
  });
});

describe('reconcileDomain with discovered zone facts', () => {
  it('writes the mapping zones and reports labels Confluent does not advertise as conflicts', async () => {
    const endpoints = [pe('pe-1', 1, '10.0.0.4'), pe('pe-2', 2, '10.0.0.5')];
    const { dns, deps: d } = deps(
      [
        { service: ALIAS(1), domain: DOMAIN, zone: 'az1', advertisedZones: ['az1', 'az2', 'az3'] },
        { service: ALIAS(2), domain: DOMAIN, zone: 'zone-b', advertisedZones: ['az1', 'az2', 'az3'] },
      ],
      endpoints,
    );
    const report = await reconcileDomain({ domain: DOMAIN, scope: 'vnet-1' }, d);

    expect(report.outcome).toBe('changed');
    expect(dns.records('Z1').map((r) => r.name)).toContain(`*.zone-b.${DOMAIN}`);
    expect(report.conflicts.map((c) => c.name)).toEqual([`*.zone-b.${DOMAIN}`, `*.az2.${DOMAIN}`, `*.az3.${DOMAIN}`]);

    const again = await reconcileDomain({ domain: DOMAIN, scope: 'vnet-1' }, d);
    expect([again.outcome, again.conflicts.length]).toEqual(['conflict', 3]);
  });
});
