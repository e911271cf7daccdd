import {
  AssociateVPCWithHostedZoneCommand,
  CreateHostedZoneCommand,
  DisassociateVPCFromHostedZoneCommand,
  GetHostedZoneCommand,
  Route53ServiceException,
} from '@aws-sdk/client-route-53';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalAwsCloud, startLocalAws } from '../../local/aws/index.ts';

/**
 * VPC associations of private zones through the real Route 53 SDK client against the local AWS, whose Route 53 checks
 * VPCs against its EC2. Codes and statuses as the API reference lists them for CreateHostedZone and
 * DisassociateVPCFromHostedZone (https://docs.aws.amazon.com/Route53/latest/APIReference/API_DisassociateVPCFromHostedZone.html).
 */

let aws: LocalAwsCloud;
let vpcA: string;
let vpcB: string;

beforeEach(async () => {
  aws = await startLocalAws({ region: 'us-east-2' });
  vpcA = aws.ec2.addVpc();
  vpcB = aws.ec2.addVpc();
});

afterEach(async () => {
  await aws.close();
});

async function failure(promise: Promise<unknown>): Promise<Route53ServiceException> {
  const error = await promise.then(
    () => new Error('expected a rejection'),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(Route53ServiceException);
  return error as Route53ServiceException;
}

function zoneOn(vpcIds: string[]): string {
  return aws.route53.createZone({
    name: 'pr1jy6.us-east-2.aws.confluent.cloud',
    vpcs: vpcIds.map((id) => ({ id, region: 'us-east-2' })),
  }).id;
}

const vpc = (id: string) => ({ VPCId: id, VPCRegion: 'us-east-2' as const });

describe('DisassociateVPCFromHostedZone', () => {
  it('removes one of two VPCs and answers a PENDING change', async () => {
    // Prepare
    const zoneId = zoneOn([vpcA, vpcB]);

    // Act
    const answer = await aws.clients.route53.send(
      new DisassociateVPCFromHostedZoneCommand({ HostedZoneId: zoneId, VPC: vpc(vpcB), Comment: 'hub moved' }),
    );
    const zone = await aws.clients.route53.send(new GetHostedZoneCommand({ Id: zoneId }));

    // Assess
    expect(answer.ChangeInfo).toMatchObject({ Status: 'PENDING', Comment: 'hub moved' });
    expect(zone.VPCs?.map((entry) => entry.VPCId)).toEqual([vpcA]);
  });

  it('refuses the last VPC with LastVPCAssociation (400), and a VPC not associated with VPCAssociationNotFound (404)', async () => {
    // Prepare
    const zoneId = zoneOn([vpcA]);

    // Act
    const last = await failure(
      aws.clients.route53.send(new DisassociateVPCFromHostedZoneCommand({ HostedZoneId: zoneId, VPC: vpc(vpcA) })),
    );
    const other = await failure(
      aws.clients.route53.send(new DisassociateVPCFromHostedZoneCommand({ HostedZoneId: zoneId, VPC: vpc(vpcB) })),
    );

    // Assess
    expect([last.name, last.$metadata.httpStatusCode]).toEqual(['LastVPCAssociation', 400]);
    expect([other.name, other.$metadata.httpStatusCode]).toEqual(['VPCAssociationNotFound', 404]);
    expect(aws.route53.zone(zoneId).vpcs.map((entry) => entry.id)).toEqual([vpcA]);
  });
});

describe('VPCs that do not exist', () => {
  it('CreateHostedZone and AssociateVPCWithHostedZone refuse them with InvalidVPCId (400), creating nothing', async () => {
    // Prepare
    const zoneId = zoneOn([vpcA]);
    const zonesBefore = aws.route53.zones.size;

    // Act
    const create = await failure(
      aws.clients.route53.send(
        new CreateHostedZoneCommand({
          Name: 'other.example.com',
          CallerReference: 'c1',
          VPC: vpc('vpc-0123456789abcdef0'),
        }),
      ),
    );
    const associate = await failure(
      aws.clients.route53.send(
        new AssociateVPCWithHostedZoneCommand({ HostedZoneId: zoneId, VPC: vpc('vpc-0123456789abcdef0') }),
      ),
    );

    // Assess
    expect([create.name, create.$metadata.httpStatusCode]).toEqual(['InvalidVPCId', 400]);
    expect(associate.name).toBe('InvalidVPCId');
    expect(aws.route53.zones.size).toBe(zonesBefore);
  });
});

describe('operations the local Route 53 does not serve', () => {
  it("answer in Route 53's error envelope, not a bare 404", async () => {
    // Act
    const response = await fetch(`${aws.endpoint}/2013-04-01/trafficpolicies`, { method: 'GET' });
    const body = await response.text();

    // Assess
    expect(response.status).toBe(400);
    expect(body).toMatch(
      /^<\?xml version="1.0"\?>\n<ErrorResponse xmlns="https:\/\/route53\.amazonaws\.com\/doc\/2013-04-01\/">/,
    );
    expect(body).toContain('<Error><Type>Sender</Type><Code>InvalidAction</Code>');
  });
});
