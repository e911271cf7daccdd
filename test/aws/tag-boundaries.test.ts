import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handleEndpointEvent } from '../../functions/aws/handlers/endpoint-events.ts';
import { handleScheduledRepair } from '../../functions/aws/handlers/scheduled-repair.ts';
import type { RunReport } from '../../functions/core/report.ts';
import { type AwsHarness, cloudTrailEvent, DOMAIN, startAwsHarness } from '../support/aws-harness.ts';

/**
 * Issue 12, findings 2 and 3 on the local AWS through the Lambda handlers: a tag on an endpoint to any service cannot
 * create a parent or invalid zone, cannot bring the hub's extra networks along, and cannot join a mapped domain.
 */

const HUB_VPC = 'vpc-0fedcba9876543210';

describe('linkdns:domain tags through the endpoint-events handler', () => {
  let h: AwsHarness;
  let otherService: string;

  beforeEach(async () => {
    h = await startAwsHarness({
      allowedDomains: [{ domain: 'aws.confluent.cloud', depth: 2 }],
      zones: { create: true, extraNetworks: [HUB_VPC] },
    });
    otherService = h.aws.ec2.addEndpointService();
  });
  afterEach(async () => {
    await h.close();
  });

  /** An endpoint to an unrelated service, tagged, and the CloudTrail event that announces it. */
  async function taggedEndpointEvent(domain: string): Promise<RunReport> {
    const endpoint = h.aws.ec2.createEndpoint({
      vpcId: h.vpcId,
      serviceName: otherService,
      type: 'Interface',
      subnetIds: [h.subnetIds[0] as string],
      tags: { 'linkdns:domain': domain },
    });
    return (await handleEndpointEvent(
      cloudTrailEvent('create-vpc-endpoint.json', endpoint.VpcEndpointId),
      h.runtime,
    )) as RunReport;
  }

  it.each([
    'aws.confluent.cloud',
    'us-east-2.aws.confluent.cloud',
    'foo bar.us-east-2.aws.confluent.cloud',
    '*.us-east-2.aws.confluent.cloud',
    'ünï.us-east-2.aws.confluent.cloud',
  ])('creates no zone for the tag %j (zone creation on, hub in extraNetworks)', async (domain) => {
    // Prepare
    const zonesBefore = h.aws.route53.zonesNamed(DOMAIN).length;
    h.aws.requests.reset();

    // Act
    const report = await taggedEndpointEvent(domain);

    // Assess: nothing reconciled, nothing created or associated.
    expect(report.zones).toEqual([]);
    expect(h.aws.requests.writes()).toEqual([]);
    expect(h.aws.route53.zonesNamed(domain.trim().toLowerCase())).toEqual([]);
    expect(h.aws.route53.zonesNamed(DOMAIN)).toHaveLength(zonesBefore);
  });

  it('creates the zone a valid tag names for the endpoint’s own VPC only, never with the extra networks', async () => {
    // Act
    const report = await taggedEndpointEvent('abc123.us-east-2.aws.confluent.cloud');

    // Assess
    expect(report.zones).toMatchObject([{ domain: 'abc123.us-east-2.aws.confluent.cloud', outcome: 'changed' }]);
    const [zone] = h.aws.route53.zonesNamed('abc123.us-east-2.aws.confluent.cloud');
    expect(zone?.vpcs.map((vpc) => vpc.id)).toEqual([h.vpcId]);
    expect(h.aws.requests.count('AssociateVPCWithHostedZone')).toBe(0);
  });

  it('does not let an endpoint of another service join the mapped domain and freeze its records', async () => {
    // Prepare: the Confluent endpoint's records are in place.
    const confluent = await h.createEndpoint(h.subnetIds);
    await handleEndpointEvent(cloudTrailEvent('create-vpc-endpoint.json', confluent), h.runtime);
    const before = h.zoneLines();

    // Act: an endpoint to another service, tagged with the Confluent domain; then the endpoint changes subnets.
    const tagged = await taggedEndpointEvent(DOMAIN);
    await h.modifyEndpoint(confluent, { remove: [h.subnetIds[2] as string] });
    const repair = await handleScheduledRepair({ id: 'after-tag' }, h.runtime);

    // Assess: the tag is ignored (before: a LayoutError froze the zone), and the repair follows the real endpoint.
    expect(tagged.zones).toEqual([]);
    expect(before).toHaveLength(4);
    expect(repair.zones.find((zone) => zone.domain === DOMAIN)).toMatchObject({ outcome: 'changed' });
    expect(h.zoneLines()).toHaveLength(3);
    expect(h.zoneLines().join('\n')).not.toContain(otherService.split('.').at(-1));
  });
});
