import { DescribeVpcEndpointsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { Ec2EndpointSource, Ec2RequestError, vpcEndpointArn } from '../../functions/aws/ec2-endpoint-source.ts';
import { InvalidInputError, TransientCloudError } from '../../functions/core/errors.ts';
import { ec2Service, IMMEDIATE_LIFECYCLE, type LocalEc2Options, LocalEc2State } from '../../local/aws/ec2.ts';
import { type LocalAws, startLocalAwsServer } from '../../local/aws/server.ts';

/** The EC2 endpoint source over the real SDK against the local EC2, counting calls in the request log. */

const servers: LocalAws[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

interface LocalAccount {
  readonly state: LocalEc2State;
  readonly aws: LocalAws;
  readonly ec2: EC2Client;
  /** The DescribeVpcEndpoints inputs the source sent, to check what was filtered by EC2. */
  readonly describeInputs: unknown[];
  readonly recordingClient: Pick<EC2Client, 'send'>;
}

async function localAccount(
  options: LocalEc2Options = {},
  clientOptions: { maxAttempts?: number } = {},
): Promise<LocalAccount> {
  const state = new LocalEc2State(options);
  const aws = await startLocalAwsServer([ec2Service(state)]);
  servers.push(aws);
  const ec2 = new EC2Client({
    endpoint: aws.endpoint,
    region: state.region,
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' },
    maxAttempts: clientOptions.maxAttempts ?? 3,
  });
  const describeInputs: unknown[] = [];
  const recordingClient: Pick<EC2Client, 'send'> = {
    send: ((command: { input: unknown }, options?: unknown) => {
      if (command instanceof DescribeVpcEndpointsCommand) describeInputs.push(command.input);
      return (ec2.send as (command: unknown, options?: unknown) => Promise<unknown>)(command, options);
    }) as EC2Client['send'],
  };
  return { state, aws, ec2, describeInputs, recordingClient };
}

/** The expected core view of an endpoint, computed from the local state's own records. */
function expectedNames(state: LocalEc2State, id: string): { regional: string[]; zonal: Record<string, string[]> } {
  const view = state.endpoint(id);
  const names = (view?.DnsEntries ?? []).map((entry) => entry.DnsName);
  const zonal: Record<string, string[]> = {};
  for (const subnetId of view?.SubnetIds ?? []) {
    const subnet = state.subnet(subnetId);
    const name = names.find((candidate) => candidate.split('.')[0]?.endsWith(`-${subnet?.availabilityZone}`));
    if (subnet && name) zonal[subnet.availabilityZoneId] = [name];
  }
  const zonalNames = Object.values(zonal).flat();
  return { regional: names.filter((name) => !zonalNames.includes(name)), zonal };
}

describe('Ec2EndpointSource.getEndpoint', () => {
  it('reads a 3-AZ endpoint as one regional name and three zonal names keyed by AZ id', async () => {
    // Prepare: no pending phase, so the endpoint reads as available however fast the test runs
    const { state, aws, ec2 } = await localAccount(IMMEDIATE_LIFECYCLE);
    const { vpcId, subnets } = state.addVpcWithSubnets();
    const serviceName = state.addEndpointService();
    const { VpcEndpointId: id } = state.createEndpoint({
      vpcId,
      serviceName,
      type: 'Interface',
      subnetIds: subnets.map((subnet) => subnet.subnetId),
      tags: { team: 'data' },
    });
    const source = new Ec2EndpointSource(ec2);

    // Act
    const endpoint = await source.getEndpoint(id);

    // Assess
    const expected = expectedNames(state, id);
    expect(endpoint).toEqual({
      cloud: 'aws',
      id,
      state: 'available',
      rawState: 'available',
      scope: vpcId,
      service: serviceName,
      targetKind: 'name',
      regional: expected.regional,
      zonal: expected.zonal,
      tags: { team: 'data' },
    });
    // This account's shuffle: us-east-2a is use2-az2, so the record names cannot come from the AZ letters.
    expect(Object.keys(endpoint?.zonal ?? {}).sort()).toEqual(['use2-az1', 'use2-az2', 'use2-az3']);
    expect(endpoint?.zonal['use2-az2']?.[0]).toMatch(/-us-east-2a\./);
    expect(aws.requests.byOperation()).toEqual({ DescribeVpcEndpoints: 1, DescribeSubnets: 1 });
  });

  it('gives the same answer whatever order DnsEntries arrive in', async () => {
    // Prepare: no lifecycle delays, so the endpoint's state cannot change between the reads compared
    const { state, ec2 } = await localAccount(IMMEDIATE_LIFECYCLE);
    const { vpcId, subnets } = state.addVpcWithSubnets();
    const { VpcEndpointId: id } = state.createEndpoint({
      vpcId,
      serviceName: state.addEndpointService(),
      type: 'Interface',
      subnetIds: subnets.map((subnet) => subnet.subnetId),
    });
    const source = new Ec2EndpointSource(ec2);

    // Act
    const orders = new Set<string>();
    const answers: unknown[] = [];
    for (let read = 0; read < 8; read += 1) {
      const raw = await ec2.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: [id] }));
      orders.add((raw.VpcEndpoints?.[0]?.DnsEntries ?? []).map((entry) => entry.DnsName).join(' '));
      answers.push(await source.getEndpoint(id));
    }

    // Assess
    expect(orders.size).toBeGreaterThan(1);
    // Deep equality: the same names under the same AZ ids (key order of `zonal` is not part of the contract).
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    expect(Object.keys((answers[0] as { zonal: object }).zonal)).toHaveLength(3);
  });

  it('follows the subnets when one is removed and another added', async () => {
    // Prepare
    const { state, ec2 } = await localAccount();
    const { vpcId, subnets } = state.addVpcWithSubnets(['us-east-2a', 'us-east-2b']);
    const c = state.addSubnet({ vpcId, availabilityZone: 'us-east-2c' });
    const { VpcEndpointId: id } = state.createEndpoint({
      vpcId,
      serviceName: state.addEndpointService(),
      type: 'Interface',
      subnetIds: subnets.map((subnet) => subnet.subnetId),
    });
    const source = new Ec2EndpointSource(ec2);
    const before = await source.getEndpoint(id);

    // Act
    state.modifyEndpoint(id, { removeSubnetIds: [subnets[0]?.subnetId ?? ''] });
    const removed = await source.getEndpoint(id);
    state.modifyEndpoint(id, { addSubnetIds: [c.subnetId] });
    const added = await source.getEndpoint(id);

    // Assess
    expect(Object.keys(before?.zonal ?? {}).sort()).toEqual(['use2-az2', 'use2-az3']);
    expect(Object.keys(removed?.zonal ?? {})).toEqual(['use2-az3']);
    expect(Object.keys(added?.zonal ?? {}).sort()).toEqual(['use2-az1', 'use2-az3']);
    expect(added?.zonal['use2-az1']?.[0]).toMatch(/-us-east-2c\./);
    expect(added?.regional).toEqual(before?.regional);
  });

  it('shows deleting while the endpoint goes, deleted while EC2 still describes it, then undefined', async () => {
    // Prepare
    let now = 1_000_000;
    const { state, ec2 } = await localAccount({ now: () => now, deletingMs: 5_000, deletedVisibleMs: 60_000 });
    const { vpcId, subnets } = state.addVpcWithSubnets(['us-east-2a']);
    const { VpcEndpointId: id } = state.createEndpoint({
      vpcId,
      serviceName: state.addEndpointService(),
      type: 'Interface',
      subnetIds: [subnets[0]?.subnetId ?? ''],
    });
    const source = new Ec2EndpointSource(ec2);

    // Act
    state.deleteEndpoints([id]);
    const deleting = await source.getEndpoint(id);
    now += 5_000;
    const deleted = await source.getEndpoint(id);
    now += 60_000;
    const gone = await source.getEndpoint(id);

    // Assess
    expect(deleting?.state).toBe('deleting');
    // Still described: nothing to contribute, but its VPC narrows the search for its records.
    expect(deleted).toMatchObject({ state: 'deleted', scope: vpcId });
    expect(gone).toBeUndefined();
  });

  it('maps pendingAcceptance, rejected and failed, keeping the DNS names', async () => {
    // Prepare
    const { state, ec2 } = await localAccount();
    const serviceName = state.addEndpointService({ acceptanceRequired: true });
    const ids = ['us-east-2a', 'us-east-2b', 'us-east-2c'].map((zone) => {
      const { vpcId, subnets } = state.addVpcWithSubnets([zone]);
      return state.createEndpoint({ vpcId, serviceName, type: 'Interface', subnetIds: [subnets[0]?.subnetId ?? ''] })
        .VpcEndpointId;
    });
    const [pending, rejected, failed] = ids as [string, string, string];
    state.rejectEndpoint(rejected);
    state.acceptEndpoint(failed);
    state.failEndpoint(failed);
    const source = new Ec2EndpointSource(ec2);

    // Act
    const observed = await Promise.all(ids.map((id) => source.getEndpoint(id)));

    // Assess
    expect(observed.map((endpoint) => [endpoint?.state, endpoint?.rawState])).toEqual([
      ['pendingAcceptance', 'pendingAcceptance'],
      ['rejected', 'rejected'],
      ['failed', 'failed'],
    ]);
    expect(observed.map((endpoint) => endpoint?.regional.length)).toEqual([1, 1, 1]);
    expect(observed[0]?.id).toBe(pending);
  });

  it('answers undefined for an unknown id, a Gateway endpoint as listed without names; refuses a malformed id', async () => {
    // Prepare
    const { state, ec2 } = await localAccount();
    const vpcId = state.addVpc();
    const gateway = state.createEndpoint({ vpcId, serviceName: 'com.amazonaws.us-east-2.s3' });
    const source = new Ec2EndpointSource(ec2);

    // Act
    const unknown = await source.getEndpoint('vpce-0123456789abcdef0');
    const notInterface = await source.getEndpoint(gateway.VpcEndpointId);

    // Assess
    expect(unknown).toBeUndefined();
    // Alive, but no DNS names: the core counts it as skipped instead of searching every zone's registry for it.
    expect(notInterface).toMatchObject({
      id: gateway.VpcEndpointId,
      scope: vpcId,
      service: 'com.amazonaws.us-east-2.s3',
      regional: [],
      zonal: {},
    });
    const batch = (await source.getEndpoints([gateway.VpcEndpointId])).get(gateway.VpcEndpointId);
    expect(batch).toMatchObject({ id: gateway.VpcEndpointId, service: 'com.amazonaws.us-east-2.s3', regional: [] });
    await expect(source.getEndpoint('vpce-NOPE')).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('ignores the private DNS name AWS lists next to the endpoint names', async () => {
    // Prepare
    const { state, ec2 } = await localAccount();
    const { vpcId, subnets } = state.addVpcWithSubnets(['us-east-2a', 'us-east-2b']);
    const serviceName = state.addEndpointService({ privateDnsName: '*.kafka.example.com' });
    const { VpcEndpointId: id, DnsEntries } = state.createEndpoint({
      vpcId,
      serviceName,
      type: 'Interface',
      privateDnsEnabled: true,
      subnetIds: subnets.map((subnet) => subnet.subnetId),
    });
    const source = new Ec2EndpointSource(ec2);

    // Act
    const endpoint = await source.getEndpoint(id);

    // Assess
    expect(DnsEntries.map((entry) => entry.DnsName)).toContain('*.kafka.example.com');
    expect(endpoint?.regional).toHaveLength(1);
    expect(endpoint?.regional[0]).toMatch(/^vpce-/);
    expect(Object.keys(endpoint?.zonal ?? {}).sort()).toEqual(['use2-az2', 'use2-az3']);
  });
});

describe('Ec2EndpointSource.listEndpoints', () => {
  it('pages through 250 endpoints, reading subnets only until every AZ name is known', async () => {
    // Prepare: 250 endpoints, each in its own VPC with 3 subnets, so every page brings subnets not seen before; but
    // the AZ names (name → id is fixed per account) are all learnt from the first page's subnets. No lifecycle delays,
    // so no endpoint turns from pending to available between the two listings compared.
    const { state, aws, ec2 } = await localAccount(IMMEDIATE_LIFECYCLE);
    const serviceName = state.addEndpointService();
    const created = new Set<string>();
    for (let index = 0; index < 250; index += 1) {
      const { vpcId, subnets } = state.addVpcWithSubnets();
      created.add(
        state.createEndpoint({ vpcId, serviceName, type: 'Interface', subnetIds: subnets.map((s) => s.subnetId) })
          .VpcEndpointId,
      );
    }
    const source = new Ec2EndpointSource(ec2, { pageSize: 50 });

    // Act
    const first = await source.listEndpoints();
    const coldCalls = aws.requests.byOperation();
    aws.requests.reset();
    const second = await source.listEndpoints();
    const warmCalls = aws.requests.byOperation();

    // Assess
    expect(first).toHaveLength(250);
    expect(new Set(first.map((endpoint) => endpoint.id))).toEqual(created);
    expect(first.every((endpoint) => Object.keys(endpoint.zonal).length === 3 && endpoint.regional.length === 1)).toBe(
      true,
    );
    expect(coldCalls).toEqual({ DescribeVpcEndpoints: 5, DescribeSubnets: 1 });
    expect(second).toEqual(first);
    expect(warmCalls).toEqual({ DescribeVpcEndpoints: 5 });
  });

  it('hands the same listing over page by page, one DescribeVpcEndpoints page at a time', async () => {
    // Prepare: 120 endpoints listed 50 per page
    const { state, aws, ec2 } = await localAccount(IMMEDIATE_LIFECYCLE);
    const serviceName = state.addEndpointService();
    for (let index = 0; index < 120; index += 1) {
      const { vpcId, subnets } = state.addVpcWithSubnets();
      state.createEndpoint({ vpcId, serviceName, type: 'Interface', subnetIds: subnets.map((s) => s.subnetId) });
    }
    const source = new Ec2EndpointSource(ec2, { pageSize: 50, serviceNames: [serviceName] });
    const whole = await source.listEndpoints();
    aws.requests.reset();

    // Act: each page is taken before the next is asked for
    const pages: number[] = [];
    const calls: number[] = [];
    const listed = [];
    const cursors: (string | undefined)[] = [];
    for await (const page of source.listEndpointPages()) {
      pages.push(page.endpoints.length);
      calls.push(aws.requests.count('DescribeVpcEndpoints'));
      listed.push(...page.endpoints);
      cursors.push(page.next);
    }
    // A later invocation carries the listing on from the first page's cursor
    const carriedOn = [];
    for await (const page of source.listEndpointPages(undefined, undefined, cursors[0]))
      carriedOn.push(...page.endpoints);

    // Assess: the cursor is EC2's NextToken in this listing's only part and query; the last page has none
    expect(pages).toEqual([50, 50, 20]);
    expect(calls).toEqual([1, 2, 3]);
    expect(listed).toEqual(whole);
    expect(cursors[0]).toMatch(/^0\.0\.\S+$/);
    expect(cursors[2]).toBeUndefined();
    expect(carriedOn).toEqual(whole.slice(50));
  });

  it.each([
    ['another part', '1.0.token'],
    ['another query', '0.1.token'],
    ['no part at all', 'eyJ0b2tlbiI6MX0='],
    ['a token with a space', '0.0.a b'],
  ])('refuses a listing cursor naming %s before any call', async (_, cursor) => {
    const { aws, ec2 } = await localAccount(IMMEDIATE_LIFECYCLE);
    const source = new Ec2EndpointSource(ec2, {
      pageSize: 50,
      serviceNames: ['com.amazonaws.vpce.us-east-2.vpce-svc-0abc'],
    });

    const listing = async () => {
      for await (const _page of source.listEndpointPages(undefined, undefined, cursor)) {
        // never reached
      }
    };

    await expect(listing()).rejects.toThrow(InvalidInputError);
    await expect(listing()).rejects.toThrow(`Endpoint listing cursor "${cursor}"`);
    expect(aws.requests.count('DescribeVpcEndpoints')).toBe(0);
  });

  it('asks EC2 for Interface endpoints of the VPC and the exact service names only', async () => {
    // Prepare
    const { state, ec2, describeInputs, recordingClient } = await localAccount();
    const confluent = state.addEndpointService();
    const other = state.addEndpointService();
    const { vpcId, subnets } = state.addVpcWithSubnets(['us-east-2a']);
    const subnetIds = [subnets[0]?.subnetId ?? ''];
    const wanted = state.createEndpoint({ vpcId, serviceName: confluent, type: 'Interface', subnetIds }).VpcEndpointId;
    const elsewhere = state.addVpcWithSubnets(['us-east-2a']);
    state.createEndpoint({
      vpcId: elsewhere.vpcId,
      serviceName: confluent,
      type: 'Interface',
      subnetIds: [elsewhere.subnets[0]?.subnetId ?? ''],
    });
    const otherService = state.createEndpoint({
      vpcId,
      serviceName: other,
      type: 'Interface',
      subnetIds: [state.addSubnet({ vpcId, availabilityZone: 'us-east-2b' }).subnetId],
    });
    state.createEndpoint({ vpcId, serviceName: 'com.amazonaws.us-east-2.s3' });
    const exact = new Ec2EndpointSource(recordingClient, { serviceNames: [confluent] });
    const globbed = new Ec2EndpointSource(recordingClient, {
      serviceNames: ['com.amazonaws.vpce.us-east-2.vpce-svc-*'],
    });
    const everything = new Ec2EndpointSource(ec2);

    // Act
    const byExact = await exact.listEndpoints(vpcId);
    const byGlob = await globbed.listEndpoints(vpcId);
    const all = await everything.listEndpoints(vpcId);

    // Assess
    expect(byExact.map((endpoint) => endpoint.id)).toEqual([wanted]);
    expect(byGlob.map((endpoint) => endpoint.id).sort()).toEqual([wanted, otherService.VpcEndpointId].sort());
    expect(all).toHaveLength(2);
    expect(describeInputs).toEqual([
      {
        Filters: [
          { Name: 'vpc-endpoint-type', Values: ['Interface'] },
          { Name: 'vpc-id', Values: [vpcId] },
          { Name: 'service-name', Values: [confluent] },
        ],
        MaxResults: 50,
      },
      {
        Filters: [
          { Name: 'vpc-endpoint-type', Values: ['Interface'] },
          { Name: 'vpc-id', Values: [vpcId] },
        ],
        MaxResults: 50,
      },
    ]);
  });

  it('leaves deleted endpoints out of a listing', async () => {
    // Prepare
    const { state, ec2 } = await localAccount({ now: () => 0, deletingMs: 0, deletedVisibleMs: 60_000 });
    const serviceName = state.addEndpointService();
    const { vpcId, subnets } = state.addVpcWithSubnets(['us-east-2a', 'us-east-2b']);
    const kept = state.createEndpoint({
      vpcId,
      serviceName,
      type: 'Interface',
      subnetIds: [subnets[0]?.subnetId ?? ''],
    });
    const removed = state.createEndpoint({
      vpcId,
      serviceName,
      type: 'Interface',
      subnetIds: [subnets[1]?.subnetId ?? ''],
    });
    state.deleteEndpoints([removed.VpcEndpointId]);

    // Act
    const listed = await new Ec2EndpointSource(ec2).listEndpoints(vpcId);

    // Assess
    expect(state.endpoint(removed.VpcEndpointId)?.State).toBe('deleted');
    expect(listed.map((endpoint) => endpoint.id)).toEqual([kept.VpcEndpointId]);
  });
});

describe('Ec2EndpointSource under faults', () => {
  it('recovers from RequestLimitExceeded through the SDK retries', async () => {
    // Prepare
    const { state, aws, ec2 } = await localAccount();
    const { vpcId, subnets } = state.addVpcWithSubnets();
    const { VpcEndpointId: id } = state.createEndpoint({
      vpcId,
      serviceName: state.addEndpointService(),
      type: 'Interface',
      subnetIds: subnets.map((subnet) => subnet.subnetId),
    });
    aws.faults.add({ operation: 'DescribeVpcEndpoints', code: 'RequestLimitExceeded', times: 1 });
    aws.faults.add({ operation: 'DescribeSubnets', code: 'RequestLimitExceeded', times: 1 });

    // Act
    const endpoint = await new Ec2EndpointSource(ec2).getEndpoint(id);

    // Assess
    expect(Object.keys(endpoint?.zonal ?? {})).toHaveLength(3);
    expect(aws.requests.entries.map((entry) => `${entry.operation} ${entry.status}`)).toEqual([
      'DescribeVpcEndpoints 503',
      'DescribeVpcEndpoints 200',
      'DescribeSubnets 503',
      'DescribeSubnets 200',
    ]);
  });

  it('throws a retryable TransientCloudError once the SDK retries are spent', async () => {
    // Prepare
    const { state, aws, ec2 } = await localAccount({}, { maxAttempts: 2 });
    const { vpcId } = state.addVpcWithSubnets(['us-east-2a']);
    aws.faults.add({ operation: 'DescribeVpcEndpoints', code: 'RequestLimitExceeded' });

    // Act
    const failure = await new Ec2EndpointSource(ec2).listEndpoints(vpcId).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(TransientCloudError);
    expect((failure as TransientCloudError).retryable).toBe(true);
    expect((failure as Error).message).toMatch(
      /DescribeVpcEndpoints failed after 2 attempt\(s\): RequestLimitExceeded/,
    );
    expect(aws.requests.count('DescribeVpcEndpoints')).toBe(2);
  });

  it('throws a final Ec2RequestError when access is denied', async () => {
    // Prepare
    const { aws, ec2 } = await localAccount();
    aws.faults.add({ operation: 'DescribeVpcEndpoints', code: 'UnauthorizedOperation', status: 403 });

    // Act
    const failure = await new Ec2EndpointSource(ec2).listEndpoints().catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(Ec2RequestError);
    expect((failure as Ec2RequestError).code).toBe('UnauthorizedOperation');
    expect((failure as Ec2RequestError).retryable).toBe(false);
    expect(aws.requests.count()).toBe(1);
  });

  it('falls back to DescribeAvailabilityZones when DescribeSubnets is denied, and stops asking for subnets', async () => {
    // Prepare
    const { state, aws, ec2 } = await localAccount();
    const serviceName = state.addEndpointService();
    const ids = [0, 1].map(() => {
      const { vpcId, subnets } = state.addVpcWithSubnets();
      return state.createEndpoint({ vpcId, serviceName, type: 'Interface', subnetIds: subnets.map((s) => s.subnetId) })
        .VpcEndpointId;
    });
    aws.faults.add({ operation: 'DescribeSubnets', code: 'UnauthorizedOperation', status: 403 });
    const source = new Ec2EndpointSource(ec2);

    // Act
    const first = await source.getEndpoint(ids[0] ?? '');
    const second = await source.getEndpoint(ids[1] ?? '');

    // Assess
    expect(first?.zonal).toEqual(expectedNames(state, ids[0] ?? '').zonal);
    expect(second?.zonal).toEqual(expectedNames(state, ids[1] ?? '').zonal);
    expect(aws.requests.byOperation()).toEqual({
      DescribeVpcEndpoints: 2,
      DescribeSubnets: 1,
      DescribeAvailabilityZones: 1,
    });
  });

  it('stops waiting when the caller aborts', async () => {
    // Prepare
    const { state, aws, ec2 } = await localAccount();
    const { vpcId } = state.addVpcWithSubnets(['us-east-2a']);
    aws.faults.add({ operation: 'DescribeVpcEndpoints', latencyMs: 5_000 });
    const controller = new AbortController();
    const started = Date.now();

    // Act
    const pending = new Ec2EndpointSource(ec2).listEndpoints(vpcId, controller.signal).catch((error: unknown) => error);
    setTimeout(() => controller.abort(), 50);
    const failure = await pending;

    // Assess
    expect((failure as Error).name).toBe('AbortError');
    // Before the 5 s the answer would take.
    expect(Date.now() - started).toBeLessThan(4_500);
  });
});

describe('Ec2EndpointSource across accounts', () => {
  it("reads an endpoint ARN of another account through clientForAccount, with that account's AZ shuffle", async () => {
    // Prepare
    const hub = await localAccount({ accountId: '111122223333' });
    const spoke = await localAccount({
      accountId: '444455556666',
      availabilityZones: [
        { name: 'us-east-2a', id: 'use2-az3' },
        { name: 'us-east-2b', id: 'use2-az1' },
        { name: 'us-east-2c', id: 'use2-az2' },
      ],
    });
    const { vpcId, subnets } = spoke.state.addVpcWithSubnets(['us-east-2a']);
    const { VpcEndpointId: id } = spoke.state.createEndpoint({
      vpcId,
      serviceName: spoke.state.addEndpointService(),
      type: 'Interface',
      subnetIds: [subnets[0]?.subnetId ?? ''],
    });
    const asked: string[] = [];
    const source = new Ec2EndpointSource(hub.ec2, {
      accountId: '111122223333',
      clientForAccount: (account) => {
        asked.push(account);
        return spoke.ec2;
      },
    });
    const withoutFactory = new Ec2EndpointSource(hub.ec2, { accountId: '111122223333' });
    const arn = vpcEndpointArn('us-east-2', '444455556666', id);

    // Act
    const endpoint = await source.getEndpoint(arn);
    const listed = await source.listEndpoints(`arn:aws:ec2:us-east-2:444455556666:vpc/${vpcId}`);
    const refused = withoutFactory.getEndpoint(arn);

    // Assess
    // A spoke endpoint keeps its ARNs, so later reads (registry, scope, zone lookup) go to the spoke account again.
    expect(endpoint?.id).toBe(arn);
    expect(endpoint?.scope).toBe(`arn:aws:ec2:us-east-2:444455556666:vpc/${vpcId}`);
    expect(Object.keys(endpoint?.zonal ?? {})).toEqual(['use2-az3']);
    expect(listed.map((observed) => observed.id)).toEqual([arn]);
    expect(asked).toEqual(['444455556666', '444455556666']);
    expect(hub.aws.requests.count()).toBe(0);
    await expect(refused).rejects.toBeInstanceOf(InvalidInputError);
  });
});
