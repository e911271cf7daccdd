import { randomUUID } from 'node:crypto';
import {
  AssociateVPCWithHostedZoneCommand,
  ChangeResourceRecordSetsCommand,
  ChangeTagsForResourceCommand,
  CreateHostedZoneCommand,
  GetChangeCommand,
  GetHostedZoneCommand,
  type HostedZoneSummary,
  ListHostedZonesByVPCCommand,
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  type Route53Client,
  type VPCRegion,
} from '@aws-sdk/client-route-53';
import {
  ConcurrentChangeError,
  InvalidInputError,
  LinkdnsError,
  OwnershipError,
  TransientCloudError,
  ZoneNotFoundError,
} from '../core/errors.ts';
import { canonicalName, isWithinDomain, type RecordSet } from '../core/model.ts';
import { ownershipProblems } from '../core/ownership.ts';
import { type Changes, hasChanges } from '../core/plan.ts';
import type { ChangeLog, OwnershipGuard, RunScopedDnsProvider, ZonePage, ZoneRef } from '../core/ports.ts';
import { RequestLimiter } from '../request-limiter.ts';
import { sleep } from '../waiting.ts';
import type { ProfileZoneSource } from './route53-profiles.ts';
import {
  type BatchLimits,
  changeBatches,
  decodeRoute53Name,
  fromRoute53RecordSets,
  isRoute53OnlyRecord,
  ROUTE53_BATCH_LIMITS,
} from './route53-records.ts';
import { awsErrorCode, DEFAULT_RETRY_POLICY, type RetryPolicy, withRetries } from './route53-retry.ts';

/** Every change batch linkdns sends carries a comment starting with this, so its own writes can be told apart. */
export const CHANGE_COMMENT_PREFIX = 'linkdns';

/** Tag put on zones linkdns created; the value is the deployment's owner id. */
export const CREATED_BY_TAG = 'linkdns:created-by';

export interface Route53ZonesOptions {
  /** Region of the VPCs that scopes name (a scope is a VPC id; `region:vpc-id` names another region). */
  readonly region: string;
  /** Owner id of this deployment: the value of the {@link CREATED_BY_TAG} tag on zones it creates. */
  readonly owner: string;
  /** VPCs to associate with zones linkdns creates: `vpc-id` (same region) or `region:vpc-id`. */
  readonly extraVpcs?: readonly string[];
  /**
   * When non-empty, the only zones linkdns touches: others (e.g. a same-named private zone of another team) are left
   * out of listings and lookups. The CDK construct scopes IAM to the same ids.
   */
  readonly managedZoneIds?: readonly string[];
  /** Client-side rate limit for all calls of this adapter (token bucket). Omitted: no limit of our own. */
  readonly requestsPerSecond?: number;
  /** Bucket size for `requestsPerSecond`. Default: one second's worth. */
  readonly burst?: number;
  /** A limiter shared with other adapters; wins over `requestsPerSecond`. */
  readonly limiter?: RequestLimiter;
  /** Backoff on `Throttling` / `PriorRequestNotComplete` / 5xx. @default DEFAULT_RETRY_POLICY */
  readonly retry?: Partial<RetryPolicy>;
  /**
   * After each change batch, poll `GetChange` until it is `INSYNC` (the change has reached every Route 53 server).
   * Off by default: the records can be read back at once, and resolvers in the VPC see them once the change is INSYNC,
   * typically within a minute. Turn it on when the caller must not finish before clients can resolve the records.
   */
  readonly waitForInsync?: boolean;
  /** @default 2000 */
  readonly insyncPollIntervalMs?: number;
  /** @default 180000 */
  readonly insyncTimeoutMs?: number;
  /** @default ROUTE53_BATCH_LIMITS (1,000 records, 32,000 characters) */
  readonly batchLimits?: BatchLimits;
  readonly log?: ChangeLog;
  /** Jitter source; injected by tests. */
  readonly random?: () => number;
  /**
   * How long a warm instance reuses a VPC's private-zone listing (`ListHostedZonesByVPC`) across invocations, so an
   * event costs no zone look-up when one came shortly before. The cache is dropped whenever a change batch meets a
   * concurrent change or a zone turns out to be gone, so a stale listing costs at most one failed attempt.
   * 0 turns it off (every look-up lists afresh). @default 0
   */
  readonly zoneLookupTtlMs?: number;
  /** Clock for {@link Route53ZonesOptions.zoneLookupTtlMs}; injected by tests. @default Date.now */
  readonly nowMs?: () => number;
  /**
   * Zones a VPC sees through a Route 53 Profile, which `ListHostedZonesByVPC` does not show (`route53-profiles.ts`).
   * They join the VPC's zones: found for its domains (the topology model then decides whether the VPC is the source),
   * and never shadowed by a zone linkdns creates. Omitted: only direct associations count.
   */
  readonly profileZones?: ProfileZoneSource;
}

/** More than one private zone of one name is associated with one VPC (Route 53 itself prevents this). */
export class AmbiguousZoneError extends LinkdnsError {}

/** Route 53 rejected a change batch for a reason other than a concurrent change (invalid value, limits). */
export class ChangeRejectedError extends LinkdnsError {}

/** The zone is owned by an AWS service (e.g. Cloud Map): linkdns does not write to it. */
export class ServiceOwnedZoneError extends LinkdnsError {}

/**
 * The VPC already resolves the domain through a zone linkdns may not manage (a Route 53 Profile's zone outside
 * `managedZoneIds`): a zone created for the VPC would shadow it, so none is created.
 */
export class ShadowingZoneError extends LinkdnsError {}

/** The Route 53 Profiles look-up failed: the VPC's zones are unknown, so its domains are left alone this run. */
export class ProfileLookupError extends LinkdnsError {}

interface VpcRef {
  readonly region: string;
  readonly id: string;
}

/**
 * The core's {@link DnsProvider} on Route 53 private hosted zones.
 *
 * - Zones are found by VPC (`ListHostedZonesByVPC`) and addressed by id: a public zone, or a private zone of the same
 *   name associated with other VPCs, is never touched.
 * - Changes go out as compare-and-swap batches (see `changeBatches`): a concurrent writer makes Route 53 reject the
 *   batch and {@link ConcurrentChangeError} tells the core to re-read and re-plan.
 * - Before sending, ownership is checked again against the registry the changes were planned from; a change to a
 *   record this deployment does not own is refused with {@link OwnershipError} and nothing is sent.
 * - Every call goes through an optional token bucket and a jittered, cancellable backoff.
 *
 * @example
 * const dns = new Route53Zones(new Route53Client({ region: 'us-east-1' }), { region: 'us-east-2', owner: 'prod' });
 * const zone = await dns.findZone('pr1jy6.us-east-2.aws.confluent.cloud', 'vpc-0abc', { create: false });
 */
export class Route53Zones implements RunScopedDnsProvider {
  private readonly client: Pick<Route53Client, 'send'>;
  private readonly options: Route53ZonesOptions;
  private readonly retry: RetryPolicy;
  private readonly limiter: RequestLimiter | undefined;
  /** Set on a view made by {@link Route53Zones.forRun}: each VPC's private zones, listed once per run. */
  private zonesByVpc: Map<string, Promise<HostedZoneSummary[]>> | undefined;
  /** Each VPC's private zones and when they were listed, kept by a warm instance ({@link Route53ZonesOptions.zoneLookupTtlMs}). */
  private readonly recentZonesByVpc = new Map<string, { listedAt: number; zones: Promise<HostedZoneSummary[]> }>();

  constructor(client: Pick<Route53Client, 'send'>, options: Route53ZonesOptions) {
    this.client = client;
    this.options = options;
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.limiter =
      options.limiter ??
      (options.requestsPerSecond
        ? new RequestLimiter({
            requestsPerSecond: options.requestsPerSecond,
            ...(options.burst === undefined ? {} : { burst: options.burst }),
          })
        : undefined);
  }

  async findZone(
    domain: string,
    scope: string,
    options: { create: boolean; extraNetworks?: boolean; signal?: AbortSignal },
  ): Promise<ZoneRef | undefined> {
    const wanted = canonicalName(domain);
    const vpc = parseVpcRef(scope, this.options.region);
    const named = await this.privateZonesOf(vpc, wanted, options.signal);
    const found = named.filter((zone) => this.isManagedZoneId(zone.id));
    if (found.length > 1) {
      throw new AmbiguousZoneError(
        `${found.length} private zones named ${wanted} are associated with ${vpc.id} (${found.map((zone) => zone.id).join(', ')})`,
      );
    }
    if (found[0] || !options.create) return found[0];
    const [shadowed] = named;
    if (shadowed) {
      throw new ShadowingZoneError(
        `${vpc.id} resolves ${wanted} through private zone ${shadowed.id}, which is not among the managed zones; ` +
          'linkdns does not create a second zone that would shadow it',
      );
    }
    return this.createZone(wanted, vpc, options.extraNetworks ? (this.options.extraVpcs ?? []) : [], options.signal);
  }

  /**
   * A view for one run (the scheduled repair reconciles every zone of a VPC, one domain after the other): the private
   * zones of each VPC are listed once and the list is reused, instead of one `ListHostedZonesByVPC` per domain. A zone
   * the view creates drops the cached lists of its VPCs. Shares the client, the rate limiter and the options; the
   * adapter itself never caches, so each event handled by a warm function still looks zones up afresh.
   */
  forRun(): Route53Zones {
    const view = new Route53Zones(this.client, {
      ...this.options,
      ...(this.limiter ? { limiter: this.limiter } : {}),
    });
    view.zonesByVpc = new Map();
    return view;
  }

  async listZones(domains: readonly string[], signal?: AbortSignal): Promise<ZoneRef[]> {
    const zones: ZoneRef[] = [];
    for await (const page of this.listZonePages(domains, signal)) zones.push(...page.zones);
    return zones;
  }

  /**
   * {@link listZones} one ListHostedZones page (100 zones) at a time; `next` is the page's `NextMarker`, which
   * ListHostedZones takes back as `Marker` ("the ID of the first hosted zone in the next group").
   * @throws InvalidInputError for a `from` that is not a hosted zone ID (it is never sent)
   */
  async *listZonePages(domains: readonly string[], signal?: AbortSignal, from?: string): AsyncGenerator<ZonePage> {
    if (from !== undefined && !HOSTED_ZONE_ID.test(from)) {
      throw new InvalidInputError(`Zone listing cursor "${from}" is not a Route 53 hosted zone ID`);
    }
    let marker = from;
    do {
      const page = await this.call(
        'ListHostedZones',
        (abortSignal) =>
          this.client.send(
            new ListHostedZonesCommand({ HostedZoneType: 'PrivateHostedZone', ...(marker ? { Marker: marker } : {}) }),
            { abortSignal },
          ),
        signal,
      );
      const zones: ZoneRef[] = [];
      for (const zone of page.HostedZones ?? []) {
        const domain = decodeRoute53Name(zone.Name ?? '');
        if (
          zone.Config?.PrivateZone &&
          zone.Id &&
          this.isManagedZoneId(bareId(zone.Id)) &&
          domains.some((managed) => isWithinDomain(domain, managed))
        ) {
          zones.push({ id: bareId(zone.Id), domain });
        }
      }
      marker = page.IsTruncated ? requiredMarker(page.NextMarker, 'ListHostedZones NextMarker') : undefined;
      yield marker === undefined ? { zones } : { zones, next: marker };
    } while (marker);
  }

  /**
   * Private zones named one of `domains` or below one of them that the VPC `scope` is associated with: the zones whose
   * registries can name an endpoint of that VPC. Uses the same look-up (and cache) as {@link Route53Zones.findZone}.
   */
  async listZonesInScope(domains: readonly string[], scope: string, signal?: AbortSignal): Promise<ZoneRef[]> {
    const vpc = parseVpcRef(scope, this.options.region);
    return (await this.zonesOfVpc(vpc, signal)).flatMap((zone) => {
      const domain = decodeRoute53Name(zone.Name ?? '');
      const id = bareId(zone.HostedZoneId ?? '');
      const wanted = id !== '' && !zone.Owner?.OwningService && this.isManagedZoneId(id);
      return wanted && domains.some((managed) => isWithinDomain(domain, managed)) ? [{ id, domain }] : [];
    });
  }

  private isManagedZoneId(id: string): boolean {
    const managed = this.options.managedZoneIds ?? [];
    return managed.length === 0 || managed.includes(id);
  }

  async readRecords(zone: ZoneRef, signal?: AbortSignal): Promise<RecordSet[]> {
    const sets: ResourceRecordSet[] = [];
    let start: { name: string; type: string; identifier?: string } | undefined;
    do {
      const from = start;
      const page = await this.call(
        'ListResourceRecordSets',
        (abortSignal) =>
          this.client.send(
            new ListResourceRecordSetsCommand({
              HostedZoneId: zone.id,
              ...(from
                ? {
                    StartRecordName: from.name,
                    StartRecordType: from.type as ResourceRecordSet['Type'],
                    ...(from.identifier ? { StartRecordIdentifier: from.identifier } : {}),
                  }
                : {}),
            }),
            { abortSignal },
          ),
        signal,
      ).catch((error: unknown) => {
        if (awsErrorCode(error) === 'NoSuchHostedZone') this.forgetZoneListings();
        return rethrowMissingZone(error, zone);
      });
      sets.push(...(page.ResourceRecordSets ?? []));
      start = page.IsTruncated
        ? {
            name: requiredMarker(page.NextRecordName, 'ListResourceRecordSets NextRecordName'),
            type: requiredMarker(page.NextRecordType, 'ListResourceRecordSets NextRecordType'),
            ...(page.NextRecordIdentifier ? { identifier: page.NextRecordIdentifier } : {}),
          }
        : undefined;
    } while (start);
    return fromRoute53RecordSets(sets);
  }

  async applyChanges(zone: ZoneRef, changes: Changes, guard: OwnershipGuard, signal?: AbortSignal): Promise<void> {
    if (!hasChanges(changes)) return;
    const problems = ownershipProblems(zone, changes, guard, isRoute53OnlyRecord);
    if (problems.length > 0) {
      throw new OwnershipError(
        `Refusing to change zone ${zone.domain} (${zone.id}) for owner ${guard.owner}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
      );
    }
    const batches = changeBatches(changes, zone.domain, this.options.batchLimits ?? ROUTE53_BATCH_LIMITS);
    for (const [index, batch] of batches.entries()) {
      const where = batches.length > 1 ? ` (batch ${index + 1} of ${batches.length}; earlier batches are applied)` : '';
      const result = await this.call(
        'ChangeResourceRecordSets',
        (abortSignal) =>
          this.client.send(
            new ChangeResourceRecordSetsCommand({
              HostedZoneId: zone.id,
              ChangeBatch: {
                Comment: `${CHANGE_COMMENT_PREFIX} owner=${guard.owner} batch ${index + 1}/${batches.length}`,
                Changes: batch,
              },
            }),
            { abortSignal },
          ),
        signal,
      ).catch((error: unknown) => {
        const failure = changeError(error, zone, where);
        if (failure instanceof ConcurrentChangeError || failure instanceof ZoneNotFoundError) this.forgetZoneListings();
        throw failure;
      });
      if (this.options.waitForInsync && result.ChangeInfo?.Id) {
        await this.waitForInsync(result.ChangeInfo.Id, signal);
      }
    }
  }

  /** Private zones named `name` that `vpc` is associated with. */
  private async privateZonesOf(vpc: VpcRef, name: string, signal?: AbortSignal): Promise<ZoneRef[]> {
    const matches = (await this.zonesOfVpc(vpc, signal)).filter((zone) => decodeRoute53Name(zone.Name ?? '') === name);
    const serviceOwned = matches.find((zone) => zone.Owner?.OwningService);
    if (serviceOwned) {
      throw new ServiceOwnedZoneError(
        `Private zone ${name} (${serviceOwned.HostedZoneId}) in ${vpc.id} is owned by ${serviceOwned.Owner?.OwningService}; linkdns does not write to it`,
      );
    }
    return matches.flatMap((zone) => (zone.HostedZoneId ? [{ id: bareId(zone.HostedZoneId), domain: name }] : []));
  }

  /** Every private zone `vpc` is associated with; from the run's cache on a {@link Route53Zones.forRun} view. */
  private zonesOfVpc(vpc: VpcRef, signal?: AbortSignal): Promise<HostedZoneSummary[]> {
    if (!this.zonesByVpc) return this.recentZonesOfVpc(vpc, signal);
    const key = vpcKey(vpc);
    let listed = this.zonesByVpc.get(key);
    if (!listed) {
      listed = this.listZonesOfVpc(vpc, signal);
      this.zonesByVpc.set(key, listed);
      // A failed listing is not remembered: the next domain of the VPC tries again.
      listed.catch(() => this.zonesByVpc?.delete(key));
    }
    return listed;
  }

  /** The VPC's zones from the warm-instance cache while younger than the TTL, else listed afresh (and cached). */
  private recentZonesOfVpc(vpc: VpcRef, signal?: AbortSignal): Promise<HostedZoneSummary[]> {
    const ttl = this.options.zoneLookupTtlMs ?? 0;
    if (ttl <= 0) return this.listZonesOfVpc(vpc, signal);
    const now = (this.options.nowMs ?? Date.now)();
    const key = vpcKey(vpc);
    const recent = this.recentZonesByVpc.get(key);
    if (recent && now - recent.listedAt < ttl) return recent.zones;
    const zones = this.listZonesOfVpc(vpc, signal);
    this.recentZonesByVpc.set(key, { listedAt: now, zones });
    zones.catch(() => this.recentZonesByVpc.delete(key));
    return zones;
  }

  /** Forgets every cached zone listing: a change met a concurrent writer or a zone vanished, so look again. */
  private forgetZoneListings(): void {
    this.recentZonesByVpc.clear();
    this.zonesByVpc?.clear();
  }

  private async listZonesOfVpc(vpc: VpcRef, signal?: AbortSignal): Promise<HostedZoneSummary[]> {
    const zones: HostedZoneSummary[] = [];
    let token: string | undefined;
    do {
      const page = await this.call(
        'ListHostedZonesByVPC',
        (abortSignal) =>
          this.client.send(
            new ListHostedZonesByVPCCommand({
              VPCId: vpc.id,
              VPCRegion: vpc.region as VPCRegion,
              ...(token ? { NextToken: token } : {}),
            }),
            { abortSignal },
          ),
        signal,
      );
      zones.push(...(page.HostedZoneSummaries ?? []));
      token = page.NextToken;
    } while (token);
    return [...zones, ...(await this.zonesThroughProfiles(vpc, zones, signal))];
  }

  /**
   * The private zones `vpc` sees through its Route 53 Profile and not through a direct association, named by
   * `GetHostedZone` (the Profiles API gives only the zone's ARN).
   */
  private async zonesThroughProfiles(
    vpc: VpcRef,
    direct: readonly HostedZoneSummary[],
    signal?: AbortSignal,
  ): Promise<HostedZoneSummary[]> {
    const source = this.options.profileZones;
    if (!source) return [];
    // Route 53 Profiles is a service of its own with its own rate limits: retried, but not counted against Route 53's.
    const ids = await withRetries('ListProfileAssociations', () => source.hostedZoneIdsSeenBy(vpc, signal), {
      policy: this.retry,
      signal,
      ...(this.options.random ? { random: this.options.random } : {}),
    }).catch((error: unknown) => {
      if (signal?.aborted) throw error;
      const cause = `${awsErrorCode(error) ?? (error as Error).name}: ${(error as Error).message}`;
      throw new ProfileLookupError(
        `Cannot tell which zones ${vpc.id} sees through a Route 53 Profile (${cause}). Grant ` +
          'route53profiles:ListProfileAssociations and route53profiles:ListProfileResourceAssociations, or set ' +
          'LINKDNS_ROUTE53_PROFILES=off and list those zones in LINKDNS_PROFILE_ZONE_IDS',
        { cause: error, retryable: error instanceof TransientCloudError },
      );
    });
    const known = new Set(direct.map((zone) => bareId(zone.HostedZoneId ?? '')));
    const zones: HostedZoneSummary[] = [];
    // A zone outside managedZoneIds is not readable (IAM grants GetHostedZone on the managed zones only) and not ours.
    for (const id of ids.filter((zoneId) => !known.has(zoneId) && this.isManagedZoneId(zoneId))) {
      const found = await this.call(
        'GetHostedZone',
        (abortSignal) => this.client.send(new GetHostedZoneCommand({ Id: id }), { abortSignal }),
        signal,
      ).catch((error: unknown) => {
        // A zone removed since the Profile was read resolves nothing: skip it.
        if (awsErrorCode(error) === 'NoSuchHostedZone') return undefined;
        throw error;
      });
      if (found?.HostedZone?.Config?.PrivateZone) {
        zones.push({ HostedZoneId: id, Name: found.HostedZone.Name ?? '', Owner: {} });
      }
    }
    if (zones.length > 0) {
      this.options.log?.debug?.('zones seen through a Route 53 Profile', {
        vpc: vpc.id,
        zones: zones.map((zone) => `${zone.HostedZoneId} ${decodeRoute53Name(zone.Name ?? '')}`),
      });
    }
    return zones;
  }

  /** Creates the private zone for `vpc`, tags it as linkdns's and associates the configured extra VPCs. */
  private async createZone(
    name: string,
    vpc: VpcRef,
    extraVpcs: readonly string[],
    signal?: AbortSignal,
  ): Promise<ZoneRef> {
    let id: string;
    try {
      const created = await this.call(
        'CreateHostedZone',
        (abortSignal) =>
          this.client.send(
            new CreateHostedZoneCommand({
              Name: name,
              // Unique per attempt to create: a retried request with the same reference cannot create a second zone.
              CallerReference: `linkdns-${randomUUID()}`,
              VPC: { VPCId: vpc.id, VPCRegion: vpc.region as VPCRegion },
              HostedZoneConfig: { PrivateZone: true, Comment: `Created by linkdns (owner ${this.options.owner})` },
            }),
            { abortSignal },
          ),
        signal,
      );
      id = bareId(created.HostedZone?.Id ?? '');
    } catch (error) {
      const code = awsErrorCode(error);
      if (code !== 'ConflictingDomainExists' && code !== 'HostedZoneAlreadyExists') throw error;
      // Another run created it between our lookup and our create: use that one.
      this.zonesByVpc?.delete(vpcKey(vpc));
      this.recentZonesByVpc.delete(vpcKey(vpc));
      const [existing, ...more] = await this.privateZonesOf(vpc, name, signal);
      if (!existing || more.length > 0) throw error;
      return existing;
    }
    await this.call(
      'ChangeTagsForResource',
      (abortSignal) =>
        this.client.send(
          new ChangeTagsForResourceCommand({
            ResourceType: 'hostedzone',
            ResourceId: id,
            AddTags: [{ Key: CREATED_BY_TAG, Value: this.options.owner }],
          }),
          { abortSignal },
        ),
      signal,
    );
    for (const extra of extraVpcs.map((ref) => parseVpcRef(ref, this.options.region))) {
      if (extra.id === vpc.id && extra.region === vpc.region) continue;
      await this.call(
        'AssociateVPCWithHostedZone',
        (abortSignal) =>
          this.client.send(
            new AssociateVPCWithHostedZoneCommand({
              HostedZoneId: id,
              VPC: { VPCId: extra.id, VPCRegion: extra.region as VPCRegion },
              Comment: `linkdns owner=${this.options.owner}`,
            }),
            { abortSignal },
          ),
        signal,
      );
    }
    for (const changed of [vpc, ...extraVpcs.map((ref) => parseVpcRef(ref, this.options.region))]) {
      this.zonesByVpc?.delete(vpcKey(changed));
      this.recentZonesByVpc.delete(vpcKey(changed));
    }
    this.options.log?.info(`created private zone ${name}`, {
      zoneId: id,
      vpc: vpc.id,
      extraVpcs,
    });
    return { id, domain: name };
  }

  private async waitForInsync(changeId: string, signal?: AbortSignal): Promise<void> {
    const interval = this.options.insyncPollIntervalMs ?? 2_000;
    const deadline = Date.now() + (this.options.insyncTimeoutMs ?? 180_000);
    for (;;) {
      await sleep(interval, signal);
      const { ChangeInfo } = await this.call(
        'GetChange',
        (abortSignal) => this.client.send(new GetChangeCommand({ Id: changeId }), { abortSignal }),
        signal,
      );
      if (ChangeInfo?.Status === 'INSYNC') return;
      if (Date.now() >= deadline) {
        throw new TransientCloudError(
          `Route 53 change ${changeId} still ${ChangeInfo?.Status} after the wait timed out`,
        );
      }
    }
  }

  /** One API call: rate limited, retried with backoff, cancellable. */
  private call<T>(
    operation: string,
    send: (abortSignal?: AbortSignal) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    return withRetries(
      operation,
      async () => {
        await this.limiter?.acquire(signal);
        return send(signal);
      },
      {
        policy: this.retry,
        signal,
        ...(this.options.random ? { random: this.options.random } : {}),
        onRetry: ({ attempt, delayMs, error }) =>
          this.options.log?.warn(`Route 53 ${operation} throttled or failed; retrying`, {
            attempt,
            delayMs,
            error: awsErrorCode(error) ?? String(error),
          }),
      },
    );
  }
}

/** `vpc-123` (default region) or `eu-west-1:vpc-123`. */
export function parseVpcRef(ref: string, defaultRegion: string): VpcRef {
  // A VPC of another account of the organisation arrives as its ARN (see Ec2EndpointSource).
  const arn = /^arn:[\w-]+:ec2:([\w-]+):\d{12}:vpc\/(vpc-[0-9a-z]+)$/.exec(ref);
  if (arn?.[1] && arn[2]) return { region: arn[1], id: arn[2] };
  const [first, second] = ref.split(':');
  const vpc = second === undefined ? { region: defaultRegion, id: first ?? '' } : { region: first ?? '', id: second };
  if (!/^vpc-[0-9a-z]+$/.test(vpc.id) || vpc.region === '') {
    throw new InvalidInputError(`"${ref}" is not a VPC reference (expected vpc-…, region:vpc-… or a VPC ARN)`);
  }
  return vpc;
}

function vpcKey(vpc: VpcRef): string {
  return `${vpc.region}:${vpc.id}`;
}

const CONCURRENT_CHANGE =
  /already exists|was not found|do(es)? not match|conflicts with other records|conflicting RRSet/i;

function changeError(error: unknown, zone: ZoneRef, where: string): unknown {
  const code = awsErrorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'InvalidChangeBatch' && CONCURRENT_CHANGE.test(message)) {
    return new ConcurrentChangeError(`Zone ${zone.domain} (${zone.id}) changed since it was read${where}: ${message}`, {
      cause: error,
    });
  }
  if (code === 'InvalidChangeBatch' || code === 'InvalidInput') {
    return new ChangeRejectedError(`Route 53 rejected changes to ${zone.domain} (${zone.id})${where}: ${message}`, {
      cause: error,
    });
  }
  if (code === 'NoSuchHostedZone') return missingZone(error, zone);
  return error;
}

function rethrowMissingZone(error: unknown, zone: ZoneRef): never {
  throw awsErrorCode(error) === 'NoSuchHostedZone' ? missingZone(error, zone) : error;
}

function missingZone(error: unknown, zone: ZoneRef): ZoneNotFoundError {
  return new ZoneNotFoundError(`Hosted zone ${zone.id} (${zone.domain}) no longer exists`, { cause: error });
}

function bareId(id: string): string {
  return id.replace(/^\/hostedzone\//, '');
}

/** A hosted zone ID as Route 53 hands it out (`Z` and up to 32 upper-case letters and digits), without `/hostedzone/`. */
const HOSTED_ZONE_ID = /^[A-Z0-9]{1,32}$/;

function requiredMarker(value: string | undefined, field: string): string {
  if (!value) throw new TransientCloudError(`Route 53 answered IsTruncated without ${field}`);
  return value;
}
