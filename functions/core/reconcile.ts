import { crossCheckZonalLabels, withMappedZone } from './advertised-zones.ts';
import { type LinkdnsConfig, managedDomains, resolveMapping } from './config.ts';
import { SkippedEndpoints } from './endpoint-selection.ts';
import {
  ConcurrentChangeError,
  LayoutError,
  LinkdnsError,
  UnreadableEndpointError,
  VerificationError,
  ZoneNotFoundError,
} from './errors.ts';
import { desiredRecords, type Layout } from './layout.ts';
import {
  CONTRIBUTING_STATES,
  canonicalName,
  type ObservedEndpoint,
  type RecordSet,
  recordKey,
  sameRecord,
} from './model.ts';
import { type Changes, type Conflict, hasChanges, NO_CHANGES, planZoneChanges, type ZonePlan } from './plan.ts';
import type { ChangeLog, DnsProvider, EndpointSource, RunScopedDnsProvider, ZoneRef } from './ports.ts';
import { type ProducibleRecords, producibleRecords } from './record-shapes.ts';
import { readRegistry, registryName } from './registry.ts';
import { type RunReport, summarizeError, type Trigger, type ZoneReport } from './report.ts';
import { sameNetwork, type ZoneSource, zoneSource } from './topology.ts';
import { runPool, runPoolOverPages } from './work-pool.ts';

/** One unit of reconciliation: every endpoint of `scope` mapped to `domain` decides the zone's records. */
export interface ReconcileTarget {
  readonly domain: string;
  readonly scope: string;
}

export interface ReconcileDeps {
  readonly endpoints: EndpointSource;
  readonly dns: DnsProvider;
  readonly config: LinkdnsConfig;
  readonly log?: ChangeLog;
  /** Injected clock, so the core never reads the time itself. */
  readonly now: () => Date;
}

export interface ReconcileOptions {
  /** Plan and report, change nothing (`--dry-run`, detect-only repairs). */
  readonly dryRun?: boolean;
  /** Attempts when the zone changes between read and write (compare-and-swap failures). Default 3. */
  readonly maxAttempts?: number;
  /** Re-read the zone after applying and check that nothing is left to change. Default true. */
  readonly verify?: boolean;
  readonly signal?: AbortSignal;
  /** Endpoints already listed for this scope (a repair run lists once per scope, not once per zone). */
  readonly knownEndpoints?: readonly ObservedEndpoint[];
  /** Called after each zone, for progress lines on long runs. */
  readonly onZone?: (report: ZoneReport, index: number, total: number) => void;
  /**
   * Records of zones already read in this run, by zone id (a repair reads every managed zone once to find the
   * registries). The first plan uses them instead of reading the zone again. Changes are applied as compare-and-swap,
   * so records that went stale meanwhile cost a re-read and a second attempt, never a blind overwrite.
   */
  readonly knownRecords?: ReadonlyMap<string, readonly RecordSet[]>;
  /**
   * No zone is started at or after this instant (by `deps.now()`): the invocation's deadline less a reserve for the
   * zone in progress and the notification ({@link zoneStartCutoff}). Zones left are reported `not-checked`, not
   * failed. Unset: no cut-off.
   */
  readonly startZonesBefore?: Date;
  /** Counts the endpoints no mapping selects, once per run whichever zone met them (`endpointsSkipped`). */
  readonly skipped?: SkippedEndpoints;
  /**
   * Zones reconciled at the same time (default 1). The Route 53 / ARM / Cloud DNS rate limiter still bounds the calls,
   * so a few zones in flight keep the limiter busy while one zone waits on its own reads and writes.
   */
  readonly concurrency?: number;
}

function dnsForRun(dns: DnsProvider): DnsProvider {
  const scoped = dns as Partial<RunScopedDnsProvider>;
  return typeof scoped.forRun === 'function' ? scoped.forRun() : dns;
}

const silentLog: ChangeLog = { info() {}, warn() {}, error() {} };

/**
 * Makes one zone right: observe the endpoints of the scope, compute the desired records, plan against the zone,
 * apply as compare-and-swap (re-listing the endpoints, re-reading and re-planning when another writer got there
 * first), verify. A network that is not the zone's source (`functions/core/topology.ts`) never rewrites it.
 * Never throws for zone-level problems: they are returned in the report so one zone cannot stop the others.
 */
export async function reconcileDomain(
  target: ReconcileTarget,
  deps: ReconcileDeps,
  options: ReconcileOptions = {},
): Promise<ZoneReport> {
  const log = deps.log ?? silentLog;
  const base = { domain: target.domain, scope: target.scope };
  const producible = producibleRecords(deps.config);
  let attempts = 0;
  let zone: ZoneRef | undefined;
  let contributing: string[] = [];
  try {
    let observed = await observe(target, deps, options.knownEndpoints, options.skipped, options.signal);
    contributing = observed.contributing;
    const configuredSource = zoneSource(deps.config, target.domain, undefined).network;
    const consumerByConfiguration = configuredSource !== undefined && !sameNetwork(configuredSource, target.scope);

    const mayCreate = deps.config.zones.create && observed.desired.length > 0 && !consumerByConfiguration;
    zone = await deps.dns.findZone(target.domain, target.scope, {
      create: mayCreate && !options.dryRun,
      // Zones created because of a tag never get the extra (hub) networks: a tag must not reach beyond its network.
      extraNetworks: deps.config.mappings.some((mapping) => mapping.domain === canonicalName(target.domain)),
      signal: options.signal,
    });
    if (!zone) {
      if (observed.desired.length === 0)
        return { ...base, outcome: 'unchanged', changes: NO_CHANGES, conflicts: [], endpoints: contributing, attempts };
      if (options.dryRun && mayCreate) {
        // A dry run creates nothing; it shows what the run would write into the zone it would create (`plan` before
        // `apply`, `repair --detect-only`), instead of failing for want of the zone.
        const planned = planAgainst(target, deps.config, observed.desired, [], contributing, producible);
        log.info('would create zone', { domain: target.domain, scope: target.scope });
        return {
          ...base,
          outcome: 'drift',
          changes: planned.changes,
          conflicts: [...planned.conflicts, ...observed.advertised],
          endpoints: contributing,
          attempts,
        };
      }
      throw new ZoneNotFoundError(
        `No private zone ${target.domain} is associated with ${target.scope}` +
          (deps.config.zones.create ? '' : ' (zone creation is not enabled: set zones.create to opt in)'),
      );
    }

    const maxAttempts = options.maxAttempts ?? 3;
    let known = options.knownRecords?.get(zone.id);
    /** Changes whose write failed in a way that may still have applied them (reset or 5xx after commit). */
    let uncertain: Changes | undefined;
    for (;;) {
      attempts += 1;
      const current = known ?? (await deps.dns.readRecords(zone, options.signal));
      known = undefined;
      const registry = readRegistry(current, target.domain);
      const source = zoneSource(deps.config, target.domain, registry);
      if (source.network !== undefined && !sameNetwork(source.network, target.scope)) {
        return consumerReport(target, zone, source, observed, attempts, log);
      }
      const planned = planAgainst(target, deps.config, observed.desired, current, contributing, producible);
      const plan = { ...planned, conflicts: [...planned.conflicts, ...observed.advertised] };
      for (const conflict of plan.conflicts) {
        log.warn('record conflict', {
          domain: target.domain,
          scope: target.scope,
          ...conflict,
          found: conflict.found?.length,
        });
      }
      const outcome = (kind: ZoneReport['outcome'], changes = plan.changes): ZoneReport => ({
        ...base,
        zoneId: (zone as ZoneRef).id,
        outcome: kind,
        changes,
        conflicts: plan.conflicts,
        endpoints: contributing,
        attempts,
      });
      if (!hasChanges(plan.changes)) {
        // Our own earlier write may be what the zone now shows: it was applied although it was answered as failed.
        if (uncertain && changesInEffect(uncertain, current)) {
          logChanges(log, 'changed (found applied on re-read)', target, zone, uncertain);
          return outcome('changed', uncertain);
        }
        return outcome(plan.conflicts.length > 0 ? 'conflict' : 'unchanged', NO_CHANGES);
      }
      if (options.dryRun) {
        logChanges(log, 'would change', target, zone, plan.changes);
        return outcome('drift');
      }
      try {
        await deps.dns.applyChanges(
          zone,
          plan.changes,
          { owner: deps.config.owner, registry, adoptExisting: deps.config.adoptExisting, producible },
          options.signal,
        );
      } catch (error) {
        if (options.signal?.aborted || !mayHaveApplied(error)) throw error;
        if (error instanceof ConcurrentChangeError && attempts < maxAttempts) {
          log.warn('zone changed while applying; re-reading the zone and re-listing the endpoints', {
            domain: target.domain,
            zoneId: zone.id,
            attempt: attempts,
          });
          uncertain = plan.changes;
          // Whoever changed the zone may have acted on newer endpoints than this run listed (a scheduled repair
          // racing an endpoint event): plan again from the truth, not from the earlier listing.
          observed = await observe(target, deps, undefined, options.skipped, options.signal);
          contributing = observed.contributing;
          continue;
        }
        if (changesInEffect(plan.changes, await deps.dns.readRecords(zone, options.signal))) {
          logChanges(log, 'changed (found applied on re-read)', target, zone, plan.changes);
          return outcome('changed');
        }
        throw error;
      }
      logChanges(log, 'changed', target, zone, plan.changes);
      if (options.verify ?? true) {
        await verifyZone(target, deps, zone, observed.desired, contributing, producible, options.signal);
      }
      return outcome('changed');
    }
  } catch (error) {
    log.error('reconcile failed', { domain: target.domain, scope: target.scope, error: summarizeError(error) });
    return {
      ...base,
      ...(zone ? { zoneId: zone.id } : {}),
      outcome: 'failed',
      changes: NO_CHANGES,
      conflicts: [],
      endpoints: contributing,
      attempts,
      error: summarizeError(error),
    };
  }
}

interface Observation {
  readonly desired: readonly RecordSet[];
  /** Zonal labels the endpoints advertise but the records do not match (`crossCheckZonalLabels`). */
  readonly advertised: readonly Conflict[];
  /** Ids of the endpoints whose state contributes records. */
  readonly contributing: string[];
}

/** The endpoints of the target's scope (listed unless `known`) and the records they need. */
async function observe(
  target: ReconcileTarget,
  deps: ReconcileDeps,
  known: readonly ObservedEndpoint[] | undefined,
  skipped: ReconcileOptions['skipped'],
  signal: AbortSignal | undefined,
): Promise<Observation> {
  const endpoints = known ?? (await deps.endpoints.listEndpoints(target.scope, signal));
  const mine = endpointsForDomain(endpoints, target, deps.config, skipped);
  const desired = mine.layout
    ? desiredRecords({ domain: target.domain, layout: mine.layout, endpoints: mine.endpoints, ttl: deps.config.ttl })
    : [];
  return {
    contributing: mine.endpoints.filter((endpoint) => CONTRIBUTING_STATES.has(endpoint.state)).map((e) => e.id),
    desired,
    advertised: crossCheckZonalLabels(target.domain, desired, mine.endpoints, mine.advertisedZones),
  };
}

/**
 * A reconcile from a network that is not the zone's source changes nothing. With endpoints of its own that want
 * records, that is one conflict naming the source; a consumer without such endpoints (a spoke that only resolves,
 * or one whose endpoint is being deleted) is simply unchanged — deleting a spoke's endpoint must not empty the zone.
 */
function consumerReport(
  target: ReconcileTarget,
  zone: ZoneRef,
  source: ZoneSource,
  observed: Observation,
  attempts: number,
  log: ChangeLog,
): ZoneReport {
  const report = {
    domain: target.domain,
    scope: target.scope,
    zoneId: zone.id,
    changes: NO_CHANGES,
    endpoints: observed.contributing,
    attempts,
  };
  if (observed.desired.length === 0) return { ...report, outcome: 'unchanged', conflicts: [] };
  const reason =
    `zone ${zone.id} serves ${target.domain} from source network ${source.network} (named by the ${source.from}); ` +
    `${target.scope} is a consumer, so its endpoints (${observed.contributing.join(', ')}) do not decide the records` +
    (source.from === 'registry' ? ' — set zones.sources to choose the source network' : '');
  log.warn('consumer network holds endpoints for a zone it does not source', {
    domain: target.domain,
    scope: target.scope,
    zoneId: zone.id,
    source: source.network,
  });
  return {
    ...report,
    outcome: 'conflict',
    conflicts: [{ name: registryName(target.domain), type: 'TXT', reason }],
  };
}

/**
 * False for errors that prove nothing was applied: raised before sending (ownership, invalid input, a rejected batch)
 * or a client error answered by the cloud (4xx other than 408/429: denied, invalid). A connection reset, a timeout or
 * a 5xx may come after the cloud committed the write.
 */
function mayHaveApplied(error: unknown): boolean {
  if (error instanceof ConcurrentChangeError) return true;
  if (error instanceof LinkdnsError) return error.retryable;
  const status = httpStatusOf(error);
  return status === undefined || status >= 500 || status === 408 || status === 429;
}

/** The HTTP status an SDK error carries: AWS `$metadata.httpStatusCode`, Azure `statusCode`, others `status`. */
function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = error as { $metadata?: { httpStatusCode?: unknown }; statusCode?: unknown; status?: unknown };
  const status = candidate.$metadata?.httpStatusCode ?? candidate.statusCode ?? candidate.status;
  return typeof status === 'number' ? status : undefined;
}

/** True when the zone holds every record `changes` write and none of those they remove. */
function changesInEffect(changes: Changes, current: readonly RecordSet[]): boolean {
  const byKey = new Map(current.map((record) => [recordKey(record), record]));
  const written = [...changes.create, ...changes.update.map((change) => change.new)];
  const writtenKeys = new Set(written.map(recordKey));
  const removed = [...changes.delete, ...changes.update.map((change) => change.old)];
  return (
    written.every((record) => {
      const found = byKey.get(recordKey(record));
      return found !== undefined && sameRecord(found, record);
    }) && removed.every((record) => writtenKeys.has(recordKey(record)) || !byKey.has(recordKey(record)))
  );
}

function planAgainst(
  target: ReconcileTarget,
  config: LinkdnsConfig,
  desired: readonly RecordSet[],
  current: readonly RecordSet[],
  endpoints: readonly string[],
  producible: ProducibleRecords,
): ZonePlan {
  return planZoneChanges({
    domain: target.domain,
    scope: target.scope,
    owner: config.owner,
    desired,
    current,
    endpoints,
    policy: config.policy,
    adoptExisting: config.adoptExisting,
    producible,
  });
}

async function verifyZone(
  target: ReconcileTarget,
  deps: ReconcileDeps,
  zone: ZoneRef,
  desired: readonly RecordSet[],
  endpoints: readonly string[],
  producible: ProducibleRecords,
  signal: AbortSignal | undefined,
): Promise<void> {
  const after = await deps.dns.readRecords(zone, signal);
  const left = planAgainst(target, deps.config, desired, after, endpoints, producible);
  if (hasChanges(left.changes)) {
    throw new VerificationError(
      `Zone ${target.domain} (${zone.id}) still differs after applying: ${JSON.stringify(left.changes)}`,
      { retryable: true },
    );
  }
}

function logChanges(log: ChangeLog, verb: string, target: ReconcileTarget, zone: ZoneRef, changes: Changes): void {
  const context = { domain: target.domain, scope: target.scope, zoneId: zone.id };
  for (const record of changes.create)
    log.info(`${verb}: create ${record.name} ${record.type}`, { ...context, values: record.values, ttl: record.ttl });
  for (const change of changes.update) {
    log.info(`${verb}: update ${change.new.name} ${change.new.type}`, {
      ...context,
      from: change.old.values,
      to: change.new.values,
      ttl: change.new.ttl,
    });
  }
  for (const record of changes.delete)
    log.info(`${verb}: delete ${record.name} ${record.type}`, { ...context, values: record.values });
}

/**
 * The endpoints of a scope that map to the target's domain, and the layout they agree on. Endpoints no mapping selects
 * are counted in `skipped`.
 *
 * @throws UnreadableEndpointError when one of the domain's endpoints could not be read: the zone is left as it is,
 *   since records written without that endpoint would send its clients nowhere
 */
export function endpointsForDomain(
  endpoints: readonly ObservedEndpoint[],
  target: ReconcileTarget,
  config: LinkdnsConfig,
  skipped?: SkippedEndpoints,
): { endpoints: ObservedEndpoint[]; layout?: Layout; advertisedZones?: readonly string[] } {
  const matched: ObservedEndpoint[] = [];
  let layout: Layout | undefined;
  let advertisedZones: readonly string[] | undefined;
  for (const endpoint of endpoints) {
    if (endpoint.scope !== target.scope) continue;
    const decision = resolveMapping(endpoint, config);
    if (!decision.managed) {
      skipped?.note(endpoint, decision);
      continue;
    }
    if (decision.domain !== canonicalName(target.domain)) continue;
    if (layout && layout.name !== decision.layout.name) {
      throw new LayoutError(
        `Endpoints of ${target.domain} disagree on the layout (${layout.name}, ${decision.layout.name})`,
      );
    }
    layout = decision.layout;
    advertisedZones ??= decision.advertisedZones;
    matched.push(withMappedZone(endpoint, decision.zone));
  }
  const unreadable = matched.filter((endpoint) => endpoint.unreadable !== undefined);
  if (unreadable.length > 0) {
    throw new UnreadableEndpointError(
      `${target.domain} in ${target.scope} is left as it is: ${unreadable
        .map((endpoint) => `endpoint ${endpoint.id} (${endpoint.service}) could not be read: ${endpoint.unreadable}`)
        .join('; ')}`,
    );
  }
  if (!layout) return { endpoints: matched };
  return advertisedZones ? { endpoints: matched, layout, advertisedZones } : { endpoints: matched, layout };
}

/**
 * What an endpoint event asks to reconcile. Events are hints: each id is re-read. A live, mapped endpoint names its
 * own (domain, scope); one that vanished or stopped contributing is looked up in the ownership registries of the
 * managed zones, which remember which domain it fed — only the zones of its network when the endpoint is still
 * described and the provider can list zones by network, every managed zone otherwise. The zone records read for that
 * look-up are returned too, so the first plan of those zones needs no second read. A live endpoint no mapping selects
 * (an S3 or SSM endpoint) is skipped without reading any zone: should it have lost its mapping, the scheduled repair
 * finds it in the registry.
 *
 * With `scope` (the network the event itself names, e.g. CreateVpcEndpoint's VPC), the scope is listed once and the
 * endpoints are taken from that listing: the listing is returned in `endpointsByScope` for the plans, so neither the
 * endpoint nor its network is read twice. Ids the listing does not hold are read one by one, as without a hint.
 */
export async function findEndpointTargets(
  endpointIds: readonly string[],
  deps: ReconcileDeps,
  signal?: AbortSignal,
  skipped: SkippedEndpoints = new SkippedEndpoints(deps.log),
  hint: { readonly scope?: string } = {},
): Promise<{
  targets: ReconcileTarget[];
  knownRecords: Map<string, readonly RecordSet[]>;
  endpointsByScope: Map<string, readonly ObservedEndpoint[]>;
}> {
  const targets = new Map<string, ReconcileTarget>();
  const knownRecords = new Map<string, readonly RecordSet[]>();
  const endpointsByScope = new Map<string, readonly ObservedEndpoint[]>();
  const add = (target: ReconcileTarget) => targets.set(targetKey(target), target);
  const listed = hint.scope === undefined ? undefined : await deps.endpoints.listEndpoints(hint.scope, signal);
  if (hint.scope !== undefined && listed) endpointsByScope.set(hint.scope, listed);
  const lookUpInRegistries: { id: string; scope?: string }[] = [];
  const fromListing = (id: string) => listed?.find((candidate) => candidate.id === id);
  // One batched read where the source offers it (EC2: 200 ids per call), else one read per id.
  const unlisted = endpointIds.filter((id) => !fromListing(id));
  const batch =
    deps.endpoints.getEndpoints && unlisted.length > 0
      ? await deps.endpoints.getEndpoints(unlisted, signal)
      : undefined;
  for (const id of endpointIds) {
    const endpoint = fromListing(id) ?? (batch ? batch.get(id) : await deps.endpoints.getEndpoint(id, signal));
    if (!endpoint) {
      lookUpInRegistries.push({ id });
      continue;
    }
    const decision = resolveMapping(endpoint, deps.config);
    if (!skipped.note(endpoint, decision)) continue;
    add({ domain: decision.domain, scope: endpoint.scope });
    if (!CONTRIBUTING_STATES.has(endpoint.state)) lookUpInRegistries.push({ id, scope: endpoint.scope });
  }
  if (lookUpInRegistries.length > 0) {
    const ids = new Set(lookUpInRegistries.map((entry) => entry.id));
    for (const zone of await zonesToSearch(lookUpInRegistries, deps, signal)) {
      const records = await deps.dns.readRecords(zone, signal);
      const target = registryTarget(zone, records, deps.config);
      if (target?.endpoints.some((id) => ids.has(id))) {
        add({ domain: target.domain, scope: target.scope });
        knownRecords.set(zone.id, records);
      }
    }
  }
  return { targets: [...targets.values()], knownRecords, endpointsByScope };
}

/** The zones whose registries may name the endpoints: those of their networks when all are known, else every one. */
async function zonesToSearch(
  endpoints: readonly { id: string; scope?: string }[],
  deps: ReconcileDeps,
  signal: AbortSignal | undefined,
): Promise<ZoneRef[]> {
  const domains = managedDomains(deps.config);
  const scopes = new Set(endpoints.map((endpoint) => endpoint.scope));
  const inScope = deps.dns.listZonesInScope?.bind(deps.dns);
  if (!inScope || scopes.has(undefined)) return deps.dns.listZones(domains, signal);
  const zones = new Map<string, ZoneRef>();
  for (const scope of scopes as Set<string>) {
    for (const zone of await inScope(domains, scope, signal)) zones.set(zone.id, zone);
  }
  return [...zones.values()];
}

/** The targets of {@link findEndpointTargets}. */
export async function targetsForEndpoints(
  endpointIds: readonly string[],
  deps: ReconcileDeps,
  signal?: AbortSignal,
): Promise<ReconcileTarget[]> {
  return (await findEndpointTargets(endpointIds, deps, signal)).targets;
}

/** An endpoint event, handled: the targets it names, each reconciled whole. `scope`: see {@link findEndpointTargets}. */
export async function reconcileEndpoints(
  trigger: Trigger,
  endpointIds: readonly string[],
  deps: ReconcileDeps,
  options: ReconcileOptions & { readonly scope?: string } = {},
): Promise<RunReport> {
  const { scope, ...reconcileOptions } = options;
  const skipped = options.skipped ?? new SkippedEndpoints(deps.log);
  const { targets, knownRecords, endpointsByScope } = await findEndpointTargets(
    endpointIds,
    deps,
    options.signal,
    skipped,
    scope === undefined ? {} : { scope },
  );
  return reconcileTargets(trigger, targets, deps, { ...reconcileOptions, knownRecords, endpointsByScope, skipped });
}

function registryTarget(
  zone: ZoneRef,
  records: readonly RecordSet[],
  config: LinkdnsConfig,
): (ReconcileTarget & { endpoints: readonly string[] }) | undefined {
  const registry = readRegistry(records, zone.domain);
  if (!registry || registry.owner !== config.owner) return undefined;
  return { domain: zone.domain, scope: registry.scope, endpoints: registry.endpoints };
}

/** Every managed zone read once: records by zone id, and the zones that could not be read. */
async function readManagedZones(
  deps: ReconcileDeps,
  signal: AbortSignal | undefined,
  concurrency = 1,
): Promise<{ records: Map<string, readonly RecordSet[]>; zones: ZoneRef[]; unreadable: ZoneReport[] }> {
  const records = new Map<string, readonly RecordSet[]>();
  const unreadable: ZoneReport[] = [];
  const zones: ZoneRef[] = [];
  const domains = managedDomains(deps.config);
  const pages = deps.dns.listZonePages?.bind(deps.dns);
  // Zones are read as their listing page arrives, not after the whole listing (Route 53 pages 100 zones a call).
  async function* listed(): AsyncGenerator<readonly ZoneRef[]> {
    if (!pages) {
      zones.push(...(await deps.dns.listZones(domains, signal)));
      yield zones;
      return;
    }
    for await (const page of pages(domains, signal)) {
      zones.push(...page.zones);
      yield page.zones;
    }
  }
  await runPoolOverPages(listed(), concurrency, async (zone) => {
    signal?.throwIfAborted();
    try {
      records.set(zone.id, await deps.dns.readRecords(zone, signal));
    } catch (error) {
      if (signal?.aborted) throw error;
      // One unreadable zone must not stop the others; it is reported unless a target reconciles it anyway.
      (deps.log ?? silentLog).error('zone could not be read', {
        domain: zone.domain,
        zoneId: zone.id,
        error: summarizeError(error),
      });
      unreadable.push(unreadableZoneReport(zone, error));
    }
  });
  return { records, zones, unreadable };
}

/** The report of a zone that could not be read (so which network it serves is not known either). */
export function unreadableZoneReport(zone: ZoneRef, error: unknown): ZoneReport {
  return {
    domain: zone.domain,
    scope: UNKNOWN_SCOPE,
    zoneId: zone.id,
    outcome: 'failed',
    changes: NO_CHANGES,
    conflicts: [],
    endpoints: [],
    attempts: 1,
    error: summarizeError(error),
  };
}

/** Scope of a zone whose registry could not be read, so which network it serves is not known. */
export const UNKNOWN_SCOPE = 'unknown (the zone could not be read)';

/** Key of a target in maps and sets: `<domain> <scope>`. */
export function targetKey(target: ReconcileTarget): string {
  return `${target.domain} ${target.scope}`;
}

/** Endpoints already listed for the targets of a run, so a zone does not list its scope again. */
export interface KnownEndpoints {
  /** By scope: every endpoint of the scope. */
  readonly endpointsByScope?: ReadonlyMap<string, readonly ObservedEndpoint[]>;
  /**
   * By {@link targetKey}: the endpoints that map to the target's domain (wins over `endpointsByScope`; cheaper when a
   * scope holds many endpoints of other services, which would otherwise be mapped again for every domain).
   */
  readonly endpointsByTarget?: ReadonlyMap<string, readonly ObservedEndpoint[]>;
}

/**
 * Reconciles targets one zone at a time, isolating failures, and returns one report for the run.
 */
export async function reconcileTargets(
  trigger: Trigger,
  targets: readonly ReconcileTarget[],
  deps: ReconcileDeps,
  options: ReconcileOptions & KnownEndpoints = {},
): Promise<RunReport> {
  const startedAt = deps.now().toISOString();
  const skipped = options.skipped ?? new SkippedEndpoints(deps.log);
  let completed = 0;
  const reports = await runPool(
    targets,
    options.concurrency ?? 1,
    async (target) => {
      const knownEndpoints =
        options.endpointsByTarget?.get(targetKey(target)) ?? options.endpointsByScope?.get(target.scope);
      const report = await reconcileDomain(target, deps, {
        ...options,
        skipped,
        ...(knownEndpoints ? { knownEndpoints } : {}),
      });
      options.onZone?.(report, completed, targets.length);
      completed += 1;
      return report;
    },
    // A zone is not *started* after the cut-off (zones in flight finish); checked as each lane takes its next target.
    () => {
      options.signal?.throwIfAborted();
      return !(options.startZonesBefore && deps.now() >= options.startZonesBefore);
    },
  );
  const left = targets.filter((_, index) => reports[index] === undefined).map(notChecked);
  if (left.length > 0) {
    (deps.log ?? silentLog).warn('time is running out; zones left unchecked until the next run', {
      notChecked: left.length,
      domains: left.map((zone) => zone.domain),
    });
  }
  const zones = [...reports.filter((report): report is ZoneReport => report !== undefined), ...left];
  return {
    trigger,
    dryRun: options.dryRun ?? false,
    startedAt,
    finishedAt: deps.now().toISOString(),
    zones,
    endpointsSkipped: skipped.count,
  };
}

function notChecked(target: ReconcileTarget): ZoneReport {
  return { ...target, outcome: 'not-checked', changes: NO_CHANGES, conflicts: [], endpoints: [], attempts: 0 };
}

/**
 * The instant after which a run starts no new zone: `remainingMs` from `now` (Lambda's
 * `context.getRemainingTimeInMillis()`, or the budget an Azure or Google invocation is given), less a reserve for the
 * zone in progress, the notification and the log: a fifth of the time left, at least 10 s and at most 60 s.
 *
 * @example zoneStartCutoff(new Date(0), 120_000) // → 1970-01-01T00:01:36Z (24 s kept back)
 */
export function zoneStartCutoff(now: Date, remainingMs: number): Date {
  const reserveMs = Math.min(60_000, Math.max(10_000, remainingMs / 5));
  return new Date(now.getTime() + remainingMs - reserveMs);
}

/**
 * The scheduled repair: every (domain, scope) that a managed endpoint maps to, plus every one an ownership registry
 * lists (so records of endpoints that vanished while no event arrived are found and cleaned up).
 *
 * Cost on Route 53, for Z managed zones in V VPCs of which C need changes: the zone list (one call per 100 zones), one
 * read per zone (shared by registry discovery and the first plan), one zone look-up per VPC when the provider is a
 * {@link RunScopedDnsProvider}, and per changed zone one change batch plus the verifying re-read. Endpoints are listed
 * once, beside the zone reads; a registry naming a scope that listing did not cover (a VPC of another account, or one
 * with no endpoint left) has that scope listed on its own, so an endpoint out of the listing's reach is never taken
 * for a deleted one. A zone that cannot be read is reported as failed; the others go on.
 */
export async function repairAll(
  trigger: Trigger,
  deps: ReconcileDeps,
  options: ReconcileOptions = {},
): Promise<RunReport> {
  const startedAt = deps.now().toISOString();
  const run: ReconcileDeps = { ...deps, dns: dnsForRun(deps.dns) };
  // The endpoint listing (EC2) and the zone reads (Route 53) use different APIs and limits: run them side by side.
  const discovery = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, discovery.signal]) : discovery.signal;
  let endpoints: ObservedEndpoint[];
  let managed: Awaited<ReturnType<typeof readManagedZones>>;
  try {
    [endpoints, managed] = await Promise.all([
      run.endpoints.listEndpoints(undefined, signal),
      readManagedZones(run, signal, options.concurrency),
    ]);
  } catch (error) {
    discovery.abort(error);
    throw error;
  }
  const targets = new Map<string, ReconcileTarget>();
  const endpointsByTarget = new Map<string, ObservedEndpoint[]>();
  const listedScopes = new Set<string>();
  const skipped = options.skipped ?? new SkippedEndpoints(deps.log);
  for (const endpoint of endpoints) {
    listedScopes.add(endpoint.scope);
    const decision = resolveMapping(endpoint, run.config);
    if (!skipped.note(endpoint, decision)) continue;
    const target = { domain: decision.domain, scope: endpoint.scope };
    const key = targetKey(target);
    targets.set(key, target);
    const known = endpointsByTarget.get(key);
    if (known) known.push(endpoint);
    else endpointsByTarget.set(key, [endpoint]);
  }
  for (const zone of managed.zones) {
    const records = managed.records.get(zone.id);
    const target = records && registryTarget(zone, records, run.config);
    if (target) targets.set(targetKey(target), { domain: target.domain, scope: target.scope });
  }
  const ordered = [...targets.values()].sort(
    (a, b) => a.domain.localeCompare(b.domain) || a.scope.localeCompare(b.scope),
  );
  const report = await reconcileTargets(trigger, ordered, run, {
    ...options,
    skipped,
    knownRecords: managed.records,
    endpointsByTarget: new Map(
      ordered
        .filter((target) => listedScopes.has(target.scope))
        .map((target) => [targetKey(target), endpointsByTarget.get(targetKey(target)) ?? []]),
    ),
  });
  const reconciled = new Set(report.zones.map((zone) => zone.zoneId));
  const unreported = managed.unreadable.filter((zone) => !reconciled.has(zone.zoneId));
  return { ...report, startedAt, zones: [...report.zones, ...unreported] };
}

/**
 * What an edit of a managed zone asks to reconcile: the scope its ownership registry names, or — when the registry is
 * gone (someone deleted `_linkdns`) or never existed — every scope whose endpoints map to the zone's domain, with
 * those endpoints (listed once) so the zones need not list them again.
 */
export async function zoneEditTargets(
  domain: string,
  records: readonly RecordSet[],
  deps: ReconcileDeps,
  signal?: AbortSignal,
): Promise<{
  targets: ReconcileTarget[];
  endpointsByScope?: Map<string, ObservedEndpoint[]>;
  skipped: SkippedEndpoints;
}> {
  const skipped = new SkippedEndpoints(deps.log);
  const registry = readRegistry(records, domain);
  if (registry?.owner === deps.config.owner && registry.scope) {
    return { targets: [{ domain, scope: registry.scope }], skipped };
  }
  const endpoints = await deps.endpoints.listEndpoints(undefined, signal);
  const endpointsByScope = new Map<string, ObservedEndpoint[]>();
  for (const endpoint of endpoints) {
    endpointsByScope.set(endpoint.scope, [...(endpointsByScope.get(endpoint.scope) ?? []), endpoint]);
  }
  const scopes = new Set(
    endpoints
      .filter((endpoint) => {
        const decision = resolveMapping(endpoint, deps.config);
        return skipped.note(endpoint, decision) && decision.domain === domain;
      })
      .map((endpoint) => endpoint.scope),
  );
  return { targets: [...scopes].sort().map((scope) => ({ domain, scope })), endpointsByScope, skipped };
}
