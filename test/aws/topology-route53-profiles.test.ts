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
  type RuntimeOptions,
  resetObservations,
  startRepairHarness,
  zoneRecords,
} from './scheduled-repair-harness.ts';

/**
 * Topology scenario, AWS: a spoke VPC resolves the Confluent zone only through a Route 53 Profile. The zone is
 * associated with the hub VPC (the source, holding the Confluent endpoint) and added to a Profile the spoke VPC is
 * associated with; `ListHostedZonesByVPC` does not show Profile associations (API reference), so before, a spoke
 * endpoint with `zones.create` made linkdns create a second zone for the spoke that shadowed the shared one. Driven
 * through the Lambda handlers with the real SDK clients against the local AWS (Route 53, Route 53 Profiles, EC2).
 */

const DOMAIN = 'pr1jy6.us-east-2.aws.confluent.cloud';

let harness: RepairHarness;
beforeEach(async () => {
  harness = await startRepairHarness();
});
afterEach(async () => {
  await harness.close();
});

/** The hub's zone, shared with the spoke through a Profile; zone creation on; the hub has written its records. */
async function hubAndProfileSpoke(options: RuntimeOptions = {}) {
  const { aws } = harness;
  const network = addNetwork(harness, DOMAIN);
  const hub = addSite(harness, network);
  const spoke = aws.ec2.addVpcWithSubnets([...AZS]);
  const profile = aws.profiles.createProfile('hub-dns');
  aws.profiles.addHostedZone(profile.id, hub.zoneId);
  aws.profiles.associateProfile(profile.id, spoke.vpcId);
  const setup = await createRepairRuntime(harness, [network], { createZones: true, ...options });
  const first = await handleScheduledRepair({ id: 'converge' }, setup.runtime);
  expect(first.zones).toMatchObject([{ scope: hub.vpcId, zoneId: hub.zoneId, outcome: 'changed' }]);
  const converged = zoneRecords(harness, hub.zoneId);
  const stray = aws.ec2.createEndpoint({
    vpcId: spoke.vpcId,
    serviceName: network.service,
    type: 'Interface',
    subnetIds: spoke.subnets.map((subnet) => subnet.subnetId),
  });
  resetObservations(harness, setup.metrics);
  return { network, hub, spoke, profile, setup, converged, stray };
}

async function spokeEvent(setup: Awaited<ReturnType<typeof hubAndProfileSpoke>>): Promise<RunReport> {
  return (await handleEndpointEvent(
    sampleAwsEvent('create-vpc-endpoint.json', { endpointId: setup.stray.VpcEndpointId }),
    setup.setup.runtime,
  )) as RunReport;
}

describe('AWS: a spoke VPC that sees the zone only through a Route 53 Profile', () => {
  it('finds the zone through the Profiles API, reports the spoke as a consumer and never creates a shadowing zone', async () => {
    // Prepare
    const world = await hubAndProfileSpoke();
    expect(harness.aws.route53.zonesForVpc({ region: harness.aws.ec2.region, id: world.spoke.vpcId })).toEqual([]);

    // Act
    const event = await spokeEvent(world);
    const repair = await handleScheduledRepair({ id: 'after-stray' }, world.setup.runtime);

    // Assess
    expect(event.zones).toMatchObject([{ scope: world.spoke.vpcId, zoneId: world.hub.zoneId, outcome: 'conflict' }]);
    expect(event.zones[0]?.conflicts[0]?.reason).toMatch(new RegExp(`source network ${world.hub.vpcId}`));
    expect(repair.zones.map((zone) => `${zone.scope} ${zone.zoneId} ${zone.outcome}`).sort()).toEqual(
      [`${world.hub.vpcId} ${world.hub.zoneId} unchanged`, `${world.spoke.vpcId} ${world.hub.zoneId} conflict`].sort(),
    );
    expect(harness.aws.route53.zonesNamed(DOMAIN).map((zone) => zone.id)).toEqual([world.hub.zoneId]);
    expect(harness.aws.requests.count('CreateHostedZone')).toBe(0);
    expect(harness.aws.requests.count('ChangeResourceRecordSets')).toBe(0);
    expect(zoneRecords(harness, world.hub.zoneId)).toEqual(world.converged);
    expect(harness.aws.requests.count('ListProfileAssociations')).toBeGreaterThan(0);
    expect(harness.aws.requests.count('ListProfileResourceAssociations')).toBeGreaterThan(0);
  });

  it('finds the same zone from configured zone ids when the functions may not call the Profiles API', async () => {
    // Prepare: the ids are known only after the world exists, so the runtime is built again with them.
    const world = await hubAndProfileSpoke();
    const setup = await createRepairRuntime(harness, [world.network], {
      createZones: true,
      env: { LINKDNS_ROUTE53_PROFILES: 'off', LINKDNS_PROFILE_ZONE_IDS: `${world.spoke.vpcId}=${world.hub.zoneId}` },
    });

    // Act
    const event = (await handleEndpointEvent(
      sampleAwsEvent('create-vpc-endpoint.json', { endpointId: world.stray.VpcEndpointId }),
      setup.runtime,
    )) as RunReport;

    // Assess
    expect(event.zones).toMatchObject([{ scope: world.spoke.vpcId, zoneId: world.hub.zoneId, outcome: 'conflict' }]);
    expect(harness.aws.requests.count('ListProfileAssociations')).toBe(0);
    expect(harness.aws.route53.zonesNamed(DOMAIN)).toHaveLength(1);
    expect(zoneRecords(harness, world.hub.zoneId)).toEqual(world.converged);
  });

  it('without the Profiles API and without configured ids, the spoke gets a shadowing zone of its own (the old behaviour)', async () => {
    // Prepare
    const world = await hubAndProfileSpoke({ env: { LINKDNS_ROUTE53_PROFILES: 'off' } });

    // Act
    const event = await spokeEvent(world);

    // Assess: what the Profiles look-up prevents — a second zone of the same name for the spoke.
    expect(event.zones).toMatchObject([{ scope: world.spoke.vpcId, outcome: 'changed' }]);
    expect(event.zones[0]?.zoneId).not.toBe(world.hub.zoneId);
    expect(harness.aws.route53.zonesNamed(DOMAIN)).toHaveLength(2);
  });

  it('lets a spoke configured as the source (zones.sources) write the zone it sees through the Profile', async () => {
    // Prepare
    const world = await hubAndProfileSpoke();
    const setup = await createRepairRuntime(harness, [world.network], {
      createZones: true,
      sources: { [DOMAIN]: world.spoke.vpcId },
    });

    // Act
    const event = (await handleEndpointEvent(
      sampleAwsEvent('create-vpc-endpoint.json', { endpointId: world.stray.VpcEndpointId }),
      setup.runtime,
    )) as RunReport;

    // Assess: the shared zone now serves the spoke's endpoint; still one zone.
    expect(event.zones).toMatchObject([{ scope: world.spoke.vpcId, zoneId: world.hub.zoneId, outcome: 'changed' }]);
    expect(JSON.stringify(zoneRecords(harness, world.hub.zoneId))).toContain(
      world.stray.VpcEndpointId.replace(/^vpce-/, ''),
    );
    expect(harness.aws.route53.zonesNamed(DOMAIN)).toHaveLength(1);
  });

  it('fails the spoke’s zone, naming the cause, when the Profiles API refuses, and creates nothing', async () => {
    // Prepare
    const world = await hubAndProfileSpoke();
    harness.aws.faults.add({ operation: 'ListProfileAssociations', code: 'AccessDeniedException', status: 400 });

    // Act
    const event = await spokeEvent(world).catch((error: unknown) => error);

    // Assess
    const report = event as RunReport;
    expect(report.zones).toMatchObject([{ scope: world.spoke.vpcId, outcome: 'failed' }]);
    expect(report.zones[0]?.error).toMatchObject({ name: 'ProfileLookupError', retryable: false });
    expect(report.zones[0]?.error?.message).toMatch(/AccessDeniedException.*LINKDNS_PROFILE_ZONE_IDS/);
    expect(harness.aws.requests.count('CreateHostedZone')).toBe(0);
    expect(harness.aws.route53.zonesNamed(DOMAIN)).toHaveLength(1);
  });
});
