import { InvalidInputError } from '../core/errors.ts';
import { canonicalName, type EndpointState, type ObservedEndpoint } from '../core/model.ts';

/**
 * The fields of a VPC endpoint linkdns reads. The SDK's `VpcEndpoint` and the JSON printed by
 * `aws ec2 describe-vpc-endpoints` share this shape.
 */
export interface VpcEndpointDescription {
  readonly VpcEndpointId?: string;
  readonly VpcEndpointType?: string;
  readonly VpcId?: string;
  readonly ServiceName?: string;
  readonly State?: string;
  readonly SubnetIds?: readonly string[];
  readonly DnsEntries?: readonly { readonly DnsName?: string; readonly HostedZoneId?: string }[];
  readonly Tags?: readonly { readonly Key?: string; readonly Value?: string }[];
}

/** A subnet's zone, as `DescribeSubnets` (or `DescribeAvailabilityZones`) reports it. */
export interface SubnetZone {
  readonly AvailabilityZone?: string;
  readonly AvailabilityZoneId?: string;
}

const STATES: Readonly<Record<string, EndpointState>> = {
  available: 'available',
  pending: 'pending',
  pendingacceptance: 'pendingAcceptance',
  rejected: 'rejected',
  failed: 'failed',
  deleting: 'deleting',
  deleted: 'deleted',
  expired: 'expired',
};

/**
 * Turns a VPC endpoint into the core's view.
 *
 * `DnsEntries` hold one regional name (`vpce-<id>-<rand>.vpce-svc-….vpce.amazonaws.com`) and one zonal name per AZ
 * (`vpce-<id>-<rand>-us-east-1a.vpce-svc-…`), in no guaranteed order. They are told apart by the `-<az-name>` suffix
 * of the first label. Record names use AZ *IDs* (`use1-az1`), which are the same in every account, while the DNS
 * names carry AZ *names*, which are shuffled per account: hence the `azIdsByName` map (from the subnets).
 *
 * @param source names the input in error messages (a file name, `DescribeVpcEndpoints`)
 * @throws InvalidInputError naming the missing or unrecognised field
 */
export function observeVpcEndpoint(
  endpoint: VpcEndpointDescription,
  azIdsByName: ReadonlyMap<string, string>,
  source = 'VPC endpoint',
): ObservedEndpoint {
  // Input from files (`linkdns records`) is JSON people wrote or edited: check shapes, never trust them.
  objectOf(endpoint, 'a VPC endpoint object', source);
  const id = required(endpoint.VpcEndpointId, 'VpcEndpointId', source);
  const where = `${source} ${id}`;
  const state = STATES[required(endpoint.State, 'State', where).toLowerCase()] ?? 'unknown';
  const regional: string[] = [];
  const zonal: Record<string, string[]> = {};
  const entries = endpoint.DnsEntries ?? [];
  if (!Array.isArray(entries)) throw new InvalidInputError(`${where}: DnsEntries is not a list`);
  for (const [index, entry] of entries.entries()) {
    objectOf(entry, 'an object', `${where}: DnsEntries[${index}]`);
    const name = canonicalName(required(entry.DnsName, `DnsEntries[${index}].DnsName`, where));
    const firstLabel = name.split('.')[0] ?? '';
    // Private DNS names (`*.kafka.example.com`) may also be listed; only the endpoint's own names count.
    if (!firstLabel.startsWith('vpce-')) continue;
    const azName = [...azIdsByName.keys()].find((candidate) => firstLabel.endsWith(`-${candidate}`));
    if (azName) {
      const azId = azIdsByName.get(azName) as string;
      zonal[azId] = [name];
    } else if (/-[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/.test(firstLabel)) {
      throw new InvalidInputError(
        `${where}: DnsEntries[${index}].DnsName ${name} is zonal but its availability zone is not among the subnets' zones (${[...azIdsByName.keys()].join(', ') || 'none given'})`,
      );
    } else {
      regional.push(name);
    }
  }
  const contributing = state === 'available' || state === 'pending' || state === 'pendingAcceptance';
  if (contributing && regional.length !== 1) {
    throw new InvalidInputError(`${where}: expected one regional name in DnsEntries, found ${regional.length}`);
  }
  return {
    cloud: 'aws',
    id,
    state,
    rawState: endpoint.State,
    scope: required(endpoint.VpcId, 'VpcId', where),
    service: required(endpoint.ServiceName, 'ServiceName', where),
    targetKind: 'name',
    regional,
    zonal,
    tags: tagsOf(endpoint),
  };
}

/**
 * An endpoint as a listing shows it, without interpreting its DNS names: enough to decide whether linkdns manages it
 * (service, tags) and to count it when not. Names are left empty, so nothing is ever written from it.
 */
export function listedVpcEndpoint(endpoint: VpcEndpointDescription): ObservedEndpoint {
  // Tolerant of hand-edited input: a field of the wrong type reads as absent here; the deep read names it.
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  const rawState = text(endpoint.State);
  return {
    cloud: 'aws',
    id: text(endpoint.VpcEndpointId),
    state: STATES[rawState.toLowerCase()] ?? 'unknown',
    ...(rawState ? { rawState } : {}),
    scope: text(endpoint.VpcId),
    service: text(endpoint.ServiceName),
    targetKind: 'name',
    regional: [],
    zonal: {},
    tags: tagsOf(endpoint),
  };
}

function tagsOf(endpoint: VpcEndpointDescription): Record<string, string> {
  // Tolerant of hand-edited input: entries that are not `{ Key, Value }` objects of strings are left out.
  return Object.fromEntries(
    (Array.isArray(endpoint.Tags) ? endpoint.Tags : []).flatMap((tag) =>
      tag && typeof tag.Key === 'string' ? [[tag.Key, typeof tag.Value === 'string' ? tag.Value : '']] : [],
    ),
  );
}

/**
 * AZ name → AZ ID from subnets or zones.
 *
 * @throws InvalidInputError when an entry is not an object (a `null` in a hand-edited `Subnets` list)
 */
export function azIdsByName(zones: readonly SubnetZone[], source = 'Subnets'): Map<string, string> {
  const map = new Map<string, string>();
  for (const [index, zone] of zones.entries()) {
    objectOf(zone, 'a subnet or zone object', `${source}[${index}]`);
    if (typeof zone.AvailabilityZone === 'string' && typeof zone.AvailabilityZoneId === 'string') {
      map.set(zone.AvailabilityZone, zone.AvailabilityZoneId);
    }
  }
  return map;
}

/** A non-empty string field, or an {@link InvalidInputError} naming it. */
function required(value: unknown, field: string, where: string): string {
  if (value === undefined || value === null || value === '') {
    throw new InvalidInputError(`${where}: missing ${field}`);
  }
  if (typeof value !== 'string') throw new InvalidInputError(`${where}: ${field} is not a string`);
  return value;
}

function objectOf(value: unknown, what: string, where: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidInputError(`${where}: expected ${what}, found ${value === null ? 'null' : typeof value}`);
  }
}
