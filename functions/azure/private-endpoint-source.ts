import type {
  ContinuablePage,
  NetworkInterface,
  NetworkInterfacesOperations,
  PageSettings,
  PrivateEndpoint,
  PrivateEndpointsOperations,
  VirtualNetworksOperations,
} from '@azure/arm-network';
import type { EndpointIdentity } from '../core/config.ts';
import { InvalidInputError } from '../core/errors.ts';
import type { ObservedEndpoint } from '../core/model.ts';
import type { ChangeLog, EndpointPage, EndpointSource } from '../core/ports.ts';
import { armNextLinkSegments } from './arm-next-link.ts';
import { statusOf, translateAzureError } from './azure-errors.ts';
import {
  type AzureEndpointOptions,
  listedAzurePrivateEndpoint,
  observeAzurePrivateEndpoint,
} from './private-endpoint-mapping.ts';

/** The slice of `NetworkManagementClient` (`@azure/arm-network` 39) the endpoint source uses. */
export interface AzureNetworkClient {
  readonly privateEndpoints: Pick<PrivateEndpointsOperations, 'get' | 'list' | 'listBySubscription'>;
  readonly networkInterfaces: Pick<NetworkInterfacesOperations, 'get'>;
  /** Optional: a batch of VNets is then read VNet by VNet ({@link AzurePrivateEndpoints.listEndpointsInScopes}). */
  readonly virtualNetworks?: Pick<VirtualNetworksOperations, 'get'>;
}

export interface AzureEndpointSourceOptions {
  /** A client bound to `subscriptionId`. */
  readonly client: AzureNetworkClient;
  readonly subscriptionId: string;
  /** Resource groups to list endpoints in. Empty or omitted: the whole subscription. */
  readonly resourceGroups?: readonly string[];
  /** Zone tag key and alias overrides (see {@link azureEndpointOptions}). */
  readonly endpoint?: AzureEndpointOptions;
  readonly log?: ChangeLog;
  /**
   * Which endpoints linkdns manages (see `endpointSelector`). ARM cannot filter a listing on the Private Link service,
   * so every endpoint is listed, but only selected ones are read deeply (NICs, IPs, zone); the others (storage, Key
   * Vault, SQL endpoints) come back as listed, without IPs, for the core to count as skipped. A selected endpoint
   * that cannot be read comes back with `unreadable` set.
   * @default every endpoint is read deeply; one that cannot be read is logged and left out
   */
  readonly select?: (endpoint: EndpointIdentity) => boolean;
}

const ENDPOINT_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/privateEndpoints\/([^/]+)$/i;
const NIC_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/networkInterfaces\/([^/]+)$/i;

/** Parts of a private endpoint resource id; throws {@link InvalidInputError} for anything else. */
export function parsePrivateEndpointId(id: string): { subscriptionId: string; resourceGroup: string; name: string } {
  const match = ENDPOINT_ID.exec(id.trim());
  if (!match?.[1] || !match[2] || !match[3]) throw new InvalidInputError(`Not a private endpoint resource id: ${id}`);
  return { subscriptionId: match[1], resourceGroup: match[2], name: match[3] };
}

/**
 * Azure private endpoints as an {@link EndpointSource}: `privateEndpoints.get` / `list` / `listBySubscription`, and the
 * NICs' IP configurations when `customDnsConfigs` carries no IP (the usual case for Private Link service
 * connections such as Confluent's), mapped with {@link observeAzurePrivateEndpoint}.
 */
export class AzurePrivateEndpoints implements EndpointSource {
  readonly #options: AzureEndpointSourceOptions;

  constructor(options: AzureEndpointSourceOptions) {
    this.#options = options;
  }

  async getEndpoint(id: string, signal?: AbortSignal): Promise<ObservedEndpoint | undefined> {
    const { subscriptionId, resourceGroup, name } = parsePrivateEndpointId(id);
    if (subscriptionId.toLowerCase() !== this.#options.subscriptionId.toLowerCase()) {
      throw new InvalidInputError(
        `Private endpoint ${id} is in subscription ${subscriptionId}; linkdns reads ${this.#options.subscriptionId}`,
      );
    }
    let endpoint: PrivateEndpoint;
    try {
      endpoint = await this.#options.client.privateEndpoints.get(resourceGroup, name, { abortSignal: signal });
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw translateAzureError(error, `get private endpoint ${id}`);
    }
    return this.#read(endpoint, signal);
  }

  async listEndpoints(scope?: string, signal?: AbortSignal): Promise<ObservedEndpoint[]> {
    const observed: ObservedEndpoint[] = [];
    for await (const page of this.listEndpointPages(scope, signal)) observed.push(...page.endpoints);
    return observed;
  }

  /**
   * {@link listEndpoints} one ARM page at a time, so the repair's coordinator holds one page of endpoints, never the
   * subscription's, and can stop between pages and hand the rest to a worker. The listing runs over the configured
   * resource groups in order ("Private Endpoints - List", `GET /subscriptions/{id}/resourceGroups/{group}/providers/
   * Microsoft.Network/privateEndpoints`), or the whole subscription when none is configured ("Private Endpoints - List
   * By Subscription"); every page ARM returns is yielded, even an empty one, so the cursor always moves on.
   *
   * A page's `next` is `<listing>.<nextLink>`: `rg<index>` (a configured resource group) or `sub` (the subscription),
   * then the page's `nextLink` ("The URL to get the next set of results", PrivateEndpointListResult,
   * https://learn.microsoft.com/rest/api/virtualnetwork/private-endpoints/list), which the SDK takes back as
   * `continuationToken`; after a group's last page, `rg<index + 1>.` with no link starts the next group.
   * @throws InvalidInputError for a `from` this source could not have handed out (checked before any call: a next link
   *   is a URL the SDK calls with the function's bearer token)
   */
  async *listEndpointPages(scope?: string, signal?: AbortSignal, from?: string): AsyncGenerator<EndpointPage> {
    const listings = this.#listings(signal);
    const start = from === undefined ? { listing: 0, link: undefined } : parseEndpointCursor(from, listings);
    for (let index = start.listing; index < listings.length; index += 1) {
      const listing = listings[index] as EndpointListing;
      const link = index === start.listing ? start.link : undefined;
      const following = listings[index + 1];
      try {
        for await (const page of listing.pages(link === undefined ? undefined : { continuationToken: link })) {
          const endpoints = await this.#readPage(page, scope, signal);
          const next = page.continuationToken
            ? `${listing.label}.${page.continuationToken}`
            : following
              ? `${following.label}.`
              : undefined;
          yield next === undefined ? { endpoints } : { endpoints, next };
          // The SDK sends next-link requests without the caller's abort signal (arm-network 39's paging helper calls
          // the link bare), so an aborted listing stops here rather than fetching on.
          signal?.throwIfAborted();
        }
      } catch (error) {
        throw translateAzureError(error, listing.what);
      }
    }
  }

  /** The listings {@link listEndpointPages} runs over, in order: one per configured resource group, or the subscription. */
  #listings(signal: AbortSignal | undefined): EndpointListing[] {
    const { client, subscriptionId, resourceGroups = [] } = this.#options;
    const subscription = ['subscriptions', subscriptionId.toLowerCase()];
    const collection = ['providers', 'microsoft.network', 'privateendpoints'];
    if (resourceGroups.length === 0) {
      return [
        {
          label: 'sub',
          name: `subscription ${subscriptionId}`,
          what: `list private endpoints in subscription ${subscriptionId}`,
          path: [...subscription, ...collection],
          pages: (settings) => client.privateEndpoints.listBySubscription({ abortSignal: signal }).byPage(settings),
        },
      ];
    }
    return resourceGroups.map((group, index) => ({
      label: `rg${index}`,
      name: `resource group ${group}`,
      what: `list private endpoints in ${group}`,
      path: [...subscription, 'resourcegroups', group.toLowerCase(), ...collection],
      pages: (settings) => client.privateEndpoints.list(group, { abortSignal: signal }).byPage(settings),
    }));
  }

  /**
   * The endpoints of several VNets, at a cost that follows their own endpoints rather than the subscription's: ARM
   * cannot filter the private endpoint listing by network, but a VNet names its endpoints — each subnet's
   * `privateEndpoints`, "an array of references to private endpoints" (SubnetPropertiesFormat, Virtual Networks - Get)
   * — so each VNet costs one GET, then one GET per endpoint (and its NIC reads). Endpoints outside the configured
   * resource groups are left out, as the listing leaves them out. A VNet this identity cannot read (403, another
   * subscription) falls back to one pass over the listings for all such VNets.
   */
  async listEndpointsInScopes(
    scopes: readonly string[],
    signal?: AbortSignal,
  ): Promise<Map<string, ObservedEndpoint[]>> {
    const byScope = new Map(scopes.map((scope) => [scope, [] as ObservedEndpoint[]]));
    const unread: string[] = [];
    for (const scope of scopes) {
      const ids = await this.#endpointIdsOfNetwork(scope, signal);
      if (ids === undefined) {
        unread.push(scope);
        continue;
      }
      for (const id of ids) {
        const endpoint = await this.#getListed(id, signal);
        const observed = endpoint && (await this.#readListed(endpoint, signal));
        if (observed) byScope.get(scope)?.push(observed);
      }
    }
    if (unread.length > 0) {
      for (const [scope, endpoints] of await this.#listInScopes(unread, signal)) byScope.set(scope, endpoints);
    }
    return byScope;
  }

  /**
   * The private endpoints a VNet's subnets name, within the configured resource groups; `[]` for a VNet that no longer
   * exists; undefined when this identity cannot read it (another subscription, no Reader on its resource group).
   */
  async #endpointIdsOfNetwork(scope: string, signal: AbortSignal | undefined): Promise<string[] | undefined> {
    const match =
      /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/virtualNetworks\/([^/]+)$/i.exec(
        scope,
      );
    const client = this.#options.client.virtualNetworks;
    if (!client || !match || match[1]?.toLowerCase() !== this.#options.subscriptionId.toLowerCase()) return undefined;
    let subnets: readonly { privateEndpoints?: readonly { id?: string }[] }[];
    try {
      subnets = (await client.get(match[2] as string, match[3] as string, { abortSignal: signal })).subnets ?? [];
    } catch (error) {
      if (statusOf(error) === 404) return [];
      if (statusOf(error) === 403) return undefined;
      throw translateAzureError(error, `get virtual network ${scope}`);
    }
    const groups = (this.#options.resourceGroups ?? []).map((group) => group.toLowerCase());
    return subnets
      .flatMap((subnet) => subnet.privateEndpoints ?? [])
      .map((reference) => reference.id ?? '')
      .filter((id) => id !== '')
      .filter((id) => groups.length === 0 || groups.includes((id.split('/')[4] ?? '').toLowerCase()));
  }

  /** One private endpoint as listed, by id; undefined once it is gone. */
  async #getListed(id: string, signal: AbortSignal | undefined): Promise<PrivateEndpoint | undefined> {
    const { resourceGroup, name } = parsePrivateEndpointId(id);
    try {
      return await this.#options.client.privateEndpoints.get(resourceGroup, name, { abortSignal: signal });
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw translateAzureError(error, `get private endpoint ${id}`);
    }
  }

  /** The endpoints of several VNets from one pass over the listings; NICs are read only for endpoints in them. */
  async #listInScopes(
    scopes: readonly string[],
    signal: AbortSignal | undefined,
  ): Promise<Map<string, ObservedEndpoint[]>> {
    const byScope = new Map(scopes.map((scope) => [scope, [] as ObservedEndpoint[]]));
    const prefixes = scopes.map((scope) => ({ scope, subnets: `${scope.toLowerCase()}/subnets/` }));
    for (const listing of this.#listings(signal)) {
      try {
        for await (const page of listing.pages(undefined)) {
          for (const endpoint of page) {
            const subnet = endpoint.subnet?.id?.toLowerCase() ?? '';
            const match = prefixes.find((prefix) => subnet.startsWith(prefix.subnets));
            const observed = match && (await this.#readListed(endpoint, signal));
            if (match && observed) byScope.get(match.scope)?.push(observed);
          }
          signal?.throwIfAborted();
        }
      } catch (error) {
        throw translateAzureError(error, listing.what);
      }
    }
    return byScope;
  }

  /** One listed page, read as {@link listEndpoints} reads every endpoint. */
  async #readPage(
    page: readonly PrivateEndpoint[],
    scope: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<ObservedEndpoint[]> {
    const wanted = scope?.toLowerCase();
    const observed: ObservedEndpoint[] = [];
    for (const endpoint of page) {
      // Filter on the subnet before reading NICs, so a scoped listing reads only its own endpoints' NICs.
      if (wanted && !endpoint.subnet?.id?.toLowerCase().startsWith(`${wanted}/subnets/`)) continue;
      const read = await this.#readListed(endpoint, signal);
      if (read) observed.push(read);
    }
    return observed;
  }

  /** {@link #read}, except that a malformed endpoint (mid-creation, no connection yet) is logged and left out. */
  async #readListed(endpoint: PrivateEndpoint, signal: AbortSignal | undefined): Promise<ObservedEndpoint | undefined> {
    try {
      return await this.#read(endpoint, signal);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      // One malformed endpoint must not hide every other one.
      this.#options.log?.warn('skipping private endpoint', { id: endpoint.id, error: error.message });
      return undefined;
    }
  }

  /**
   * With a selector: an endpoint it does not select comes back as listed (no NIC read, no field checked: a storage,
   * Key Vault or SQL endpoint is not linkdns's business); a selected one that cannot be read comes back `unreadable`,
   * so its zone fails in the core instead of losing this endpoint's IPs.
   */
  async #read(endpoint: PrivateEndpoint, signal: AbortSignal | undefined): Promise<ObservedEndpoint> {
    const select = this.#options.select;
    const listed = select ? listedAzurePrivateEndpoint(endpoint) : undefined;
    if (!select || !listed) return this.#observe(endpoint, signal);
    if (!select(listed)) return listed;
    try {
      return await this.#observe(endpoint, signal);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      return { ...listed, unreadable: error.message };
    }
  }

  async #observe(endpoint: PrivateEndpoint, signal: AbortSignal | undefined): Promise<ObservedEndpoint> {
    const fromDnsConfigs = observeAzurePrivateEndpoint(endpoint, [], this.#options.endpoint);
    if (fromDnsConfigs.regional.length > 0) return fromDnsConfigs;
    const nics = await Promise.all((endpoint.networkInterfaces ?? []).map((nic) => this.#nic(nic.id, signal)));
    return observeAzurePrivateEndpoint(
      endpoint,
      nics.filter((nic) => nic !== undefined),
      this.#options.endpoint,
    );
  }

  async #nic(id: string | undefined, signal: AbortSignal | undefined): Promise<NetworkInterface | undefined> {
    const match = id ? NIC_ID.exec(id) : undefined;
    if (!match?.[2] || !match[3]) return undefined;
    try {
      return await this.#options.client.networkInterfaces.get(match[2], match[3], { abortSignal: signal });
    } catch (error) {
      // The NIC goes with its endpoint; a missing one means the endpoint is being deleted and has no IP.
      if (statusOf(error) === 404) return undefined;
      throw translateAzureError(error, `get network interface ${id}`);
    }
  }
}

/** One listing of private endpoints: a configured resource group's, or the subscription's. */
interface EndpointListing {
  /** How a cursor names it: `rg<index>` or `sub`. */
  readonly label: string;
  /** `resource group <name>` or `subscription <id>`, for messages. */
  readonly name: string;
  readonly what: string;
  /** The path of its next links, as {@link armNextLinkSegments} returns it. */
  readonly path: readonly string[];
  pages(settings: PageSettings | undefined): AsyncIterableIterator<ContinuablePage<PrivateEndpoint>>;
}

/**
 * Where an endpoint listing carried on starts, from a cursor {@link AzurePrivateEndpoints.listEndpointPages} handed
 * out: the listing it names must exist, and its next link must be that listing's (https, an ARM host, exactly the
 * listing's path in any case); a link-less cursor only ever starts a resource group after the first.
 */
function parseEndpointCursor(
  cursor: string,
  listings: readonly EndpointListing[],
): { listing: number; link: string | undefined } {
  const match = /^(sub|rg(\d{1,4}))\.(.*)$/s.exec(cursor);
  const index = match?.[1] === 'sub' ? 0 : Number(match?.[2]);
  const listing = listings[index];
  const link = match?.[3] ?? '';
  const refuse = (reason: string) => {
    const names = listings.map((candidate) => `${candidate.label} = ${candidate.name}`).join(', ');
    return new InvalidInputError(
      `Endpoint listing cursor "${cursor}" is not one the private endpoint listing (${names}) hands out: ${reason}`,
    );
  };
  if (!match) throw refuse('not rg<index> or sub, a dot, then an ARM next link');
  if (!listing || listing.label !== match[1]) throw refuse(`it names listing ${match[1]}, which this source has not`);
  if (link === '') {
    if (index === 0) throw refuse('a listing starts without a cursor');
    return { listing: index, link: undefined };
  }
  const path = armNextLinkSegments(link);
  if (path?.join('/') !== listing.path.join('/')) {
    throw refuse(`its next link is not the private endpoint listing of ${listing.name} on an ARM host`);
  }
  return { listing: index, link };
}
