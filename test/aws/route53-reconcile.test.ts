import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Route53Zones } from '../../functions/aws/route53-zones.ts';
import { parseConfig } from '../../functions/core/config.ts';
import type { ObservedEndpoint } from '../../functions/core/model.ts';
import { reconcileDomain } from '../../functions/core/reconcile.ts';
import { InMemoryEndpoints } from '../support/in-memory-cloud.ts';
import { type LocalRoute53, startLocalRoute53 } from './route53-local.ts';

const DOMAIN = 'pr1jy6.us-east-2.aws.confluent.cloud';
const SERVICE = 'com.amazonaws.vpce.us-east-2.vpce-svc-0abc';
const VPC = 'vpc-0a1';
const TARGET = { domain: DOMAIN, scope: VPC };

function vpce(id: string, zones: readonly string[]): ObservedEndpoint {
  return {
    cloud: 'aws',
    id,
    state: 'available',
    scope: VPC,
    service: SERVICE,
    targetKind: 'name',
    regional: [`${id}-x.vpce-svc-0abc.us-east-2.vpce.amazonaws.com`],
    zonal: Object.fromEntries(
      zones.map((zone) => [zone, [`${id}-x-${zone}.vpce-svc-0abc.us-east-2.vpce.amazonaws.com`]]),
    ),
    tags: {},
  };
}

let local: LocalRoute53;
beforeEach(async () => {
  local = await startLocalRoute53();
});
afterEach(async () => {
  await local.close();
});

function setup(endpoints: readonly ObservedEndpoint[], options: { createZones?: boolean } = {}) {
  const config = parseConfig({
    owner: 'platform',
    mappings: [{ service: SERVICE, domain: DOMAIN }],
    zones: { create: options.createZones ?? false, extraNetworks: [] },
  });
  const source = new InMemoryEndpoints(endpoints);
  const dns = new Route53Zones(local.client, {
    region: 'us-east-2',
    owner: config.owner,
    retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 6 },
  });
  return { source, deps: { dns, endpoints: source, config, now: () => new Date() } };
}

function privateZone(): string {
  return local.state.createZone({ name: DOMAIN, vpcs: [{ id: VPC, region: 'us-east-2' }] }).id;
}

/** `name type` of every record set linkdns could own (SOA and NS left out), as Route 53 lists them. */
function listed(zoneId: string): string[] {
  return local.state
    .recordSets(zoneId)
    .filter((set) => set.type !== 'SOA' && set.type !== 'NS')
    .map((set) => `${set.name} ${set.type}`);
}

describe('reconcileDomain on the local Route 53', () => {
  it('writes 4 records and the registry for a 3-AZ endpoint in one batch, and nothing on the second run', async () => {
    // Prepare
    const zoneId = privateZone();
    const { deps } = setup([vpce('vpce-1', ['use2-az1', 'use2-az2', 'use2-az3'])]);

    // Act
    const first = await reconcileDomain(TARGET, deps);
    const firstCalls = local.aws.requests.byOperation();
    local.aws.requests.reset();
    const second = await reconcileDomain(TARGET, deps);

    // Assess
    expect(first).toMatchObject({ outcome: 'changed', zoneId, attempts: 1 });
    expect(listed(zoneId)).toEqual([
      `*.${DOMAIN} CNAME`,
      `_linkdns.${DOMAIN} TXT`,
      `*.use2-az1.${DOMAIN} CNAME`,
      `*.use2-az2.${DOMAIN} CNAME`,
      `*.use2-az3.${DOMAIN} CNAME`,
    ]);
    expect(local.state.recordSet(zoneId, `*.use2-az2.${DOMAIN}`, 'CNAME')?.values).toEqual([
      'vpce-1-x-use2-az2.vpce-svc-0abc.us-east-2.vpce.amazonaws.com',
    ]);
    // Lookup by VPC, read, one change batch, read back to verify.
    expect(firstCalls).toEqual({ ListHostedZonesByVPC: 1, ListResourceRecordSets: 2, ChangeResourceRecordSets: 1 });
    expect(second.outcome).toBe('unchanged');
    expect(local.aws.requests.byOperation()).toEqual({ ListHostedZonesByVPC: 1, ListResourceRecordSets: 1 });
    expect(local.aws.requests.writes()).toEqual([]);
  });

  it('removes only owned records when the endpoint is gone, leaving a foreign record untouched', async () => {
    // Prepare
    const zoneId = privateZone();
    local.state.putRecordSet(zoneId, { name: `kafka.${DOMAIN}`, type: 'A', ttl: 300, values: ['10.1.2.3'] });
    const { source, deps } = setup([vpce('vpce-1', ['use2-az1', 'use2-az2', 'use2-az3'])]);
    await reconcileDomain(TARGET, deps);
    source.endpoints.clear();
    local.aws.requests.reset();

    // Act
    const report = await reconcileDomain(TARGET, deps);

    // Assess
    expect(report.outcome).toBe('changed');
    expect(report.changes.delete).toHaveLength(5);
    expect(listed(zoneId)).toEqual([`kafka.${DOMAIN} A`]);
    expect(local.state.recordSet(zoneId, `kafka.${DOMAIN}`, 'A')).toMatchObject({ ttl: 300, values: ['10.1.2.3'] });
    expect(local.aws.requests.byOperation()).toEqual({
      ListHostedZonesByVPC: 1,
      ListResourceRecordSets: 2,
      ChangeResourceRecordSets: 1,
    });
  });

  it('follows subnet changes: an AZ removed and another added in one compare-and-swap batch', async () => {
    // Prepare
    const zoneId = privateZone();
    const { source, deps } = setup([vpce('vpce-1', ['use2-az1', 'use2-az2', 'use2-az3'])]);
    await reconcileDomain(TARGET, deps);
    source.endpoints.set('vpce-1', vpce('vpce-1', ['use2-az1', 'use2-az2', 'use2-az4']));
    local.aws.requests.reset();

    // Act
    const report = await reconcileDomain(TARGET, deps);

    // Assess
    expect(report.outcome).toBe('changed');
    expect(listed(zoneId)).toContain(`*.use2-az4.${DOMAIN} CNAME`);
    expect(listed(zoneId)).not.toContain(`*.use2-az3.${DOMAIN} CNAME`);
    expect(local.aws.requests.count('ChangeResourceRecordSets')).toBe(1);
  });

  it('re-reads and re-plans when another writer gets in between read and write', async () => {
    // Prepare: just before linkdns's first batch, someone hand-writes one of the records it is about to create.
    const zoneId = privateZone();
    const { deps } = setup([vpce('vpce-1', ['use2-az1', 'use2-az2'])]);
    let interfered = false;
    local.state.beforeChangeBatch = () => {
      if (interfered) return;
      interfered = true;
      local.state.putRecordSet(zoneId, {
        name: `*.use2-az1.${DOMAIN}`,
        type: 'CNAME',
        ttl: 60,
        values: ['somewhere-else.example.com'],
      });
    };

    // Act
    const report = await reconcileDomain(TARGET, deps);

    // Assess
    expect(report.attempts).toBe(2);
    expect(report.outcome).toBe('changed');
    expect(report.conflicts).toMatchObject([{ name: `*.use2-az1.${DOMAIN}`, type: 'CNAME' }]);
    expect(local.state.recordSet(zoneId, `*.use2-az1.${DOMAIN}`, 'CNAME')?.values).toEqual([
      'somewhere-else.example.com',
    ]);
    expect(listed(zoneId)).toContain(`*.use2-az2.${DOMAIN} CNAME`);
    expect(local.aws.requests.entries.map((entry) => `${entry.operation} ${entry.status}`)).toEqual([
      'ListHostedZonesByVPC 200',
      'ListResourceRecordSets 200',
      'ChangeResourceRecordSets 400',
      'ListResourceRecordSets 200',
      'ChangeResourceRecordSets 200',
      'ListResourceRecordSets 200',
    ]);
  });

  it('never touches a same-named public zone', async () => {
    // Prepare
    const publicId = local.state.createZone({ name: DOMAIN }).id;
    const before = local.state.recordSets(publicId);
    const zoneId = privateZone();
    const { deps } = setup([vpce('vpce-1', ['use2-az1'])]);

    // Act
    const report = await reconcileDomain(TARGET, deps);

    // Assess
    expect(report.zoneId).toBe(zoneId);
    expect(local.state.recordSets(publicId)).toEqual(before);
    expect(listed(zoneId)).toEqual([`*.${DOMAIN} CNAME`, `_linkdns.${DOMAIN} TXT`]);
  });

  it('succeeds through Throttling and PriorRequestNotComplete without losing a record', async () => {
    // Prepare
    const zoneId = privateZone();
    const { deps } = setup([vpce('vpce-1', ['use2-az1', 'use2-az2', 'use2-az3'])]);
    local.aws.faults.add({ operation: 'ListHostedZonesByVPC', code: 'Throttling', times: 1 });
    local.aws.faults.add({ operation: 'ChangeResourceRecordSets', code: 'PriorRequestNotComplete', times: 2 });

    // Act
    const report = await reconcileDomain(TARGET, deps);

    // Assess
    expect(report.outcome).toBe('changed');
    expect(listed(zoneId)).toHaveLength(5);
    expect(local.aws.requests.byOperation()).toEqual({
      ListHostedZonesByVPC: 2,
      ListResourceRecordSets: 2,
      ChangeResourceRecordSets: 3,
    });
  });

  it('creates the private zone when creation is opted in, then writes the records into it', async () => {
    // Prepare
    const { deps } = setup([vpce('vpce-1', ['use2-az1', 'use2-az2', 'use2-az3'])], { createZones: true });

    // Act
    const report = await reconcileDomain(TARGET, deps);

    // Assess
    const [zone] = local.state.zonesNamed(DOMAIN);
    expect(zone?.private).toBe(true);
    expect(zone?.tags.get('linkdns:created-by')).toBe('platform');
    expect(report).toMatchObject({ outcome: 'changed', zoneId: zone?.id });
    expect(listed(zone?.id ?? '')).toHaveLength(5);
    expect(local.aws.requests.byOperation()).toEqual({
      ListHostedZonesByVPC: 1,
      CreateHostedZone: 1,
      ChangeTagsForResource: 1,
      ListResourceRecordSets: 2,
      ChangeResourceRecordSets: 1,
    });
  });
});
