import { type EndpointIdentity, type LinkdnsConfig, type MappingDecision, resolveMapping } from './config.ts';
import type { Cloud, ObservedEndpoint } from './model.ts';
import type { ChangeLog } from './ports.ts';

/**
 * Which endpoints are linkdns's business. Real accounts hold many endpoints linkdns must leave alone (S3 and SSM
 * endpoints, storage and Key Vault private endpoints, load-balancer forwarding rules): an endpoint no mapping (or
 * allowed tag) selects is never read deeply, never fails a run, and is counted as skipped.
 */

/** True when a mapping selects the endpoint's service or an allowed `linkdns:domain` tag names its domain. */
export function endpointSelector(config: LinkdnsConfig): (endpoint: EndpointIdentity) => boolean {
  return (endpoint) => resolveMapping(endpoint, config).managed;
}

/** What a source may ask its cloud API to filter on, so endpoints of other services are not even listed. */
export interface SourceNarrowing {
  /**
   * Exact service names the mappings for this cloud select (AWS service names, Azure aliases, GCP attachments).
   * `undefined` when any mapping is a glob: no API filters on a glob, so everything is listed and skipped on read.
   */
  readonly services?: readonly string[];
  /** Tag key whose presence may select an endpoint (tags can choose a domain when `allowedDomains` is set). */
  readonly tagKey?: string;
}

/** The filters a source of `cloud` may apply without missing an endpoint the configuration selects. */
export function sourceNarrowing(config: LinkdnsConfig, cloud: Cloud): SourceNarrowing {
  const patterns = config.mappings.filter((mapping) => !mapping.cloud || mapping.cloud === cloud);
  const exact = patterns.every((mapping) => !/[*?]/.test(mapping.service));
  return {
    ...(exact ? { services: [...new Set(patterns.map((mapping) => mapping.service))].sort() } : {}),
    ...(config.allowedDomains.length > 0 ? { tagKey: config.tagKeys.domain } : {}),
  };
}

/**
 * The endpoints of one run that no mapping selected: each counted once (`endpointsSkipped` in the run report) and
 * logged once at debug level, whichever path met it first.
 */
export class SkippedEndpoints {
  readonly #ids = new Set<string>();
  readonly #log: ChangeLog | undefined;

  constructor(log?: ChangeLog) {
    this.#log = log;
  }

  /** Counts the endpoint when the decision leaves it alone; answers whether it is managed. */
  note(endpoint: ObservedEndpoint, decision: MappingDecision): decision is Extract<MappingDecision, { managed: true }> {
    if (decision.managed) return true;
    if (!this.#ids.has(endpoint.id)) {
      this.#ids.add(endpoint.id);
      this.#log?.debug?.('endpoint skipped: no mapping selects it', {
        endpoint: endpoint.id,
        service: endpoint.service,
        scope: endpoint.scope,
        reason: decision.reason,
      });
    }
    return false;
  }

  get count(): number {
    return this.#ids.size;
  }
}
