import {
  type ArmResource,
  type ArmStore,
  type AzureRecordType,
  recordSetId,
  recordSetsOf,
  resourceId,
  virtualNetworkLinkId,
} from './arm-store.ts';

/**
 * Seeding and out-of-band edits for the local Azure: what Terraform, the portal or another team would do, without
 * going through the request log.
 */

/** Fields ARM keeps beside `properties`; the CLI and SDK 39 flatten everything else into the top level. */
const TOP_LEVEL_FIELDS = new Set(['id', 'name', 'type', 'etag', 'location', 'tags', 'extendedLocation']);

/** Sub-resource arrays that ARM nests as `{ id, name, type, etag, properties }` and the CLI flattens. */
const NESTED_SUB_RESOURCES = new Set([
  'manualPrivateLinkServiceConnections',
  'privateLinkServiceConnections',
  'ipConfigurations',
]);

/** Turns `az … list` items (flattened) back into the ARM wire shape and stores them. */
export function seedFromAzCli(store: ArmStore, items: readonly Record<string, unknown>[]): ArmResource[] {
  return items.map((item) => {
    const arm = toArmShape(item);
    return store.put({
      id: String(arm.id),
      name: String(arm.name),
      type: String(arm.type),
      location: typeof arm.location === 'string' ? arm.location : 'centralus',
      tags: (arm.tags as Record<string, string> | undefined) ?? {},
      properties: { provisioningState: 'Succeeded', ...(arm.properties as Record<string, unknown>) },
    });
  });
}

function toArmShape(item: Record<string, unknown>): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const top: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) {
    if (key === 'resourceGroup' || value === null) continue;
    if (TOP_LEVEL_FIELDS.has(key)) top[key] = value;
    else if (NESTED_SUB_RESOURCES.has(key) && Array.isArray(value)) {
      properties[key] = value.map((entry) => toArmShape(entry as Record<string, unknown>));
    } else properties[key] = stripNulls(value);
  }
  return { ...top, properties };
}

export interface PrivateEndpointSeed {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  /** Subnet resource id; the VNet is its parent. */
  readonly subnetId: string;
  /** Private Link service alias (or resource id) the endpoint connects to. */
  readonly service: string;
  readonly ip: string;
  /** Connection status: `Approved` (default), `Pending`, `Rejected`, `Disconnected`. */
  readonly status?: string;
  readonly tags?: Record<string, string>;
  /** Put the IP into `customDnsConfigs` instead of leaving it on the NIC only. */
  readonly ipInCustomDnsConfigs?: boolean;
  /**
   * An automatically approved connection to an Azure resource (`privateLinkServiceConnections`, as for a storage
   * account or a Key Vault) with these sub-resources (`blob`, `vault`, `sqlServer`); a manual one when omitted.
   */
  readonly groupIds?: readonly string[];
  /** The name the endpoint answers for, listed with the IP in `customDnsConfigs` (e.g. `st1.blob.core.windows.net`). */
  readonly fqdn?: string;
}

/** Creates a private endpoint with its NIC, in the shape ARM returns for a manual Private Link connection. */
export function seedPrivateEndpoint(
  store: ArmStore,
  seed: PrivateEndpointSeed,
): { endpoint: ArmResource; nic: ArmResource } {
  const endpointId = resourceId(seed.subscriptionId, seed.resourceGroup, 'privateendpoints', seed.name);
  const nicName = `${seed.name}.nic.${seed.name.length.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
  const nicId = resourceId(seed.subscriptionId, seed.resourceGroup, 'networkinterfaces', nicName);
  const nic = store.put({
    id: nicId,
    name: nicName,
    type: 'Microsoft.Network/networkInterfaces',
    location: 'centralus',
    tags: {},
    properties: {
      provisioningState: 'Succeeded',
      ipConfigurations: [
        {
          id: `${nicId}/ipConfigurations/privateEndpointIpConfig`,
          name: 'privateEndpointIpConfig',
          type: 'Microsoft.Network/networkInterfaces/ipConfigurations',
          properties: {
            provisioningState: 'Succeeded',
            privateIPAddress: seed.ip,
            privateIPAllocationMethod: 'Dynamic',
            privateIPAddressVersion: 'IPv4',
            subnet: { id: seed.subnetId },
            primary: true,
          },
        },
      ],
      privateEndpoint: { id: endpointId },
      nicType: 'Standard',
    },
  });
  const status = seed.status ?? 'Approved';
  const connectionKind = seed.groupIds ? 'privateLinkServiceConnections' : 'manualPrivateLinkServiceConnections';
  const connection = {
    id: `${endpointId}/${connectionKind}/${seed.name}`,
    name: seed.name,
    type: `Microsoft.Network/privateEndpoints/${connectionKind}`,
    properties: {
      provisioningState: 'Succeeded',
      privateLinkServiceId: seed.service,
      ...(seed.groupIds ? { groupIds: [...seed.groupIds] } : { requestMessage: 'PL' }),
      privateLinkServiceConnectionState: {
        status,
        description: seed.groupIds ? 'Auto-Approved' : status,
        actionsRequired: 'None',
      },
    },
  };
  const endpoint = store.put({
    id: endpointId,
    name: seed.name,
    type: 'Microsoft.Network/privateEndpoints',
    location: 'centralus',
    tags: seed.tags ?? {},
    properties: {
      provisioningState: 'Succeeded',
      subnet: { id: seed.subnetId },
      networkInterfaces: [{ id: nicId }],
      privateLinkServiceConnections: seed.groupIds ? [connection] : [],
      manualPrivateLinkServiceConnections: seed.groupIds ? [] : [connection],
      customDnsConfigs:
        seed.ipInCustomDnsConfigs || seed.fqdn
          ? [{ ...(seed.fqdn ? { fqdn: seed.fqdn } : {}), ipAddresses: [seed.ip] }]
          : [],
      ipConfigurations: [],
    },
  });
  return { endpoint, nic };
}

/** Deletes a private endpoint and its NICs, as `az network private-endpoint delete` does. */
export function deletePrivateEndpoint(store: ArmStore, endpointId: string): void {
  const endpoint = store.get(endpointId);
  for (const nic of (endpoint?.properties.networkInterfaces as { id: string }[] | undefined) ?? [])
    store.delete(nic.id);
  for (const group of store.children(endpointId, 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups')) {
    store.delete(group.id);
  }
  store.delete(endpointId);
}

export interface ZoneSeed {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  /** VNet ids to link. */
  readonly links?: readonly string[];
  readonly tags?: Record<string, string>;
}

/** Creates a Private DNS zone with its SOA record set and virtual network links. */
export function seedPrivateDnsZone(store: ArmStore, seed: ZoneSeed): ArmResource {
  const zone = store.put({
    id: resourceId(seed.subscriptionId, seed.resourceGroup, 'privatednszones', seed.name),
    name: seed.name,
    type: 'Microsoft.Network/privateDnsZones',
    location: 'global',
    tags: seed.tags ?? {},
    properties: { provisioningState: 'Succeeded', internalId: `local-${seed.name}` },
  });
  putRecordSet(store, zone.id, 'SOA', '@', {
    ttl: 3600,
    soaRecord: { host: 'azureprivatedns.net', email: 'azureprivatedns-host.microsoft.com', serialNumber: 1 },
  });
  for (const [index, network] of (seed.links ?? []).entries()) {
    store.put({
      id: virtualNetworkLinkId(zone.id, `link-${index}`),
      name: `link-${index}`,
      type: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks',
      location: 'global',
      tags: {},
      properties: {
        virtualNetwork: { id: network },
        registrationEnabled: false,
        virtualNetworkLinkState: 'Completed',
        provisioningState: 'Succeeded',
      },
    });
  }
  return zone;
}

/** Writes a record set out of band (a person in the portal, another tool), with a fresh ETag. */
export function putRecordSet(
  store: ArmStore,
  zoneId: string,
  type: AzureRecordType,
  relativeName: string,
  properties: Record<string, unknown>,
): ArmResource {
  const id = recordSetId(zoneId, type, relativeName.toLowerCase());
  return store.put({
    id: store.get(id)?.id ?? id,
    name: relativeName.toLowerCase(),
    type: `Microsoft.Network/privateDnsZones/${type}`,
    properties,
  });
}

/** A records for `putRecordSet`. */
export function aRecords(ips: readonly string[], ttl = 60, metadata?: Record<string, string>): Record<string, unknown> {
  return { ttl, aRecords: ips.map((ipv4Address) => ({ ipv4Address })), ...(metadata ? { metadata } : {}) };
}

/** The zone's record sets as `{ 'A *': ['10.0.0.1'], 'TXT _linkdns': [...] }`, for assertions. */
export function zoneSnapshot(store: ArmStore, zoneId: string): Record<string, string[]> {
  const snapshot: Record<string, string[]> = {};
  for (const recordSet of recordSetsOf(store, zoneId)) {
    const type = recordSet.type.split('/').at(-1) ?? '';
    const properties = recordSet.properties;
    const values =
      type === 'A'
        ? ((properties.aRecords as { ipv4Address: string }[] | undefined) ?? []).map((record) => record.ipv4Address)
        : type === 'TXT'
          ? ((properties.txtRecords as { value: string[] }[] | undefined) ?? []).map((record) => record.value.join(''))
          : type === 'CNAME'
            ? [String((properties.cnameRecord as { cname?: string } | undefined)?.cname)]
            : [];
    snapshot[`${type} ${recordSet.name}`] = values.sort();
  }
  return snapshot;
}

function stripNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNulls);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, item]) => item !== null)
      .map(([key, item]) => [key, stripNulls(item)]),
  );
}
