import type { LinkdnsConfig } from '../core/config.ts';
import { endpointSelector } from '../core/endpoint-selection.ts';
import type { ChangeLog } from '../core/ports.ts';
import { RequestLimiter } from '../request-limiter.ts';
import { DEFAULT_REQUEST_TIMEOUTS, type RequestTimeouts } from '../request-timeouts.ts';
import { CloudDnsZones } from './cloud-dns-zones.ts';
import { ForwardingRuleSource } from './forwarding-rule-source.ts';
import {
  type AccessTokenSource,
  fetchTransport,
  GOOGLE_API_ROOTS,
  GoogleApiClient,
  type GoogleRetryPolicy,
} from './google-api.ts';
import { PubSubBacklog } from './pubsub-backlog.ts';
import { PubSubTopic } from './pubsub-topic.ts';
import type { GcpSettings } from './settings.ts';

export interface GcpAdapterOptions {
  readonly log?: ChangeLog;
  readonly retry?: Partial<GoogleRetryPolicy>;
  /** Poll interval for `changes.get` while a change is pending. @default 1000 */
  readonly pollIntervalMs?: number;
  /** The run's configuration (typed + discovered mappings); default: the settings' configuration. */
  readonly currentConfig?: () => LinkdnsConfig;
  /** Per-request timeout of every Cloud DNS and Compute call. @default DEFAULT_REQUEST_TIMEOUTS */
  readonly timeouts?: RequestTimeouts;
}

/**
 * The Google adapters from the settings, for the Cloud Functions and the CLI alike: one HTTP client (bearer tokens
 * from `tokens`, the Google API hosts or the local cloud's `apiRoot`) under the endpoint source and the DNS provider.
 *
 * @param tokens `new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE] })` in Google Cloud, `staticToken('local')` locally
 */
export function createGcpAdapters(
  settings: GcpSettings,
  tokens: AccessTokenSource,
  options: GcpAdapterOptions = {},
): {
  endpoints: ForwardingRuleSource;
  dns: CloudDnsZones;
  client: GoogleApiClient;
  sweepTopic?: PubSubTopic;
  sweepBacklog?: PubSubBacklog;
} {
  const log = options.log ? { log: options.log } : {};
  const client = new GoogleApiClient({
    transport: fetchTransport(tokens, fetch, options.timeouts ?? DEFAULT_REQUEST_TIMEOUTS),
    roots: settings.apiRoot
      ? { dns: settings.apiRoot, compute: settings.apiRoot, pubsub: settings.apiRoot, monitoring: settings.apiRoot }
      : GOOGLE_API_ROOTS,
    ...(options.retry ? { retry: options.retry } : {}),
    // One limiter per instance for every Google API call: the unit of the deployment's Cloud DNS budget.
    ...(settings.requestsPerMinute
      ? { limiter: new RequestLimiter({ requestsPerSecond: settings.requestsPerMinute / 60, burst: 1 }) }
      : {}),
    ...log,
  });
  const endpoints = new ForwardingRuleSource({
    client,
    projects: settings.endpointProjects,
    regions: settings.regions,
    select: (endpoint) => endpointSelector(options.currentConfig?.() ?? settings.config)(endpoint),
    ...log,
  });
  const dns = new CloudDnsZones({
    client,
    project: settings.dnsProject,
    owner: settings.config.owner,
    extraNetworks: settings.config.zones.extraNetworks,
    ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
    ...log,
  });
  return {
    endpoints,
    dns,
    client,
    ...(settings.sweepTopic ? { sweepTopic: new PubSubTopic(client, settings.sweepTopic) } : {}),
    ...(settings.sweepSubscription ? { sweepBacklog: new PubSubBacklog(client, settings.sweepSubscription) } : {}),
  };
}
