import type { EndpointIdentity } from '../core/config.ts';
import { InvalidInputError, TransientCloudError } from '../core/errors.ts';
import type { ObservedEndpoint } from '../core/model.ts';
import type { ChangeLog, EndpointSource } from '../core/ports.ts';
import { type ForwardingRuleDescription, observeForwardingRule } from './forwarding-rule-mapping.ts';
import {
  forwardingRulePath,
  forwardingRuleSelfLink,
  networkUrl,
  parseForwardingRuleRef,
  sameNetwork,
} from './gcp-resource-names.ts';
import { type GoogleApiClient, GoogleApiError } from './google-api.ts';

export interface ForwardingRuleSourceOptions {
  readonly client: GoogleApiClient;
  /** Projects whose forwarding rules are PSC endpoints linkdns manages. */
  readonly projects: readonly string[];
  /**
   * Regions to list, one `forwardingRules.list` per project and region. Empty: one `aggregated/forwardingRules` per
   * project (every region, fewer calls when the endpoints are spread out, more data when the project has many rules).
   */
  readonly regions?: readonly string[];
  readonly log?: ChangeLog;
  /**
   * Which PSC endpoints linkdns manages (see `endpointSelector`): a selected one whose fields cannot be read comes
   * back with `unreadable` set (its zone fails in the core) instead of being left out as if it were gone.
   * Load-balancer rules and PSC endpoints for Google APIs are never endpoints here, selector or not.
   * @default a malformed rule is logged and left out
   */
  readonly select?: (endpoint: EndpointIdentity) => boolean;
}

interface ForwardingRuleList {
  readonly items?: ForwardingRuleDescription[];
  readonly nextPageToken?: string;
}

interface ForwardingRuleAggregatedList {
  readonly items?: Record<string, { readonly forwardingRules?: ForwardingRuleDescription[] }>;
  readonly nextPageToken?: string;
  readonly unreachables?: readonly string[];
}

/** True when a forwarding rule is a Private Service Connect endpoint for a published service. */
export function isPscEndpoint(rule: ForwardingRuleDescription): boolean {
  return typeof rule.target === 'string' && rule.target.includes('/serviceAttachments/');
}

/**
 * {@link observeForwardingRule}, with the id and scope in one spelling whatever the API or a fixture used: the v1
 * self link (`https://www.googleapis.com/compute/v1/projects/…/forwardingRules/N`) and the network URL. Registries
 * record these, and events name rules by relative name, so one spelling is what lets them meet.
 */
export function observePscEndpoint(rule: ForwardingRuleDescription): ObservedEndpoint {
  const endpoint = observeForwardingRule(rule, 'forwarding rule');
  const link = rule.selfLink ?? '';
  return {
    ...endpoint,
    id: /\/forwardingRules\//.test(link) ? forwardingRuleSelfLink(parseForwardingRuleRef(link)) : endpoint.id,
    scope: networkUrl(endpoint.scope),
  };
}

/**
 * A forwarding rule as listed, without checking its fields: what it targets (a load balancer's backend service when it
 * has no target), its labels and network. Carries no IP, so nothing is ever written from it.
 */
function listedForwardingRule(
  rule: ForwardingRuleDescription & { readonly backendService?: string },
): ObservedEndpoint {
  return {
    cloud: 'gcp',
    id: rule.selfLink ?? rule.name ?? '',
    state: 'unknown',
    scope: safeNetworkUrl(rule.network),
    service: rule.target ?? rule.backendService ?? '',
    targetKind: 'ip',
    regional: [],
    zonal: {},
    tags: { ...rule.labels },
  };
}

function safeNetworkUrl(network: string | undefined): string {
  try {
    return network ? networkUrl(network) : '';
  } catch {
    return network ?? '';
  }
}

/**
 * PSC endpoints (forwarding rules whose `target` is a service attachment) read from the Compute Engine v1 API, as the
 * core's {@link EndpointSource}. Other forwarding rules (load balancers, PSC for Google APIs) are not endpoints here.
 *
 * - `getEndpoint` takes a self link or a relative name (`projects/P/regions/R/forwardingRules/N`, as audit logs
 *   carry it); a rule that is gone (404) is `undefined`, one that is no PSC endpoint comes back as listed (no IP).
 * - `listEndpoints` lists the configured regions (or the aggregated list) of every configured project and keeps the
 *   rules of `scope`'s network. A listing that could not reach every region (`unreachables`) is refused with a
 *   {@link TransientCloudError}: an endpoint missing from an incomplete listing must never be read as deleted.
 *
 * @see https://cloud.google.com/compute/docs/reference/rest/v1/forwardingRules
 */
export class ForwardingRuleSource implements EndpointSource {
  readonly #options: ForwardingRuleSourceOptions;

  constructor(options: ForwardingRuleSourceOptions) {
    if (options.projects.length === 0) throw new InvalidInputError('ForwardingRuleSource needs at least one project');
    this.#options = options;
  }

  async getEndpoint(id: string, signal?: AbortSignal): Promise<ObservedEndpoint | undefined> {
    const ref = parseForwardingRuleRef(id);
    const url = `${this.#computeBase()}/${forwardingRulePath(ref)
      .split('/')
      .map((segment) => encodeURIComponent(segment))
      .join('/')}`;
    let rule: ForwardingRuleDescription;
    try {
      rule = await this.#options.client.call<ForwardingRuleDescription>(
        'forwardingRules.get',
        'GET',
        url,
        undefined,
        signal,
      );
    } catch (error) {
      if (error instanceof GoogleApiError && error.status === 404) return undefined;
      throw error;
    }
    // A load balancer or a PSC endpoint for Google APIs never had a place in a zone: returned as listed, without an IP,
    // so the core counts it as skipped instead of searching every managed zone's registry for it.
    return isPscEndpoint(rule) ? this.#read(rule) : listedForwardingRule(rule);
  }

  async listEndpoints(scope?: string, signal?: AbortSignal): Promise<ObservedEndpoint[]> {
    const rules: ForwardingRuleDescription[] = [];
    for (const project of this.#options.projects) {
      if ((this.#options.regions ?? []).length === 0) rules.push(...(await this.#aggregated(project, signal)));
      else
        for (const region of this.#options.regions ?? [])
          rules.push(...(await this.#regional(project, region, signal)));
    }
    const endpoints: ObservedEndpoint[] = [];
    for (const rule of rules) {
      if (!isPscEndpoint(rule) || (scope !== undefined && !(rule.network && sameNetwork(rule.network, scope))))
        continue;
      try {
        endpoints.push(this.#read(rule));
      } catch (error) {
        // One malformed rule must not hide the others; it is logged and left out.
        if (!(error instanceof InvalidInputError)) throw error;
        this.#options.log?.warn('forwarding rule skipped', { rule: rule.selfLink ?? rule.name, reason: error.message });
      }
    }
    return endpoints;
  }

  /** {@link observePscEndpoint}; with a selector, a selected rule that cannot be read comes back `unreadable`. */
  #read(rule: ForwardingRuleDescription): ObservedEndpoint {
    try {
      return observePscEndpoint(rule);
    } catch (error) {
      const select = this.#options.select;
      if (!(error instanceof InvalidInputError) || !select) throw error;
      const listed = listedForwardingRule(rule);
      if (!select(listed)) throw error;
      return { ...listed, unreadable: error.message };
    }
  }

  async #regional(
    project: string,
    region: string,
    signal: AbortSignal | undefined,
  ): Promise<ForwardingRuleDescription[]> {
    const rules: ForwardingRuleDescription[] = [];
    let pageToken: string | undefined;
    do {
      const url = new URL(
        `${this.#computeBase()}/projects/${encodeURIComponent(project)}/regions/${encodeURIComponent(region)}/forwardingRules`,
      );
      if (pageToken) url.searchParams.set('pageToken', pageToken);
      const page = await this.#options.client.call<ForwardingRuleList>(
        'forwardingRules.list',
        'GET',
        url.toString(),
        undefined,
        signal,
      );
      rules.push(...(page?.items ?? []));
      pageToken = page?.nextPageToken || undefined;
    } while (pageToken);
    return rules;
  }

  async #aggregated(project: string, signal: AbortSignal | undefined): Promise<ForwardingRuleDescription[]> {
    const rules: ForwardingRuleDescription[] = [];
    let pageToken: string | undefined;
    do {
      const url = new URL(`${this.#computeBase()}/projects/${encodeURIComponent(project)}/aggregated/forwardingRules`);
      if (pageToken) url.searchParams.set('pageToken', pageToken);
      const page = await this.#options.client.call<ForwardingRuleAggregatedList>(
        'forwardingRules.aggregatedList',
        'GET',
        url.toString(),
        undefined,
        signal,
      );
      if ((page?.unreachables ?? []).length > 0) {
        throw new TransientCloudError(
          `Compute could not list forwarding rules of ${project} in ${page?.unreachables?.join(', ')}; not reading the rest as complete`,
        );
      }
      for (const scoped of Object.values(page?.items ?? {})) rules.push(...(scoped.forwardingRules ?? []));
      pageToken = page?.nextPageToken || undefined;
    } while (pageToken);
    return rules;
  }

  #computeBase(): string {
    return `${this.#options.client.roots.compute}/compute/v1`;
  }
}
