import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/core/config.ts';
import { type ObservedEndpoint, recordSet } from '../../functions/core/model.ts';
import { reconcileDomain, repairAll, targetsForEndpoints } from '../../functions/core/reconcile.ts';
import { InMemoryDns, InMemoryEndpoints } from '../support/in-memory-cloud.ts';

const DOMAIN = 'pr1jy6.us-east-2.aws.confluent.cloud';
const SERVICE = 'com.amazonaws.vpce.us-east-2.vpce-svc-0abc';
const config = parseConfig({ owner: 'platform', mappings: [{ service: SERVICE, domain: DOMAIN }] });

function vpce(id: string, zones: string[], overrides: Partial<ObservedEndpoint> = {}): ObservedEndpoint {
  return {
    cloud: 'aws',
    id,
    state: 'available',
    scope: 'vpc-1',
    service: SERVICE,
    targetKind: 'name',
    regional: [`${id}-x.vpce-svc-0abc.us-east-2.vpce.amazonaws.com`],
    zonal: Object.fromEntries(
      zones.map((zone) => [zone, [`${id}-x-${zone}.vpce-svc-0abc.us-east-2.vpce.amazonaws.com`]]),
    ),
    tags: {},
    ...overrides,
  };
}

function setup(endpoints: ObservedEndpoint[]) {
  const dns = new InMemoryDns();
  dns.addZone('Z1', DOMAIN, ['vpc-1']);
  const source = new InMemoryEndpoints(endpoints);
  return { dns, source, deps: { dns, endpoints: source, config, now: () => new Date('2026-11-26T12:00:00Z') } };
}

describe('reconcileDomain', () => {
  it('writes the records and registry, then is a no-op', async () => {
    const { dns, deps } = setup([vpce('vpce-1', ['use2-az1', 'use2-az2', 'use2-az3'])]);

    const first = await reconcileDomain({ domain: DOMAIN, scope: 'vpc-1' }, deps);
    const second = await reconcileDomain({ domain: DOMAIN, scope: 'vpc-1' }, deps);

    expect(first.outcome).toBe('changed');
    expect(first.changes.create).toHaveLength(5);
    expect(dns.records('Z1')).toHaveLength(5);
    expect(second.outcome).toBe('unchanged');
    expect(dns.applied).toHaveLength(1);
  });

  it('re-reads and re-plans when another writer changes the zone between read and write', async () => {
    const { dns, deps } = setup([vpce('vpce-1', ['use2-az1', 'use2-az2'])]);
    const sneaky = recordSet(`*.${DOMAIN}`, 'CNAME', 60, ['somewhere-else.example.com']);
    dns.beforeNextApply = () => dns.addZone('Z1', DOMAIN, ['vpc-1'], [sneaky]);

    const report = await reconcileDomain({ domain: DOMAIN, scope: 'vpc-1' }, deps);

    expect(report.attempts).toBe(2);
    expect(report.outcome).toBe('changed');
    expect(report.conflicts).toMatchObject([{ name: `*.${DOMAIN}` }]);
    expect(dns.records('Z1')).toContainEqual(sneaky);
    expect(dns.records('Z1').map((record) => record.name)).toContain(`*.use2-az1.${DOMAIN}`);
  });

  it('reports a missing zone as a failure naming the opt-in, and changes nothing', async () => {
    const { dns, deps } = setup([vpce('vpce-1', ['use2-az1'])]);
    dns.zones.clear();

    const report = await reconcileDomain({ domain: DOMAIN, scope: 'vpc-1' }, deps);

    expect(report.outcome).toBe('failed');
    expect(report.error?.message).toMatch(/zones\.create/);
    expect(dns.applied).toEqual([]);
  });

  it('shows in a dry run what it would write into a zone it may create, instead of failing for want of it', async () => {
    const { dns, source } = setup([vpce('vpce-1', ['use2-az1', 'use2-az2'])]);
    dns.zones.clear();
    const creating = parseConfig({
      owner: 'platform',
      mappings: [{ service: SERVICE, domain: DOMAIN }],
      zones: { create: true },
    });
    const deps = { dns, endpoints: source, config: creating, now: () => new Date('2026-11-26T12:00:00Z') };

    const planned = await reconcileDomain({ domain: DOMAIN, scope: 'vpc-1' }, deps, { dryRun: true });
    const withoutOptIn = await reconcileDomain(
      { domain: DOMAIN, scope: 'vpc-1' },
      { ...deps, config },
      { dryRun: true },
    );

    expect(planned).toMatchObject({ outcome: 'drift', endpoints: ['vpce-1'] });
    expect(planned.zoneId).toBeUndefined();
    expect(planned.changes.create.map((record) => record.name).sort()).toEqual(
      [`*.${DOMAIN}`, `*.use2-az1.${DOMAIN}`, `*.use2-az2.${DOMAIN}`, `_linkdns.${DOMAIN}`].sort(),
    );
    expect(withoutOptIn).toMatchObject({ outcome: 'failed', error: { name: 'ZoneNotFoundError' } });
    expect(dns.zones.size).toBe(0);
    expect(dns.applied).toEqual([]);
  });

  it('plans without applying in a dry run', async () => {
    const { dns, deps } = setup([vpce('vpce-1', ['use2-az1', 'use2-az2'])]);

    const report = await reconcileDomain({ domain: DOMAIN, scope: 'vpc-1' }, deps, { dryRun: true });

    expect(report.outcome).toBe('drift');
    expect(report.changes.create.length).toBeGreaterThan(0);
    expect(dns.applied).toEqual([]);
  });

  it('leaves records alone and fails the zone when two endpoints compete for one CNAME', async () => {
    const { dns, deps } = setup([vpce('vpce-1', ['use2-az1']), vpce('vpce-2', ['use2-az1'])]);

    const report = await reconcileDomain({ domain: DOMAIN, scope: 'vpc-1' }, deps);

    expect(report.outcome).toBe('failed');
    expect(report.error?.name).toBe('LayoutError');
    expect(dns.applied).toEqual([]);
  });
});

describe('targetsForEndpoints', () => {
  it('finds the domain of a vanished endpoint through the ownership registry', async () => {
    const { source, deps } = setup([vpce('vpce-1', ['use2-az1', 'use2-az2'])]);
    await reconcileDomain({ domain: DOMAIN, scope: 'vpc-1' }, deps);
    source.endpoints.delete('vpce-1');

    const targets = await targetsForEndpoints(['vpce-1'], deps);

    expect(targets).toEqual([{ domain: DOMAIN, scope: 'vpc-1' }]);
  });

  it('ignores endpoints no mapping manages', async () => {
    const { deps } = setup([vpce('vpce-9', ['use2-az1'], { service: 'com.amazonaws.us-east-2.s3' })]);

    expect(await targetsForEndpoints(['vpce-9'], deps)).toEqual([]);
  });
});

describe('repairAll', () => {
  it('cleans up records of an endpoint that vanished without an event', async () => {
    const { dns, source, deps } = setup([vpce('vpce-1', ['use2-az1', 'use2-az2'])]);
    await reconcileDomain({ domain: DOMAIN, scope: 'vpc-1' }, deps);
    source.endpoints.clear();

    const report = await repairAll({ kind: 'schedule', id: 'run-1', description: 'test' }, deps);

    expect(report.zones).toMatchObject([{ domain: DOMAIN, outcome: 'changed' }]);
    expect(dns.records('Z1')).toEqual([]);
  });
});

describe('the clock', () => {
  it('stamps a run with the injected clock, never its own', async () => {
    const { deps } = setup([vpce('vpce-1', ['use2-az1'])]);

    const report = await repairAll({ kind: 'schedule', id: 'run-2', description: 'test' }, deps);

    expect(report.startedAt).toBe('2026-11-26T12:00:00.000Z');
    expect(report.finishedAt).toBe('2026-11-26T12:00:00.000Z');
  });
});
