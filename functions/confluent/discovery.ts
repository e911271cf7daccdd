import { globMatches, type LinkdnsConfig } from '../core/config.ts';
import { ConfigError, InvalidInputError } from '../core/errors.ts';
import type { ConfluentNetworkingApi } from './cloud-api.ts';
import {
  attachmentMappings,
  type DiscoveredMapping,
  networkMappings,
  type ResourceMappings,
  type SkippedResource,
} from './networking-wire.ts';

/**
 * Discovery: lists the networks and PrivateLink attachments of the configured Confluent Cloud environments and derives
 * linkdns's mappings from them, so nobody types a `dns_domain`, a service name or a zone.
 */

export const NETWORKS_PATH = '/networking/v1/networks';
export const ATTACHMENTS_PATH = '/networking/v1/private-link-attachments';

/** What one discovery found; summarised into the run report. */
export interface Discovery {
  readonly environments: readonly string[];
  /** Sorted by service. */
  readonly mappings: readonly DiscoveredMapping[];
  /** Networks and attachments that contribute nothing yet, with the reason. */
  readonly skipped: readonly SkippedResource[];
  /** Networks and attachments (`n-…`, `platt-…`) a previous discovery of this instance saw and this one did not. */
  readonly vanished: readonly string[];
  /** Confluent Cloud requests this discovery sent (retries and pages included); 0 when served from the cache. */
  readonly apiCalls: number;
  readonly cached: boolean;
  readonly discoveredAt: string;
}

/**
 * Lists both kinds of resource in every environment (two paged lists per environment) and maps them.
 * API calls per discovery: Σ over environments of ⌈networks / page size⌉ + ⌈attachments / page size⌉ (at least 2).
 *
 * @throws ConfluentAuthError, ConfluentApiError, ConfluentUnavailableError from the client; InvalidInputError when a
 * body is not what the API reference describes
 */
export async function discoverMappings(
  api: ConfluentNetworkingApi,
  environments: readonly string[],
  now: () => Date,
  signal?: AbortSignal,
): Promise<Discovery> {
  const before = api.requests;
  const found: ResourceMappings[] = [];
  for (const environment of environments) {
    // One after the other: a refused key fails on the first call instead of leaving a second one in flight.
    const networks = await api.listAll(NETWORKS_PATH, environment, signal);
    const attachments = await api.listAll(ATTACHMENTS_PATH, environment, signal);
    found.push(...networks.map((network) => networkMappings(network, environment)));
    found.push(...attachments.map((attachment) => attachmentMappings(attachment, environment)));
  }
  return {
    environments: [...environments],
    mappings: found.flatMap((entry) => entry.mappings).sort(compareMappings),
    skipped: found.flatMap((entry) => entry.skipped),
    vanished: [],
    apiCalls: api.requests - before,
    cached: false,
    discoveredAt: now().toISOString(),
  };
}

function compareMappings(a: DiscoveredMapping, b: DiscoveredMapping): number {
  const byService = a.service < b.service ? -1 : a.service > b.service ? 1 : 0;
  return byService || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0);
}

/**
 * One discovery per warm instance every `maxAgeMs`: later runs reuse it (`cached`, 0 API calls). A failed discovery is
 * not cached. Resources a fresh discovery no longer lists are reported as `vanished` — their records are not deleted
 * for that (their domains are simply no longer discovered; the endpoints decide).
 */
export function cachedDiscovery(
  discover: (signal?: AbortSignal) => Promise<Discovery>,
  options: { readonly maxAgeMs: number; readonly now: () => Date },
): (signal?: AbortSignal) => Promise<Discovery> {
  let last: { discovery: Discovery; at: number } | undefined;
  return async (signal) => {
    const at = options.now().getTime();
    if (last && at - last.at < options.maxAgeMs) return { ...last.discovery, cached: true, apiCalls: 0, vanished: [] };
    const fresh = await discover(signal);
    const seen = new Set([...fresh.mappings.map((m) => m.source), ...fresh.skipped.map((s) => s.id)]);
    const previous = last ? sourcesOf(last.discovery) : [];
    const discovery = { ...fresh, vanished: previous.filter((source) => !seen.has(source)) };
    last = { discovery, at };
    return discovery;
  };
}

function sourcesOf(discovery: Discovery): string[] {
  return [...new Set([...discovery.mappings.map((m) => m.source), ...discovery.skipped.map((s) => s.id)])].sort();
}

/**
 * The configuration a run uses: the discovered mappings first (so their zone labels and advertised zones apply), then
 * the typed ones. A typed mapping that selects a discovered service but names another domain or layout is a
 * configuration error naming both; one that agrees is redundant and harmless.
 *
 * @throws ConfigError listing every conflict
 */
export function withDiscoveredMappings(config: LinkdnsConfig, discovered: readonly DiscoveredMapping[]): LinkdnsConfig {
  const problems: string[] = [];
  for (const [index, typed] of config.mappings.entries()) {
    for (const found of discovered) {
      if (typed.cloud && typed.cloud !== found.cloud) continue;
      if (!globMatches(typed.service, endpointService(found)) && !globMatches(typed.service, found.service)) continue;
      if (typed.domain !== found.domain || typed.layout !== found.layout) {
        problems.push(
          `mappings.${index} (${typed.service} → ${typed.domain}, ${typed.layout}) conflicts with Confluent ` +
            `${found.source} in ${found.environment} (${found.service} → ${found.domain}, ${found.layout})`,
        );
      }
    }
  }
  const byService = new Map<string, DiscoveredMapping>();
  for (const found of discovered) {
    const key = `${found.cloud} ${found.service}`;
    const other = byService.get(key);
    if (other && other.domain !== found.domain) {
      problems.push(
        `Confluent ${other.source} (${other.environment}) and ${found.source} (${found.environment}) both offer ` +
          `${found.service}, for ${other.domain} and ${found.domain}`,
      );
    }
    byService.set(key, other ?? found);
  }
  if (problems.length > 0) throw new ConfigError('the configuration and Confluent Cloud discovery', problems);
  return {
    ...config,
    mappings: [
      ...discovered.map((found) => ({
        service: servicePattern(found),
        domain: found.domain,
        layout: found.layout,
        cloud: found.cloud,
        ...(found.zone ? { zone: found.zone } : {}),
        ...(found.advertisedZones ? { advertisedZones: [...found.advertisedZones] } : {}),
        origin: `confluent ${found.source} ${found.environment}`,
      })),
      ...config.mappings,
    ],
  };
}

/** The `service` an endpoint connecting to a discovered service shows (GCP: the forwarding rule's `target` URL). */
function endpointService(mapping: Pick<DiscoveredMapping, 'cloud' | 'service'>): string {
  if (mapping.cloud !== 'gcp' || /^https?:\/\//.test(mapping.service)) return mapping.service;
  return `https://www.googleapis.com/compute/v1/${mapping.service.replace(/^\/+/, '')}`;
}

/**
 * The pattern an endpoint's `service` is matched with. Confluent names a PSC service attachment by its path
 * (`projects/p/regions/r/serviceAttachments/name`); a forwarding rule's `target` is the full URL
 * (`https://www.googleapis.com/compute/v1/projects/…`, or the `compute.googleapis.com` host).
 */
export function servicePattern(mapping: Pick<DiscoveredMapping, 'cloud' | 'service'>): string {
  if (/[*?]/.test(mapping.service)) {
    throw new InvalidInputError(`Confluent service ${mapping.service} contains a glob character`);
  }
  if (mapping.cloud !== 'gcp' || /^https?:\/\//.test(mapping.service)) return mapping.service;
  return `https://*/compute/*/${mapping.service.replace(/^\/+/, '')}`;
}
