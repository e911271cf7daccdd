import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handleScheduledRepair } from '../../functions/aws/handlers/scheduled-repair.ts';
import { toRoute53RecordSet } from '../../functions/aws/route53-records.ts';
import { recordSet } from '../../functions/core/model.ts';
import { registryName } from '../../functions/core/registry.ts';
import {
  AZS,
  addNetwork,
  addSite,
  createRepairRuntime,
  type Network,
  observedEndpoint,
  type RepairHarness,
  type RepairRuntime,
  resetObservations,
  type Site,
  seedOwnedRecords,
  slackMessages,
  startRepairHarness,
  takeMetrics,
  zoneRecords,
} from './scheduled-repair-harness.ts';

/**
 * Issue 12, findings 4, 5 and 8 on the local AWS, through the scheduled-repair Lambda handler with the real SDK
 * clients: a forged registry deletes nothing, a stale run does not revert a newer one, and a write committed but
 * answered as failed is reported as changed.
 */

const DOMAIN = 'pr1jy6.us-east-2.aws.confluent.cloud';

let harness: RepairHarness;
beforeEach(async () => {
  harness = await startRepairHarness();
});
afterEach(async () => {
  await harness.close();
});

/** A site whose endpoint is in the given AZs (of the VPC's three subnets), converged by a first scheduled run. */
async function convergedSite(
  azs: readonly string[] = AZS,
): Promise<{ site: Site; network: Network; subnets: Map<string, string> } & RepairRuntime> {
  const network = addNetwork(harness, DOMAIN);
  const vpc = harness.aws.ec2.addVpcWithSubnets([...AZS]);
  const subnets = new Map(vpc.subnets.map((subnet) => [subnetAzId(subnet.subnetId), subnet.subnetId]));
  const site = addSite(harness, network, {
    vpcId: vpc.vpcId,
    subnetIds: azs.map((az) => subnets.get(az) ?? ''),
  });
  const setup = await createRepairRuntime(harness, [network]);
  const first = await handleScheduledRepair({ id: 'converge' }, setup.runtime);
  expect(first.zones).toMatchObject([{ zoneId: site.zoneId, outcome: 'changed' }]);
  resetObservations(harness, setup.metrics);
  return { site, network, subnets, ...setup };
}

function subnetAzId(subnetId: string): string {
  const subnet = harness.aws.ec2.subnet(subnetId);
  const zone = harness.aws.ec2.availabilityZones.find((candidate) => candidate.name === subnet?.availabilityZone);
  return zone?.id ?? '';
}

describe('finding 4: a forged registry makes linkdns delete nothing it never wrote', () => {
  it('ignores and reports registry entries no layout produces (A:@, MX:mail, CNAME:*.legacy), deleting none', async () => {
    // Prepare: records someone else keeps, and a registry rewritten to claim them under linkdns's owner.
    const { site, ...setup } = await convergedSite();
    const theirs = [
      recordSet(DOMAIN, 'A', 300, ['10.9.9.9']),
      recordSet(`mail.${DOMAIN}`, 'MX', 300, ['10 mx.example.com']),
      recordSet(`*.legacy.${DOMAIN}`, 'CNAME', 300, ['legacy.example.com']),
    ];
    for (const record of theirs) putRecord(site.zoneId, record);
    const registry = harness.aws.route53.recordSet(site.zoneId, registryName(DOMAIN), 'TXT');
    harness.aws.route53.putRecordSet(site.zoneId, {
      name: registryName(DOMAIN),
      type: 'TXT',
      ttl: 300,
      values: [...(registry?.values ?? []), '"record=A:@"', '"record=MX:mail"', '"record=CNAME:*.legacy"'],
    });

    // Act
    const report = await handleScheduledRepair({ id: 'forged' }, setup.runtime);

    // Assess: the three records are still there; the forged entries are reported, and dropped from the registry.
    const records = zoneRecords(harness, site.zoneId);
    expect(records[`${DOMAIN} A`]).toEqual(['10.9.9.9']);
    expect(records[`mail.${DOMAIN} MX`]).toEqual(['10 mx.example.com']);
    expect(records[`*.legacy.${DOMAIN} CNAME`]).toEqual(['legacy.example.com']);
    const [zone] = report.zones;
    expect(zone?.changes.delete).toEqual([]);
    expect(zone?.conflicts.map((conflict) => `${conflict.type} ${conflict.name}`).sort()).toEqual([
      `A ${DOMAIN}`,
      `CNAME *.legacy.${DOMAIN}`,
      `MX mail.${DOMAIN}`,
    ]);
    expect(zone?.conflicts[0]?.reason).toMatch(/no configured layout produces it/);
    const after = harness.aws.route53.recordSet(site.zoneId, registryName(DOMAIN), 'TXT')?.values ?? [];
    expect(after.join(' ')).not.toMatch(/legacy|MX:|A:@/);
  });
});

describe('finding 5: after a compare-and-swap conflict the plan is made again from a fresh endpoint listing', () => {
  it('a scheduled repair that listed endpoints earlier does not delete a freshly written *.use2-az3', async () => {
    // Prepare: the endpoint serves az1 and az2; someone deletes *.use2-az1, so the repair has something to write.
    const { site, subnets, ...setup } = await convergedSite(['use2-az1', 'use2-az2']);
    harness.aws.route53.removeRecordSet(site.zoneId, `*.use2-az1.${DOMAIN}`, 'CNAME');
    // Between the repair's listing and its change batch, the endpoint gains az3 and the endpoint event's run writes
    // the records for it (the registry changes, so the repair's compare-and-swap batch fails).
    let raced = false;
    harness.aws.route53.beforeChangeBatch = () => {
      if (raced) return;
      raced = true;
      harness.aws.ec2.modifyEndpoint(site.endpointId, { addSubnetIds: [subnets.get('use2-az3') ?? ''] });
      seedOwnedRecords(harness, site.zoneId, DOMAIN, site.vpcId, [observedEndpoint(harness, site.endpointId)]);
    };

    // Act
    const report = await handleScheduledRepair({ id: 'stale' }, setup.runtime);

    // Assess: *.use2-az3 survives and the zone serves all three AZs.
    expect(raced).toBe(true);
    const records = zoneRecords(harness, site.zoneId);
    expect(
      Object.keys(records)
        .filter((key) => key.includes('use2-az'))
        .sort(),
    ).toEqual([`*.use2-az1.${DOMAIN} CNAME`, `*.use2-az2.${DOMAIN} CNAME`, `*.use2-az3.${DOMAIN} CNAME`]);
    expect(report.zones).toMatchObject([{ zoneId: site.zoneId, attempts: 2 }]);
    expect(report.zones[0]?.changes.delete ?? []).toEqual([]);
    // One listing for the run, one more after the conflict.
    expect(harness.aws.requests.count('DescribeVpcEndpoints')).toBe(2);
  });
});

describe('finding 8: a write applied but answered as failed is reported as changed', () => {
  it.each([
    ['a connection reset after the commit', { code: 'RequestTimeout', reset: true }],
    ['a 500 after the commit', { code: 'InternalError', status: 500 }],
  ])('finds the write applied on re-read after %s: changed, notified, counted', async (_what, fault) => {
    // Prepare: the regional record is tampered with; the repair's batch commits, then the answer is lost.
    const { site, ...setup } = await convergedSite();
    const wanted = harness.aws.route53.recordSet(site.zoneId, `*.${DOMAIN}`, 'CNAME')?.values;
    harness.aws.route53.putRecordSet(site.zoneId, {
      name: `*.${DOMAIN}`,
      type: 'CNAME',
      ttl: 60,
      values: ['typo.example.com'],
    });
    harness.aws.faults.add({ operation: 'ChangeResourceRecordSets', afterCommit: true, times: 1, ...fault });

    // Act
    const report = await handleScheduledRepair({ id: `uncertain-${fault.code}` }, setup.runtime);

    // Assess
    expect(harness.aws.route53.recordSet(site.zoneId, `*.${DOMAIN}`, 'CNAME')?.values).toEqual(wanted);
    expect(report.zones).toMatchObject([{ zoneId: site.zoneId, outcome: 'changed' }]);
    expect(report.zones[0]?.changes.update.map((change) => change.new.name)).toContain(`*.${DOMAIN}`);
    expect(takeMetrics(setup.metrics)).toMatchObject({ ZonesChanged: 1, RecordsRepaired: 1 });
    expect(slackMessages(harness)).toHaveLength(1);
  });
});

function putRecord(zoneId: string, record: ReturnType<typeof recordSet>): void {
  const wire = toRoute53RecordSet(record);
  harness.aws.route53.putRecordSet(zoneId, {
    name: wire.Name ?? record.name,
    type: record.type,
    ttl: record.ttl,
    values: (wire.ResourceRecords ?? []).map((value) => value.Value ?? ''),
  });
}
