import { randomUUID } from 'node:crypto';

/**
 * The resources of the local Azure, stored as ARM returns them on the wire (`id`, `name`, `type`, `etag`,
 * `properties`, …). Ids are looked up case-insensitively, as ARM does, but returned with the casing they were
 * created with.
 */
export interface ArmResource {
  id: string;
  name: string;
  type: string;
  etag?: string;
  location?: string;
  tags?: Record<string, string>;
  properties: Record<string, unknown>;
}

/** A collection of the local Azure: its canonical spelling in ids and its resource type. */
export const COLLECTIONS = {
  privatednszones: { segment: 'privateDnsZones', type: 'Microsoft.Network/privateDnsZones' },
  privateendpoints: { segment: 'privateEndpoints', type: 'Microsoft.Network/privateEndpoints' },
  networkinterfaces: { segment: 'networkInterfaces', type: 'Microsoft.Network/networkInterfaces' },
} as const;
export type CollectionKey = keyof typeof COLLECTIONS;

/** Record types Azure Private DNS serves, in the casing ARM uses in ids and types. */
export const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'PTR', 'SOA', 'SRV', 'TXT'] as const;
export type AzureRecordType = (typeof RECORD_TYPES)[number];

export function resourceGroupId(subscriptionId: string, resourceGroup: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
}

export function resourceId(
  subscriptionId: string,
  resourceGroup: string,
  collection: CollectionKey,
  name: string,
): string {
  return `${resourceGroupId(subscriptionId, resourceGroup)}/providers/Microsoft.Network/${COLLECTIONS[collection].segment}/${name}`;
}

export function recordSetId(zoneId: string, type: AzureRecordType, relativeName: string): string {
  return `${zoneId}/${type}/${relativeName}`;
}

export function virtualNetworkLinkId(zoneId: string, name: string): string {
  return `${zoneId}/virtualNetworkLinks/${name}`;
}

/** Private DNS ETags are GUIDs; a new one on every write. */
export function newEtag(): string {
  return randomUUID();
}

export class ArmStore {
  readonly #resources = new Map<string, ArmResource>();

  get(id: string): ArmResource | undefined {
    return this.#resources.get(id.toLowerCase());
  }

  /** Stores a resource with a fresh ETag and returns it. */
  put(resource: ArmResource): ArmResource {
    const stored = { ...resource, etag: newEtag() };
    this.#resources.set(resource.id.toLowerCase(), stored);
    return stored;
  }

  delete(id: string): boolean {
    return this.#resources.delete(id.toLowerCase());
  }

  /** Resources of `type` whose id starts with `parentId/` (case-insensitive), sorted by id. */
  children(parentId: string, typePrefix: string): ArmResource[] {
    const prefix = `${parentId.toLowerCase()}/`;
    const type = typePrefix.toLowerCase();
    return [...this.#resources.entries()]
      .filter(([id, resource]) => id.startsWith(prefix) && resource.type.toLowerCase().startsWith(type))
      .sort(([a], [b]) => ordinal(a, b))
      .map(([, resource]) => resource);
  }

  /** Everything stored, for snapshots in tests. */
  all(): ArmResource[] {
    return [...this.#resources.values()];
  }
}

/** The record sets of a zone (not its virtual network links). */
export function recordSetsOf(store: ArmStore, zoneId: string): ArmResource[] {
  return store
    .children(zoneId, 'Microsoft.Network/privateDnsZones/')
    .filter((resource) => resource.type.toLowerCase() !== 'microsoft.network/privatednszones/virtualnetworklinks')
    .sort((a, b) => ordinal(a.name, b.name) || ordinal(a.type, b.type));
}

export function virtualNetworkLinksOf(store: ArmStore, zoneId: string): ArmResource[] {
  return store.children(zoneId, 'Microsoft.Network/privateDnsZones/virtualNetworkLinks');
}

/** Locale-independent order, so listings are the same on every machine. */
export function ordinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
