import type {
  NetworkInterface,
  NetworkInterfacesOperations,
  PrivateEndpoint,
  PrivateEndpointsOperations,
} from '@azure/arm-network';
import type { EndpointIdentity } from '../core/config.ts';
import { InvalidInputError } from '../core/errors.ts';
import type { ObservedEndpoint } from '../core/model.ts';
import type { ChangeLog, EndpointSource } from '../core/ports.ts';
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
    const wanted = scope?.toLowerCase();
    const observed: ObservedEndpoint[] = [];
    for (const endpoint of await this.#listRaw(signal)) {
      // Filter on the subnet before reading NICs, so a scoped listing reads only its own endpoints' NICs.
      if (wanted && !endpoint.subnet?.id?.toLowerCase().startsWith(`${wanted}/subnets/`)) continue;
      try {
        observed.push(await this.#read(endpoint, signal));
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        // One malformed endpoint (e.g. mid-creation, no connection yet) must not hide every other one.
        this.#options.log?.warn('skipping private endpoint', { id: endpoint.id, error: error.message });
      }
    }
    return observed;
  }

  async #listRaw(signal: AbortSignal | undefined): Promise<PrivateEndpoint[]> {
    const { client, resourceGroups = [] } = this.#options;
    const pages =
      resourceGroups.length > 0
        ? resourceGroups.map((group) => ({
            what: `list private endpoints in ${group}`,
            items: () => client.privateEndpoints.list(group, { abortSignal: signal }),
          }))
        : [
            {
              what: `list private endpoints in subscription ${this.#options.subscriptionId}`,
              items: () => client.privateEndpoints.listBySubscription({ abortSignal: signal }),
            },
          ];
    const endpoints: PrivateEndpoint[] = [];
    for (const source of pages) {
      try {
        for await (const endpoint of source.items()) endpoints.push(endpoint);
      } catch (error) {
        throw translateAzureError(error, source.what);
      }
    }
    return endpoints;
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
