import {
  CreateVpcEndpointCommand,
  DeleteVpcEndpointsCommand,
  DescribeAvailabilityZonesCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
  EC2Client,
  type Filter,
  ModifyVpcEndpointCommand,
} from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_LIFECYCLE,
  ec2Service,
  IMMEDIATE_LIFECYCLE,
  type LocalEc2Options,
  LocalEc2State,
} from '../../local/aws/ec2.ts';
import { type LocalAws, startLocalAwsServer } from '../../local/aws/server.ts';

/**
 * The local EC2 through the real `@aws-sdk/client-ec2`: if the SDK parses what it sends, and the semantics follow
 * AWS's API reference, scenarios built on it mean something.
 */

let aws: LocalAws | undefined;

afterEach(async () => {
  await aws?.close();
  aws = undefined;
});

async function localEc2(options: LocalEc2Options = {}): Promise<{ state: LocalEc2State; ec2: EC2Client }> {
  const state = new LocalEc2State(options);
  aws = await startLocalAwsServer([ec2Service(state)]);
  const ec2 = new EC2Client({
    endpoint: aws.endpoint,
    region: state.region,
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' },
    maxAttempts: 1,
  });
  return { state, ec2 };
}

async function createInterfaceEndpoint(
  ec2: EC2Client,
  input: { vpcId: string; serviceName: string; subnetIds: string[]; tags?: Record<string, string> },
): Promise<string> {
  const result = await ec2.send(
    new CreateVpcEndpointCommand({
      VpcId: input.vpcId,
      ServiceName: input.serviceName,
      VpcEndpointType: 'Interface',
      SubnetIds: input.subnetIds,
      PrivateDnsEnabled: false,
      ...(input.tags
        ? {
            TagSpecifications: [
              {
                ResourceType: 'vpc-endpoint',
                Tags: Object.entries(input.tags).map(([Key, Value]) => ({ Key, Value })),
              },
            ],
          }
        : {}),
    }),
  );
  return result.VpcEndpoint?.VpcEndpointId as string;
}

async function describeOne(ec2: EC2Client, id: string) {
  const result = await ec2.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: [id] }));
  return result.VpcEndpoints?.[0];
}

async function errorOf(promise: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    const failure = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return {
      name: failure.name,
      message: failure.message,
      ...(failure.$metadata?.httpStatusCode ? { status: failure.$metadata.httpStatusCode } : {}),
    };
  }
  throw new Error('expected the call to fail');
}

describe('local EC2: CreateVpcEndpoint', () => {
  it('gives an interface endpoint one regional and one zonal DNS name per subnet AZ, shaped like AWS', async () => {
    // Prepare: no pending phase, so the state read right after creation is the steady one (lifecycle tested below)
    const { state, ec2 } = await localEc2(IMMEDIATE_LIFECYCLE);
    const { vpcId, subnets } = state.addVpcWithSubnets();
    const serviceName = state.addEndpointService();

    // Act
    const id = await createInterfaceEndpoint(ec2, { vpcId, serviceName, subnetIds: subnets.map((s) => s.subnetId) });
    const endpoint = await describeOne(ec2, id);

    // Assess
    expect(id).toMatch(/^vpce-[0-9a-f]{17}$/);
    expect(endpoint?.State).toBe('available');
    expect(endpoint?.VpcEndpointType).toBe('Interface');
    expect(endpoint?.SubnetIds).toEqual(subnets.map((s) => s.subnetId));
    const svc = serviceName.split('.').at(-1);
    const names = (endpoint?.DnsEntries ?? []).map((entry) => entry.DnsName ?? '');
    const regional = names.filter((name) => /^vpce-[0-9a-f]{17}-[a-z0-9]{8}\./.test(name));
    expect(regional).toHaveLength(1);
    expect(regional[0]).toMatch(new RegExp(`^${id}-[a-z0-9]{8}\\.${svc}\\.us-east-2\\.vpce\\.amazonaws\\.com$`));
    const label = regional[0]?.split('.')[0];
    const zonal = names.filter((name) => name !== regional[0]).sort();
    expect(zonal).toEqual(
      ['us-east-2a', 'us-east-2b', 'us-east-2c'].map((az) => `${label}-${az}.${svc}.us-east-2.vpce.amazonaws.com`),
    );
    expect(new Set(endpoint?.DnsEntries?.map((entry) => entry.HostedZoneId))).toEqual(new Set(['ZC8PG0KIFKBRI']));
    expect(endpoint?.CreationTimestamp).toBeInstanceOf(Date);
    expect(endpoint?.OwnerId).toBe('111122223333');
  });

  it('returns DnsEntries in a different order from one read to the next', async () => {
    // Prepare
    const { state, ec2 } = await localEc2();
    const { vpcId, subnets } = state.addVpcWithSubnets();
    const id = await createInterfaceEndpoint(ec2, {
      vpcId,
      serviceName: state.addEndpointService(),
      subnetIds: subnets.map((s) => s.subnetId),
    });

    // Act
    const orders = new Set<string>();
    for (let read = 0; read < 8; read += 1) {
      orders.add(((await describeOne(ec2, id))?.DnsEntries ?? []).map((entry) => entry.DnsName).join(' '));
    }

    // Assess
    expect(orders.size).toBeGreaterThan(1);
  });

  it('keeps the endpoint in pendingAcceptance until the provider accepts or rejects it', async () => {
    // Prepare: the default lifecycle on a clock the test moves
    let now = 1_000_000;
    const { state, ec2 } = await localEc2({ now: () => now });
    const { vpcId, subnets } = state.addVpcWithSubnets(['us-east-2a']);
    const serviceName = state.addEndpointService({ acceptanceRequired: true });
    const accepted = await createInterfaceEndpoint(ec2, {
      vpcId,
      serviceName,
      subnetIds: [subnets[0]?.subnetId ?? ''],
    });
    const other = state.addVpcWithSubnets(['us-east-2b']);
    const rejected = await createInterfaceEndpoint(ec2, {
      vpcId: other.vpcId,
      serviceName,
      subnetIds: [other.subnets[0]?.subnetId ?? ''],
    });
    const before = (await describeOne(ec2, accepted))?.State;

    // Act
    state.acceptEndpoint(accepted);
    state.rejectEndpoint(rejected);

    // Assess
    expect(before).toBe('pendingAcceptance');
    expect((await describeOne(ec2, accepted))?.State).toBe('pending');
    now += DEFAULT_LIFECYCLE.pendingMs;
    expect((await describeOne(ec2, accepted))?.State).toBe('available');
    expect((await describeOne(ec2, rejected))?.State).toBe('rejected');
    expect(() => state.acceptEndpoint(accepted)).toThrow(/not pendingAcceptance/);
  });

  it('shows pending for the configured time before available', async () => {
    // Prepare
    let now = 1_000_000;
    const { state, ec2 } = await localEc2({ now: () => now, pendingMs: 30_000 });
    const { vpcId, subnets } = state.addVpcWithSubnets(['us-east-2a']);
    const id = await createInterfaceEndpoint(ec2, {
      vpcId,
      serviceName: state.addEndpointService(),
      subnetIds: [subnets[0]?.subnetId ?? ''],
    });
    const first = (await describeOne(ec2, id))?.State;

    // Act
    now += 30_000;

    // Assess
    expect(first).toBe('pending');
    expect((await describeOne(ec2, id))?.State).toBe('available');
  });

  it('refuses two subnets in one AZ, an unknown VPC, an unknown service and a forgotten Interface type', async () => {
    // Prepare
    const { state, ec2 } = await localEc2();
    const vpcId = state.addVpc();
    const a1 = state.addSubnet({ vpcId, availabilityZone: 'us-east-2a' });
    const a2 = state.addSubnet({ vpcId, availabilityZone: 'us-east-2a' });
    const serviceName = state.addEndpointService();

    // Act
    const sameZone = await errorOf(
      createInterfaceEndpoint(ec2, { vpcId, serviceName, subnetIds: [a1.subnetId, a2.subnetId] }),
    );
    const noVpc = await errorOf(
      createInterfaceEndpoint(ec2, { vpcId: 'vpc-0000000000000000f', serviceName, subnetIds: [a1.subnetId] }),
    );
    const noService = await errorOf(
      createInterfaceEndpoint(ec2, {
        vpcId,
        serviceName: 'com.amazonaws.vpce.us-east-2.vpce-svc-0000000000000000f',
        subnetIds: [a1.subnetId],
      }),
    );
    const gatewayDefault = await errorOf(
      ec2.send(new CreateVpcEndpointCommand({ VpcId: vpcId, ServiceName: serviceName, SubnetIds: [a1.subnetId] })),
    );

    // Assess
    expect(sameZone).toMatchObject({ name: 'DuplicateSubnetsInSameZone', status: 400 });
    expect(noVpc.name).toBe('InvalidVpcID.NotFound');
    expect(noService.name).toBe('InvalidServiceName');
    expect(gatewayDefault.name).toBe('InvalidParameter');
    expect(state.listEndpoints()).toEqual([]);
  });
});

describe('local EC2: what real accounts show (issue 11)', () => {
  it('by default goes pending → available after creation and deleting → deleted after deletion, as AWS does', async () => {
    // Prepare: no lifecycle options, a clock the test moves
    let now = 2_000_000;
    const { state, ec2 } = await localEc2({ now: () => now });
    const { vpcId, subnets } = state.addVpcWithSubnets(['us-east-2a']);

    // Act
    const id = await createInterfaceEndpoint(ec2, {
      vpcId,
      serviceName: state.addEndpointService(),
      subnetIds: [subnets[0]?.subnetId ?? ''],
    });
    const created = (await describeOne(ec2, id))?.State;
    now += DEFAULT_LIFECYCLE.pendingMs;
    const later = (await describeOne(ec2, id))?.State;
    await ec2.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: [id] }));
    const deleting = (await describeOne(ec2, id))?.State;
    now += DEFAULT_LIFECYCLE.deletingMs;
    const deleted = (await describeOne(ec2, id))?.State;

    // Assess
    expect([created, later, deleting, deleted]).toEqual(['pending', 'available', 'deleting', 'deleted']);
    expect(DEFAULT_LIFECYCLE.pendingMs).toBeGreaterThan(0);
  });

  it("names an AWS service's Interface endpoint after the service, with its private DNS name; S3's with wildcards", async () => {
    // Prepare: names per https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html and
    // the S3 shapes of https://docs.aws.amazon.com/AmazonS3/latest/userguide/privatelink-interface-endpoints.html
    const { state, ec2 } = await localEc2(IMMEDIATE_LIFECYCLE);
    const { vpcId, subnets } = state.addVpcWithSubnets(['us-east-2a']);
    const ssm = state.addEndpointService({ serviceName: 'com.amazonaws.us-east-2.ssm' });
    const s3 = state.addEndpointService({ serviceName: 'com.amazonaws.us-east-2.s3', type: 'Interface' });
    const subnetIds = [subnets[0]?.subnetId ?? ''];

    // Act
    const ssmEndpoint = await ec2.send(
      new CreateVpcEndpointCommand({
        VpcId: vpcId,
        ServiceName: ssm,
        VpcEndpointType: 'Interface',
        SubnetIds: subnetIds,
        PrivateDnsEnabled: true,
      }),
    );
    const s3Id = await createInterfaceEndpoint(ec2, { vpcId, serviceName: s3, subnetIds });

    // Assess
    const ssmNames = (ssmEndpoint.VpcEndpoint?.DnsEntries ?? []).map((entry) => entry.DnsName).sort();
    expect(ssmNames).toEqual([
      'ssm.us-east-2.amazonaws.com',
      expect.stringMatching(/^vpce-[0-9a-f]{17}-[a-z0-9]{8}-us-east-2a\.ssm\.us-east-2\.vpce\.amazonaws\.com$/),
      expect.stringMatching(/^vpce-[0-9a-f]{17}-[a-z0-9]{8}\.ssm\.us-east-2\.vpce\.amazonaws\.com$/),
    ]);
    const s3Names = ((await describeOne(ec2, s3Id))?.DnsEntries ?? []).map((entry) => entry.DnsName).sort();
    expect(s3Names).toEqual([
      expect.stringMatching(/^\*\.vpce-[0-9a-f]{17}-[a-z0-9]{8}-us-east-2a\.s3\.us-east-2\.vpce\.amazonaws\.com$/),
      expect.stringMatching(/^\*\.vpce-[0-9a-f]{17}-[a-z0-9]{8}\.s3\.us-east-2\.vpce\.amazonaws\.com$/),
    ]);
  });

  it('accepts the documented DnsOptions and echoes them back', async () => {
    // Prepare: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DnsOptionsSpecification.html
    const { state, ec2 } = await localEc2(IMMEDIATE_LIFECYCLE);
    const { vpcId, subnets } = state.addVpcWithSubnets(['us-east-2a']);

    // Act
    const created = await ec2.send(
      new CreateVpcEndpointCommand({
        VpcId: vpcId,
        ServiceName: state.addEndpointService(),
        VpcEndpointType: 'Interface',
        SubnetIds: [subnets[0]?.subnetId ?? ''],
        DnsOptions: { DnsRecordIpType: 'ipv4' },
      }),
    );

    // Assess
    expect(created.VpcEndpoint?.DnsOptions).toMatchObject({ DnsRecordIpType: 'ipv4' });
    expect((await describeOne(ec2, created.VpcEndpoint?.VpcEndpointId ?? ''))?.DnsOptions).toMatchObject({
      DnsRecordIpType: 'ipv4',
    });
  });

  it('filters DescribeAvailabilityZones by the documented opt-in-status', async () => {
    // Prepare: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeAvailabilityZones.html (filters)
    const { ec2 } = await localEc2();

    // Act
    const notRequired = await ec2.send(
      new DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'opt-in-status', Values: ['opt-in-not-required'] }] }),
    );
    const optedIn = await ec2.send(
      new DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'opt-in-status', Values: ['opted-in'] }] }),
    );

    // Assess
    expect(notRequired.AvailabilityZones?.map((zone) => zone.ZoneName)).toEqual([
      'us-east-2a',
      'us-east-2b',
      'us-east-2c',
    ]);
    expect(optedIn.AvailabilityZones).toEqual([]);
  });
});

describe('local EC2: ModifyVpcEndpoint and DeleteVpcEndpoints', () => {
  it('moves the zonal names with the subnets when subnets are removed and added', async () => {
    // Prepare
    const { state, ec2 } = await localEc2();
    const { vpcId, subnets } = state.addVpcWithSubnets(['us-east-2a', 'us-east-2b']);
    const c = state.addSubnet({ vpcId, availabilityZone: 'us-east-2c' });
    const id = await createInterfaceEndpoint(ec2, {
      vpcId,
      serviceName: state.addEndpointService(),
      subnetIds: subnets.map((s) => s.subnetId),
    });

    // Act
    const result = await ec2.send(
      new ModifyVpcEndpointCommand({
        VpcEndpointId: id,
        RemoveSubnetIds: [subnets[0]?.subnetId ?? ''],
        AddSubnetIds: [c.subnetId],
      }),
    );
    const endpoint = await describeOne(ec2, id);

    // Assess
    expect(result.Return).toBe(true);
    expect(endpoint?.SubnetIds).toEqual([subnets[1]?.subnetId, c.subnetId]);
    const zones = (endpoint?.DnsEntries ?? [])
      .map((entry) => entry.DnsName?.split('.')[0]?.match(/-(us-east-2[a-z])$/)?.[1])
      .filter(Boolean)
      .sort();
    expect(zones).toEqual(['us-east-2b', 'us-east-2c']);
  });

  it('refuses adding a second subnet in a zone the endpoint already covers', async () => {
    // Prepare
    const { state, ec2 } = await localEc2();
    const { vpcId, subnets } = state.addVpcWithSubnets(['us-east-2a']);
    const another = state.addSubnet({ vpcId, availabilityZone: 'us-east-2a' });
    const id = await createInterfaceEndpoint(ec2, {
      vpcId,
      serviceName: state.addEndpointService(),
      subnetIds: [subnets[0]?.subnetId ?? ''],
    });

    // Act
    const failure = await errorOf(
      ec2.send(new ModifyVpcEndpointCommand({ VpcEndpointId: id, AddSubnetIds: [another.subnetId] })),
    );

    // Assess
    expect(failure.name).toBe('DuplicateSubnetsInSameZone');
    expect(state.endpoint(id)?.SubnetIds).toEqual([subnets[0]?.subnetId]);
  });

  it('goes deleting, then deleted, then disappears; unknown ids come back as unsuccessful items', async () => {
    // Prepare
    let now = 5_000_000;
    const { state, ec2 } = await localEc2({ now: () => now, deletingMs: 10_000, deletedVisibleMs: 60_000 });
    const { vpcId, subnets } = state.addVpcWithSubnets(['us-east-2a']);
    const id = await createInterfaceEndpoint(ec2, {
      vpcId,
      serviceName: state.addEndpointService(),
      subnetIds: [subnets[0]?.subnetId ?? ''],
    });

    // Act
    const result = await ec2.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: [id, 'vpce-0123456789abcdef0'] }));
    const deleting = (await describeOne(ec2, id))?.State;
    now += 10_000;
    const deleted = (await describeOne(ec2, id))?.State;
    now += 60_000;
    const gone = await errorOf(describeOne(ec2, id));
    const listed = await ec2.send(new DescribeVpcEndpointsCommand({}));

    // Assess
    expect(result.Unsuccessful).toEqual([
      {
        ResourceId: 'vpce-0123456789abcdef0',
        Error: {
          Code: 'InvalidVpcEndpointId.NotFound',
          Message: "The Vpc Endpoint Id 'vpce-0123456789abcdef0' does not exist",
        },
      },
    ]);
    expect([deleting, deleted]).toEqual(['deleting', 'deleted']);
    expect(gone).toMatchObject({ name: 'InvalidVpcEndpointId.NotFound', status: 400 });
    expect(listed.VpcEndpoints).toEqual([]);
  });
});

describe('local EC2: DescribeVpcEndpoints', () => {
  it('fails the whole call for an unknown id and for a malformed one, as AWS does', async () => {
    // Prepare
    const { ec2 } = await localEc2();

    // Act
    const unknown = await errorOf(describeOne(ec2, 'vpce-0aaaaaaaaaaaaaaaa'));
    const malformed = await errorOf(describeOne(ec2, 'not-an-endpoint'));

    // Assess
    expect(unknown).toEqual({
      name: 'InvalidVpcEndpointId.NotFound',
      message: "The Vpc Endpoint Id 'vpce-0aaaaaaaaaaaaaaaa' does not exist",
      status: 400,
    });
    expect(malformed.name).toBe('InvalidVpcEndpointId.Malformed');
  });

  it('filters by VPC, service name (with wildcards), state, type, tag and tag key; refuses unknown filters', async () => {
    // Prepare
    const { state, ec2 } = await localEc2();
    const serviceName = state.addEndpointService({ acceptanceRequired: true });
    const first = state.addVpcWithSubnets(['us-east-2a']);
    const second = state.addVpcWithSubnets(['us-east-2b']);
    const tagged = await createInterfaceEndpoint(ec2, {
      vpcId: first.vpcId,
      serviceName,
      subnetIds: [first.subnets[0]?.subnetId ?? ''],
      tags: { 'linkdns:domain': 'pr1jy6.us-east-2.aws.confluent.cloud' },
    });
    const plain = await createInterfaceEndpoint(ec2, {
      vpcId: second.vpcId,
      serviceName,
      subnetIds: [second.subnets[0]?.subnetId ?? ''],
    });
    state.acceptEndpoint(plain);
    const gateway = state.createEndpoint({ vpcId: first.vpcId, serviceName: 'com.amazonaws.us-east-2.s3' });
    const ids = async (filters: Filter[]) =>
      ((await ec2.send(new DescribeVpcEndpointsCommand({ Filters: filters }))).VpcEndpoints ?? [])
        .map((endpoint) => endpoint.VpcEndpointId)
        .sort();

    // Act
    const byVpc = await ids([{ Name: 'vpc-id', Values: [first.vpcId] }]);
    const byService = await ids([{ Name: 'service-name', Values: ['com.amazonaws.vpce.us-east-2.vpce-svc-*'] }]);
    const pending = await ids([{ Name: 'vpc-endpoint-state', Values: ['pendingAcceptance'] }]);
    const interfaces = await ids([{ Name: 'vpc-endpoint-type', Values: ['Interface'] }]);
    const byTag = await ids([{ Name: 'tag:linkdns:domain', Values: ['*.confluent.cloud'] }]);
    const byTagKey = await ids([{ Name: 'tag-key', Values: ['linkdns:domain'] }]);
    const both = await ids([
      { Name: 'vpc-id', Values: [first.vpcId, second.vpcId] },
      { Name: 'vpc-endpoint-type', Values: ['Gateway'] },
    ]);
    const unknownFilter = await errorOf(
      ec2.send(new DescribeVpcEndpointsCommand({ Filters: [{ Name: 'vpc', Values: ['x'] }] })),
    );

    // Assess
    expect(byVpc).toEqual([gateway.VpcEndpointId, tagged].sort());
    expect(byService).toEqual([tagged, plain].sort());
    expect(pending).toEqual([tagged]);
    expect(interfaces).toEqual([tagged, plain].sort());
    expect(byTag).toEqual([tagged]);
    expect(byTagKey).toEqual([tagged]);
    expect(both).toEqual([gateway.VpcEndpointId]);
    expect(unknownFilter.name).toBe('InvalidParameterValue');
  });

  it('pages with MaxResults and NextToken without repeats or gaps, and refuses a token from another query', async () => {
    // Prepare
    const { state, ec2 } = await localEc2();
    const serviceName = state.addEndpointService();
    const created = new Set<string>();
    for (let index = 0; index < 23; index += 1) {
      const { vpcId, subnets } = state.addVpcWithSubnets(['us-east-2a']);
      created.add(
        state.createEndpoint({ vpcId, serviceName, type: 'Interface', subnetIds: [subnets[0]?.subnetId ?? ''] })
          .VpcEndpointId,
      );
    }

    // Act
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let token: string | undefined;
    let firstToken: string | undefined;
    do {
      const page = await ec2.send(
        new DescribeVpcEndpointsCommand({ MaxResults: 10, ...(token ? { NextToken: token } : {}) }),
      );
      pageSizes.push(page.VpcEndpoints?.length ?? 0);
      seen.push(...(page.VpcEndpoints ?? []).map((endpoint) => endpoint.VpcEndpointId ?? ''));
      token = page.NextToken;
      firstToken ??= token;
    } while (token);
    const foreign = await errorOf(
      ec2.send(
        new DescribeVpcEndpointsCommand({
          MaxResults: 10,
          NextToken: firstToken,
          Filters: [{ Name: 'vpc-endpoint-type', Values: ['Interface'] }],
        }),
      ),
    );

    // Assess
    expect(pageSizes).toEqual([10, 10, 3]);
    expect(seen).toHaveLength(23);
    expect(new Set(seen)).toEqual(created);
    expect(foreign.name).toBe('InvalidPaginationToken');
  });

  it('refuses parameters it does not know and actions it does not serve', async () => {
    // Prepare
    await localEc2();
    const post = (body: string) =>
      fetch(aws?.endpoint ?? '', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });

    // Act
    const misspelt = await post(
      'Action=DescribeVpcEndpoints&Version=2016-11-15&VpcEndpointIds.1=vpce-0123456789abcdef0',
    );
    const unserved = await post('Action=RunInstances&Version=2016-11-15');

    // Assess
    expect(misspelt.status).toBe(400);
    expect(await misspelt.text()).toContain('<Code>UnknownParameter</Code>');
    expect(unserved.status).toBe(400);
    expect(await unserved.text()).toContain('<Code>InvalidAction</Code>');
  });
});

describe('local EC2: subnets and availability zones', () => {
  it('describes subnets by id and by filter with the AZ name and the account-independent AZ id', async () => {
    // Prepare
    const { state, ec2 } = await localEc2();
    const { vpcId, subnets } = state.addVpcWithSubnets();
    state.addVpcWithSubnets(['us-east-2a']);

    // Act
    const byId = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnets[2]?.subnetId ?? ''] }));
    const byVpc = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
    const unknown = await errorOf(ec2.send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-0ffffffffffffffff'] })));
    const unknownByFilter = await ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: 'subnet-id', Values: ['subnet-0ffffffffffffffff'] }] }),
    );
    const tooSmall = await errorOf(ec2.send(new DescribeSubnetsCommand({ MaxResults: 4 })));

    // Assess
    expect(byId.Subnets?.map((s) => [s.SubnetId, s.AvailabilityZone, s.AvailabilityZoneId, s.VpcId])).toEqual([
      [subnets[2]?.subnetId, 'us-east-2c', 'use2-az1', vpcId],
    ]);
    expect(byVpc.Subnets?.map((s) => `${s.AvailabilityZone}=${s.AvailabilityZoneId}`).sort()).toEqual([
      'us-east-2a=use2-az2',
      'us-east-2b=use2-az3',
      'us-east-2c=use2-az1',
    ]);
    expect(unknown).toMatchObject({
      name: 'InvalidSubnetID.NotFound',
      message: "The subnet ID 'subnet-0ffffffffffffffff' does not exist",
    });
    expect(unknownByFilter.Subnets).toEqual([]);
    expect(tooSmall.name).toBe('InvalidParameterValue');
  });

  it("reports this account's AZ name ↔ id shuffle and refuses more than 200 filter values", async () => {
    // Prepare
    const { ec2 } = await localEc2({
      region: 'us-east-1',
      availabilityZones: [
        { name: 'us-east-1a', id: 'use1-az6' },
        { name: 'us-east-1b', id: 'use1-az1' },
      ],
    });

    // Act
    const all = await ec2.send(new DescribeAvailabilityZonesCommand({}));
    const one = await ec2.send(new DescribeAvailabilityZonesCommand({ ZoneIds: ['use1-az1'] }));
    const tooMany = await errorOf(
      ec2.send(
        new DescribeSubnetsCommand({
          Filters: [{ Name: 'subnet-id', Values: Array.from({ length: 201 }, (_, index) => `subnet-${index}`) }],
        }),
      ),
    );

    // Assess
    expect(all.AvailabilityZones?.map((zone) => [zone.ZoneName, zone.ZoneId, zone.State, zone.RegionName])).toEqual([
      ['us-east-1a', 'use1-az6', 'available', 'us-east-1'],
      ['us-east-1b', 'use1-az1', 'available', 'us-east-1'],
    ]);
    expect(one.AvailabilityZones?.map((zone) => zone.ZoneName)).toEqual(['us-east-1b']);
    expect(tooMany.name).toBe('FilterLimitExceeded');
  });

  it('answers injected throttling as an EC2 error document the SDK recognises', async () => {
    // Prepare
    const { ec2 } = await localEc2();
    aws?.faults.add({ operation: 'DescribeAvailabilityZones', code: 'RequestLimitExceeded', times: 1 });

    // Act
    const failure = await errorOf(ec2.send(new DescribeAvailabilityZonesCommand({})));

    // Assess
    expect(failure).toMatchObject({ name: 'RequestLimitExceeded', status: 503 });
    expect(aws?.requests.byOperation()).toEqual({ DescribeAvailabilityZones: 1 });
  });
});
