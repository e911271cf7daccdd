import {
  AssociateVPCWithHostedZoneCommand,
  ChangeResourceRecordSetsCommand,
  CreateVPCAssociationAuthorizationCommand,
  DeleteVPCAssociationAuthorizationCommand,
  ListHostedZonesByVPCCommand,
  ListVPCAssociationAuthorizationsCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handleEndpointEvent } from '../../functions/aws/handlers/endpoint-events.ts';
import { handleScheduledRepair } from '../../functions/aws/handlers/scheduled-repair.ts';
import type { RunReport } from '../../functions/core/report.ts';
import { sampleAwsEvent } from '../../local/demo-scenario.ts';
import {
  AZS,
  addNetwork,
  addSite,
  createRepairRuntime,
  type RepairHarness,
  resetObservations,
  startRepairHarness,
  zoneRecords,
} from './scheduled-repair-harness.ts';

/**
 * Topology scenario, AWS, across accounts: the Confluent zone lives in the network (hub) account, associated with the
 * hub VPC (the source) and — through `CreateVPCAssociationAuthorization` by the hub and `AssociateVPCWithHostedZone`
 * by the workload account — with a VPC of a workload account. linkdns runs in the hub account and reads the workload
 * account's endpoints through its spoke role (STS `AssumeRole`). The local AWS tells accounts apart by access key.
 */

const DOMAIN = 'pr1jy6.us-east-2.aws.confluent.cloud';
const HUB_ACCOUNT = '111122223333';
const WORKLOAD_ACCOUNT = '444455556666';
const WORKLOAD_KEY = 'AKIDWORKLOADACCOUNT';

let harness: RepairHarness;
let workloadRoute53: Route53Client;
beforeEach(async () => {
  harness = await startRepairHarness();
  harness.aws.accounts.add(WORKLOAD_KEY, WORKLOAD_ACCOUNT);
  workloadRoute53 = new Route53Client({
    endpoint: harness.aws.endpoint,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: { accessKeyId: WORKLOAD_KEY, secretAccessKey: 'local-secret' },
  });
});
afterEach(async () => {
  workloadRoute53.destroy();
  await harness.close();
});

/** The hub's zone and endpoint, and a VPC of the workload account with an endpoint to the same Confluent service. */
function hubAndWorkload() {
  const network = addNetwork(harness, DOMAIN);
  const hub = addSite(harness, network);
  const workload = harness.aws.ec2Of(WORKLOAD_ACCOUNT);
  workload.addEndpointService({ serviceName: network.service, availabilityZones: [...AZS] });
  const { vpcId, subnets } = workload.addVpcWithSubnets([...AZS]);
  const vpc = { VPCId: vpcId, VPCRegion: 'us-east-2' as const };
  return { network, hub, workload, vpc, subnets };
}

async function errorOf(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  const error = (await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )) as { name: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return { name: error?.name ?? 'no error', status: error?.$metadata?.httpStatusCode };
}

describe('AWS cross-account: the hub account’s zone associated with a workload account’s VPC', () => {
  it('needs the hub’s authorization to associate, lists and deletes it, and keeps the workload out of the zone', async () => {
    // Prepare
    const { hub, vpc } = hubAndWorkload();
    const hubRoute53 = harness.aws.clients.route53;
    const zone = { HostedZoneId: hub.zoneId, VPC: vpc };

    // Act
    const unauthorized = await errorOf(workloadRoute53.send(new AssociateVPCWithHostedZoneCommand(zone)));
    const byZoneOwner = await errorOf(hubRoute53.send(new AssociateVPCWithHostedZoneCommand(zone)));
    const byWorkload = await errorOf(workloadRoute53.send(new CreateVPCAssociationAuthorizationCommand(zone)));
    await hubRoute53.send(new CreateVPCAssociationAuthorizationCommand(zone));
    const listed = await hubRoute53.send(new ListVPCAssociationAuthorizationsCommand({ HostedZoneId: hub.zoneId }));
    await workloadRoute53.send(new AssociateVPCWithHostedZoneCommand(zone));
    const seen = await workloadRoute53.send(new ListHostedZonesByVPCCommand(vpc));
    await hubRoute53.send(new DeleteVPCAssociationAuthorizationCommand(zone));
    const deletedTwice = await errorOf(hubRoute53.send(new DeleteVPCAssociationAuthorizationCommand(zone)));
    const afterDelete = await hubRoute53.send(
      new ListVPCAssociationAuthorizationsCommand({ HostedZoneId: hub.zoneId }),
    );
    const workloadWrite = await errorOf(
      workloadRoute53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: hub.zoneId,
          ChangeBatch: {
            Changes: [
              {
                Action: 'CREATE',
                ResourceRecordSet: {
                  Name: `*.${DOMAIN}`,
                  Type: 'CNAME',
                  TTL: 60,
                  ResourceRecords: [{ Value: 'evil.example.com' }],
                },
              },
            ],
          },
        }),
      ),
    );

    // Assess: documented errors, and the association outlives its authorization.
    expect(unauthorized).toEqual({ name: 'NotAuthorizedException', status: 401 });
    expect(byZoneOwner).toEqual({ name: 'NotAuthorizedException', status: 401 });
    expect(byWorkload).toEqual({ name: 'AccessDenied', status: 403 });
    expect(listed.VPCs).toEqual([{ VPCId: vpc.VPCId, VPCRegion: vpc.VPCRegion }]);
    expect(seen.HostedZoneSummaries).toEqual([
      { HostedZoneId: hub.zoneId, Name: `${DOMAIN}.`, Owner: { OwningAccount: HUB_ACCOUNT } },
    ]);
    expect(deletedTwice).toEqual({ name: 'VPCAssociationAuthorizationNotFound', status: 404 });
    expect(afterDelete.VPCs).toEqual([]);
    expect(harness.aws.route53.zone(hub.zoneId).vpcs.map((associated) => associated.id)).toContain(vpc.VPCId);
    expect(workloadWrite).toEqual({ name: 'AccessDenied', status: 403 });
  });

  it('keeps the zone right from the hub account; the workload VPC’s endpoint is one conflict and never steers it', async () => {
    // Prepare: associated across accounts; linkdns in the hub reads the workload account through its spoke role.
    const { network, hub, workload, vpc, subnets } = hubAndWorkload();
    const zone = { HostedZoneId: hub.zoneId, VPC: vpc };
    await harness.aws.clients.route53.send(new CreateVPCAssociationAuthorizationCommand(zone));
    await workloadRoute53.send(new AssociateVPCWithHostedZoneCommand(zone));
    const setup = await createRepairRuntime(harness, [network], {
      createZones: true,
      env: {
        LINKDNS_ACCOUNT_ID: HUB_ACCOUNT,
        LINKDNS_SPOKE_ACCOUNTS: WORKLOAD_ACCOUNT,
        LINKDNS_ASSUME_ROLE_NAME: 'linkdns-endpoint-reader',
      },
    });
    const first = await handleScheduledRepair({ id: 'converge' }, setup.runtime);
    expect(first.zones).toMatchObject([{ scope: hub.vpcId, zoneId: hub.zoneId, outcome: 'changed' }]);
    const converged = zoneRecords(harness, hub.zoneId);
    const stray = workload.createEndpoint({
      vpcId: vpc.VPCId,
      serviceName: network.service,
      type: 'Interface',
      subnetIds: subnets.map((subnet) => subnet.subnetId),
    });
    // Someone edits the hub's wildcard meanwhile: the hub's run must still repair it.
    harness.aws.route53.putRecordSet(hub.zoneId, {
      name: `*.${DOMAIN}`,
      type: 'CNAME',
      ttl: 60,
      values: ['typo.example.com'],
    });
    // The workload account's endpoints were read through its role (credentials cached from here on).
    expect(harness.aws.requests.count('AssumeRole')).toBe(1);
    resetObservations(harness, setup.metrics);
    const workloadVpc = `arn:aws:ec2:us-east-2:${WORKLOAD_ACCOUNT}:vpc/${vpc.VPCId}`;

    // Act
    const event = (await handleEndpointEvent(
      {
        ...(sampleAwsEvent('create-vpc-endpoint.json', { endpointId: stray.VpcEndpointId }) as object),
        account: WORKLOAD_ACCOUNT,
      },
      setup.runtime,
    )) as RunReport;
    const repair = await handleScheduledRepair({ id: 'after-stray' }, setup.runtime);
    const again = await handleScheduledRepair({ id: 'steady' }, setup.runtime);

    // Assess
    expect(event.zones).toMatchObject([{ scope: workloadVpc, zoneId: hub.zoneId, outcome: 'conflict' }]);
    expect(event.zones[0]?.conflicts[0]?.reason).toMatch(new RegExp(`source network ${hub.vpcId}`));
    expect(repair.zones.map((report) => `${report.scope} ${report.outcome}`).sort()).toEqual(
      [`${hub.vpcId} changed`, `${workloadVpc} conflict`].sort(),
    );
    expect(again.zones.map((report) => `${report.scope} ${report.outcome}`).sort()).toEqual(
      [`${hub.vpcId} unchanged`, `${workloadVpc} conflict`].sort(),
    );
    expect(zoneRecords(harness, hub.zoneId)).toEqual(converged);
    expect(harness.aws.route53.zonesNamed(DOMAIN).map((found) => found.id)).toEqual([hub.zoneId]);
    expect(harness.aws.requests.count('CreateHostedZone')).toBe(0);
  });
});
