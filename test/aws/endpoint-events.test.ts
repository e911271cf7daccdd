import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handleEndpointEvent } from '../../functions/aws/handlers/endpoint-events.ts';
import type { RunReport } from '../../functions/core/report.ts';
import { type AwsHarness, cloudTrailEvent, DOMAIN, startAwsHarness } from '../support/aws-harness.ts';

/**
 * Issue #3 end to end: EventBridge CloudTrail events → the Lambda handler → the real SDK clients → the local AWS.
 */
describe('endpoint events handler', () => {
  let h: AwsHarness;

  beforeEach(async () => {
    h = await startAwsHarness();
  });

  afterEach(async () => {
    await h.close();
  });

  const writes = () => h.aws.requests.count('ChangeResourceRecordSets');

  /** Deletes the endpoint with the local EC2's clock stopped, lets `laterMs` pass on it, then handles the event. */
  async function deleteAndHandleEvent(id: string, laterMs: number): Promise<RunReport> {
    h.ec2Clock.stop();
    await h.deleteEndpoint(id);
    h.ec2Clock.advance(laterMs);
    h.aws.requests.reset();
    return (await handleEndpointEvent(cloudTrailEvent('delete-vpc-endpoints.json', id), h.runtime)) as RunReport;
  }

  it('creates the regional and three zonal records for a 3-AZ endpoint', async () => {
    // Prepare
    const id = await h.createEndpoint(h.subnetIds);
    h.aws.requests.reset();

    // Act
    const report = (await handleEndpointEvent(cloudTrailEvent('create-vpc-endpoint.json', id), h.runtime)) as RunReport;

    // Assess
    expect(report.zones).toMatchObject([{ domain: DOMAIN, scope: h.vpcId, outcome: 'changed', zoneId: h.zoneId }]);
    const lines = h.zoneLines();
    expect(lines).toHaveLength(4);
    expect(lines.map((line) => line.split(' ')[0])).toEqual([
      `*.${DOMAIN}`,
      `*.use2-az1.${DOMAIN}`,
      `*.use2-az2.${DOMAIN}`,
      `*.use2-az3.${DOMAIN}`,
    ]);
    // The zonal record for use2-az1 points at the name carrying that AZ's account-specific *name*.
    const azName = h.aws.ec2.availabilityZones.find((zone) => zone.id === 'use2-az1')?.name as string;
    expect(lines[1]).toContain(`-${azName}.vpce-svc-`);
    // A cold function: the event's VPC is listed once (the endpoint is found in that listing), its subnets read once
    // for the AZ ids, its zones looked up once (directly associated, and through a Route 53 Profile: none here); then
    // read, write, and the verifying re-read.
    expect(h.aws.requests.byOperation()).toEqual({
      DescribeVpcEndpoints: 1,
      DescribeSubnets: 1,
      ListHostedZonesByVPC: 1,
      ListProfileAssociations: 1,
      ListResourceRecordSets: 2,
      ChangeResourceRecordSets: 1,
    });
    expect(h.notifier.reports).toHaveLength(1);
  });

  it('writes a single * record to the zonal name for a one-subnet endpoint', async () => {
    const id = await h.createEndpoint([h.subnetIds[0] as string]);

    await handleEndpointEvent(cloudTrailEvent('create-vpc-endpoint.json', id), h.runtime);

    const lines = h.zoneLines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^\\*\\.${DOMAIN.replaceAll('.', '\\.')} CNAME vpce-[0-9a-f]+-[a-z0-9]+-us-east-2[abc]\\.`),
    );
  });

  it('makes zonal records follow the subnets when one is removed and another added', async () => {
    // Prepare
    const [a, b, c] = h.subnetIds as [string, string, string];
    const id = await h.createEndpoint([a, b]);
    await handleEndpointEvent(cloudTrailEvent('create-vpc-endpoint.json', id), h.runtime);
    const before = h.zoneLines();

    // Act
    await h.modifyEndpoint(id, { add: [c], remove: [a] });
    h.aws.requests.reset();
    await handleEndpointEvent(cloudTrailEvent('modify-vpc-endpoint.json', id), h.runtime);

    // Assess
    const zoneOf = (subnet: string) =>
      h.aws.ec2.availabilityZones.find((zone) => zone.name === h.aws.ec2.subnet(subnet)?.availabilityZone)?.id;
    const names = h.zoneLines().map((line) => line.split(' ')[0]);
    expect(before).toHaveLength(3);
    expect(names).toContain(`*.${zoneOf(c)}.${DOMAIN}`);
    expect(names).not.toContain(`*.${zoneOf(a)}.${DOMAIN}`);
    expect(names).toHaveLength(3);
    expect(writes()).toBe(1);
  });

  it('deletes the owned records when the endpoint is deleted, leaving a foreign record untouched', async () => {
    // Prepare
    const id = await h.createEndpoint(h.subnetIds);
    await handleEndpointEvent(cloudTrailEvent('create-vpc-endpoint.json', id), h.runtime);
    h.aws.route53.putRecordSet(h.zoneId, { name: `kafka-ui.${DOMAIN}`, type: 'A', ttl: 300, values: ['10.9.9.9'] });

    // Act: the clock stops with the delete, so EC2 describes the endpoint as `deleting` when the event is handled (on
    // a loaded machine the 150 ms of the local lifecycle could pass first, and the endpoint be gone: see below).
    const report = await deleteAndHandleEvent(id, 0);

    // Assess
    expect(report.zones[0]?.changes.delete.length).toBe(5);
    // EC2 still describes the endpoint (deleting), so its VPC is known: it is found through the registries of that
    // VPC's zones (their look-up still warm from the create), not of every managed zone; that read serves the plan.
    expect(h.aws.requests.byOperation()).toEqual({
      DescribeVpcEndpoints: 2,
      ListResourceRecordSets: 2,
      ChangeResourceRecordSets: 1,
    });
    expect(h.zoneLines()).toEqual([`kafka-ui.${DOMAIN} A 10.9.9.9`]);
    expect(h.aws.route53.recordSets(h.zoneId).some((set) => set.name.startsWith('_linkdns.'))).toBe(false);
  });

  it('deletes the owned records when the endpoint is already gone from EC2 as the delete event arrives', async () => {
    // Prepare
    const id = await h.createEndpoint(h.subnetIds);
    await handleEndpointEvent(cloudTrailEvent('create-vpc-endpoint.json', id), h.runtime);

    // Act: 60 s pass between the delete and its event, past deleting and deleted: EC2 no longer knows the id.
    const report = await deleteAndHandleEvent(id, 60_000);

    // Assess: its VPC is unknown now, so the endpoint is looked for in the registries of every managed zone (one
    // listing of the zones; the one zone's read serves the plan too) — the one call more than above.
    expect(report.zones[0]?.changes.delete.length).toBe(5);
    expect(h.aws.requests.byOperation()).toEqual({
      DescribeVpcEndpoints: 2,
      ListHostedZones: 1,
      ListResourceRecordSets: 2,
      ChangeResourceRecordSets: 1,
    });
    expect(h.zoneLines()).toEqual([]);
  });

  it('writes nothing when the same event is delivered twice', async () => {
    // Prepare
    const id = await h.createEndpoint(h.subnetIds);
    const event = cloudTrailEvent('create-vpc-endpoint.json', id);
    await handleEndpointEvent(event, h.runtime);
    h.aws.requests.reset();

    // Act
    const second = (await handleEndpointEvent(event, h.runtime)) as RunReport;

    // Assess
    expect(second.zones[0]?.outcome).toBe('unchanged');
    expect(writes()).toBe(0);
    // One listing of the VPC the event names (they decide the zone together; the endpoint is found in it), the zone
    // look-up reused from the first delivery, one read of the zone.
    expect(h.aws.requests.byOperation()).toEqual({
      DescribeVpcEndpoints: 1,
      ListResourceRecordSets: 1,
    });
  });

  it('converges to the truth when the delete event is processed before the create event', async () => {
    // Prepare: the endpoint was created and deleted; the events arrive in the wrong order.
    const id = await h.createEndpoint(h.subnetIds);
    await h.deleteEndpoint(id);

    // Act
    await handleEndpointEvent(cloudTrailEvent('delete-vpc-endpoints.json', id), h.runtime);
    await handleEndpointEvent(cloudTrailEvent('create-vpc-endpoint.json', id), h.runtime);

    // Assess
    expect(h.zoneLines()).toEqual([]);
    expect(writes()).toBe(0);
  });

  it('converges when a later create arrives before an earlier delete of another endpoint', async () => {
    // Prepare: the old endpoint is replaced by a new one; the old one's delete event comes last.
    const old = await h.createEndpoint(h.subnetIds);
    await handleEndpointEvent(cloudTrailEvent('create-vpc-endpoint.json', old), h.runtime);
    await h.deleteEndpoint(old);
    const replacement = await h.createEndpoint(h.subnetIds);

    // Act
    await handleEndpointEvent(cloudTrailEvent('create-vpc-endpoint.json', replacement), h.runtime);
    await handleEndpointEvent(cloudTrailEvent('delete-vpc-endpoints.json', old), h.runtime);

    // Assess
    expect(h.zoneLines()).toHaveLength(4);
    expect(h.zoneLines().every((line) => line.includes(replacement))).toBe(true);
  });

  it('succeeds through injected Throttling and PriorRequestNotComplete without losing a record', async () => {
    // Prepare
    const id = await h.createEndpoint(h.subnetIds);
    h.aws.faults.add({ operation: 'ChangeResourceRecordSets', code: 'Throttling', times: 1 });
    h.aws.faults.add({ operation: 'ChangeResourceRecordSets', code: 'PriorRequestNotComplete', times: 1 });
    h.aws.faults.add({ operation: 'ListResourceRecordSets', code: 'Throttling', times: 1 });

    // Act
    const report = (await handleEndpointEvent(cloudTrailEvent('create-vpc-endpoint.json', id), h.runtime)) as RunReport;

    // Assess
    expect(report.zones[0]?.outcome).toBe('changed');
    expect(h.zoneLines()).toHaveLength(4);
    expect(h.aws.requests.entries.filter((entry) => entry.status >= 400).map((entry) => entry.operation)).toEqual([
      'ListResourceRecordSets',
      'ChangeResourceRecordSets',
      'ChangeResourceRecordSets',
    ]);
  });

  it('re-reads and re-plans when a concurrent writer changes the zone between read and write', async () => {
    // Prepare: a person creates the zonal record for use2-az1 by hand just as linkdns writes.
    const id = await h.createEndpoint(h.subnetIds);
    let interfered = false;
    h.aws.route53.beforeChangeBatch = () => {
      if (interfered) return;
      interfered = true;
      h.aws.route53.putRecordSet(h.zoneId, {
        name: `*.use2-az1.${DOMAIN}`,
        type: 'CNAME',
        ttl: 300,
        values: ['hand-made.example.com'],
      });
    };

    // Act
    const report = (await handleEndpointEvent(cloudTrailEvent('create-vpc-endpoint.json', id), h.runtime)) as RunReport;

    // Assess: the first batch failed as a whole, the re-plan left the hand-made record alone and reported it.
    const zone = report.zones[0];
    expect(zone?.attempts).toBe(2);
    expect(zone?.outcome).toBe('changed');
    expect(zone?.conflicts).toMatchObject([{ name: `*.use2-az1.${DOMAIN}` }]);
    expect(h.zoneLines()).toContain(`*.use2-az1.${DOMAIN} CNAME hand-made.example.com`);
    expect(h.zoneLines()).toHaveLength(4);
  });

  it.each([
    ['a malformed event', { hello: 'world' }],
    [
      'an S3 event',
      { ...(cloudTrailEvent('create-vpc-endpoint.json', 'vpce-0123456789abcdef0') as object), source: 'aws.s3' },
    ],
    [
      'an event naming no endpoint',
      {
        ...(cloudTrailEvent('modify-vpc-endpoint.json', 'x') as Record<string, unknown>),
        detail: { eventSource: 'ec2.amazonaws.com', eventName: 'ModifyVpcEndpoint', requestParameters: {} },
      },
    ],
  ])('rejects %s with a clear error and zero writes', async (_name, event) => {
    const result = await handleEndpointEvent(event, h.runtime);

    expect(result).toMatchObject({ rejected: expect.any(String) });
    expect((result as { rejected: string }).rejected.length).toBeGreaterThan(10);
    expect(h.aws.requests.count()).toBe(0);
  });

  it('ignores an endpoint of a service no mapping manages, with zero writes', async () => {
    const s3 = h.aws.ec2.addEndpointService({ serviceName: 'com.amazonaws.us-east-2.execute-api' });
    const { VpcEndpointId } = h.aws.ec2.createEndpoint({
      vpcId: h.vpcId,
      serviceName: s3,
      type: 'Interface',
      subnetIds: h.subnetIds,
    });

    const report = (await handleEndpointEvent(
      cloudTrailEvent('create-vpc-endpoint.json', VpcEndpointId),
      h.runtime,
    )) as RunReport;

    expect(report.zones).toEqual([]);
    expect(writes()).toBe(0);
  });

  it('never touches a same-named public zone', async () => {
    const id = await h.createEndpoint(h.subnetIds);
    const publicZone = h.aws.route53.zonesNamed(DOMAIN).find((zone) => !zone.private);
    const before = publicZone ? h.aws.route53.recordSets(publicZone.id) : [];

    await handleEndpointEvent(cloudTrailEvent('create-vpc-endpoint.json', id), h.runtime);
    await h.deleteEndpoint(id);
    await handleEndpointEvent(cloudTrailEvent('delete-vpc-endpoints.json', id), h.runtime);

    expect(publicZone).toBeDefined();
    expect(h.aws.route53.recordSets(publicZone?.id as string)).toEqual(before);
  });
});

describe('endpoint states', () => {
  let h: AwsHarness;

  afterEach(async () => {
    await h.close();
  });

  it('writes records while an endpoint is pendingAcceptance, and removes them when it is rejected', async () => {
    // Prepare: the provider requires acceptance.
    h = await startAwsHarness();
    const service = h.aws.ec2.addEndpointService({ acceptanceRequired: true });
    h.runtime.config.mappings.push({ service, domain: DOMAIN, layout: 'zonal' });
    const { VpcEndpointId: id } = h.aws.ec2.createEndpoint({
      vpcId: h.vpcId,
      serviceName: service,
      type: 'Interface',
      subnetIds: h.subnetIds,
    });

    // Act + Assess: pendingAcceptance → records (its DNS names exist already; no event fires on acceptance)
    await handleEndpointEvent(cloudTrailEvent('create-vpc-endpoint.json', id), h.runtime);
    expect(h.aws.ec2.endpoint(id)?.State).toBe('pendingAcceptance');
    expect(h.zoneLines()).toHaveLength(4);

    // rejected → records cleaned up (the endpoint still exists, but carries no traffic)
    h.aws.ec2.rejectEndpoint(id);
    await handleEndpointEvent(cloudTrailEvent('modify-vpc-endpoint.json', id), h.runtime);
    expect(h.zoneLines()).toEqual([]);
  });

  it('removes the records of a failed endpoint', async () => {
    h = await startAwsHarness();
    const id = await h.createEndpoint(h.subnetIds);
    await handleEndpointEvent(cloudTrailEvent('create-vpc-endpoint.json', id), h.runtime);

    h.aws.ec2.failEndpoint(id);
    await handleEndpointEvent(cloudTrailEvent('modify-vpc-endpoint.json', id), h.runtime);

    expect(h.zoneLines()).toEqual([]);
  });
});
