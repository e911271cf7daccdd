import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseProfileZoneIds } from '../../functions/aws/profile-zone-ids.ts';
import { Route53ProfilesApi, Route53ProfilesError } from '../../functions/aws/route53-profiles.ts';
import { InvalidInputError } from '../../functions/core/errors.ts';
import { type LocalAwsCloud, startLocalAws } from '../../local/aws/index.ts';

/**
 * The Route 53 Profiles client (SigV4-signed REST-JSON, through the Route 53 client's request handler) against the
 * local Profiles service: paging, statuses, the error envelope, and which account sees what.
 */

let aws: LocalAwsCloud;
beforeEach(async () => {
  aws = await startLocalAws();
});
afterEach(async () => {
  await aws.close();
});

function api(accessKeyId = 'AKIDLOCALLINKDNS'): Route53ProfilesApi {
  return new Route53ProfilesApi({
    requestHandler: aws.clients.route53.config.requestHandler as ConstructorParameters<
      typeof Route53ProfilesApi
    >[0]['requestHandler'],
    credentials: async () => ({ accessKeyId, secretAccessKey: 'local-secret' }),
    endpoint: aws.endpoint,
  });
}

const VPC = { region: 'us-east-2', id: 'vpc-0a1b2c3d4e5f60718' };

describe('Route53ProfilesApi', () => {
  it('lists the hosted zones of the VPC’s Profile across pages, signed for route53profiles in the VPC’s region', async () => {
    // Prepare: 130 zones (two pages of at most 100), one deleted, one of another Profile.
    const profile = aws.profiles.createProfile('hub');
    const other = aws.profiles.createProfile('other');
    const zoneIds = Array.from({ length: 130 }, (_, index) => `Z${String(index).padStart(6, '0')}PROFILE`);
    for (const id of zoneIds) aws.profiles.addHostedZone(profile.id, id);
    aws.profiles.addHostedZone(profile.id, 'ZDELETEDZONE', { status: 'DELETED' });
    aws.profiles.addHostedZone(other.id, 'ZOTHERPROFILE');
    aws.profiles.associateProfile(profile.id, VPC.id);
    let authorization = '';
    const handler = aws.clients.route53.config.requestHandler as {
      handle: (request: { headers: Record<string, string> }) => unknown;
    };
    const original = handler.handle.bind(handler);
    handler.handle = (request) => {
      authorization = request.headers.authorization ?? '';
      return original(request);
    };

    // Act
    const ids = await api().hostedZoneIdsSeenBy(VPC);

    // Assess
    expect(ids).toEqual(zoneIds);
    expect(aws.requests.byOperation()).toEqual({ ListProfileAssociations: 1, ListProfileResourceAssociations: 2 });
    expect(authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDLOCALLINKDNS\/\d{8}\/us-east-2\/route53profiles\//);
  });

  it('sees nothing for a VPC without a Profile, or whose association is being deleted', async () => {
    // Prepare
    const profile = aws.profiles.createProfile('hub');
    aws.profiles.addHostedZone(profile.id, 'ZHUB');
    aws.profiles.associateProfile(profile.id, 'vpc-0deleting', { status: 'DELETING' });

    // Act / Assess
    expect(await api().hostedZoneIdsSeenBy(VPC)).toEqual([]);
    expect(await api().hostedZoneIdsSeenBy({ region: 'us-east-2', id: 'vpc-0deleting' })).toEqual([]);
  });

  it('reads the REST-JSON error envelope into a named error with the AWS code and status', async () => {
    // Prepare
    aws.faults.add({
      operation: 'ListProfileAssociations',
      code: 'ThrottlingException',
      status: 400,
      message: 'Rate exceeded',
    });

    // Act
    const error = await api()
      .hostedZoneIdsSeenBy(VPC)
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(Route53ProfilesError);
    expect(error).toMatchObject({
      name: 'ThrottlingException',
      message: 'Rate exceeded',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('shows a Profile shared with another account to that account only through its own VPC’s association', async () => {
    // Prepare: the network account owns the Profile; the workload account associated its VPC with it (AWS RAM).
    aws.accounts.add('AKIDWORKLOAD', '444455556666');
    const profile = aws.profiles.createProfile('hub');
    aws.profiles.addHostedZone(profile.id, 'ZHUB');
    aws.profiles.associateProfile(profile.id, VPC.id, { ownerId: '444455556666' });
    const stranger = 'AKIDSTRANGER';
    aws.accounts.add(stranger, '777788889999');

    // Act / Assess
    expect(await api().hostedZoneIdsSeenBy(VPC)).toEqual(['ZHUB']);
    expect(await api('AKIDWORKLOAD').hostedZoneIdsSeenBy(VPC)).toEqual(['ZHUB']);
    expect(await api(stranger).hostedZoneIdsSeenBy(VPC)).toEqual([]);
  });
});

describe('LINKDNS_PROFILE_ZONE_IDS', () => {
  it('reads zone ids per VPC', () => {
    expect(parseProfileZoneIds(' vpc-1=Z1|/hostedzone/Z2 , us-east-1:vpc-2=Z3,vpc-1=Z4')).toEqual(
      new Map([
        ['vpc-1', ['Z1', 'Z2', 'Z4']],
        ['us-east-1:vpc-2', ['Z3']],
      ]),
    );
    expect(parseProfileZoneIds('')).toEqual(new Map());
  });

  it.each(['vpc-1', 'vpc-1=', 'subnet-1=Z1', 'vpc-1=Z1=Z2', 'vpc-1=z1', 'vpc-1=Z1|'])(
    'refuses %j naming the entry',
    (value) => {
      expect(() => parseProfileZoneIds(value)).toThrow(InvalidInputError);
      expect(() => parseProfileZoneIds(value)).toThrow(value);
    },
  );
});
