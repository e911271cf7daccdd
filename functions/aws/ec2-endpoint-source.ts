import {
  DescribeAvailabilityZonesCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
  type EC2Client,
  type Filter,
  type VpcEndpoint,
} from '@aws-sdk/client-ec2';
import { type EndpointIdentity, globMatches } from '../core/config.ts';
import { InvalidInputError, LinkdnsError, TransientCloudError } from '../core/errors.ts';
import type { ObservedEndpoint } from '../core/model.ts';
import type { EndpointPage, EndpointSource } from '../core/ports.ts';
import { azIdsByName, listedVpcEndpoint, observeVpcEndpoint } from './vpc-endpoint-mapping.ts';

/** The slice of the EC2 client the source uses: the real client, one pointed at the local AWS, or a fake. */
export type Ec2Api = Pick<EC2Client, 'send'>;

export interface Ec2EndpointSourceOptions {
  /**
   * Service names (exact or glob, as in the configuration's mappings) to list. Exact names are filtered by EC2
   * (`service-name`); when any is a glob, every Interface endpoint is read and matched here, because EC2's wildcard
   * support for this filter is not documented and a silent miss would leave records stale.
   * @default every Interface endpoint
   */
  readonly serviceNames?: readonly string[];
  /**
   * A tag key that selects endpoints of any service (`linkdns:domain` when tags may choose a domain). With exact
   * `serviceNames`, a second listing filtered on `tag-key` finds them, since EC2 ANDs its filters.
   */
  readonly tagKey?: string;
  /**
   * Which listed endpoints linkdns manages (see `endpointSelector`). Only those are read deeply (subnets, AZ ids, DNS
   * names); the others come back as listed, without names, for the core to count as skipped. A selected endpoint
   * whose DNS names cannot be read comes back with `unreadable` set rather than failing the listing.
   * @default every endpoint is read deeply, and one that cannot be read fails the call
   */
  readonly select?: (endpoint: EndpointIdentity) => boolean;
  /**
   * `serviceNames` and `tagKey` computed at each listing from the configuration (see `sourceNarrowing`), so they
   * follow it; wins over the two options.
   */
  readonly narrowing?: () => { readonly services?: readonly string[]; readonly tagKey?: string };
  /**
   * `MaxResults` per DescribeVpcEndpoints page. Each page's new subnets are resolved in one DescribeSubnets call
   * while they number 200 or fewer (EC2's filter-value limit), which 50 endpoints of up to 4 subnets never exceed.
   * @default 50
   */
  readonly pageSize?: number;
  /**
   * The account this source's own client reads. Endpoint and VPC ARNs of this account use that client.
   * @default unknown: every ARN goes to `clientForAccount` when given
   */
  readonly accountId?: string;
  /**
   * Client for another account of the organisation (issue #6: a role assumed in the spoke account). Used when an id
   * passed to {@link Ec2EndpointSource.getEndpoint} is a VPC endpoint ARN, or a scope passed to
   * {@link Ec2EndpointSource.listEndpoints} is a VPC ARN, of an account other than `accountId`. Return the same
   * client for the same account: the AZ name → id cache is kept per account, since AZ names are shuffled per account.
   * When `accountId` is unset and no factory is given, ARNs are read with the source's own client.
   * @example (accountId) => spokeClients.get(accountId) // EC2 clients with credentials from sts:AssumeRole there
   */
  readonly clientForAccount?: (accountId: string) => Ec2Api;
  /**
   * Accounts whose endpoints {@link Ec2EndpointSource.listEndpoints} lists, besides the home one, when called without a
   * scope (the scheduled repair). Needs `clientForAccount` and `region`.
   */
  readonly spokeAccounts?: readonly string[];
  /** Region of the endpoints, for the ARNs of spoke endpoints. */
  readonly region?: string;
}

/** An EC2 call failed for a reason another attempt will not fix (permissions, a bad parameter). */
export class Ec2RequestError extends LinkdnsError {
  /** EC2's error code, e.g. `UnauthorizedOperation`. */
  readonly code: string;

  constructor(message: string, code: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Reads VPC endpoints from EC2 for the core: {@link EndpointSource} over DescribeVpcEndpoints, with AZ names mapped
 * to AZ ids through DescribeSubnets (DescribeAvailabilityZones when a subnet cannot be read).
 *
 * Calls per operation, with a warm AZ cache: `getEndpoint` 1 (DescribeVpcEndpoints); `listEndpoints` 1 per page.
 * Endpoints in subnets not seen before add 1 DescribeSubnets per page.
 *
 * Throttling (`RequestLimitExceeded`) and 5xx are retried by the SDK's retry strategy (configure it on the client);
 * once those retries are spent the source throws {@link TransientCloudError} (retryable), other failures
 * {@link Ec2RequestError} or, for malformed ids, {@link InvalidInputError}. Every call takes the caller's AbortSignal.
 *
 * @example
 * const source = new Ec2EndpointSource(new EC2Client({ region: 'us-east-2' }), { serviceNames: ['com.amazonaws.vpce.us-east-2.vpce-svc-*'] });
 * const endpoint = await source.getEndpoint('vpce-0f3e9d2c1b4a56789');
 * // → { id, state: 'available', regional: [name], zonal: { 'use2-az1': [name], … } }
 */
export class Ec2EndpointSource implements EndpointSource {
  private readonly client: Ec2Api;
  private readonly options: Ec2EndpointSourceOptions;
  private readonly pageSize: number;
  private readonly zoneCaches = new Map<string, AvailabilityZoneCache>();

  constructor(client: Ec2Api, options: Ec2EndpointSourceOptions = {}) {
    this.client = client;
    this.options = options;
    this.pageSize = options.pageSize ?? 50;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 5 || this.pageSize > 1000) {
      throw new RangeError(`pageSize must be an integer from 5 to 1000, not ${this.pageSize}`);
    }
  }

  /**
   * One endpoint by id (`vpce-…`) or ARN (`arn:aws:ec2:<region>:<account>:vpc-endpoint/vpce-…`, read in that
   * account). `undefined` when EC2 no longer describes it. A Gateway, Gateway Load Balancer or VPC Lattice endpoint
   * has no DNS names, so no record can come from it (or ever came): it is returned as listed, without names, so the
   * core skips and counts it instead of searching every managed zone's registry for it. While EC2 still describes a
   * deleted Interface endpoint (for a while after the delete) it is returned with state `deleted`: it contributes
   * nothing, but its VPC tells the core which zones' registries to search for its records, instead of every managed
   * zone.
   */
  async getEndpoint(id: string, signal?: AbortSignal): Promise<ObservedEndpoint | undefined> {
    const ref = parseEndpointRef(id);
    const { client, cache } = this.forAccount(ref.accountId);
    let endpoints: VpcEndpoint[];
    try {
      const result = await call('DescribeVpcEndpoints', signal, (options) =>
        client.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: [ref.endpointId] }), options),
      );
      endpoints = result.VpcEndpoints ?? [];
    } catch (error) {
      if (error instanceof Ec2RequestError && error.code === 'InvalidVpcEndpointId.NotFound') return undefined;
      throw error;
    }
    const endpoint = endpoints.find((candidate) => candidate.VpcEndpointId === ref.endpointId);
    if (!endpoint) return undefined;
    if (!isInterfaceEndpoint(endpoint)) return this.qualify(listedVpcEndpoint(endpoint), ref.accountId, ref.arnPrefix);
    const [observed] = await this.observe([endpoint], client, cache, signal);
    return observed && this.qualify(observed, ref.accountId, ref.arnPrefix);
  }

  /**
   * Several endpoints (ids or ARNs, as {@link getEndpoint} takes them), per account in one DescribeVpcEndpoints call
   * per {@link MAX_FILTER_VALUES} ids. The ids go in a `vpc-endpoint-id` filter rather than `VpcEndpointIds`: with
   * the parameter, one id that no longer exists fails the whole call (`InvalidVpcEndpointId.NotFound`); with the
   * filter it is simply absent from the answer, which is what a deleted endpoint is.
   */
  async getEndpoints(
    ids: readonly string[],
    signal?: AbortSignal,
  ): Promise<ReadonlyMap<string, ObservedEndpoint | undefined>> {
    const byAccount = new Map<string | undefined, { id: string; ref: ReturnType<typeof parseEndpointRef> }[]>();
    for (const id of new Set(ids)) {
      const ref = parseEndpointRef(id);
      byAccount.set(ref.accountId, [...(byAccount.get(ref.accountId) ?? []), { id, ref }]);
    }
    const found = new Map<string, ObservedEndpoint | undefined>();
    for (const [accountId, refs] of byAccount) {
      const { client, cache } = this.forAccount(accountId);
      for (let start = 0; start < refs.length; start += MAX_FILTER_VALUES) {
        const chunk = refs.slice(start, start + MAX_FILTER_VALUES);
        const live: VpcEndpoint[] = [];
        // Endpoints without DNS names (Gateway, GWLB, VPC Lattice): as listed, as getEndpoint returns them.
        const nameless = new Map<string, ObservedEndpoint>();
        const byId: Filter[] = [{ Name: 'vpc-endpoint-id', Values: chunk.map(({ ref }) => ref.endpointId) }];
        for await (const { endpoints: page } of describeVpcEndpointPages(client, byId, 1000, signal)) {
          live.push(...page.filter(isLiveInterfaceEndpoint));
          for (const endpoint of page.filter((candidate) => !isInterfaceEndpoint(candidate))) {
            const listed = listedVpcEndpoint(endpoint);
            nameless.set(listed.id, listed);
          }
        }
        const observed = new Map(
          (await this.observe(live, client, cache, signal)).map((endpoint) => [endpoint.id, endpoint]),
        );
        for (const { id, ref } of chunk) {
          const endpoint = observed.get(ref.endpointId) ?? nameless.get(ref.endpointId);
          found.set(id, endpoint && this.qualify(endpoint, ref.accountId, ref.arnPrefix));
        }
      }
    }
    return found;
  }

  /**
   * Interface endpoints in a VPC (`vpc-…`, or a VPC ARN for another account), or every one the client can see when
   * `scope` is omitted; `deleted` ones are left out. Filtered by EC2 on type, VPC and (exact) service names, paged.
   */
  async listEndpoints(scope?: string, signal?: AbortSignal): Promise<ObservedEndpoint[]> {
    const observed: ObservedEndpoint[] = [];
    for await (const page of this.listEndpointPages(scope, signal)) observed.push(...page.endpoints);
    return observed;
  }

  /**
   * {@link listEndpoints} one DescribeVpcEndpoints page at a time, so a caller that keeps only what it needs of each
   * endpoint (the repair's coordinator: which (domain, VPC) pairs exist) never holds the whole account's endpoints.
   * The listing runs over parts — the home account, then each spoke account, and in each one or two filtered queries
   * (exact service names; the tag key) — and a page's `next` is `<part>.<query>.<NextToken>`, where the next page
   * starts (EC2 "Pagination": pass the NextToken back to get the next page).
   * @throws InvalidInputError for a `from` that names no part or query of this listing (it is never sent)
   */
  async *listEndpointPages(scope?: string, signal?: AbortSignal, from?: string): AsyncGenerator<EndpointPage> {
    const spokes = this.options.clientForAccount && this.options.region ? (this.options.spokeAccounts ?? []) : [];
    const parts =
      scope === undefined && spokes.length > 0
        ? [
            undefined,
            // Listing a VPC-less scope in a spoke: a VPC ARN prefix without the VPC names the account and region.
            ...spokes.map((account) => ({
              accountId: account,
              arnPrefix: `arn:aws:ec2:${this.options.region}:${account}:`,
            })),
          ]
        : [scope === undefined ? undefined : parseVpcRef(scope)];
    const queries = this.listingQueries();
    const start =
      from === undefined ? { part: 0, query: 0, token: undefined } : parseListingCursor(from, parts.length, queries);
    for (let part = start.part; part < parts.length; part += 1) {
      const ref = parts[part];
      // Only a second query (the tag-key listing) can return an endpoint again: its ids are remembered only then, and
      // only within one invocation (a listing carried on may hand an endpoint over twice; its target is the same).
      const seen = queries.length > 1 ? new Set<string>() : undefined;
      for (let query = part === start.part ? start.query : 0; query < queries.length; query += 1) {
        const token = part === start.part && query === start.query ? start.token : undefined;
        const vpcFilter = ref && 'vpcId' in ref && ref.vpcId ? [{ Name: 'vpc-id', Values: [ref.vpcId] }] : [];
        const filters = [INTERFACE_ONLY, ...vpcFilter, ...(queries[query] ?? [])];
        for await (const page of this.observedPages(filters, ref?.accountId, token, signal)) {
          const fresh = seen ? page.endpoints.filter((endpoint) => !seen.has(endpoint.id)) : page.endpoints;
          for (const endpoint of fresh) seen?.add(endpoint.id);
          const endpoints = fresh.map((endpoint) => this.qualify(endpoint, ref?.accountId, ref?.arnPrefix));
          const next =
            page.nextToken !== undefined
              ? `${part}.${query}.${page.nextToken}`
              : query + 1 < queries.length
                ? `${part}.${query + 1}.`
                : part + 1 < parts.length
                  ? `${part + 1}.0.`
                  : undefined;
          yield next === undefined ? { endpoints } : { endpoints, next };
        }
      }
    }
  }

  /**
   * The queries one listing runs, type and VPC filters aside: EC2 filters on exact service names, and the tag key in a
   * second query; a glob cannot be filtered on, so then every interface endpoint is listed and matched here.
   */
  private listingQueries(): Filter[][] {
    const { patterns, tagKey } = this.narrowing();
    const exactOnly = patterns.length > 0 && patterns.every((pattern) => !/[*?]/.test(pattern));
    return exactOnly
      ? [
          [{ Name: 'service-name', Values: [...patterns] }],
          ...(tagKey ? [[{ Name: 'tag-key', Values: [tagKey] }]] : []),
        ]
      : [[]];
  }

  private async *observedPages(
    filters: Filter[],
    accountId: string | undefined,
    startToken: string | undefined,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<{ endpoints: ObservedEndpoint[]; nextToken: string | undefined }> {
    const { client, cache } = this.forAccount(accountId);
    const { patterns, tagKey } = this.narrowing();
    for await (const page of describeVpcEndpointPages(client, filters, this.pageSize, signal, startToken)) {
      const wanted = page.endpoints.filter(
        (endpoint) =>
          isLiveInterfaceEndpoint(endpoint) &&
          (patterns.length === 0 ||
            patterns.some((pattern) => globMatches(pattern, endpoint.ServiceName ?? '')) ||
            (tagKey !== undefined && (endpoint.Tags ?? []).some((tag) => tag.Key === tagKey))),
      );
      yield { endpoints: await this.observe(wanted, client, cache, signal), nextToken: page.nextToken };
    }
  }

  private narrowing(): { patterns: readonly string[]; tagKey: string | undefined } {
    const narrowing = this.options.narrowing?.();
    if (narrowing) return { patterns: narrowing.services ?? [], tagKey: narrowing.tagKey };
    return { patterns: this.options.serviceNames ?? [], tagKey: this.options.tagKey };
  }

  /**
   * The client and AZ cache for an account. An ARN of an account this source cannot reach is refused rather than read
   * with the home client: "not found" there would look like a deleted endpoint and its records would be removed.
   */
  private forAccount(accountId: string | undefined): { client: Ec2Api; cache: AvailabilityZoneCache } {
    const home = accountId === undefined || accountId === this.options.accountId;
    const factory = this.options.clientForAccount;
    if (!home && !factory && this.options.accountId !== undefined) {
      throw new InvalidInputError(
        `Endpoint in account ${accountId}: this source reads account ${this.options.accountId} and has no clientForAccount`,
      );
    }
    const key = home || !factory ? 'home' : accountId;
    const client = home || !factory ? this.client : factory(accountId);
    let cache = this.zoneCaches.get(key);
    if (!cache) {
      cache = new AvailabilityZoneCache();
      this.zoneCaches.set(key, cache);
    }
    return { client, cache };
  }

  /**
   * Endpoints of another account keep their ARNs as id and scope, so every later read (the registry's endpoint list,
   * the scope's endpoint list, the zone lookup by VPC) goes to that account again instead of the home one.
   */
  private qualify(
    endpoint: ObservedEndpoint,
    accountId: string | undefined,
    arnPrefix: string | undefined,
  ): ObservedEndpoint {
    if (!accountId || !arnPrefix || accountId === this.options.accountId || !this.options.clientForAccount)
      return endpoint;
    return { ...endpoint, id: `${arnPrefix}vpc-endpoint/${endpoint.id}`, scope: `${arnPrefix}vpc/${endpoint.scope}` };
  }

  private async observe(
    endpoints: readonly VpcEndpoint[],
    client: Ec2Api,
    cache: AvailabilityZoneCache,
    signal: AbortSignal | undefined,
  ): Promise<ObservedEndpoint[]> {
    if (endpoints.length === 0) return [];
    const select = this.options.select;
    const selected = select ? endpoints.filter((endpoint) => select(listedVpcEndpoint(endpoint))) : endpoints;
    // AZ name → id is fixed per account: once the AZs an endpoint's names carry are known (a warm function, or an
    // earlier page), its subnets need not be read again. Only endpoints naming an AZ not yet known cost DescribeSubnets.
    const unexplained = selected.filter((endpoint) => !cache.explains(endpoint));
    await cache.learnSubnets(
      client,
      unexplained.flatMap((endpoint) => endpoint.SubnetIds ?? []),
      signal,
    );
    const observed: ObservedEndpoint[] = [];
    for (const endpoint of endpoints) {
      if (!selected.includes(endpoint)) {
        // Not linkdns's business (an S3, SSM or other partner's endpoint): its names are never interpreted.
        observed.push(listedVpcEndpoint(endpoint));
        continue;
      }
      try {
        observed.push(await this.observeOne(endpoint, client, cache, signal));
      } catch (error) {
        if (!(error instanceof InvalidInputError) || !select) throw error;
        // A selected endpoint in a shape linkdns cannot read fails its own zone in the core, not the whole listing.
        observed.push({ ...listedVpcEndpoint(endpoint), unreadable: error.message });
      }
    }
    return observed;
  }

  private async observeOne(
    endpoint: VpcEndpoint,
    client: Ec2Api,
    cache: AvailabilityZoneCache,
    signal: AbortSignal | undefined,
  ): Promise<ObservedEndpoint> {
    try {
      return observeVpcEndpoint(endpoint, cache.azIdsByName, 'DescribeVpcEndpoints');
    } catch (error) {
      // A zonal name whose AZ no subnet explained: the region's AZ list is the last word, read once.
      if (!(error instanceof InvalidInputError) || cache.allZonesLoaded) throw error;
      await cache.learnAllZones(client, signal);
      return observeVpcEndpoint(endpoint, cache.azIdsByName, 'DescribeVpcEndpoints');
    }
  }
}

/** Most values one EC2 call may carry across its filters (`FilterLimitExceeded` beyond). */
const MAX_FILTER_VALUES = 200;

/** AZ name → id for one account, learnt from subnets and, as a fallback, from DescribeAvailabilityZones. */
class AvailabilityZoneCache {
  readonly azIdsByName = new Map<string, string>();
  allZonesLoaded = false;
  private readonly knownSubnets = new Set<string>();
  private subnetsDenied = false;

  /** True when every zonal name of the endpoint carries an AZ name already mapped to its id. */
  explains(endpoint: VpcEndpoint): boolean {
    try {
      observeVpcEndpoint(endpoint, this.azIdsByName, 'DescribeVpcEndpoints');
      return true;
    } catch (error) {
      if (error instanceof InvalidInputError) return false;
      throw error;
    }
  }

  /**
   * Reads the subnets not seen before, in one DescribeSubnets call per 200 of them. Subnets that cannot be read
   * (gone, or DescribeSubnets denied) fall back to the region's AZ list; throttling and 5xx do not, they propagate.
   */
  async learnSubnets(client: Ec2Api, subnetIds: readonly string[], signal: AbortSignal | undefined): Promise<void> {
    const unknown = this.subnetsDenied
      ? []
      : [...new Set(subnetIds)].filter((subnetId) => !this.knownSubnets.has(subnetId));
    const found = new Set<string>();
    try {
      await this.describeSubnets(client, unknown, found, signal);
    } catch (error) {
      if (!(error instanceof Ec2RequestError)) throw error;
      // Denied or refused: asking again on every page would fail the same way.
      this.subnetsDenied = true;
    }
    for (const subnetId of found) this.knownSubnets.add(subnetId);
    if (unknown.some((subnetId) => !found.has(subnetId)) && !this.allZonesLoaded) {
      await this.learnAllZones(client, signal);
    }
  }

  private async describeSubnets(
    client: Ec2Api,
    subnetIds: readonly string[],
    found: Set<string>,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    for (let start = 0; start < subnetIds.length; start += MAX_FILTER_VALUES) {
      const chunk = subnetIds.slice(start, start + MAX_FILTER_VALUES);
      let nextToken: string | undefined;
      do {
        // A filter, not SubnetId.N: an id that no longer exists is simply absent instead of failing the whole call.
        const token = nextToken;
        const result = await call('DescribeSubnets', signal, (options) =>
          client.send(
            new DescribeSubnetsCommand({
              Filters: [{ Name: 'subnet-id', Values: chunk }],
              ...(token ? { NextToken: token } : {}),
            }),
            options,
          ),
        );
        for (const subnet of result.Subnets ?? []) {
          if (subnet.SubnetId) found.add(subnet.SubnetId);
        }
        for (const [name, id] of azIdsByName(result.Subnets ?? [])) this.azIdsByName.set(name, id);
        nextToken = result.NextToken || undefined;
      } while (nextToken);
    }
  }

  async learnAllZones(client: Ec2Api, signal: AbortSignal | undefined): Promise<void> {
    const result = await call('DescribeAvailabilityZones', signal, (options) =>
      client.send(new DescribeAvailabilityZonesCommand({}), options),
    );
    for (const zone of result.AvailabilityZones ?? []) {
      if (zone.ZoneName && zone.ZoneId) this.azIdsByName.set(zone.ZoneName, zone.ZoneId);
    }
    this.allZonesLoaded = true;
  }
}

function isInterfaceEndpoint(endpoint: VpcEndpoint): boolean {
  return endpoint.VpcEndpointType?.toLowerCase() === 'interface';
}

function isLiveInterfaceEndpoint(endpoint: VpcEndpoint): boolean {
  return isInterfaceEndpoint(endpoint) && endpoint.State?.toLowerCase() !== 'deleted';
}

/** `vpce-…` or `arn:<partition>:ec2:<region>:<account>:vpc-endpoint/vpce-…`. */
export function parseEndpointRef(idOrArn: string): { endpointId: string; accountId?: string; arnPrefix?: string } {
  const arn = idOrArn.match(/^(arn:[\w-]+:ec2:[\w-]*:(\d{12}):)vpc-endpoint\/(vpce-[0-9a-f]+)$/);
  if (arn?.[1] && arn[2] && arn[3]) return { endpointId: arn[3], accountId: arn[2], arnPrefix: arn[1] };
  if (/^vpce-[0-9a-f]+$/.test(idOrArn)) return { endpointId: idOrArn };
  throw new InvalidInputError(`Not a VPC endpoint id or ARN: ${idOrArn}`);
}

/** `vpc-…` or `arn:<partition>:ec2:<region>:<account>:vpc/vpc-…`. */
export function parseVpcRef(idOrArn: string): { vpcId: string; accountId?: string; arnPrefix?: string } {
  const arn = idOrArn.match(/^(arn:[\w-]+:ec2:[\w-]*:(\d{12}):)vpc\/(vpc-[0-9a-f]+)$/);
  if (arn?.[1] && arn[2] && arn[3]) return { vpcId: arn[3], accountId: arn[2], arnPrefix: arn[1] };
  if (/^vpc-[0-9a-f]+$/.test(idOrArn)) return { vpcId: idOrArn };
  throw new InvalidInputError(`Not a VPC id or ARN: ${idOrArn}`);
}

/** The ARN {@link Ec2EndpointSource.getEndpoint} reads in another account, from an event's account and region. */
export function vpcEndpointArn(region: string, accountId: string, endpointId: string, partition = 'aws'): string {
  return `arn:${partition}:ec2:${region}:${accountId}:vpc-endpoint/${endpointId}`;
}

/** Error codes the SDK retries as throttling (its own list) that EC2 uses. */
const THROTTLING_CODES = new Set([
  'RequestLimitExceeded',
  'EC2ThrottledException',
  'Throttling',
  'ThrottlingException',
]);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'EAI_AGAIN']);

const INTERFACE_ONLY: Filter = { Name: 'vpc-endpoint-type', Values: ['Interface'] };

/**
 * The pages of one filtered `DescribeVpcEndpoints` listing from `startToken` (the first page when absent), fetched one
 * at a time as the caller asks for them (so a caller that observes each page finishes it before the next call),
 * cancellable between pages; each with the NextToken of the page after it.
 */
async function* describeVpcEndpointPages(
  client: Ec2Api,
  filters: Filter[],
  pageSize: number,
  signal: AbortSignal | undefined,
  startToken?: string,
): AsyncGenerator<{ endpoints: VpcEndpoint[]; nextToken: string | undefined }> {
  let nextToken = startToken;
  do {
    signal?.throwIfAborted();
    const token = nextToken;
    const page = await call('DescribeVpcEndpoints', signal, (options) =>
      client.send(
        new DescribeVpcEndpointsCommand({
          Filters: filters,
          MaxResults: pageSize,
          ...(token ? { NextToken: token } : {}),
        }),
        options,
      ),
    );
    nextToken = page.NextToken || undefined;
    yield { endpoints: page.VpcEndpoints ?? [], nextToken };
  } while (nextToken);
}

/**
 * Where an endpoint listing carried on starts: `<part>.<query>.<NextToken>` as {@link Ec2EndpointSource.listEndpointPages}
 * handed it out, checked against this listing's parts and queries. The token is EC2's own (opaque, printable).
 */
function parseListingCursor(
  cursor: string,
  parts: number,
  queries: readonly unknown[],
): { part: number; query: number; token: string | undefined } {
  const match = /^(\d{1,4})\.(\d)\.([\x21-\x7e]{0,4000})$/.exec(cursor);
  const part = Number(match?.[1]);
  const query = Number(match?.[2]);
  if (!match || part >= parts || query >= queries.length) {
    throw new InvalidInputError(
      `Endpoint listing cursor "${cursor}" is not <part>.<query>.<NextToken> of this listing (${parts} part(s), ${queries.length} quer(y/ies))`,
    );
  }
  return { part, query, token: match[3] === '' ? undefined : match[3] };
}

/** Runs one SDK call with the caller's signal and turns what it throws into linkdns's errors (aborts pass through). */
async function call<Output>(
  operation: string,
  signal: AbortSignal | undefined,
  request: (options: { abortSignal?: AbortSignal }) => Promise<Output>,
): Promise<Output> {
  try {
    return await request(signal ? { abortSignal: signal } : {});
  } catch (error) {
    throw classifyEc2Error(error, operation, signal);
  }
}

/**
 * Sorts an SDK error into retryable ({@link TransientCloudError}: throttling, 5xx, network) and final ones. Exported
 * for tests.
 */
export function classifyEc2Error(error: unknown, operation: string, signal?: AbortSignal): unknown {
  if (signal?.aborted || (error instanceof Error && error.name === 'AbortError')) return error;
  const details = error as {
    name?: string;
    code?: string;
    message?: string;
    $fault?: string;
    $metadata?: { httpStatusCode?: number; attempts?: number };
  };
  const code = details.name ?? 'Error';
  const status = details.$metadata?.httpStatusCode;
  const attempts = details.$metadata?.attempts;
  const message = `EC2 ${operation} failed${attempts ? ` after ${attempts} attempt(s)` : ''}: ${code}: ${details.message ?? String(error)}`;
  if (
    THROTTLING_CODES.has(code) ||
    details.$fault === 'server' ||
    (status !== undefined && status >= 500) ||
    code === 'TimeoutError' ||
    (details.code !== undefined && NETWORK_CODES.has(details.code))
  ) {
    return new TransientCloudError(message, { cause: error });
  }
  if (code.endsWith('.Malformed')) return new InvalidInputError(message, { cause: error });
  return new Ec2RequestError(message, code, { cause: error });
}
