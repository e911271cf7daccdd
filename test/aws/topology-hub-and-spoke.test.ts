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
  slackMessages,
  startRepairHarness,
  zoneRecords,
} from './scheduled-repair-harness.ts';

/**
 * Topology scenario, AWS (issue 12, finding 1): one private hosted zone associated with the hub VPC that holds the
 * Confluent endpoint (the source) and with spoke VPCs (consumers). Someone who can create endpoints in a spoke creates
 * one to the same service. Driven through the Lambda handlers with the real SDK clients against the local AWS.
 */

const DOMAIN = 'pr1jy6.us-east-2.aws.confluent.cloud';

let harness: RepairHarness;
beforeEach(async () => {
  harness = await startRepairHarness();
});
afterEach(async () => {
  await harness.close();
});

async function hubAndSpokes() {
  const network = addNetwork(harness, DOMAIN);
  const hub = addSite(harness, network);
  const spokes = [0, 1, 2].map(() => harness.aws.ec2.addVpcWithSubnets([...AZS]));
  for (const spoke of spokes) {
    harness.aws.route53.associateVpc(hub.zoneId, { region: harness.aws.ec2.region, id: spoke.vpcId });
  }
  const setup = await createRepairRuntime(harness, [network]);
  const first = await handleScheduledRepair({ id: 'converge' }, setup.runtime);
  expect(first.zones).toMatchObject([{ scope: hub.vpcId, outcome: 'changed' }]);
  const converged = zoneRecords(harness, hub.zoneId);
  resetObservations(harness, setup.metrics);
  return { network, hub, spokes, setup, converged };
}

describe('AWS hub-and-spoke: one private zone associated with many VPCs', () => {
  it('reports a spoke’s endpoint as one conflict, notified once, and never rewrites the hub’s records', async () => {
    // Prepare
    const { network, hub, spokes, setup, converged } = await hubAndSpokes();
    const spoke = spokes[0] as (typeof spokes)[number];
    const stray = harness.aws.ec2.createEndpoint({
      vpcId: spoke.vpcId,
      serviceName: network.service,
      type: 'Interface',
      subnetIds: spoke.subnets.map((subnet) => subnet.subnetId),
    });

    // Act
    const event = (await handleEndpointEvent(
      sampleAwsEvent('create-vpc-endpoint.json', { endpointId: stray.VpcEndpointId }),
      setup.runtime,
    )) as RunReport;
    const repair = await handleScheduledRepair({ id: 'after-stray' }, setup.runtime);

    // Assess: before, the spoke's run rewrote the records and set the registry to scope=<spoke>.
    expect(event.zones).toMatchObject([{ scope: spoke.vpcId, zoneId: hub.zoneId, outcome: 'conflict' }]);
    expect(event.zones[0]?.conflicts).toHaveLength(1);
    expect(event.zones[0]?.conflicts[0]?.reason).toMatch(new RegExp(`source network ${hub.vpcId}`));
    expect(repair.zones.map((zone) => `${zone.scope} ${zone.outcome}`).sort()).toEqual(
      [`${hub.vpcId} unchanged`, `${spoke.vpcId} conflict`].sort(),
    );
    expect(zoneRecords(harness, hub.zoneId)).toEqual(converged);
    expect(harness.aws.requests.count('ChangeResourceRecordSets')).toBe(0);
    expect(slackMessages(harness)).toHaveLength(2);
  });

  it('keeps the hub’s records when the spoke’s endpoint is deleted', async () => {
    // Prepare
    const { network, hub, spokes, setup, converged } = await hubAndSpokes();
    const spoke = spokes[1] as (typeof spokes)[number];
    const stray = harness.aws.ec2.createEndpoint({
      vpcId: spoke.vpcId,
      serviceName: network.service,
      type: 'Interface',
      subnetIds: spoke.subnets.map((subnet) => subnet.subnetId),
    });
    await handleEndpointEvent(
      sampleAwsEvent('create-vpc-endpoint.json', { endpointId: stray.VpcEndpointId }),
      setup.runtime,
    );

    // Act
    harness.aws.ec2.deleteEndpoints([stray.VpcEndpointId]);
    await handleEndpointEvent(
      sampleAwsEvent('delete-vpc-endpoints.json', { endpointId: stray.VpcEndpointId }),
      setup.runtime,
    );
    const repair = await handleScheduledRepair({ id: 'after-delete' }, setup.runtime);

    // Assess: before, deleting the spoke's endpoint emptied the zone although the hub's endpoint is alive.
    expect(zoneRecords(harness, hub.zoneId)).toEqual(converged);
    expect(repair.zones.map((zone) => zone.outcome)).not.toContain('changed');
  });
});
