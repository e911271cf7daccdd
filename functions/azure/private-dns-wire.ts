import type { RecordSet as AzureRecordSet, RecordType as AzureRecordType } from '@azure/arm-privatedns';
import { InvalidInputError } from '../core/errors.ts';
import { canonicalName, type RecordSet, type RecordType, recordSet } from '../core/model.ts';

/**
 * Wire format of Azure Private DNS record sets, pure: relative names (`*`, `*.az1`, `@` for the apex) ↔ canonical
 * names, typed record arrays ↔ sorted string values, and the ownership metadata linkdns writes on each record set.
 */

/** Record-set metadata key naming the linkdns deployment that wrote the set (a second ownership signal). */
export const OWNER_METADATA_KEY = 'linkdns_owner';

/** Record types Azure Private DNS serves. NS and CAA do not exist there. */
export const AZURE_RECORD_TYPES: readonly AzureRecordType[] = ['A', 'AAAA', 'CNAME', 'MX', 'PTR', 'SOA', 'SRV', 'TXT'];

/** Longest string in one TXT character-string (RFC 1035 §3.3); longer values are split into several. */
const TXT_CHUNK = 255;

/** `*.az1.p8xo76.centralus.azure.confluent.cloud` in zone `p8xo76.…` → `*.az1`; the apex → `@`. */
export function relativeRecordName(name: string, zone: string): string {
  const fqdn = canonicalName(name);
  const domain = canonicalName(zone);
  if (fqdn === domain) return '@';
  if (!fqdn.endsWith(`.${domain}`)) throw new InvalidInputError(`Record ${fqdn} is not in zone ${domain}`);
  return fqdn.slice(0, -(domain.length + 1));
}

/** `*.az1` in zone `p8xo76.…` → `*.az1.p8xo76.…`; `@` → the zone. */
export function absoluteRecordName(relativeName: string, zone: string): string {
  const relative = relativeName.trim();
  return canonicalName(relative === '@' || relative === '' ? zone : `${relative}.${zone}`);
}

/** `Microsoft.Network/privateDnsZones/A` → `A`. */
export function recordTypeOf(type: string | undefined): RecordType | undefined {
  const last = type?.split('/').at(-1)?.toUpperCase();
  return AZURE_RECORD_TYPES.find((candidate) => candidate === last) as RecordType | undefined;
}

/** An Azure record set as the SDK returns it → the core's record set; `undefined` for types linkdns cannot express. */
export function fromAzureRecordSet(azure: AzureRecordSet, zone: string): RecordSet | undefined {
  const type = recordTypeOf(azure.type);
  if (!type || azure.name === undefined) return undefined;
  return recordSet(absoluteRecordName(azure.name, zone), type, azure.ttl ?? 0, azureValues(type, azure));
}

function azureValues(type: RecordType, azure: AzureRecordSet): string[] {
  switch (type) {
    case 'A':
      return (azure.aRecords ?? []).flatMap((record) => (record.ipv4Address ? [record.ipv4Address] : []));
    case 'AAAA':
      return (azure.aaaaRecords ?? []).flatMap((record) => (record.ipv6Address ? [record.ipv6Address] : []));
    case 'CNAME':
      return azure.cnameRecord?.cname ? [azure.cnameRecord.cname] : [];
    case 'TXT':
      return (azure.txtRecords ?? []).map((record) => (record.value ?? []).join(''));
    case 'MX':
      return (azure.mxRecords ?? []).map((record) => `${record.preference ?? 0} ${record.exchange ?? ''}`);
    case 'PTR':
      return (azure.ptrRecords ?? []).flatMap((record) => (record.ptrdname ? [record.ptrdname] : []));
    case 'SRV':
      return (azure.srvRecords ?? []).map(
        (record) => `${record.priority ?? 0} ${record.weight ?? 0} ${record.port ?? 0} ${record.target ?? ''}`,
      );
    case 'SOA': {
      const soa = azure.soaRecord;
      return soa ? [`${soa.host ?? ''} ${soa.email ?? ''} ${soa.serialNumber ?? 0}`] : [];
    }
    default:
      return [];
  }
}

/** The body linkdns writes for a record set: TTL, the typed records and its ownership metadata. */
export function toAzureRecordSet(record: RecordSet, owner: string): AzureRecordSet {
  const base: AzureRecordSet = { ttl: record.ttl, metadata: { [OWNER_METADATA_KEY]: owner } };
  switch (record.type) {
    case 'A':
      return { ...base, aRecords: record.values.map((ipv4Address) => ({ ipv4Address })) };
    case 'AAAA':
      return { ...base, aaaaRecords: record.values.map((ipv6Address) => ({ ipv6Address })) };
    case 'CNAME': {
      const [cname] = record.values;
      if (record.values.length !== 1 || !cname) {
        throw new InvalidInputError(`CNAME ${record.name} needs exactly one value, got ${record.values.length}`);
      }
      return { ...base, cnameRecord: { cname } };
    }
    case 'TXT':
      return { ...base, txtRecords: record.values.map((value) => ({ value: chunk(value) })) };
    default:
      throw new InvalidInputError(`linkdns does not write ${record.type} records (${record.name})`);
  }
}

/** The linkdns owner named in a record set's metadata, if any. Metadata keys are matched case-insensitively. */
export function metadataOwner(azure: Pick<AzureRecordSet, 'metadata'>): string | undefined {
  const entry = Object.entries(azure.metadata ?? {}).find(([key]) => key.toLowerCase() === OWNER_METADATA_KEY);
  return entry?.[1];
}

/** Parts of a Private DNS zone resource id. */
export interface ZoneIdParts {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly zone: string;
}

const ZONE_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/privateDnsZones\/([^/]+)$/i;

export function parseZoneId(id: string): ZoneIdParts {
  const match = ZONE_ID.exec(id);
  if (!match?.[1] || !match[2] || !match[3]) throw new InvalidInputError(`Not a Private DNS zone id: ${id}`);
  return { subscriptionId: match[1], resourceGroup: match[2], zone: match[3].toLowerCase() };
}

/**
 * A virtual network link name for a VNet: readable (`linkdns-<vnet name>`) and unique across subscriptions and
 * resource groups (a short hash of the full id). Link names allow 1–80 letters, digits, `-`, `_` and `.`.
 */
export function virtualNetworkLinkName(networkId: string): string {
  const id = networkId.toLowerCase();
  const vnet = (id.split('/').at(-1) ?? 'vnet').replace(/[^a-z0-9_.-]/g, '-');
  return `linkdns-${vnet.slice(0, 60)}-${fnv1a(id)}`;
}

/** 32-bit FNV-1a as 8 hex digits: stable, dependency-free, enough to tell link names apart. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (const char of text) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

function chunk(value: string): string[] {
  const chunks: string[] = [];
  for (let start = 0; start < value.length; start += TXT_CHUNK) chunks.push(value.slice(start, start + TXT_CHUNK));
  return chunks.length > 0 ? chunks : [''];
}
