import { afterEach, describe, expect, it } from 'vitest';
import type { RunReport } from '../../functions/core/report.ts';
import { resourceId } from '../../local/azure/arm-store.ts';
import { deletePrivateEndpoint, seedPrivateDnsZone, seedPrivateEndpoint } from '../../local/azure/seed.ts';
import {
  type AzureHarness,
  aRecordSets,
  baseConfig,
  DEDICATED,
  DEDICATED_RECORDS,
  endpointEvent,
  HUB_VNET,
  KAFKA_VNET,
  reportOf,
  SUBSCRIPTION,
  startAzureHarness,
} from './azure-harness.ts';

/**
 * Topology scenario, Azure (issue 12, finding 1): the Private DNS zone lives in the hub's connectivity subscription,
 * linked to the VNet that holds the Confluent endpoints (the source) and to many spoke VNets of other subscriptions
 * (consumers). Driven through the Function handlers with the real SDK clients against the local Azure.
 */

const CONNECTIVITY = '0c0e0c70-1111-4a2b-8c3d-5e6f7a8b9c0d';
const SPOKE_SUBSCRIPTION = '5b0b0e11-2222-4c3d-9e4f-6a7b8c9d0e1f';
const HUB_DNS_RG = 'rg-dns-hub';
const SPOKES = [1, 2, 3].map(
  (n) =>
    `/subscriptions/${SPOKE_SUBSCRIPTION}/resourceGroups/rg-spoke-${n}/providers/Microsoft.Network/virtualNetworks/vnet-spoke-${n}`,
);
/** A spoke VNet in the endpoints' subscription, where someone creates a second endpoint to Confluent. */
const STRAY_VNET = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-spoke-apps/providers/Microsoft.Network/virtualNetworks/vnet-apps`;
const CONFLUENT_ALIAS_1 =
  's-nk99e-privatelink-1.5f2c1e0a-7b3d-4c8e-9a6f-1d2e3b4c5a6f.centralus.azure.privatelinkservice';
const SOURCE_RECORDS = DEDICATED_RECORDS;

let harness: AzureHarness;
afterEach(async () => {
  await harness.close();
});

/** The zone reports of the dedicated cluster's domain. */
function dedicated(report: RunReport): RunReport['zones'] {
  return report.zones.filter((zone) => zone.domain === DEDICATED);
}

/** The zone in the connectivity subscription, linked to the source VNet, the hub and the spokes, already converged. */
async function hubAndSpoke(): Promise<void> {
  harness = await startAzureHarness({
    config: { ...baseConfig, zones: { create: false, extraNetworks: [] } },
    dns: { subscriptionId: CONNECTIVITY, resourceGroup: HUB_DNS_RG },
  });
  seedPrivateDnsZone(harness.azure.state, {
    subscriptionId: CONNECTIVITY,
    resourceGroup: HUB_DNS_RG,
    name: DEDICATED,
    links: [KAFKA_VNET, HUB_VNET, ...SPOKES, STRAY_VNET],
  });
  const first = await harness.handlers.privateEndpointEvents(
    endpointEvent('write', 'confluent-n-p8xo76-1'),
    harness.context(),
  );
  expect(reportOf(first).zones).toMatchObject([{ domain: DEDICATED, scope: KAFKA_VNET, outcome: 'changed' }]);
  harness.notified.length = 0;
}

/** A private endpoint to Confluent's zone-1 alias in the apps spoke, and its write event. */
function strayEndpoint(): { id: string; event: Record<string, unknown> } {
  const { endpoint } = seedPrivateEndpoint(harness.azure.state, {
    subscriptionId: SUBSCRIPTION,
    resourceGroup: 'rg-spoke-apps',
    name: 'pe-confluent-from-apps',
    subnetId: `${STRAY_VNET}/subnets/snet-pe`,
    service: CONFLUENT_ALIAS_1,
    ip: '10.40.0.4',
  });
  const event = endpointEvent('write', 'pe-confluent-from-apps') as unknown as {
    subject: string;
    data: Record<string, unknown> & { authorization: { scope: string } };
  };
  event.subject = endpoint.id;
  event.data.resourceUri = endpoint.id;
  event.data.authorization.scope = endpoint.id;
  return { id: endpoint.id, event };
}

describe('Azure hub-and-spoke: zone in the connectivity subscription, linked to many VNets', () => {
  it('writes the source VNet’s records into the zone of the connectivity subscription', async () => {
    // Act
    await hubAndSpoke();

    // Assess
    expect(aRecordSets(harness.zone(DEDICATED))).toEqual(SOURCE_RECORDS);
    expect(harness.zone(DEDICATED)['TXT _linkdns']?.join(' ')).toContain(`scope=${KAFKA_VNET}`);
    expect(
      harness.azure.state.get(resourceId(SUBSCRIPTION, 'rg-private-dns', 'privatednszones', DEDICATED)),
    ).toBeUndefined();
  });

  it('reports an endpoint in a consumer VNet as one conflict, notified once, and never rewrites the zone', async () => {
    // Prepare
    await hubAndSpoke();
    const stray = strayEndpoint();
    harness.azure.requests.clear();

    // Act
    const event = reportOf(await harness.handlers.privateEndpointEvents(stray.event, harness.context()));
    const repair = reportOf(await harness.handlers.scheduledRepair(harness.timer(), harness.context()));

    // Assess
    expect(event.zones).toMatchObject([{ domain: DEDICATED, scope: STRAY_VNET.toLowerCase(), outcome: 'conflict' }]);
    expect(event.zones[0]?.conflicts).toHaveLength(1);
    expect(event.zones[0]?.conflicts[0]?.reason).toMatch(/consumer/);
    expect(harness.notified).toHaveLength(2);
    // (The fixtures' attachment endpoint has no zone here: its domain is left out.)
    expect(
      dedicated(repair)
        .map((zone) => `${zone.scope} ${zone.outcome}`)
        .sort(),
    ).toEqual([`${KAFKA_VNET} unchanged`, `${STRAY_VNET.toLowerCase()} conflict`].sort());
    expect(aRecordSets(harness.zone(DEDICATED))).toEqual(SOURCE_RECORDS);
    expect(harness.zone(DEDICATED)['TXT _linkdns']?.join(' ')).toContain(`scope=${KAFKA_VNET}`);
    expect(harness.azure.requests.writes()).toEqual([]);
  });

  it('keeps the source’s records when the consumer’s endpoint is deleted', async () => {
    // Prepare
    await hubAndSpoke();
    const stray = strayEndpoint();
    await harness.handlers.privateEndpointEvents(stray.event, harness.context());
    deletePrivateEndpoint(harness.azure.state, stray.id);
    const deleted = endpointEvent('delete', 'pe-confluent-from-apps') as unknown as {
      subject: string;
      data: Record<string, unknown> & { authorization: { scope: string } };
    };
    deleted.subject = stray.id;
    deleted.data.resourceUri = stray.id;
    deleted.data.authorization.scope = stray.id;

    // Act
    await harness.handlers.privateEndpointEvents(deleted, harness.context());
    const repair = reportOf(await harness.handlers.scheduledRepair(harness.timer(), harness.context()));

    // Assess
    expect(aRecordSets(harness.zone(DEDICATED))).toEqual(SOURCE_RECORDS);
    expect(dedicated(repair).map((zone) => zone.outcome)).toEqual(['unchanged']);
  });

  it('lets the configuration name the source where several linked VNets hold endpoints', async () => {
    // Prepare: the zone is new (no registry) and both VNets have Confluent endpoints; configuration says the hub
    // side is the source, so the apps spoke is a consumer even though it may be reconciled first.
    harness = await startAzureHarness({
      config: { ...baseConfig, zones: { create: false, extraNetworks: [], sources: { [DEDICATED]: KAFKA_VNET } } },
      dns: { subscriptionId: CONNECTIVITY, resourceGroup: HUB_DNS_RG },
    });
    seedPrivateDnsZone(harness.azure.state, {
      subscriptionId: CONNECTIVITY,
      resourceGroup: HUB_DNS_RG,
      name: DEDICATED,
      links: [KAFKA_VNET, STRAY_VNET],
    });
    const stray = strayEndpoint();

    // Act: the stray spoke's event comes first.
    const first = reportOf(await harness.handlers.privateEndpointEvents(stray.event, harness.context()));
    const repair = reportOf(await harness.handlers.scheduledRepair(harness.timer(), harness.context()));

    // Assess
    expect(first.zones).toMatchObject([{ outcome: 'conflict' }]);
    expect(first.zones[0]?.conflicts[0]?.reason).toMatch(/named by the configuration/);
    expect(aRecordSets(harness.zone(DEDICATED))).toEqual(SOURCE_RECORDS);
    expect(dedicated(repair).find((zone) => zone.scope === KAFKA_VNET)).toMatchObject({ outcome: 'changed' });
  });
});
