import { describe, expect, it } from 'vitest';
import { Ec2EndpointSource } from '../../functions/aws/ec2-endpoint-source.ts';
import { parseConfig } from '../../functions/core/config.ts';
import { endpointSelector, sourceNarrowing } from '../../functions/core/endpoint-selection.ts';
import { recordSet } from '../../functions/core/model.ts';
import { reconcileEndpoints, repairAll } from '../../functions/core/reconcile.ts';
import { InMemoryDns } from '../support/in-memory-cloud.ts';
import { SampleEc2 } from '../support/sample-ec2.ts';

/**
 * An account as AWS documents it (events/aws/cli/brownfield.vpc-endpoints.json): a DynamoDB Gateway endpoint, an S3
 * Interface endpoint with wildcard DnsEntries, an Elastic Load Balancing endpoint with private DNS, a Gateway Load
 * Balancer endpoint, and one Confluent endpoint. Before issue 11 the S3 endpoint failed every listing of the VPC.
 */

const DOMAIN = 'pr1jy6.us-east-2.aws.confluent.cloud';
const CONFLUENT = 'com.amazonaws.vpce.us-east-2.vpce-svc-01234567890abcdef';
const CONFLUENT_ID = 'vpce-0f3e9d2c1b4a56789';
const S3_ID = 'vpce-1a2b3c4d5e6f1a2b3';
const ELB_ID = 'vpce-0f89a33420c1931d7';
const VPC = 'vpc-0a1b2c3d4e5f60718';

function account(mappings: { service: string; domain: string }[], extra: Record<string, unknown> = {}) {
  const config = parseConfig({ owner: 'platform', mappings, ...extra });
  const ec2 = new SampleEc2('aws/cli/brownfield.vpc-endpoints.json', 'aws/cli/dedicated-3az.subnets.json');
  const narrowing = sourceNarrowing(config, 'aws');
  const source = new Ec2EndpointSource(ec2.client, {
    ...(narrowing.services?.length ? { serviceNames: narrowing.services } : {}),
    ...(narrowing.tagKey ? { tagKey: narrowing.tagKey } : {}),
    select: endpointSelector(config),
  });
  const dns = new InMemoryDns();
  dns.addZone('ZCONFLUENT', DOMAIN, [VPC]);
  const deps = { dns, endpoints: source, config, now: () => new Date('2026-11-30T07:00:00Z') };
  return { config, ec2, source, dns, deps };
}

const confluentSubnets = ['subnet-0e92a6c4d1f83b57a', 'subnet-0c4f1a9e2b7d35e01', 'subnet-05d8b3e7a1c9f2406'];

describe('an AWS account with S3, ELB, DynamoDB and GWLB endpoints beside the Confluent one', () => {
  it('narrows the listing to the exact mapped service with an EC2 service-name filter', async () => {
    const { ec2, source } = account([{ service: CONFLUENT, domain: DOMAIN }]);

    const listed = await source.listEndpoints();

    expect(listed.map((endpoint) => endpoint.id)).toEqual([CONFLUENT_ID]);
    expect(ec2.requests[0]?.input.Filters).toContainEqual({ Name: 'service-name', Values: [CONFLUENT] });
    expect(ec2.describedSubnets().sort()).toEqual([...confluentSubnets].sort());
  });

  it('lists a glob mapping unfiltered and reads only the selected endpoint deeply; the S3 one breaks nothing', async () => {
    const { ec2, source } = account([{ service: 'com.amazonaws.vpce.us-east-2.vpce-svc-*', domain: DOMAIN }]);

    const listed = await source.listEndpoints(VPC);

    // Interface endpoints only (Gateway and GWLB endpoints are filtered by EC2); the unselected ones come back as
    // listed, without names, for the core to count.
    expect(listed.map((endpoint) => [endpoint.id, endpoint.regional.length])).toEqual([
      [S3_ID, 0],
      [CONFLUENT_ID, 1],
      [ELB_ID, 0],
    ]);
    expect(ec2.describedSubnets().sort()).toEqual([...confluentSubnets].sort());
    expect(ec2.requests.map((request) => request.operation)).not.toContain('DescribeAvailabilityZones');
  });

  it('repairs the Confluent zone and counts the S3 and ELB endpoints as skipped', async () => {
    const { dns, deps } = account([{ service: 'com.amazonaws.vpce.us-east-2.vpce-svc-*', domain: DOMAIN }]);

    const report = await repairAll({ kind: 'schedule', id: 'r1', description: 'test' }, deps);

    expect(report.zones).toMatchObject([{ domain: DOMAIN, scope: VPC, outcome: 'changed' }]);
    expect(report.endpointsSkipped).toBe(2);
    expect(
      dns
        .records('ZCONFLUENT')
        .filter((record) => record.type === 'CNAME')
        .map((record) => record.name),
    ).toEqual([`*.${DOMAIN}`, `*.use2-az1.${DOMAIN}`, `*.use2-az2.${DOMAIN}`, `*.use2-az3.${DOMAIN}`].sort());
  });

  it('answers an S3 endpoint event with no zone read and no failure: skipped and counted', async () => {
    const { dns, deps } = account([{ service: CONFLUENT, domain: DOMAIN }]);
    let zoneReads = 0;
    const readRecords = dns.readRecords.bind(dns);
    dns.readRecords = async (zone) => {
      zoneReads += 1;
      return readRecords(zone);
    };

    const report = await reconcileEndpoints({ kind: 'endpoint-event', id: 'e1', description: 'test' }, [S3_ID], deps);

    expect(report.zones).toEqual([]);
    expect(report.endpointsSkipped).toBe(1);
    expect(zoneReads).toBe(0);
  });

  it('fails only the (domain, scope) of a mapped endpoint whose names cannot be read, naming it; other zones go on', async () => {
    // Someone maps the S3 service to a domain of their own: its wildcard names are no shape linkdns can write.
    const s3Domain = 's3.internal.example.com';
    const { dns, deps } = account([
      { service: CONFLUENT, domain: DOMAIN },
      { service: 'com.amazonaws.us-east-2.s3', domain: s3Domain },
    ]);
    const old = recordSet(`*.${s3Domain}`, 'CNAME', 60, ['old.example.com']);
    dns.addZone('ZS3', s3Domain, [VPC], [old]);

    const report = await repairAll({ kind: 'schedule', id: 'r2', description: 'test' }, deps);

    const byDomain = Object.fromEntries(report.zones.map((zone) => [zone.domain, zone]));
    expect(byDomain[DOMAIN]?.outcome).toBe('changed');
    expect(byDomain[s3Domain]).toMatchObject({ outcome: 'failed', error: { name: 'UnreadableEndpointError' } });
    expect(byDomain[s3Domain]?.error?.message).toContain(S3_ID);
    expect(byDomain[s3Domain]?.error?.message).toContain('expected one regional name');
    expect(dns.records('ZS3')).toEqual([old]);
  });

  it('lists tagged endpoints of any service with a second, tag-key filtered listing when tags may choose a domain', async () => {
    const { ec2, source } = account([{ service: CONFLUENT, domain: DOMAIN }], {
      allowedDomains: ['internal.example.com'],
    });

    await source.listEndpoints();

    const listings = ec2.requests.filter((request) => request.operation === 'DescribeVpcEndpoints');
    expect(listings.map((request) => request.input.Filters)).toEqual([
      [
        { Name: 'vpc-endpoint-type', Values: ['Interface'] },
        { Name: 'service-name', Values: [CONFLUENT] },
      ],
      [
        { Name: 'vpc-endpoint-type', Values: ['Interface'] },
        { Name: 'tag-key', Values: ['linkdns:domain'] },
      ],
    ]);
  });
});
