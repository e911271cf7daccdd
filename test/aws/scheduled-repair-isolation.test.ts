import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handleScheduledRepair } from '../../functions/aws/handlers/scheduled-repair.ts';
import { UNKNOWN_SCOPE } from '../../functions/core/reconcile.ts';
import { RetryableRunError } from '../../functions/invocation.ts';
import { IMMEDIATE_LIFECYCLE } from '../../local/aws/ec2.ts';
import {
  addNetwork,
  addSite,
  createRepairRuntime,
  type RepairHarness,
  type RepairRuntime,
  resetObservations,
  type Site,
  slackMessages,
  startRepairHarness,
  takeMetrics,
} from './scheduled-repair-harness.ts';

let harness: RepairHarness;
beforeEach(async () => {
  // A deleted endpoint must be gone at once here: "no endpoint points at it any more" is what one test is about.
  harness = await startRepairHarness(IMMEDIATE_LIFECYCLE);
});
afterEach(async () => {
  await harness.close();
});

/**
 * 50 zones: 10 Confluent networks reached from 5 VPCs each, converged by a first run, then every zone's regional
 * record tampered with. `broken` is the zone the faults target.
 */
async function fiftyTamperedZones(): Promise<{ sites: Site[]; broken: Site } & RepairRuntime> {
  const networks = Array.from({ length: 10 }, (_, index) =>
    addNetwork(harness, `n${index}x50.us-east-2.aws.confluent.cloud`),
  );
  const vpcs = Array.from({ length: 5 }, () => harness.aws.ec2.addVpcWithSubnets(['use2-az1', 'use2-az2', 'use2-az3']));
  const sites = vpcs.flatMap(({ vpcId, subnets }) =>
    networks.map((network) =>
      addSite(harness, network, { vpcId, subnetIds: subnets.map((subnet) => subnet.subnetId) }),
    ),
  );
  const setup = await createRepairRuntime(harness, networks);
  const first = await handleScheduledRepair({ id: 'converge' }, setup.runtime);
  expect(first.zones.filter((zone) => zone.outcome === 'changed')).toHaveLength(50);
  for (const site of sites) {
    harness.aws.route53.putRecordSet(site.zoneId, {
      name: `*.${site.domain}`,
      type: 'CNAME',
      ttl: 60,
      values: ['typo.example.com'],
    });
  }
  resetObservations(harness, setup.metrics);
  return { sites, broken: sites[23] as Site, ...setup };
}

function tamperedZones(sites: readonly Site[]): string[] {
  return sites
    .filter((site) =>
      harness.aws.route53.recordSet(site.zoneId, `*.${site.domain}`, 'CNAME')?.values?.includes('typo.example.com'),
    )
    .map((site) => site.zoneId);
}

/** Requests that name the zone in their path: its record reads and change batches. */
function ofZone(zoneId: string) {
  return (request: { path: string }) => request.path.includes(`/hostedzone/${zoneId}/`);
}

describe('scheduled repair with a broken zone', () => {
  it('repairs 49, reports the zone that refuses writes as failed, and sends one message', async () => {
    // Prepare
    const { sites, broken, ...setup } = await fiftyTamperedZones();
    harness.aws.faults.add({
      operation: 'ChangeResourceRecordSets',
      match: ofZone(broken.zoneId),
      code: 'AccessDenied',
      status: 403,
      message: `User is not authorized to perform route53:ChangeResourceRecordSets on hostedzone/${broken.zoneId}`,
    });

    // Act
    const report = await handleScheduledRepair({ id: 'run-2' }, setup.runtime);

    // Assess
    expect(report.zones.filter((zone) => zone.outcome === 'changed')).toHaveLength(49);
    expect(report.zones.filter((zone) => zone.outcome === 'failed')).toMatchObject([
      { zoneId: broken.zoneId, domain: broken.domain, error: { name: 'AccessDenied', retryable: false } },
    ]);
    expect(tamperedZones(sites)).toEqual([broken.zoneId]);
    // At most one change batch per zone, and no zone read more than once before its change plus once to verify.
    expect(harness.aws.requests.count('ChangeResourceRecordSets')).toBe(50);
    expect(harness.aws.requests.count('ListResourceRecordSets')).toBe(50 + 49);
    expect(harness.aws.requests.count('ListHostedZonesByVPC')).toBe(5);
    expect(takeMetrics(setup.metrics)).toMatchObject({
      ZonesChecked: 50,
      ZonesChanged: 49,
      DriftDetected: 49,
      RecordsRepaired: 49,
      ZonesFailed: 1,
      NotificationsSent: 1,
    });
    expect(slackMessages(harness)).toMatchObject([{ text: expect.stringMatching(/50 zones: .*1 failed/) }]);
  });

  it('repairs the 49 others when one zone cannot even be read, then asks for a retry', async () => {
    // Prepare
    const { sites, broken, ...setup } = await fiftyTamperedZones();
    harness.aws.faults.add({
      operation: 'ListResourceRecordSets',
      match: ofZone(broken.zoneId),
      code: 'InternalError',
    });

    // Act
    const outcome = await handleScheduledRepair({ id: 'run-2' }, setup.runtime).catch((error: unknown) => error);

    // Assess: the run went on, told on-call, and then failed the invocation so Lambda retries it.
    expect(outcome).toBeInstanceOf(RetryableRunError);
    expect((outcome as Error).message).toMatch(new RegExp(`1 zone\\(s\\) failed.*${broken.domain}`));
    expect(tamperedZones(sites)).toEqual([broken.zoneId]);
    expect(harness.aws.requests.count('ChangeResourceRecordSets')).toBe(49);
    expect(takeMetrics(setup.metrics)).toMatchObject({ ZonesChanged: 49, ZonesFailed: 1, NotificationsSent: 1 });
    expect(slackMessages(harness)).toHaveLength(1);
  });

  it('reports a zone it cannot read even when no endpoint points at it any more', async () => {
    // Prepare: the only way to this zone is its registry (its endpoint is gone), and the registry cannot be read.
    const network = addNetwork(harness, 'lost0x.us-east-2.aws.confluent.cloud');
    const [kept, lost] = [addSite(harness, network), addSite(harness, network)] as [Site, Site];
    const setup = await createRepairRuntime(harness, [network]);
    await handleScheduledRepair({ id: 'converge' }, setup.runtime);
    harness.aws.ec2.deleteEndpoints([lost.endpointId]);
    resetObservations(harness, setup.metrics);
    harness.aws.faults.add({
      operation: 'ListResourceRecordSets',
      match: ofZone(lost.zoneId),
      code: 'AccessDenied',
      status: 403,
    });

    // Act
    const report = await handleScheduledRepair({ id: 'run-2' }, setup.runtime);

    // Assess
    expect(report.zones).toMatchObject([
      { zoneId: kept.zoneId, outcome: 'unchanged' },
      { zoneId: lost.zoneId, scope: UNKNOWN_SCOPE, outcome: 'failed', error: { name: 'AccessDenied' } },
    ]);
    expect(harness.aws.requests.writes()).toEqual([]);
    expect(takeMetrics(setup.metrics)).toMatchObject({ ZonesChecked: 2, ZonesFailed: 1 });
    expect(slackMessages(harness)).toHaveLength(1);
  });
});
