import { NetworkManagementClient } from '@azure/arm-network';
import { PrivateDnsManagementClient } from '@azure/arm-privatedns';
import type { LinkdnsConfig } from '../core/config.ts';
import { endpointSelector } from '../core/endpoint-selection.ts';
import type { ChangeLog } from '../core/ports.ts';
import { RequestLimiter } from '../request-limiter.ts';
import { DEFAULT_REQUEST_TIMEOUTS, type RequestTimeouts } from '../request-timeouts.ts';
import { localArmCredential, localArmHttpClient } from './local-arm.ts';
import { AzurePrivateDnsZones } from './private-dns-zones.ts';
import { azureEndpointOptions } from './private-endpoint-mapping.ts';
import { AzurePrivateEndpoints } from './private-endpoint-source.ts';
import { requestLimitPolicy, withPolicy, withRequestTimeout } from './request-timeout-policy.ts';
import type { AzureSettings } from './settings.ts';

/**
 * The Azure adapters from the settings, for the Function App and the CLI alike.
 *
 * @param credential `DefaultAzureCredential` (managed identity in Azure, developer credentials elsewhere)
 * @param clientOptions e.g. `localAzureClientOptions(baseUrl)` to reach the local Azure
 */
export function createAzureAdapters(
  settings: AzureSettings,
  credential: ConstructorParameters<typeof NetworkManagementClient>[0],
  options: {
    log?: ChangeLog;
    clientOptions?: ConstructorParameters<typeof PrivateDnsManagementClient>[2];
    /** The run's configuration (typed + discovered mappings); default: the settings' configuration. */
    currentConfig?: () => LinkdnsConfig;
    /** @default DEFAULT_REQUEST_TIMEOUTS */
    timeouts?: RequestTimeouts;
  } = {},
): { endpoints: AzurePrivateEndpoints; dns: AzurePrivateDnsZones } {
  const log = options.log ? { log: options.log } : {};
  // A local Azure (LINKDNS_AZURE_API_ROOT): the same clients and pipeline, the host rewritten, a placeholder token.
  if (settings.apiRoot) credential = localArmCredential;
  const reroute = settings.apiRoot ? { httpClient: localArmHttpClient(settings.apiRoot) } : {};
  const timed = withRequestTimeout(
    { ...options.clientOptions, ...reroute },
    options.timeouts ?? DEFAULT_REQUEST_TIMEOUTS,
  );
  // One limiter for both clients: the instance's whole ARM rate (settings.armRequestsPerHour) is the budget unit.
  const clientOptions = settings.armRequestsPerHour
    ? withPolicy(
        timed,
        requestLimitPolicy(new RequestLimiter({ requestsPerSecond: settings.armRequestsPerHour / 3600, burst: 1 })),
      )
    : timed;
  const endpoints = new AzurePrivateEndpoints({
    client: new NetworkManagementClient(credential, settings.subscriptionId, clientOptions),
    subscriptionId: settings.subscriptionId,
    resourceGroups: settings.endpointResourceGroups,
    endpoint: azureEndpointOptions(settings.config),
    select: (endpoint) => endpointSelector(options.currentConfig?.() ?? settings.config)(endpoint),
    ...log,
  });
  const dns = new AzurePrivateDnsZones({
    // The zones may live in another subscription than the endpoints (hub-and-spoke: the connectivity subscription).
    client: new PrivateDnsManagementClient(credential, settings.dnsSubscriptionId, clientOptions),
    resourceGroup: settings.dnsResourceGroup,
    owner: settings.config.owner,
    extraNetworks: settings.config.zones.extraNetworks,
    ...log,
  });
  return { endpoints, dns };
}
