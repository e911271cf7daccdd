import type { ObservedEndpoint, RecordSet } from './model.ts';
import type { Changes } from './plan.ts';
import type { ProducibleRecords } from './record-shapes.ts';
import type { Registry } from './registry.ts';
import type { RunReport } from './report.ts';

/**
 * The ports adapters implement. Each is deliberately tiny so the same core runs against the real cloud,
 * the local clouds in `local/`, or an in-memory fake.
 */

/** Reads endpoints: where records come from. */
export interface EndpointSource {
  /**
   * One endpoint by id; `undefined` once it no longer exists. A source may return an endpoint that is gone but still
   * described (state `deleted`): it contributes nothing, and its scope narrows the search for its records.
   */
  getEndpoint(id: string, signal?: AbortSignal): Promise<ObservedEndpoint | undefined>;
  /** Endpoints in a network scope (VPC, VNet, network), or every endpoint in reach when `scope` is omitted. */
  listEndpoints(scope?: string, signal?: AbortSignal): Promise<ObservedEndpoint[]>;
  /**
   * Optional: {@link listEndpoints} page by page as the API returns them, for callers that keep only a little of each
   * endpoint (the repair's coordinator), so a large account is never held in memory at once; and so a sweep's listing
   * can stop at an invocation's share of its timeout and be carried on by another invocation from a page's `next`.
   * @param from the `next` of a page this source listed before (with the same `scope`); the first page when absent
   * @throws InvalidInputError for a `from` this source could not have handed out (it names the cursor)
   */
  listEndpointPages?(scope?: string, signal?: AbortSignal, from?: string): AsyncIterable<EndpointPage>;
  /**
   * Optional: the endpoints of several scopes, keyed by the scopes as given, at a cost that follows their endpoints.
   * Offered by sources whose {@link listEndpoints} with a scope is the whole listing filtered here (ARM cannot filter
   * private endpoints by network): a repair batch then costs what its own networks hold, not the subscription.
   */
  listEndpointsInScopes?(scopes: readonly string[], signal?: AbortSignal): Promise<Map<string, ObservedEndpoint[]>>;
  /**
   * Optional: several endpoints by id in as few calls as the API allows (EC2 reads many ids per
   * DescribeVpcEndpoints). Every id asked for is a key; `undefined` where {@link getEndpoint} would say so.
   */
  getEndpoints?(
    ids: readonly string[],
    signal?: AbortSignal,
  ): Promise<ReadonlyMap<string, ObservedEndpoint | undefined>>;
}

/** A private zone, always addressed by the provider's id: several private zones may share a name. */
export interface ZoneRef {
  readonly id: string;
  readonly domain: string;
}

/** One page of an endpoint listing, and where the page after it starts (absent on the last page). */
export interface EndpointPage {
  readonly endpoints: readonly ObservedEndpoint[];
  /** Opaque to the core: which of the source's listings (account, resource group, region) and the API's own token. */
  readonly next?: string;
}

/** One page of a zone listing: its managed zones, and where the page after it starts (absent on the last page). */
export interface ZonePage {
  readonly zones: readonly ZoneRef[];
  /** Opaque to the core: the API's own marker, page token or next link. */
  readonly next?: string;
}

/** Finds private zones. Never returns a public zone. */
export interface ZoneDirectory {
  /**
   * The private zone named `domain` that `scope` resolves through; `undefined` when there is none.
   * With `create`, a missing zone is created (tagged as linkdns's) and associated with `scope`, and with the configured
   * extra networks when `extraNetworks` (zones of mapped domains; never zones created because of a tag).
   */
  findZone(
    domain: string,
    scope: string,
    options: { create: boolean; extraNetworks?: boolean; signal?: AbortSignal },
  ): Promise<ZoneRef | undefined>;
  /** Private zones named one of `domains` or below one of them. */
  listZones(domains: readonly string[], signal?: AbortSignal): Promise<ZoneRef[]>;
  /**
   * Optional: {@link listZones} page by page as the API returns them, so a repair starts reading the first zones while
   * the rest are still being listed, and a sweep's listing can stop at an invocation's share of its timeout and be
   * carried on by another invocation from a page's `next`.
   * @param from the `next` of a page this provider listed before; the listing's first page when absent
   * @throws InvalidInputError for a `from` this provider could not have handed out (it names the cursor)
   */
  listZonePages?(domains: readonly string[], signal?: AbortSignal, from?: string): AsyncIterable<ZonePage>;
  /**
   * Optional: the zones of {@link ZoneDirectory.listZones} that `scope` resolves through. Offered by providers that
   * can look them up by network cheaply (Route 53: one `ListHostedZonesByVPC`); the core then searches only those
   * registries for an endpoint whose network it knows, instead of reading every managed zone.
   */
  listZonesInScope?(domains: readonly string[], scope: string, signal?: AbortSignal): Promise<ZoneRef[]>;
}

/** What an adapter needs to re-check ownership before it writes (the second line of defence). */
export interface OwnershipGuard {
  readonly owner: string;
  /** The registry as read when the changes were planned. */
  readonly registry: Registry | undefined;
  readonly adoptExisting: boolean;
  /** The names and types the configured layouts can produce: nothing else is ever written or deleted. */
  readonly producible: ProducibleRecords;
}

/** Reads and changes the records of one zone. */
export interface ZoneRecords {
  /** Every record set in the zone, names canonical (lowercase, no trailing dot, `*` unescaped). */
  readRecords(zone: ZoneRef, signal?: AbortSignal): Promise<RecordSet[]>;
  /**
   * Applies the changes atomically where the provider allows, as compare-and-swap against `update.old` and
   * `delete`. Throws `ConcurrentChangeError` when the zone changed since it was read, `OwnershipError` when a change
   * touches a record the guard does not show as linkdns's.
   */
  applyChanges(zone: ZoneRef, changes: Changes, guard: OwnershipGuard, signal?: AbortSignal): Promise<void>;
}

export type DnsProvider = ZoneDirectory & ZoneRecords;

/**
 * A {@link DnsProvider} that can hand out a view for one run, sharing look-ups between the run's zones (Route 53: the
 * private zones of a VPC are listed once per run, not once per domain). Optional: the core uses it when offered.
 */
export interface RunScopedDnsProvider extends DnsProvider {
  /** A view for one run. Zones it creates are visible to its later look-ups. */
  forRun(): DnsProvider;
}

/** Tells people what happened. Failures are the notifier's to log; they never fail the DNS work. */
export interface Notifier {
  notify(report: RunReport, signal?: AbortSignal): Promise<void>;
}

/** One line per change, so operators can follow what linkdns did from the logs. */
export interface ChangeLog {
  /** Noise kept out of the normal log: e.g. one line per endpoint skipped because no mapping selects it. */
  debug?(message: string, attributes?: Record<string, unknown>): void;
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}
