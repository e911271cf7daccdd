import type { EndpointIdentity } from '../core/config.ts';
import { InvalidInputError, TransientCloudError } from '../core/errors.ts';
import type { ObservedEndpoint } from '../core/model.ts';
import type { ChangeLog, EndpointPage, EndpointSource } from '../core/ports.ts';
import { type ForwardingRuleDescription, observeForwardingRule } from './forwarding-rule-mapping.ts';
import {
  forwardingRulePath,
  forwardingRuleSelfLink,
  networkUrl,
  parseForwardingRuleRef,
  sameNetwork,
} from './gcp-resource-names.ts';
import { type GoogleApiClient, GoogleApiError } from './google-api.ts';
import { isGooglePageToken } from './google-page-token.ts';

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

/**
 * One listing of {@link ForwardingRuleSource.listEndpointPages}: a configured project, and one of its configured
 * regions or (without regions) its aggregated list. The indexes are the ones a cursor names.
 */
interface ListingPart {
  readonly projectIndex: number;
  readonly project: string;
  readonly regionIndex?: number;
  readonly region?: string;
}

/** `<project>.<region>.<pageToken>` (`a` for the aggregated list; an empty token is the start of the part). */
function listingCursor(part: ListingPart, pageToken: string | undefined): string {
  return `${part.projectIndex}.${part.regionIndex ?? 'a'}.${pageToken ?? ''}`;
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
 * Compute's `filter` keeping the rules of one VPC network: an AIP-160 equality on `network` ("your expression must
 * specify the field name, an operator, and the value … The value must be a string"), with the network as Compute
 * writes it in a rule, the full v1 URL, whichever spelling the scope used. The value is quoted because the URL holds
 * `:` and `/`; a name holding a quote or backslash is no Google network name and could not be quoted, so it is refused.
 * @see https://cloud.google.com/compute/docs/reference/rest/v1/forwardingRules/list#query-parameters
 * @see https://cloud.google.com/compute/docs/reference/rest/v1/forwardingRules/aggregatedList#query-parameters
 * @throws InvalidInputError for a scope that is no VPC network
 */
export function networkFilter(scope: string): string {
  const url = networkUrl(scope);
  if (/["\\]/.test(url)) throw new InvalidInputError(`"${scope}" is not a VPC network name Compute can filter on`);
  return `network = "${url}"`;
}

/**
 * PSC endpoints (forwarding rules whose `target` is a service attachment) read from the Compute Engine v1 API, as the
 * core's {@link EndpointSource}. Other forwarding rules (load balancers, PSC for Google APIs) are not endpoints here.
 *
 * - `getEndpoint` takes a self link or a relative name (`projects/P/regions/R/forwardingRules/N`, as audit logs
 *   carry it); a rule that is gone (404) is `undefined`, one that is no PSC endpoint comes back as listed (no IP).
 * - `listEndpoints` lists the configured regions (or the aggregated list) of every configured project; with a
 *   `scope`, Compute filters them by that network ({@link networkFilter}) and the rules are checked against it here
 *   too; `listEndpointsInScopes` is one such filtered listing per network. A listing that could not reach every
 *   region (`unreachables`) is refused with a {@link TransientCloudError}: an endpoint missing from an incomplete
 *   listing must never be read as deleted.
 * - `listEndpointPages` is the same listing a Compute page at a time, resumable from the cursor a page hands out.
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
    if (scope !== undefined) return this.#listNetwork(scope, signal);
    const endpoints: ObservedEndpoint[] = [];
    for await (const page of this.listEndpointPages(scope, signal)) endpoints.push(...page.endpoints);
    return endpoints;
  }

  /**
   * The endpoints of several networks, one filtered listing per network (Compute filters by network, so a listing
   * costs what the network holds, not what the project holds), keyed by the scopes as given.
   */
  async listEndpointsInScopes(
    scopes: readonly string[],
    signal?: AbortSignal,
  ): Promise<Map<string, ObservedEndpoint[]>> {
    const byScope = new Map<string, ObservedEndpoint[]>();
    for (const scope of scopes) {
      if (!byScope.has(scope)) byScope.set(scope, await this.#listNetwork(scope, signal));
    }
    return byScope;
  }

  /**
   * Every part of the listing with Compute's `filter` on the rule's `network`, so a repair batch's listing grows with
   * its own network's rules and not with the project's load balancers. The local network check stays: a rule of
   * another network must never become a target, whatever a filter let through.
   */
  async #listNetwork(scope: string, signal: AbortSignal | undefined): Promise<ObservedEndpoint[]> {
    const filter = networkFilter(scope);
    const endpoints: ObservedEndpoint[] = [];
    for (const part of this.#listingParts()) {
      for await (const page of this.#rulePages(part, undefined, signal, filter)) {
        endpoints.push(...this.#pscEndpoints(page.rules, scope));
      }
    }
    return endpoints;
  }

  /**
   * {@link listEndpoints} one Compute list page at a time, so the repair's coordinator keeps only the targets of a page
   * and can stop after any page for a worker to carry on. The listing runs over parts — each configured project, and in
   * it each configured region (`forwardingRules.list`) or the aggregated list (`forwardingRules.aggregatedList`) — and a
   * page's `next` is `<project>.<region>.<pageToken>`: the indexes of the part in this source's configuration (`a` for
   * the aggregated list) and the page's `nextPageToken`, which Compute takes back as `pageToken` ("If the number of
   * results is larger than maxResults, use the nextPageToken as a value for the query parameter pageToken in the next
   * list request"); an empty token starts the next part. Every page is yielded, even one without a PSC endpoint, so
   * that the cursor always moves on.
   * @see https://cloud.google.com/compute/docs/reference/rest/v1/forwardingRules/list
   * @see https://cloud.google.com/compute/docs/reference/rest/v1/forwardingRules/aggregatedList
   * @throws InvalidInputError for a `from` that names no part of this listing or carries no page token (nothing is sent)
   */
  async *listEndpointPages(scope?: string, signal?: AbortSignal, from?: string): AsyncGenerator<EndpointPage> {
    const parts = this.#listingParts();
    const start = from === undefined ? { part: 0, pageToken: undefined } : this.#parseListingCursor(from, parts);
    for (let index = start.part; index < parts.length; index += 1) {
      const part = parts[index] as ListingPart;
      const startToken = index === start.part ? start.pageToken : undefined;
      for await (const page of this.#rulePages(part, startToken, signal)) {
        const following = parts[index + 1];
        const next =
          page.nextPageToken !== undefined
            ? listingCursor(part, page.nextPageToken)
            : following
              ? listingCursor(following, undefined)
              : undefined;
        const endpoints = this.#pscEndpoints(page.rules, scope);
        yield next === undefined ? { endpoints } : { endpoints, next };
      }
    }
  }

  /** The PSC endpoints among `rules`, of `scope`'s network when given; a malformed rule is logged and left out. */
  #pscEndpoints(rules: readonly ForwardingRuleDescription[], scope: string | undefined): ObservedEndpoint[] {
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

  /** The listing's parts in order: per project, each configured region, or the aggregated list without regions. */
  #listingParts(): ListingPart[] {
    const regions = this.#options.regions ?? [];
    return this.#options.projects.flatMap((project, projectIndex) =>
      regions.length === 0
        ? [{ projectIndex, project }]
        : regions.map((region, regionIndex) => ({ projectIndex, project, regionIndex, region })),
    );
  }

  /**
   * Where a listing carried on starts, as {@link listEndpointPages} handed it out: a part of this source's listing and
   * an empty token or one of a Google page token's shape. A cursor of a source configured otherwise (another region
   * count, regions where there were none) names no part here and is refused rather than read as another part.
   */
  #parseListingCursor(cursor: string, parts: readonly ListingPart[]): { part: number; pageToken: string | undefined } {
    const match = /^(0|[1-9]\d{0,3})\.(0|[1-9]\d{0,3}|a)\.(.*)$/s.exec(cursor);
    const projectIndex = Number(match?.[1]);
    const regionIndex = match?.[2] === 'a' ? undefined : Number(match?.[2]);
    const pageToken = match?.[3] || undefined;
    const part = parts.findIndex(
      (candidate) => candidate.projectIndex === projectIndex && candidate.regionIndex === regionIndex,
    );
    if (!match || part < 0 || (pageToken !== undefined && !isGooglePageToken(pageToken))) {
      const regions = this.#options.regions ?? [];
      throw new InvalidInputError(
        `Endpoint listing cursor "${cursor}" is not <project>.<region>.<pageToken> of this listing (${this.#options.projects.length} project(s), ${regions.length === 0 ? 'the aggregated list' : `${regions.length} region(s)`})`,
      );
    }
    return { part, pageToken };
  }

  /** One Compute list request per page of a part, from `pageToken` on, with `filter` when given. */
  async *#rulePages(
    part: ListingPart,
    pageToken: string | undefined,
    signal: AbortSignal | undefined,
    filter?: string,
  ): AsyncGenerator<{ rules: ForwardingRuleDescription[]; nextPageToken: string | undefined }> {
    let token = pageToken;
    do {
      const page =
        part.region === undefined
          ? await this.#aggregatedPage(part.project, token, signal, filter)
          : await this.#regionalPage(part.project, part.region, token, signal, filter);
      token = page.nextPageToken;
      yield page;
    } while (token);
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

  async #regionalPage(
    project: string,
    region: string,
    pageToken: string | undefined,
    signal: AbortSignal | undefined,
    filter: string | undefined,
  ): Promise<{ rules: ForwardingRuleDescription[]; nextPageToken: string | undefined }> {
    const url = new URL(
      `${this.#computeBase()}/projects/${encodeURIComponent(project)}/regions/${encodeURIComponent(region)}/forwardingRules`,
    );
    if (filter) url.searchParams.set('filter', filter);
    if (pageToken) url.searchParams.set('pageToken', pageToken);
    const page = await this.#options.client.call<ForwardingRuleList>(
      'forwardingRules.list',
      'GET',
      url.toString(),
      undefined,
      signal,
    );
    return { rules: page?.items ?? [], nextPageToken: page?.nextPageToken || undefined };
  }

  async #aggregatedPage(
    project: string,
    pageToken: string | undefined,
    signal: AbortSignal | undefined,
    filter: string | undefined,
  ): Promise<{ rules: ForwardingRuleDescription[]; nextPageToken: string | undefined }> {
    const url = new URL(`${this.#computeBase()}/projects/${encodeURIComponent(project)}/aggregated/forwardingRules`);
    if (filter) url.searchParams.set('filter', filter);
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
    const rules: ForwardingRuleDescription[] = [];
    for (const scoped of Object.values(page?.items ?? {})) rules.push(...(scoped.forwardingRules ?? []));
    return { rules, nextPageToken: page?.nextPageToken || undefined };
  }

  #computeBase(): string {
    return `${this.#options.client.roots.compute}/compute/v1`;
  }
}
