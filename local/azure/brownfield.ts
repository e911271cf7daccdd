import type { ArmStore } from './arm-store.ts';
import { aRecords, putRecordSet, seedPrivateDnsZone, seedPrivateEndpoint } from './seed.ts';

/**
 * What a real Azure subscription holds beside the Confluent private endpoints: private endpoints to Azure PaaS
 * (a storage account's blob service, a Key Vault, an Azure SQL server) whose `privateDnsZoneGroups` make Azure write
 * A records into the `privatelink.*` zones Microsoft documents for each service, a manual connection to another
 * partner still awaiting approval, a rejected one, and endpoints in other resource groups and another VNet. None of it
 * is linkdns's business: linkdns must skip it and never write to the `privatelink.*` zones, which share the resource
 * group linkdns manages zones in (a hub DNS resource group, as in Microsoft's hub-and-spoke guidance).
 *
 * Zone names: https://learn.microsoft.com/azure/private-link/private-endpoint-dns (`privatelink.blob.core.windows.net`,
 * `privatelink.vaultcore.azure.net`, `privatelink.database.windows.net`). Zone groups:
 * https://learn.microsoft.com/rest/api/virtualnetwork/private-dns-zone-groups (`privateDnsZoneConfigs[].recordSets`).
 */

export interface AzureBrownfieldEndpoint {
  readonly id: string;
  readonly kind: string;
  readonly description: string;
  /** What it connects to: an Azure resource id or a Private Link service alias. */
  readonly service: string;
  readonly ip: string;
}

export interface AzureBrownfield {
  readonly endpoints: readonly AzureBrownfieldEndpoint[];
  /** The Azure-managed `privatelink.*` zones (resource ids) with the A records their zone groups wrote. */
  readonly privatelinkZoneIds: readonly string[];
}

export interface AzureBrownfieldPlace {
  readonly subscriptionId: string;
  /** Where the Confluent endpoints' VNet lives. */
  readonly networkResourceGroup: string;
  /** The resource group linkdns manages zones in; the `privatelink.*` zones live there too. */
  readonly dnsResourceGroup: string;
  /** The VNet of the Confluent endpoints: the PaaS endpoints share its subnet. */
  readonly vnetName: string;
}

/** Seeds the brownfield into the local Azure's store (no API calls, nothing in the request log). */
export function seedAzureBrownfield(store: ArmStore, place: AzureBrownfieldPlace): AzureBrownfield {
  const { subscriptionId, networkResourceGroup, dnsResourceGroup, vnetName } = place;
  const vnetId = `/subscriptions/${subscriptionId}/resourceGroups/${networkResourceGroup}/providers/Microsoft.Network/virtualNetworks/${vnetName}`;
  const subnetId = `${vnetId}/subnets/snet-private-endpoints`;
  const otherVnetId = `/subscriptions/${subscriptionId}/resourceGroups/rg-shared-services/providers/Microsoft.Network/virtualNetworks/vnet-shared`;
  const provider = (group: string, type: string, name: string) =>
    `/subscriptions/${subscriptionId}/resourceGroups/${group}/providers/${type}/${name}`;
  const endpoints: AzureBrownfieldEndpoint[] = [];
  const zoneIds = new Map<string, string>();
  const zoneOf = (name: string) => {
    const known = zoneIds.get(name);
    if (known) return known;
    const zone = seedPrivateDnsZone(store, {
      subscriptionId,
      resourceGroup: dnsResourceGroup,
      name,
      links: [vnetId, otherVnetId],
    });
    zoneIds.set(name, zone.id);
    return zone.id;
  };

  const paas = (entry: {
    group: string;
    name: string;
    kind: string;
    description: string;
    resource: string;
    groupId: string;
    host: string;
    zone: string;
    ip: string;
    subnet?: string;
  }) => {
    const { endpoint } = seedPrivateEndpoint(store, {
      subscriptionId,
      resourceGroup: entry.group,
      name: entry.name,
      subnetId: entry.subnet ?? subnetId,
      service: entry.resource,
      ip: entry.ip,
      groupIds: [entry.groupId],
    });
    // The zone group: Azure writes `<host label> A <ip>` into the privatelink zone and keeps it in step.
    const zoneId = zoneOf(entry.zone);
    const recordSetName = entry.host.split('.')[0] ?? entry.host;
    putRecordSet(store, zoneId, 'A', recordSetName, aRecords([entry.ip], 10));
    store.put({
      id: `${endpoint.id}/privateDnsZoneGroups/default`,
      name: 'default',
      type: 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups',
      properties: {
        provisioningState: 'Succeeded',
        privateDnsZoneConfigs: [
          {
            name: entry.zone.replaceAll('.', '-'),
            properties: {
              privateDnsZoneId: zoneId,
              recordSets: [
                {
                  recordType: 'A',
                  recordSetName,
                  fqdn: `${recordSetName}.${entry.zone}`,
                  ttl: 10,
                  ipAddresses: [entry.ip],
                  provisioningState: 'Succeeded',
                },
              ],
            },
          },
        ],
      },
    });
    endpoints.push({
      id: endpoint.id,
      kind: entry.kind,
      description: entry.description,
      service: entry.resource,
      ip: entry.ip,
    });
  };

  paas({
    group: 'rg-data',
    name: 'pe-stacmeprod-blob',
    kind: 'storage-blob',
    description:
      'Storage account blob endpoint (zone group → privatelink.blob.core.windows.net), resource group rg-data',
    resource: provider('rg-data', 'Microsoft.Storage/storageAccounts', 'stacmeprod'),
    groupId: 'blob',
    host: 'stacmeprod.blob.core.windows.net',
    zone: 'privatelink.blob.core.windows.net',
    ip: '10.20.1.10',
  });
  paas({
    group: 'rg-security',
    name: 'pe-kv-acme-prod',
    kind: 'key-vault',
    description: 'Key Vault endpoint (zone group → privatelink.vaultcore.azure.net), resource group rg-security',
    resource: provider('rg-security', 'Microsoft.KeyVault/vaults', 'kv-acme-prod'),
    groupId: 'vault',
    host: 'kv-acme-prod.vault.azure.net',
    zone: 'privatelink.vaultcore.azure.net',
    ip: '10.20.1.11',
  });
  paas({
    group: 'rg-data',
    name: 'pe-sql-acme-prod',
    kind: 'sql-server',
    description: 'Azure SQL server endpoint (zone group → privatelink.database.windows.net)',
    resource: provider('rg-data', 'Microsoft.Sql/servers', 'sql-acme-prod'),
    groupId: 'sqlServer',
    host: 'sql-acme-prod.database.windows.net',
    zone: 'privatelink.database.windows.net',
    ip: '10.20.1.12',
  });
  paas({
    group: 'rg-shared-services',
    name: 'pe-stshared-blob',
    kind: 'storage-blob-other-vnet',
    description: 'Storage endpoint in another VNet and resource group (rg-shared-services, vnet-shared)',
    resource: provider('rg-shared-services', 'Microsoft.Storage/storageAccounts', 'stsharedtools'),
    groupId: 'blob',
    host: 'stsharedtools.blob.core.windows.net',
    zone: 'privatelink.blob.core.windows.net',
    ip: '10.50.0.4',
    subnet: `${otherVnetId}/subnets/snet-private-endpoints`,
  });

  const manual = (entry: {
    name: string;
    kind: string;
    description: string;
    alias: string;
    ip: string;
    status: string;
  }) => {
    const { endpoint } = seedPrivateEndpoint(store, {
      subscriptionId,
      resourceGroup: networkResourceGroup,
      name: entry.name,
      subnetId,
      service: entry.alias,
      ip: entry.ip,
      status: entry.status,
    });
    endpoints.push({
      id: endpoint.id,
      kind: entry.kind,
      description: entry.description,
      service: entry.alias,
      ip: entry.ip,
    });
  };
  manual({
    name: 'pe-metrics-saas',
    kind: 'partner-pending',
    description: "Manual connection to another SaaS's Private Link service, awaiting its approval (status Pending)",
    alias: 'pls-metrics-intake.2f6b1c3d-9e8a-4b7c-a1d2-3e4f5a6b7c8d.centralus.azure.privatelinkservice',
    ip: '10.20.1.13',
    status: 'Pending',
  });
  manual({
    name: 'pe-legacy-vendor',
    kind: 'partner-rejected',
    description: 'Manual connection a vendor rejected (status Rejected)',
    alias: 'pls-legacy.7c8d9e0f-1a2b-4c3d-8e9f-0a1b2c3d4e5f.centralus.azure.privatelinkservice',
    ip: '10.20.1.14',
    status: 'Rejected',
  });

  return { endpoints, privatelinkZoneIds: [...zoneIds.values()] };
}
