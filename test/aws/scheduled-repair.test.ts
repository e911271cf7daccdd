import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import schedule from '../../events/aws/scheduled-repair.json' with { type: 'json' };
import { handleScheduledRepair } from '../../functions/aws/handlers/scheduled-repair.ts';
import { CREATED_BY_TAG } from '../../functions/aws/route53-zones.ts';
import {
  addNetwork,
  addSite,
  createRepairRuntime,
  type Network,
  OWNER,
  observedEndpoint,
  type RepairHarness,
  type RepairRuntime,
  type RuntimeOptions,
  resetObservations,
  type Site,
  seedOwnedRecords,
  slackMessages,
  startRepairHarness,
  takeMetrics,
  zoneRecords,
} from './scheduled-repair-harness.ts';

const DOMAIN = 'pr1jy6.us-east-2.aws.confluent.cloud';

let harness: RepairHarness;
beforeEach(async () => {
  harness = await startRepairHarness();
});
afterEach(async () => {
  await harness.close();
});

/** One network, one VPC with its endpoint and zone, converged by a first scheduled run. */
async function convergedSite(options: RuntimeOptions = {}): Promise<{ site: Site; network: Network } & RepairRuntime> {
  const network = addNetwork(harness, DOMAIN);
  const site = addSite(harness, network);
  const setup = await createRepairRuntime(harness, [network], options);
  if (options.mode !== 'detect-only') {
    const first = await handleScheduledRepair({ id: 'converge' }, setup.runtime);
    expect(first.zones).toMatchObject([{ zoneId: site.zoneId, outcome: 'changed' }]);
  }
  resetObservations(harness, setup.metrics);
  return { site, network, ...setup };
}

/** Counts the `run finished` log lines (the run's one structured report) written from now on. */
function watchRunFinishedLines(setup: RepairRuntime): () => number {
  const info = vi.spyOn(setup.logger, 'info');
  return () => info.mock.calls.filter(([message]) => message === 'run finished').length;
}

describe('scheduled repair on the local AWS', () => {
  it('repairs a tampered value with one change batch, one read, and one message to on-call', async () => {
    // Prepare
    const { site, ...setup } = await convergedSite();
    const runFinishedLines = watchRunFinishedLines(setup);
    const wildcard = harness.aws.route53.recordSet(site.zoneId, `*.${DOMAIN}`, 'CNAME');
    harness.aws.route53.putRecordSet(site.zoneId, {
      name: `*.${DOMAIN}`,
      type: 'CNAME',
      ttl: 60,
      values: ['typo.example.com'],
    });

    // Act
    const report = await handleScheduledRepair(schedule, setup.runtime);

    // Assess
    expect(report.trigger).toMatchObject({ kind: 'schedule', id: schedule.id });
    expect(report.zones).toMatchObject([{ zoneId: site.zoneId, outcome: 'changed', attempts: 1 }]);
    expect(report.zones[0]?.changes.update.map((change) => [change.old.values, change.new.values])).toEqual([
      [['typo.example.com'], wildcard?.values],
    ]);
    expect(harness.aws.route53.recordSet(site.zoneId, `*.${DOMAIN}`, 'CNAME')?.values).toEqual(wildcard?.values);
    // Endpoints listed once, the zone list, one read (shared by discovery and planning), one zone look-up (direct
    // associations and the VPC's Route 53 Profile), one compare-and-swap batch, one verifying re-read.
    expect(harness.aws.requests.byOperation()).toEqual({
      DescribeVpcEndpoints: 1,
      ListHostedZones: 1,
      ListResourceRecordSets: 2,
      ListHostedZonesByVPC: 1,
      ListProfileAssociations: 1,
      ChangeResourceRecordSets: 1,
    });
    expect(takeMetrics(setup.metrics)).toMatchObject({
      ZonesChecked: 1,
      DriftDetected: 1,
      RecordsRepaired: 1,
      ZonesFailed: 0,
      NotificationsSent: 1,
    });
    expect(slackMessages(harness)).toMatchObject([{ text: expect.stringContaining(DOMAIN) }]);
    expect(runFinishedLines()).toBe(1);
  });

  it('recreates an owned record that someone deleted', async () => {
    // Prepare
    const { site, ...setup } = await convergedSite();
    const before = zoneRecords(harness, site.zoneId);
    harness.aws.route53.removeRecordSet(site.zoneId, `*.use2-az2.${DOMAIN}`, 'CNAME');

    // Act
    const report = await handleScheduledRepair(schedule, setup.runtime);

    // Assess
    expect(report.zones[0]?.outcome).toBe('changed');
    expect(report.zones[0]?.changes.create.map((record) => record.name)).toEqual([`*.use2-az2.${DOMAIN}`]);
    expect(zoneRecords(harness, site.zoneId)).toEqual(before);
    expect(harness.aws.requests.count('ChangeResourceRecordSets')).toBe(1);
    expect(takeMetrics(setup.metrics)).toMatchObject({ DriftDetected: 1, RecordsRepaired: 1, ZonesFailed: 0 });
    expect(harness.slack.requests).toHaveLength(1);
  });

  it('cleans up the records of an endpoint deleted without any event, leaving a foreign record', async () => {
    // Prepare
    const { site, ...setup } = await convergedSite();
    harness.aws.route53.putRecordSet(site.zoneId, {
      name: `monitoring.${DOMAIN}`,
      type: 'A',
      ttl: 300,
      values: ['10.0.9.9'],
    });
    harness.aws.ec2.deleteEndpoints([site.endpointId]);

    // Act
    const report = await handleScheduledRepair(schedule, setup.runtime);

    // Assess
    expect(report.zones).toMatchObject([{ zoneId: site.zoneId, scope: site.vpcId, outcome: 'changed' }]);
    expect(report.zones[0]?.changes.delete.map((record) => record.name).sort()).toEqual(
      [
        `*.${DOMAIN}`,
        `*.use2-az1.${DOMAIN}`,
        `*.use2-az2.${DOMAIN}`,
        `*.use2-az3.${DOMAIN}`,
        `_linkdns.${DOMAIN}`,
      ].sort(),
    );
    expect(zoneRecords(harness, site.zoneId)).toEqual({ [`monitoring.${DOMAIN} A`]: ['10.0.9.9'] });
    expect(takeMetrics(setup.metrics)).toMatchObject({ DriftDetected: 1, RecordsRepaired: 5, ZonesFailed: 0 });
    expect(harness.slack.requests).toHaveLength(1);
  });

  it('leaves foreign records untouched: a conflict where one sits at a wanted name, nothing elsewhere', async () => {
    // Prepare
    const network = addNetwork(harness, DOMAIN);
    const site = addSite(harness, network);
    const foreign = { name: `*.use2-az1.${DOMAIN}`, type: 'CNAME', ttl: 300, values: ['proxy.corp.example'] };
    const elsewhere = { name: `schema-registry.${DOMAIN}`, type: 'CNAME', ttl: 300, values: ['sr.corp.example'] };
    harness.aws.route53.putRecordSet(site.zoneId, foreign);
    harness.aws.route53.putRecordSet(site.zoneId, elsewhere);
    const setup = await createRepairRuntime(harness, [network]);

    // Act
    const report = await handleScheduledRepair(schedule, setup.runtime);

    // Assess
    expect(report.zones[0]?.conflicts).toMatchObject([
      { name: `*.use2-az1.${DOMAIN}`, type: 'CNAME', reason: expect.stringContaining('not owned by linkdns') },
    ]);
    expect(report.zones[0]?.changes.create.map((record) => record.name).sort()).toEqual(
      [`*.${DOMAIN}`, `*.use2-az2.${DOMAIN}`, `*.use2-az3.${DOMAIN}`, `_linkdns.${DOMAIN}`].sort(),
    );
    expect(harness.aws.route53.recordSet(site.zoneId, foreign.name, 'CNAME')).toEqual(foreign);
    expect(harness.aws.route53.recordSet(site.zoneId, elsewhere.name, 'CNAME')).toEqual(elsewhere);
    expect(takeMetrics(setup.metrics)).toMatchObject({ Conflicts: 1, ZonesFailed: 0 });
  });

  it('recreates a deleted managed zone when zone creation is opted in', async () => {
    // Prepare
    const { site, ...setup } = await convergedSite({ createZones: true });
    const records = zoneRecords(harness, site.zoneId);
    harness.aws.route53.zones.delete(site.zoneId);

    // Act
    const report = await handleScheduledRepair(schedule, setup.runtime);

    // Assess
    const [zone] = harness.aws.route53.zonesNamed(DOMAIN);
    expect(zone?.id).not.toBe(site.zoneId);
    expect(report.zones).toMatchObject([{ zoneId: zone?.id, outcome: 'changed' }]);
    expect(zone).toMatchObject({ private: true, vpcs: [{ region: 'us-east-2', id: site.vpcId }] });
    expect(zone?.tags.get(CREATED_BY_TAG)).toBe(OWNER);
    expect(zoneRecords(harness, zone?.id ?? '')).toEqual(records);
    expect(harness.aws.requests.count('CreateHostedZone')).toBe(1);
    expect(harness.aws.requests.count('ChangeResourceRecordSets')).toBe(1);
  });

  it('reports a deleted managed zone as failed, naming the opt-in, when zone creation is off', async () => {
    // Prepare
    const { site, ...setup } = await convergedSite();
    harness.aws.route53.zones.delete(site.zoneId);

    // Act
    const report = await handleScheduledRepair(schedule, setup.runtime);

    // Assess
    expect(report.zones).toMatchObject([
      {
        domain: DOMAIN,
        scope: site.vpcId,
        outcome: 'failed',
        error: { name: 'ZoneNotFoundError', retryable: false, message: expect.stringContaining('zones.create') },
      },
    ]);
    expect(harness.aws.route53.zonesNamed(DOMAIN)).toEqual([]);
    expect(harness.aws.requests.writes()).toEqual([]);
    expect(takeMetrics(setup.metrics)).toMatchObject({ ZonesFailed: 1, DriftDetected: 0 });
    expect(slackMessages(harness)).toHaveLength(1);
    expect(harness.slack.requests[0]?.body).toContain('ZoneNotFoundError');
  });

  it('detect-only reports the drift, with the changes it would make, and changes nothing', async () => {
    // Prepare
    const network = addNetwork(harness, DOMAIN);
    const tampered = addSite(harness, network);
    const orphaned = addSite(harness, network);
    for (const site of [tampered, orphaned]) {
      seedOwnedRecords(harness, site.zoneId, DOMAIN, site.vpcId, [observedEndpoint(harness, site.endpointId)]);
    }
    harness.aws.route53.putRecordSet(tampered.zoneId, {
      name: `*.use2-az3.${DOMAIN}`,
      type: 'CNAME',
      ttl: 60,
      values: ['typo.example.com'],
    });
    harness.aws.ec2.deleteEndpoints([orphaned.endpointId]);
    const before = [zoneRecords(harness, tampered.zoneId), zoneRecords(harness, orphaned.zoneId)];
    const setup = await createRepairRuntime(harness, [network], { mode: 'detect-only' });

    // Act
    const report = await handleScheduledRepair(schedule, setup.runtime);

    // Assess
    expect(report.dryRun).toBe(true);
    const byZone = new Map(report.zones.map((zone) => [zone.zoneId, zone]));
    expect(byZone.get(tampered.zoneId)).toMatchObject({ outcome: 'drift' });
    expect(byZone.get(tampered.zoneId)?.changes.update.map((change) => change.new.name)).toEqual([
      `*.use2-az3.${DOMAIN}`,
    ]);
    expect(byZone.get(orphaned.zoneId)).toMatchObject({ outcome: 'drift' });
    expect(byZone.get(orphaned.zoneId)?.changes.delete).toHaveLength(5);
    expect(harness.aws.requests.count('ChangeResourceRecordSets')).toBe(0);
    expect(harness.aws.requests.writes()).toEqual([]);
    expect([zoneRecords(harness, tampered.zoneId), zoneRecords(harness, orphaned.zoneId)]).toEqual(before);
    const metrics = takeMetrics(setup.metrics);
    expect(metrics).toMatchObject({ DriftDetected: 2, RecordsDrifted: 6, ZonesChanged: 0, ZonesFailed: 0 });
    expect(metrics).not.toHaveProperty('RecordsRepaired');
    expect(slackMessages(harness)).toMatchObject([{ text: expect.stringContaining('dry run') }]);
  });

  it('writes nothing and sends no message when nothing drifted', async () => {
    // Prepare
    const { site, ...setup } = await convergedSite();
    const runFinishedLines = watchRunFinishedLines(setup);

    // Act
    const report = await handleScheduledRepair(schedule, setup.runtime);

    // Assess
    expect(report.zones).toMatchObject([{ zoneId: site.zoneId, outcome: 'unchanged' }]);
    expect(harness.aws.requests.writes()).toEqual([]);
    expect(harness.slack.requests).toEqual([]);
    expect(takeMetrics(setup.metrics)).toMatchObject({
      ZonesChecked: 1,
      DriftDetected: 0,
      RecordsRepaired: 0,
      ZonesFailed: 0,
    });
    expect(runFinishedLines()).toBe(1);
  });

  it('keeps the records of a VPC the endpoint listing cannot reach instead of taking its endpoint for deleted', async () => {
    // Prepare: a zone of a spoke account's VPC, written by an earlier run through the spoke role; that role cannot be
    // assumed now (STS refuses it), so the spoke's endpoints cannot be read.
    const network = addNetwork(harness, DOMAIN);
    const site = addSite(harness, network);
    const spokeVpc = 'vpc-0feedc0ffee123456';
    const spokeScope = `arn:aws:ec2:us-east-2:444455556666:vpc/${spokeVpc}`;
    const spokeZone = harness.aws.route53.createZone({ name: DOMAIN, vpcs: [{ region: 'us-east-2', id: spokeVpc }] });
    const home = observedEndpoint(harness, site.endpointId);
    seedOwnedRecords(harness, spokeZone.id, DOMAIN, spokeScope, [
      { ...home, id: 'arn:aws:ec2:us-east-2:444455556666:vpc-endpoint/vpce-0spoke0000000001', scope: spokeScope },
    ]);
    const before = zoneRecords(harness, spokeZone.id);
    const setup = await createRepairRuntime(harness, [network], {
      env: { LINKDNS_ACCOUNT_ID: '111122223333', LINKDNS_ASSUME_ROLE_NAME: 'linkdns-spoke' },
    });
    harness.aws.faults.add({ operation: 'AssumeRole', code: 'AccessDenied', status: 403 });

    // Act
    const report = await handleScheduledRepair(schedule, setup.runtime);

    // Assess
    expect(zoneRecords(harness, spokeZone.id)).toEqual(before);
    expect(Object.keys(zoneRecords(harness, site.zoneId))).toHaveLength(5);
    expect(harness.aws.route53.changes.size).toBe(1);
    expect(takeMetrics(setup.metrics)).toMatchObject({ ZonesFailed: 1, ZonesChanged: 1 });
    expect(report.zones).toMatchObject([
      { scope: spokeScope, outcome: 'failed', error: { message: expect.stringContaining('DescribeVpcEndpoints') } },
      { zoneId: site.zoneId, outcome: 'changed' },
    ]);
  });
});
