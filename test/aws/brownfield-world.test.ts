import { DescribeVpcEndpointsCommand, type VpcEndpoint } from '@aws-sdk/client-ec2';
import { ListHostedZonesByVPCCommand } from '@aws-sdk/client-route-53';
import { afterEach, describe, expect, it } from 'vitest';
import { AWS_BROWNFIELD_IDS } from '../../local/aws/brownfield.ts';
import { type AwsScenario, startAwsScenario } from '../../local/demo-scenario.ts';

/**
 * The brownfield AWS account as the real EC2 and Route 53 SDK clients read it: every endpoint type and state, with the
 * DNS names AWS documents for each, so linkdns's tests on this world face what a real account shows.
 */

let scenario: AwsScenario | undefined;

afterEach(async () => {
  await scenario?.aws.close();
  scenario = undefined;
});

async function describeAll(world: AwsScenario): Promise<Map<string, VpcEndpoint>> {
  const { VpcEndpoints = [] } = await world.aws.clients.ec2.send(new DescribeVpcEndpointsCommand({}));
  return new Map(VpcEndpoints.map((endpoint) => [endpoint.VpcEndpointId ?? '', endpoint]));
}

const names = (endpoint: VpcEndpoint | undefined): string[] =>
  (endpoint?.DnsEntries ?? []).map((entry) => entry.DnsName ?? '').sort();

describe('the brownfield AWS account', () => {
  it('holds every endpoint type AWS has, with the DNS names AWS documents for each', async () => {
    // Prepare
    scenario = await startAwsScenario({ brownfield: true });
    const ids = AWS_BROWNFIELD_IDS;

    // Act
    const endpoints = await describeAll(scenario);

    // Assess: Gateway and GatewayLoadBalancer endpoints have no DNS names.
    expect(endpoints.get(ids.gatewayS3)).toMatchObject({
      VpcEndpointType: 'Gateway',
      ServiceName: 'com.amazonaws.us-east-2.s3',
      DnsEntries: [],
    });
    expect(endpoints.get(ids.gatewayDynamoDb)).toMatchObject({ VpcEndpointType: 'Gateway', DnsEntries: [] });
    expect(endpoints.get(ids.gatewayLoadBalancer)).toMatchObject({
      VpcEndpointType: 'GatewayLoadBalancer',
      DnsEntries: [],
    });
    expect(endpoints.get(ids.gatewayLoadBalancer)?.SubnetIds).toHaveLength(1);
    // S3 Interface: wildcards only, regional and one per AZ.
    const s3 = names(endpoints.get(ids.s3Interface));
    expect(s3).toHaveLength(4);
    for (const name of s3) {
      expect(name).toMatch(
        /^\*\.vpce-0a6e1c2b3d4f50003-[a-z0-9]{8}(-us-east-2[abc])?\.s3\.us-east-2\.vpce\.amazonaws\.com$/,
      );
    }
    // AWS services with private DNS: the endpoint's own names plus the service's name.
    expect(names(endpoints.get(ids.ssm))).toContain('ssm.us-east-2.amazonaws.com');
    expect(
      names(endpoints.get(ids.ssm)).filter((name) => name.endsWith('.ssm.us-east-2.vpce.amazonaws.com')),
    ).toHaveLength(4);
    expect(names(endpoints.get(ids.executeApi))).toContain('*.execute-api.us-east-2.amazonaws.com');
    expect(
      names(endpoints.get(ids.sharedEcrApi)).filter((name) => name.endsWith('.api.ecr.us-east-2.vpce.amazonaws.com')),
    ).toHaveLength(4);
    expect(names(endpoints.get(ids.sharedEcrApi))).toContain('api.ecr.us-east-2.amazonaws.com');
    // VPC Lattice endpoints: an ARN instead of a service name.
    expect(endpoints.get(ids.resource)).toMatchObject({
      VpcEndpointType: 'Resource',
      ResourceConfigurationArn: expect.stringMatching(/:resourceconfiguration\/rcfg-/),
    });
    expect(endpoints.get(ids.resource)?.ServiceName).toBeUndefined();
    expect(names(endpoints.get(ids.resource))).toEqual([
      expect.stringMatching(
        /^vpce-0a6e1c2b3d4f50007-snra-[0-9a-z]{17}\.rcfg-0a1b2c3d4e5f60789\.[0-9a-z]{7}\.vpc-lattice-rsc\.us-east-2\.on\.aws$/,
      ),
    ]);
    expect(endpoints.get(ids.serviceNetwork)).toMatchObject({
      VpcEndpointType: 'ServiceNetwork',
      ServiceNetworkArn: expect.stringMatching(/:servicenetwork\/sn-/),
    });
    // A partner with private DNS of its own.
    expect(names(endpoints.get(ids.partner))).toContain('intake.privatelink.metrics-saas.example.com');
  });

  it('has endpoints in every state a real account shows, in several VPCs', async () => {
    // Prepare
    scenario = await startAwsScenario({ brownfield: true });
    const ids = AWS_BROWNFIELD_IDS;

    // Act
    const endpoints = await describeAll(scenario);

    // Assess
    const state = (id: string) => endpoints.get(id)?.State;
    expect(state(ids.partnerPendingAcceptance)).toBe('pendingAcceptance');
    expect(state(ids.partnerRejected)).toBe('rejected');
    expect(state(ids.partnerFailed)).toBe('failed');
    expect(endpoints.get(ids.partnerFailed)?.FailureReason).toMatch(/IP addresses/);
    expect(state(ids.partnerDeleting)).toBe('deleting');
    expect(new Set([...endpoints.values()].map((endpoint) => endpoint.VpcId)).size).toBe(3);
    expect(scenario.brownfield?.endpoints.map((endpoint) => endpoint.id).sort()).toEqual(Object.values(ids).sort());
  });

  it('keeps a deleting endpoint deleting, while new endpoints go pending → available', async () => {
    // Prepare
    let now = 1_000_000;
    scenario = await startAwsScenario({ brownfield: true, now: () => now });

    // Act
    const before = await describeAll(scenario);
    now += 60_000;
    const after = await describeAll(scenario);

    // Assess
    expect(before.get(AWS_BROWNFIELD_IDS.ssm)?.State).toBe('pending');
    expect(after.get(AWS_BROWNFIELD_IDS.ssm)?.State).toBe('available');
    expect(after.get(AWS_BROWNFIELD_IDS.partnerDeleting)?.State).toBe('deleting');
  });

  it('associates a private zone of the company with the VPC, beside the Confluent one', async () => {
    // Prepare
    scenario = await startAwsScenario({ brownfield: true });

    // Act
    const { HostedZoneSummaries = [] } = await scenario.aws.clients.route53.send(
      new ListHostedZonesByVPCCommand({ VPCId: scenario.vpcId, VPCRegion: 'us-east-2' }),
    );

    // Assess
    expect(HostedZoneSummaries.map((zone) => zone.Name).sort()).toEqual([
      'corp.internal.',
      'pr1jy6.us-east-2.aws.confluent.cloud.',
    ]);
  });
});
