import { readFileSync } from 'node:fs';
import { DescribeSubnetsCommand, DescribeVpcEndpointsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import {
  azIdsByName,
  observeVpcEndpoint,
  type VpcEndpointDescription,
} from '../../functions/aws/vpc-endpoint-mapping.ts';
import { ec2Service, LocalEc2State } from '../../local/aws/ec2.ts';
import { type LocalAws, startLocalAwsServer } from '../../local/aws/server.ts';

/**
 * The `aws ec2 describe-vpc-endpoints` / `describe-subnets` samples in events/aws/cli: they map to the records the
 * product brief's table asks for, and the local EC2 answers with (at least) the same fields, so fixtures and
 * scenarios describe the same world.
 */

interface CliSample {
  readonly endpoints: VpcEndpointDescription[];
  readonly subnets: { AvailabilityZone?: string; AvailabilityZoneId?: string; SubnetId?: string }[];
}

function cliSample(name: string): CliSample {
  const read = (kind: string) =>
    JSON.parse(readFileSync(new URL(`../../events/aws/cli/${name}.${kind}.json`, import.meta.url), 'utf8'));
  return { endpoints: read('vpc-endpoints').VpcEndpoints, subnets: read('subnets').Subnets };
}

let aws: LocalAws | undefined;

afterEach(async () => {
  await aws?.close();
  aws = undefined;
});

describe('events/aws/cli samples', () => {
  it.each([
    {
      sample: 'dedicated-3az',
      zones: { 'use2-az1': 'us-east-2c', 'use2-az2': 'us-east-2a', 'use2-az3': 'us-east-2b' },
      service: 'com.amazonaws.vpce.us-east-2.vpce-svc-01234567890abcdef',
    },
    {
      sample: 'single-subnet',
      zones: { 'use2-az3': 'us-east-2b' },
      service: 'com.amazonaws.vpce.us-east-2.vpce-svc-01234567890abcdef',
    },
    {
      sample: 'attachment',
      zones: { 'use1-az1': 'us-east-1c', 'use1-az4': 'us-east-1a', 'use1-az6': 'us-east-1b' },
      service: 'com.amazonaws.vpce.us-east-1.vpce-svc-0e9d8c7b6a5f43210',
    },
  ])('$sample maps to one regional name and a zonal name per AZ id', ({ sample, zones, service }) => {
    // Prepare
    const { endpoints, subnets } = cliSample(sample);

    // Act
    const observed = endpoints.map((endpoint) => observeVpcEndpoint(endpoint, azIdsByName(subnets), sample));

    // Assess
    expect(observed).toHaveLength(1);
    const [endpoint] = observed;
    expect(endpoint?.service).toBe(service);
    expect(endpoint?.state).toBe('available');
    expect(endpoint?.regional).toHaveLength(1);
    expect(endpoint?.regional[0]).toMatch(
      /^vpce-[0-9a-f]{17}-[a-z0-9]{8}\.vpce-svc-[0-9a-f]{17}\.us-east-[12]\.vpce\.amazonaws\.com$/,
    );
    expect(Object.keys(endpoint?.zonal ?? {}).sort()).toEqual(Object.keys(zones).sort());
    for (const [zoneId, zoneName] of Object.entries(zones)) {
      expect(endpoint?.zonal[zoneId]).toEqual([endpoint?.regional[0]?.replace(/^([^.]+)\./, `$1-${zoneName}.`)]);
    }
    expect(new Set(endpoints[0]?.SubnetIds)).toEqual(new Set(subnets.map((subnet) => subnet.SubnetId)));
  });

  it('carries no field the local EC2 does not also return', async () => {
    // Prepare
    const state = new LocalEc2State();
    const { vpcId, subnets } = state.addVpcWithSubnets();
    const { VpcEndpointId } = state.createEndpoint({
      vpcId,
      serviceName: state.addEndpointService(),
      type: 'Interface',
      subnetIds: subnets.map((subnet) => subnet.subnetId),
      tags: { Name: 'sample' },
    });
    aws = await startLocalAwsServer([ec2Service(state)]);
    const ec2 = new EC2Client({
      endpoint: aws.endpoint,
      region: 'us-east-2',
      credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' },
    });
    const sample = cliSample('dedicated-3az');

    // Act
    const local = await ec2.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: [VpcEndpointId] }));
    const localSubnets = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnets[0]?.subnetId ?? ''] }));

    // Assess
    const keys = (value: object | undefined) => Object.keys(value ?? {}).sort();
    const sampleEndpointKeys = keys(sample.endpoints[0]);
    expect(sampleEndpointKeys.filter((key) => !keys(local.VpcEndpoints?.[0]).includes(key))).toEqual([]);
    expect(keys(sample.subnets[0]).filter((key) => !keys(localSubnets.Subnets?.[0]).includes(key))).toEqual([]);
  });
});
