import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  azIdsByName,
  listedVpcEndpoint,
  observeVpcEndpoint,
  type VpcEndpointDescription,
} from '../../functions/aws/vpc-endpoint-mapping.ts';
import { InvalidInputError } from '../../functions/core/errors.ts';

/** The 3-AZ Confluent PrivateLink endpoint of events/aws/cli, as `aws ec2 describe-vpc-endpoints` prints it. */
const sample = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../events/aws/cli/dedicated-3az.${name}.json`, import.meta.url), 'utf8'));
const ENDPOINT: VpcEndpointDescription = sample('vpc-endpoints').VpcEndpoints[0];
const AZ_IDS = azIdsByName(sample('subnets').Subnets);
const REGIONAL = 'vpce-0f3e9d2c1b4a56789-k3qz8w1v.vpce-svc-01234567890abcdef.us-east-2.vpce.amazonaws.com';
const zonalName = (az: string) => REGIONAL.replace('-k3qz8w1v.', `-k3qz8w1v-${az}.`);

const observe = (overrides: Partial<VpcEndpointDescription>) =>
  observeVpcEndpoint({ ...ENDPOINT, ...overrides }, AZ_IDS, 'DescribeVpcEndpoints');

describe('observeVpcEndpoint', () => {
  it('reads the Confluent 3-AZ endpoint: AZ ids as zone labels, its tags, its VPC and service', () => {
    // Act
    const endpoint = observe({});

    // Assess
    expect(endpoint).toEqual({
      cloud: 'aws',
      id: 'vpce-0f3e9d2c1b4a56789',
      state: 'available',
      rawState: 'available',
      scope: 'vpc-0a1b2c3d4e5f60718',
      service: 'com.amazonaws.vpce.us-east-2.vpce-svc-01234567890abcdef',
      targetKind: 'name',
      regional: [REGIONAL],
      zonal: {
        'use2-az1': [zonalName('us-east-2c')],
        'use2-az2': [zonalName('us-east-2a')],
        'use2-az3': [zonalName('us-east-2b')],
      },
      tags: { Name: 'confluent-pr1jy6', team: 'data-platform' },
    });
  });

  it.each([
    ['available', 'available'],
    ['pending', 'pending'],
    ['pendingAcceptance', 'pendingAcceptance'],
    ['PendingAcceptance', 'pendingAcceptance'],
    ['rejected', 'rejected'],
    ['failed', 'failed'],
    ['deleting', 'deleting'],
    ['deleted', 'deleted'],
    ['expired', 'expired'],
    ['partial', 'unknown'],
  ])('reads the EC2 state %s as %s, keeping the raw value', (raw, state) => {
    // Prepare: an endpoint on its way out may have lost its DNS names already.
    const dnsEntries = ['available', 'pending', 'pendingAcceptance', 'PendingAcceptance'].includes(raw)
      ? ENDPOINT.DnsEntries
      : [];

    // Act
    const endpoint = observe({ State: raw, DnsEntries: dnsEntries });

    // Assess
    expect(endpoint).toMatchObject({ state, rawState: raw });
  });

  it('refuses a live endpoint without a regional name: no * record could be written', () => {
    // Prepare
    const zonalOnly = ENDPOINT.DnsEntries?.filter((entry) => entry.DnsName !== REGIONAL);

    // Act / Assess
    expect(() => observe({ DnsEntries: zonalOnly })).toThrow(
      'DescribeVpcEndpoints vpce-0f3e9d2c1b4a56789: expected one regional name in DnsEntries, found 0',
    );
    expect(() => observe({ State: 'pendingAcceptance', DnsEntries: [] })).toThrow(/found 0/);
  });

  it('refuses two regional names rather than sending a two-value CNAME to Route 53', () => {
    // Prepare
    const second = { DnsName: REGIONAL.replace('k3qz8w1v', 'a1b2c3d4'), HostedZoneId: 'ZC8PG0KIFKBRI' };

    // Act / Assess
    expect(() => observe({ DnsEntries: [...(ENDPOINT.DnsEntries ?? []), second] })).toThrow(/found 2/);
  });

  it('refuses a zonal name in an AZ none of the subnets is in, naming the zones it knows', () => {
    // Prepare
    const stray = { DnsName: zonalName('us-east-2d'), HostedZoneId: 'ZC8PG0KIFKBRI' };

    // Act
    const attempt = () => observe({ DnsEntries: [...(ENDPOINT.DnsEntries ?? []), stray] });

    // Assess
    expect(attempt).toThrow(InvalidInputError);
    expect(attempt).toThrow(
      `DescribeVpcEndpoints vpce-0f3e9d2c1b4a56789: DnsEntries[4].DnsName ${zonalName('us-east-2d')} is zonal but its availability zone is not among the subnets' zones (us-east-2a, us-east-2b, us-east-2c)`,
    );
    expect(() => observeVpcEndpoint(ENDPOINT, new Map(), 'x')).toThrow(/\(none given\)$/);
  });

  it('reads GovCloud zonal names (us-gov-west-1a) as zonal too', () => {
    // Prepare
    const gov = 'vpce-0123-abcd-us-gov-west-1a.vpce-svc-0abc.us-gov-west-1.vpce.amazonaws.com';

    // Act / Assess
    expect(() => observe({ DnsEntries: [{ DnsName: REGIONAL }, { DnsName: gov }] })).toThrow(/us-gov-west-1a/);
  });

  it('skips private DNS names listed beside the endpoint’s own names', () => {
    // Prepare
    const privateName = { DnsName: '*.pr1jy6.us-east-2.aws.confluent.cloud', HostedZoneId: 'Z0123' };

    // Act
    const endpoint = observe({ DnsEntries: [privateName, ...(ENDPOINT.DnsEntries ?? [])] });

    // Assess
    expect(endpoint.regional).toEqual([REGIONAL]);
    expect(Object.keys(endpoint.zonal)).toHaveLength(3);
  });

  it.each([
    ['VpcEndpointId', { VpcEndpointId: undefined }, 'DescribeVpcEndpoints: missing VpcEndpointId'],
    ['State', { State: '' }, 'DescribeVpcEndpoints vpce-0f3e9d2c1b4a56789: missing State'],
    ['VpcId', { VpcId: undefined }, 'DescribeVpcEndpoints vpce-0f3e9d2c1b4a56789: missing VpcId'],
    ['ServiceName', { ServiceName: undefined }, 'DescribeVpcEndpoints vpce-0f3e9d2c1b4a56789: missing ServiceName'],
    [
      'a DNS name',
      { DnsEntries: [{ HostedZoneId: 'ZC8PG0KIFKBRI' }] },
      'DescribeVpcEndpoints vpce-0f3e9d2c1b4a56789: missing DnsEntries[0].DnsName',
    ],
  ])('names the missing %s', (_field, overrides, message) => {
    expect(() => observe(overrides as Partial<VpcEndpointDescription>)).toThrow(new InvalidInputError(message));
  });

  it('refuses null where EC2 JSON would have a value', () => {
    expect(() => observe({ VpcId: null as unknown as string })).toThrow(/missing VpcId/);
  });

  it('reads a tag without a value as empty and drops a tag without a key', () => {
    // Act
    const endpoint = observe({ Tags: [{ Key: 'linkdns:layout' }, { Value: 'orphan' }] });

    // Assess
    expect(endpoint.tags).toEqual({ 'linkdns:layout': '' });
  });
});

describe('observeVpcEndpoint on hand-written JSON', () => {
  it.each([
    ['null', null, 'found null'],
    ['a string', 'vpce-0f3e9d2c1b4a56789', 'found string'],
    ['an array', [ENDPOINT], 'found object'],
  ])('refuses %s where an endpoint object belongs', (_case, value, found) => {
    expect(() => observeVpcEndpoint(value as unknown as VpcEndpointDescription, AZ_IDS, 'endpoints.json')).toThrow(
      new RegExp(`^endpoints\\.json: expected a VPC endpoint object, ${found}$`),
    );
  });

  it('refuses DnsEntries that are not a list, or hold something other than objects', () => {
    expect(() => observe({ DnsEntries: 'vpce-1.example.com' as never })).toThrow(
      'DescribeVpcEndpoints vpce-0f3e9d2c1b4a56789: DnsEntries is not a list',
    );
    expect(() => observe({ DnsEntries: [null] as never })).toThrow(
      /^DescribeVpcEndpoints vpce-0f3e9d2c1b4a56789: DnsEntries\[0\]: expected an object, found null$/,
    );
  });

  it('names a field of another type', () => {
    expect(() => observe({ VpcId: 42 as never })).toThrow(
      new InvalidInputError('DescribeVpcEndpoints vpce-0f3e9d2c1b4a56789: VpcId is not a string'),
    );
  });

  it('refuses a pending endpoint without its regional name, and reads Tags that are not a list as none', () => {
    expect(() => observe({ State: 'pending', DnsEntries: [] })).toThrow(/found 0/);
    expect(observe({ Tags: 'team=data' as never }).tags).toEqual({});
  });

  it('names the subnet that is not an object', () => {
    expect(() => azIdsByName([null as never], 'subnets.json')).toThrow(
      /^subnets\.json\[0\]: expected a subnet or zone object, found null$/,
    );
    expect(() => azIdsByName([null as never])).toThrow(/^Subnets\[0\]: /);
  });
});

describe('azIdsByName', () => {
  it('maps AZ names to ids and skips subnets that lack either', () => {
    expect(
      azIdsByName([
        { AvailabilityZone: 'us-east-2a', AvailabilityZoneId: 'use2-az2' },
        { AvailabilityZone: 'us-east-2b' },
        { AvailabilityZoneId: 'use2-az3' },
      ]),
    ).toEqual(new Map([['us-east-2a', 'use2-az2']]));
  });
});

describe('listedVpcEndpoint', () => {
  it('reads an S3 gateway endpoint from a listing just far enough to skip it: no names, nothing to write', () => {
    // Act
    const listed = listedVpcEndpoint({
      VpcEndpointId: 'vpce-0s3gateway00000001',
      VpcEndpointType: 'Gateway',
      VpcId: 'vpc-0a1b2c3d4e5f60718',
      ServiceName: 'com.amazonaws.us-east-2.s3',
      State: 'Available',
      Tags: [{ Key: 'Name', Value: 's3-gateway' }],
    });

    // Assess
    expect(listed).toEqual({
      cloud: 'aws',
      id: 'vpce-0s3gateway00000001',
      state: 'available',
      rawState: 'Available',
      scope: 'vpc-0a1b2c3d4e5f60718',
      service: 'com.amazonaws.us-east-2.s3',
      targetKind: 'name',
      regional: [],
      zonal: {},
      tags: { Name: 's3-gateway' },
    });
  });

  it('reads a listing entry with no fields at all as unknown and empty, without throwing', () => {
    // Act
    const listed = listedVpcEndpoint({});

    // Assess
    expect(listed).toMatchObject({ id: '', state: 'unknown', scope: '', service: '', tags: {} });
    expect(listed).not.toHaveProperty('rawState');
  });
});
