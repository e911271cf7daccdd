import { isIP } from 'node:net';
import { z } from 'zod';
import { globMatches, type LinkdnsConfig } from '../core/config.ts';
import { InvalidInputError } from '../core/errors.ts';
import { parseResource } from '../core/input-schema.ts';
import type { EndpointState, ObservedEndpoint } from '../core/model.ts';

/**
 * Pure mapping from an Azure private endpoint (and its network interfaces) to the core's {@link ObservedEndpoint}.
 *
 * Accepts the JSON that `az network private-endpoint list|show` prints and the objects `@azure/arm-network` 39
 * returns (both camelCase with `properties` flattened), and also the raw ARM REST shape (`properties: {…}`), so the
 * same function serves the endpoint source, the CLI (`--azure-endpoints`) and tests. No SDK import: the mapping is
 * data in, data out.
 */

/** Options that steer the zone label: an explicit tag, then alias globs, then the alias naming pattern. */
export interface AzureEndpointOptions {
  /** Tag whose value (`az2` or `2`) names the endpoint's zone. Default `linkdns-zone`. */
  readonly zoneTagKey?: string;
  /** Private Link service alias or resource id (glob, case-insensitive) → zone label (`az1`). */
  readonly zoneOverrides?: Readonly<Record<string, string>>;
}

/** The options a deployment's configuration implies. */
export function azureEndpointOptions(config: Pick<LinkdnsConfig, 'tagKeys' | 'zoneOverrides'>): AzureEndpointOptions {
  return { zoneTagKey: config.tagKeys.zone, zoneOverrides: config.zoneOverrides };
}

const DEFAULT_ZONE_TAG = 'linkdns-zone';

/** ARM puts most fields under `properties`; the CLI and the SDK flatten them. Accept both. */
function flattenProperties(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const { properties, ...rest } = value as Record<string, unknown>;
  // Stryker disable next-line LogicalOperator: equivalent, spreading a null, array or primitive `properties` adds no
  // field the schemas read (only index keys or nothing), so flattening it or not yields the same endpoint
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) return value;
  return { ...(properties as Record<string, unknown>), ...rest };
}

const optionalArray = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullish()
    .transform((items) => items ?? []);

const connectionSchema = z.preprocess(
  flattenProperties,
  z.looseObject({
    name: z.string().nullish(),
    privateLinkServiceId: z.string().min(1),
    privateLinkServiceConnectionState: z
      .looseObject({ status: z.string().nullish(), description: z.string().nullish() })
      .nullish(),
  }),
);

const endpointSchema = z.preprocess(
  flattenProperties,
  z.looseObject({
    id: z.string().regex(/\/providers\/microsoft\.network\/privateendpoints\/[^/]+$/i, 'must be a private endpoint id'),
    name: z.string().nullish(),
    location: z.string().nullish(),
    provisioningState: z.string().nullish(),
    subnet: z.looseObject({
      id: z.string().regex(/\/virtualnetworks\/[^/]+\/subnets\/[^/]+$/i, 'must be a subnet id'),
    }),
    customDnsConfigs: optionalArray(
      z.looseObject({ fqdn: z.string().nullish(), ipAddresses: optionalArray(z.string()) }),
    ),
    networkInterfaces: optionalArray(z.looseObject({ id: z.string().min(1) })),
    ipConfigurations: optionalArray(
      z.preprocess(flattenProperties, z.looseObject({ privateIPAddress: z.string().nullish() })),
    ),
    privateLinkServiceConnections: optionalArray(connectionSchema),
    manualPrivateLinkServiceConnections: optionalArray(connectionSchema),
    tags: z
      .record(z.string(), z.string())
      .nullish()
      .transform((tags) => tags ?? {}),
  }),
);

const nicSchema = z.preprocess(
  flattenProperties,
  z.looseObject({
    id: z.string().min(1),
    ipConfigurations: optionalArray(
      z.preprocess(flattenProperties, z.looseObject({ privateIPAddress: z.string().nullish() })),
    ),
  }),
);

/** The subset of a network interface the mapping reads (`az network nic list` or `@azure/arm-network`). */
export type AzureNetworkInterface = z.input<typeof nicSchema>;
/** The subset of a private endpoint the mapping reads (`az network private-endpoint list` or `@azure/arm-network`). */
export type AzurePrivateEndpoint = z.input<typeof endpointSchema>;

/**
 * Maps one Azure private endpoint to an {@link ObservedEndpoint}.
 *
 * - `scope` is the endpoint's VNet id (the subnet id without `/subnets/…`), lowercased: ARM ids are
 *   case-insensitive and Event Grid subjects, `list` and `get` do not agree on casing.
 * - `service` is the Private Link service alias (or resource id) of the endpoint's connection.
 * - IPs come from `customDnsConfigs[].ipAddresses`, else from the endpoint's NICs, else from its static
 *   `ipConfigurations`; only IPv4 (the layouts write A records).
 * - The zone label (`az<N>`) comes from the zone tag, then `zoneOverrides`, then the alias naming pattern
 *   `…-privatelink-<N>.…`; with none, the endpoint contributes to `*` only.
 *
 * @example
 * observeAzurePrivateEndpoint(endpointJson, nicsJson, { zoneOverrides: { 's-abc12-*': 'az3' } })
 * // → { cloud: 'azure', state: 'available', regional: ['10.0.1.4'], zonal: { az1: ['10.0.1.4'] }, … }
 * @throws InvalidInputError naming the field that is missing or malformed
 */
export function observeAzurePrivateEndpoint(
  endpoint: unknown,
  nics: readonly unknown[] = [],
  options: AzureEndpointOptions = {},
): ObservedEndpoint {
  const parsed = parseOrThrow(endpointSchema, endpoint, 'private endpoint');
  const connection = [...parsed.privateLinkServiceConnections, ...parsed.manualPrivateLinkServiceConnections][0];
  if (!connection) {
    throw new InvalidInputError(
      `Private endpoint ${parsed.id}: privateLinkServiceConnections and manualPrivateLinkServiceConnections are both empty`,
    );
  }
  const ips = endpointIps(parsed, nics);
  const zone = zoneLabel(connection.privateLinkServiceId, parsed.tags, options, parsed.id);
  const { state, rawState } = endpointState(
    parsed.provisioningState,
    connection.privateLinkServiceConnectionState?.status,
  );
  return {
    cloud: 'azure',
    id: parsed.id.toLowerCase(),
    state,
    ...(rawState ? { rawState } : {}),
    scope: parsed.subnet.id.replace(/\/subnets\/[^/]+$/i, '').toLowerCase(),
    service: connection.privateLinkServiceId,
    targetKind: 'ip',
    regional: ips,
    zonal: zone && ips.length > 0 ? { [zone]: ips } : {},
    tags: parsed.tags,
  };
}

/**
 * An endpoint as a listing shows it, before any network interface is read or any field is checked: what it connects
 * to (the first connection's Private Link service alias or id), its tags, VNet and state. Enough to decide whether
 * linkdns manages it and to count it when not; it carries no IPs, so nothing is ever written from it. `undefined` for
 * something that is not a private endpoint at all.
 */
export function listedAzurePrivateEndpoint(endpoint: unknown): ObservedEndpoint | undefined {
  const flat = flattenProperties(endpoint);
  if (typeof flat !== 'object' || flat === null) return undefined;
  const fields = flat as Record<string, unknown>;
  if (typeof fields.id !== 'string') return undefined;
  const connections = [fields.privateLinkServiceConnections, fields.manualPrivateLinkServiceConnections]
    .flatMap((list) => (Array.isArray(list) ? list : []))
    .map((connection) => flattenProperties(connection) as Record<string, unknown> | null);
  const connection = connections.find((candidate) => typeof candidate?.privateLinkServiceId === 'string');
  const status = (connection?.privateLinkServiceConnectionState as { status?: string } | undefined)?.status;
  const { state, rawState } = endpointState(
    typeof fields.provisioningState === 'string' ? fields.provisioningState : undefined,
    status,
  );
  const subnet = (fields.subnet as { id?: unknown } | undefined)?.id;
  const tags = typeof fields.tags === 'object' && fields.tags !== null ? (fields.tags as Record<string, unknown>) : {};
  return {
    cloud: 'azure',
    id: fields.id.toLowerCase(),
    state,
    ...(rawState ? { rawState } : {}),
    scope: typeof subnet === 'string' ? subnet.replace(/\/subnets\/[^/]+$/i, '').toLowerCase() : '',
    service: typeof connection?.privateLinkServiceId === 'string' ? connection.privateLinkServiceId : '',
    targetKind: 'ip',
    regional: [],
    zonal: {},
    tags: Object.fromEntries(
      Object.entries(tags).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    ),
  };
}

/**
 * Maps a list of private endpoints, e.g. the output of `az network private-endpoint list` (an array) or a
 * `{ value: [...] }` ARM list page.
 *
 * @throws InvalidInputError naming the entry and field that is malformed
 */
export function observeAzurePrivateEndpoints(
  endpoints: unknown,
  nics: unknown = [],
  options: AzureEndpointOptions = {},
): ObservedEndpoint[] {
  const list = asList(endpoints, 'private endpoints');
  const nicList = asList(nics, 'network interfaces');
  return list.map((endpoint, index) => {
    try {
      return observeAzurePrivateEndpoint(endpoint, nicList, options);
    } catch (error) {
      if (error instanceof InvalidInputError) {
        throw new InvalidInputError(`private endpoints[${index}]: ${error.message}`, { cause: error });
      }
      throw error;
    }
  });
}

/**
 * Azure's connection status says whether the provider accepted the endpoint; the provisioning state says whether the
 * endpoint resource itself is going away or broke.
 */
const CONNECTION_STATES: Readonly<Record<string, EndpointState>> = {
  approved: 'available',
  // Waiting for the provider (Confluent) to approve: the IP already exists, so records are written (see model.ts).
  pending: 'pendingAcceptance',
  rejected: 'rejected',
  // The provider removed the connection; the consumer-side endpoint stays but carries no traffic.
  disconnected: 'rejected',
};

function endpointState(
  provisioningState: string | null | undefined,
  status: string | null | undefined,
): { state: EndpointState; rawState?: string } {
  const provisioning = provisioningState?.toLowerCase();
  if (provisioning === 'deleting') return { state: 'deleting', rawState: provisioningState ?? undefined };
  if (provisioning === 'failed') return { state: 'failed', rawState: provisioningState ?? undefined };
  if (!status) return { state: 'unknown' };
  return { state: CONNECTION_STATES[status.toLowerCase()] ?? 'unknown', rawState: status };
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function endpointIps(endpoint: z.output<typeof endpointSchema>, nics: readonly unknown[]): string[] {
  const fromDnsConfigs = endpoint.customDnsConfigs.flatMap((config) => config.ipAddresses);
  const fromNics = () => {
    const wanted = new Set(endpoint.networkInterfaces.map((nic) => nic.id.toLowerCase()));
    return nics
      .map((nic, index) => parseOrThrow(nicSchema, nic, `network interfaces[${index}]`))
      .filter((nic) => wanted.has(nic.id.toLowerCase()))
      .flatMap((nic) => nic.ipConfigurations.map((config) => config.privateIPAddress ?? ''));
  };
  const fromStaticConfigs = () => endpoint.ipConfigurations.map((config) => config.privateIPAddress ?? '');
  for (const source of [() => fromDnsConfigs, fromNics, fromStaticConfigs]) {
    const found = source().filter((ip) => ip !== '');
    // An address that is no IP at all is an error, never silently dropped; IPv6 ones are left out (A records only).
    const invalid = found.filter((ip) => isIP(ip) === 0);
    if (invalid.length > 0) {
      throw new InvalidInputError(`Private endpoint ${endpoint.id}: ${invalid.join(', ')} is not an IP address`);
    }
    const ips = [...new Set(found.filter((ip) => IPV4.test(ip)))].sort();
    if (ips.length > 0) return ips;
  }
  return [];
}

/** Confluent's observed alias pattern: `s-nk99e-privatelink-1.<guid>.centralus.azure.privatelinkservice`. */
const ALIAS_ZONE = /-privatelink-(\d+)$/i;

/**
 * The zone label for an endpoint. The alias pattern is observed, not a contract (PRODUCT.md §2), so a tag or a
 * configured mapping always wins over it.
 */
export function zoneLabel(
  service: string,
  tags: Readonly<Record<string, string>>,
  options: AzureEndpointOptions,
  endpointId = service,
): string | undefined {
  const tagKey = options.zoneTagKey ?? DEFAULT_ZONE_TAG;
  const tagged = tags[tagKey];
  if (tagged !== undefined) {
    const match = /^(?:az)?(\d+)$/i.exec(tagged.trim());
    if (!match) {
      throw new InvalidInputError(
        `Private endpoint ${endpointId}: tag ${tagKey}=${tagged} is not a zone (expected az<N> or <N>)`,
      );
    }
    return `az${Number(match[1])}`;
  }
  for (const [pattern, label] of Object.entries(options.zoneOverrides ?? {})) {
    if (globMatches(pattern, service)) return label;
  }
  // Alias: the first DNS label; resource id: the last path segment (the Private Link service name).
  const name = service.includes('/') ? (service.split('/').at(-1) ?? '') : (service.split('.')[0] ?? '');
  const match = ALIAS_ZONE.exec(name);
  return match ? `az${Number(match[1])}` : undefined;
}

function asList(value: unknown, what: string): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'object' && value !== null && Array.isArray((value as { value?: unknown }).value)) {
    return (value as { value: unknown[] }).value;
  }
  throw new InvalidInputError(`${what}: expected a JSON array (az … list output) or an object with a value array`);
}

function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  return parseResource(schema, value, `Invalid ${what}`);
}
