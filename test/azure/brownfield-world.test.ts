import { NetworkManagementClient } from '@azure/arm-network';
import { PrivateDnsManagementClient } from '@azure/arm-privatedns';
import { afterEach, describe, expect, it } from 'vitest';
import { localAzureClientOptions, localAzureCredential } from '../../local/azure/client-options.ts';
import { AZURE_SCENARIO, type AzureScenario, startAzureScenario } from '../../local/demo-scenario.ts';

/**
 * The brownfield Azure subscription as the real `@azure/arm-network` and `@azure/arm-privatedns` clients read it:
 * private endpoints to Azure PaaS with zone groups writing into `privatelink.*` zones, manual connections awaiting
 * approval or rejected, endpoints in other resource groups and another VNet.
 */

let scenario: AzureScenario | undefined;

afterEach(async () => {
  await scenario?.azure.close();
  scenario = undefined;
});

async function collect<T>(iterator: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterator) items.push(item);
  return items;
}

function clients(world: AzureScenario) {
  const options = localAzureClientOptions(world.azure.baseUrl);
  return {
    network: new NetworkManagementClient(localAzureCredential, AZURE_SCENARIO.subscriptionId, options),
    dns: new PrivateDnsManagementClient(localAzureCredential, AZURE_SCENARIO.subscriptionId, options),
  };
}

describe('the brownfield Azure subscription', () => {
  it('lists PaaS and partner endpoints beside the Confluent ones, across resource groups', async () => {
    // Prepare
    scenario = await startAzureScenario(undefined, { brownfield: true });
    const { network } = clients(scenario);

    // Act
    const endpoints = await collect(network.privateEndpoints.listBySubscription());

    // Assess
    const byName = new Map(endpoints.map((endpoint) => [endpoint.name, endpoint]));
    expect(byName.get('pe-stacmeprod-blob')?.privateLinkServiceConnections?.[0]).toMatchObject({
      groupIds: ['blob'],
      privateLinkServiceId: expect.stringMatching(/\/Microsoft\.Storage\/storageAccounts\/stacmeprod$/),
      privateLinkServiceConnectionState: { status: 'Approved' },
    });
    expect(byName.get('pe-kv-acme-prod')?.privateLinkServiceConnections?.[0]?.groupIds).toEqual(['vault']);
    expect(byName.get('pe-sql-acme-prod')?.privateLinkServiceConnections?.[0]?.groupIds).toEqual(['sqlServer']);
    expect(
      byName.get('pe-metrics-saas')?.manualPrivateLinkServiceConnections?.[0]?.privateLinkServiceConnectionState
        ?.status,
    ).toBe('Pending');
    expect(
      byName.get('pe-legacy-vendor')?.manualPrivateLinkServiceConnections?.[0]?.privateLinkServiceConnectionState
        ?.status,
    ).toBe('Rejected');
    const groups = new Set(endpoints.map((endpoint) => endpoint.id?.split('/')[4]));
    expect([...groups].sort()).toEqual(['rg-confluent-network', 'rg-data', 'rg-security', 'rg-shared-services']);
    expect(scenario.brownfield?.endpoints).toHaveLength(6);
  });

  it("keeps each PaaS endpoint's zone group and the A record it wrote into the privatelink zone", async () => {
    // Prepare
    scenario = await startAzureScenario(undefined, { brownfield: true });
    const { network, dns } = clients(scenario);

    // Act
    const groups = await collect(network.privateDnsZoneGroups.list('rg-data', 'pe-stacmeprod-blob'));
    const zones = await collect(dns.privateZones.listByResourceGroup(AZURE_SCENARIO.dnsResourceGroup));
    const blobRecords = await collect(
      dns.recordSets.list(AZURE_SCENARIO.dnsResourceGroup, 'privatelink.blob.core.windows.net'),
    );

    // Assess
    expect(groups[0]?.privateDnsZoneConfigs?.[0]?.recordSets).toEqual([
      expect.objectContaining({ recordSetName: 'stacmeprod', ipAddresses: ['10.20.1.10'] }),
    ]);
    expect(zones.map((zone) => zone.name).sort()).toEqual([
      'privatelink.blob.core.windows.net',
      'privatelink.database.windows.net',
      'privatelink.vaultcore.azure.net',
    ]);
    const a = blobRecords.filter((set) => set.type === 'Microsoft.Network/privateDnsZones/A');
    expect(a.map((set) => [set.name, set.aRecords?.map((record) => record.ipv4Address)])).toEqual([
      ['stacmeprod', ['10.20.1.10']],
      ['stsharedtools', ['10.50.0.4']],
    ]);
  });
});
