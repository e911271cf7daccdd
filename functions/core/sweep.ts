import { managedDomains, resolveMapping } from './config.ts';
import { ConfigError, InvalidInputError } from './errors.ts';
import type { ObservedEndpoint, RecordSet } from './model.ts';
import type { DnsProvider, RunScopedDnsProvider, ZoneRef } from './ports.ts';
import {
  type ReconcileDeps,
  type ReconcileOptions,
  type ReconcileTarget,
  reconcileTargets,
  targetKey,
  unreadableZoneReport,
} from './reconcile.ts';
import { readRegistry } from './registry.ts';
import type { RunReport, Trigger, ZoneReport } from './report.ts';
import { runPool } from './work-pool.ts';

/**
 * The repair at organisation scale: a coordinator lists what to check and fans it out in small batches through the
 * platform's queue (SQS, Azure Storage queue, Pub/Sub); workers reconcile one batch per invocation. No invocation's
 * work grows with the fleet, so none comes near its timeout whatever the number of zones.
 *
 * What the coordinator lists, and what each item costs it:
 * - endpoint targets — every (domain, scope) a managed endpoint maps to (the endpoint listing, EC2/ARM/Compute); a
 *   listing not done at the coordinator's deadline goes on in a worker from where it stopped
 *   ({@link continueEndpointListing});
 * - managed zones — the zone listing (Route 53: one call per 100 zones), no zone read; a listing that is not done at
 *   the coordinator's deadline goes on in a worker from where it stopped ({@link continueZoneListing}), and so on, so
 *   no invocation's listing grows with the fleet either;
 * - when the provider can list the zones of a network (Route 53: `ListHostedZonesByVPC`), the zones of every scope
 *   that has endpoints, so an endpoint target carries its zone id and a zone reached that way is not listed again.
 * Every managed zone not matched to an endpoint target becomes a zone item: its worker reads the ownership registry to
 * learn which scope it serves (endpoints gone, scopes of other accounts). So each zone is read once per sweep, by one
 * worker, as in the single-invocation repair.
 *
 * Items are ordered by scope then domain, so a batch shares its scope's endpoint listing and zone look-up.
 */
export interface SweepItem {
  readonly domain: string;
  /** The network; absent for a zone item whose registry names it. */
  readonly scope?: string;
  /** The zone, when the coordinator knows it. */
  readonly zoneId?: string;
}

export interface SweepPlan {
  readonly items: readonly SweepItem[];
  /** Endpoint targets, zone items. */
  readonly targets: number;
  readonly zoneItems: number;
  /** Scopes whose zones were not looked up before the coordinator's deadline (see {@link planSweep}). */
  readonly scopesNotLookedUp: number;
  /** Where the zone listing stopped at the deadline, for a worker to carry it on; absent when every zone was listed. */
  readonly listZonesFrom?: string;
  /** The same for the endpoint listing. */
  readonly listEndpointsFrom?: string;
}

/**
 * Coordinator: the items of one sweep. Failures of the listings throw (the coordinator is retried whole).
 *
 * Memory: the endpoint listing is consumed page by page where the source offers it, keeping only the (domain, scope)
 * pairs, so the coordinator holds one page of endpoints, the zone list and the items — never the account's endpoints.
 *
 * The endpoint listing stops at `before` too, after the page it is on: `listEndpointsFrom` says where a worker carries
 * it on. The targets of the endpoints listed there go out without zone ids, unmatched to the zones listed here.
 * `concurrency` scopes are looked up at the same time (the zone directory's rate limiter still bounds the calls).
 *
 * The zone listing costs one call per page and the look-ups one call per scope, so with tens of thousands of zones or
 * thousands of VPCs either could outlast the coordinator's timeout. Neither starts anything after `before`:
 * - the zone listing stops after the page it is on (so it always moves on by a page), and `listZonesFrom` says where a
 *   worker carries it on; the zones listed there are queued as zone items, unmatched to targets;
 * - the targets of the scopes not looked up carry no zone id (their worker looks the zone up, once per scope and batch)
 *   and those scopes' zones are queued as zone items too.
 * Either way a zone may be checked twice in the sweep, never not at all.
 */
export async function planSweep(
  deps: ReconcileDeps,
  signal?: AbortSignal,
  concurrency = 1,
  before?: Date,
): Promise<SweepPlan> {
  const dns = dnsForSweep(deps.dns);
  const domains = managedDomains(deps.config);
  const targets = new Map<string, ReconcileTarget>();
  const noteTargets = (endpoints: readonly ObservedEndpoint[]) => noteEndpointTargets(endpoints, deps, targets);
  const listTargets = async (): Promise<string | undefined> => {
    if (!deps.endpoints.listEndpointPages) {
      noteTargets(await deps.endpoints.listEndpoints(undefined, signal));
      return undefined;
    }
    const pages = deps.endpoints.listEndpointPages(undefined, signal);
    return takePagesUntil(pages, deps.now, before, (page) => noteTargets(page.endpoints));
  };
  const zones: ZoneRef[] = [];
  const listZones = async (): Promise<string | undefined> => {
    if (!dns.listZonePages) {
      zones.push(...(await dns.listZones(domains, signal)));
      return undefined;
    }
    return takePagesUntil(dns.listZonePages(domains, signal), deps.now, before, (page) => zones.push(...page.zones));
  };
  const [endpointsNext, zonesNext] = await Promise.all([listTargets(), listZones()]);
  const zoneOfTarget = new Map<string, string>();
  const matched = new Set<string>();
  let scopesNotLookedUp = 0;
  if (dns.listZonesInScope) {
    const scopes = [...new Set([...targets.values()].map((target) => target.scope))];
    const inScope = dns.listZonesInScope.bind(dns);
    await runPool(scopes, concurrency, async (scope) => {
      if (before && deps.now() >= before) {
        scopesNotLookedUp += 1;
        return;
      }
      for (const zone of await inScope(domains, scope, signal)) {
        const key = targetKey({ domain: zone.domain, scope });
        if (targets.has(key)) {
          zoneOfTarget.set(key, zone.id);
          matched.add(zone.id);
        }
      }
    });
  }
  const items: SweepItem[] = [
    ...[...targets.values()].map((target) => {
      const zoneId = zoneOfTarget.get(targetKey(target));
      return zoneId ? { ...target, zoneId } : { ...target };
    }),
    ...zones.filter((zone) => !matched.has(zone.id)).map((zone) => ({ domain: zone.domain, zoneId: zone.id })),
  ].sort(compareItems);
  return {
    items,
    targets: targets.size,
    zoneItems: items.length - targets.size,
    scopesNotLookedUp,
    ...(zonesNext === undefined ? {} : { listZonesFrom: zonesNext }),
    ...(endpointsNext === undefined ? {} : { listEndpointsFrom: endpointsNext }),
  };
}

/**
 * A worker's share of a zone listing its coordinator could not finish: the zones from the cursor `from` on, as zone
 * items (their worker learns the scope from the registry), until a page ends at or after `before`; `next` is where
 * the following worker carries on. At least one page is listed, so every continuation moves the listing on.
 * @throws InvalidInputError when the provider cannot list from a cursor, or refuses this one
 */
export async function continueZoneListing(
  deps: ReconcileDeps,
  from: string,
  before: Date | undefined,
  signal?: AbortSignal,
): Promise<{ readonly items: SweepItem[]; readonly next?: string }> {
  const dns = dnsForSweep(deps.dns);
  if (!dns.listZonePages) {
    throw new InvalidInputError('Sweep message continues a zone listing this provider cannot page');
  }
  const items: SweepItem[] = [];
  const pages = dns.listZonePages(managedDomains(deps.config), signal, from);
  const next = await takePagesUntil(pages, deps.now, before, (page) => {
    for (const zone of page.zones) items.push({ domain: zone.domain, zoneId: zone.id });
  });
  items.sort(compareItems);
  return next === undefined ? { items } : { items, next };
}

/**
 * A worker's share of an endpoint listing its coordinator could not finish: the endpoint targets of the endpoints
 * from `from` on, until a page ends at or after `before` (at least one page). They carry no zone id: their worker looks
 * the zone up. A target whose endpoints sit on pages of different invocations may be checked twice, never not at all.
 * @throws InvalidInputError when the source cannot list from a cursor, or refuses this one
 */
export async function continueEndpointListing(
  deps: ReconcileDeps,
  from: string,
  before: Date | undefined,
  signal?: AbortSignal,
): Promise<{ readonly items: SweepItem[]; readonly next?: string }> {
  if (!deps.endpoints.listEndpointPages) {
    throw new InvalidInputError('Sweep message continues an endpoint listing this source cannot page');
  }
  const targets = new Map<string, ReconcileTarget>();
  const pages = deps.endpoints.listEndpointPages(undefined, signal, from);
  const next = await takePagesUntil(pages, deps.now, before, (page) =>
    noteEndpointTargets(page.endpoints, deps, targets),
  );
  const items = [...targets.values()].sort(compareItems);
  return next === undefined ? { items } : { items, next };
}

/** Notes in `targets` the (domain, scope) each managed endpoint maps to. */
function noteEndpointTargets(
  endpoints: readonly ObservedEndpoint[],
  deps: Pick<ReconcileDeps, 'config'>,
  targets: Map<string, ReconcileTarget>,
): void {
  for (const endpoint of endpoints) {
    const decision = resolveMapping(endpoint, deps.config);
    if (decision.managed) {
      const target = { domain: decision.domain, scope: endpoint.scope };
      targets.set(targetKey(target), target);
    }
  }
}

/**
 * Hands each page of a listing to `take`, until a page ends at or after `before` while more remain: then the page's
 * `next` is returned, for another invocation to go on from. At least one page is taken, so a listing always moves on.
 */
async function takePagesUntil<Page extends { readonly next?: string }>(
  pages: AsyncIterable<Page>,
  now: () => Date,
  before: Date | undefined,
  take: (page: Page) => void,
): Promise<string | undefined> {
  for await (const page of pages) {
    take(page);
    if (page.next !== undefined && before && now() >= before) return page.next;
  }
  return undefined;
}

function compareItems(a: SweepItem, b: SweepItem): number {
  return (a.scope ?? '').localeCompare(b.scope ?? '') || a.domain.localeCompare(b.domain);
}

function dnsForSweep(dns: DnsProvider): DnsProvider {
  const scoped = dns as Partial<RunScopedDnsProvider>;
  return typeof scoped.forRun === 'function' ? scoped.forRun() : dns;
}

/** Splits the items into batches of at most `size`, in order (oldest-first order is the queue's). */
export function sweepBatches(items: readonly SweepItem[], size: number): SweepItem[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`batch size must be a positive integer, not ${size}`);
  const batches: SweepItem[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
}

/**
 * Zones one worker invocation may take so that it stays within `share` of its timeout at its own request rate:
 * `share × timeout × rate / callsPerZone` (a zone costs one read, and a changed zone a write and a verifying read).
 */
export function zonesPerInvocation(budget: {
  readonly timeoutSeconds: number;
  readonly share: number;
  readonly requestsPerSecond: number;
  readonly callsPerZone?: number;
}): number {
  const calls = budget.callsPerZone ?? 3;
  return Math.max(1, Math.floor((budget.share * budget.timeoutSeconds * budget.requestsPerSecond) / calls));
}

/** A listing a worker carries on from a cursor: the zone listing, or the endpoint listing. */
export type ListingContinuation = { readonly listZonesFrom: string } | { readonly listEndpointsFrom: string };

/**
 * What a sweep's queue message asks of a worker: reconcile a batch of zones, or carry the coordinator's zone or
 * endpoint listing on from a cursor ({@link continueZoneListing}, {@link continueEndpointListing}).
 */
export type SweepMessage = { readonly batch: SweepItem[] } | ListingContinuation;

/** A platform's sweep queue as the core sends to it: bodies of at most `batchSize` items each. */
export interface SweepQueue {
  readonly batchSize: number;
  send(bodies: string[]): Promise<unknown>;
}

/**
 * What a coordinator (`sweep-started`) or a worker carrying a listing on (`sweep-continued`) queued: `items` in
 * `batches` messages of at most `batchSize` zones, and `continuations` messages more (0 to 2), each for a worker to list
 * on from where this invocation stopped.
 */
export interface SweepQueued {
  readonly outcome: 'sweep-started' | 'sweep-continued';
  readonly items: number;
  readonly batches: number;
  readonly batchSize: number;
  readonly continuations: number;
}

/**
 * The coordinator on every platform: plans the sweep ({@link planSweep}: nothing started after `before`) and sends its
 * message bodies to the queue or topic.
 */
export async function startSweep(
  deps: ReconcileDeps,
  queue: SweepQueue,
  options: { readonly signal?: AbortSignal; readonly before?: Date; readonly concurrency?: number } = {},
): Promise<{ readonly queued: SweepQueued; readonly plan: SweepPlan }> {
  const plan = await planSweep(deps, options.signal, options.concurrency, options.before);
  const continuations: ListingContinuation[] = [
    ...(plan.listZonesFrom === undefined ? [] : [{ listZonesFrom: plan.listZonesFrom }]),
    ...(plan.listEndpointsFrom === undefined ? [] : [{ listEndpointsFrom: plan.listEndpointsFrom }]),
  ];
  return { queued: { ...(await queueSweepItems(plan.items, continuations, queue)), outcome: 'sweep-started' }, plan };
}

/**
 * A worker's invocation on Azure and Google: one queue message, decoded ({@link decodeSweepMessage}: malformed input
 * throws InvalidInputError). A batch is reconciled by {@link runSweepBatch} under a trigger naming the message and its
 * delivery, and the zones it did not start go back to the queue ({@link handBackUnstarted}); a listing continuation
 * lists on until `options.startZonesBefore` and queues what it listed.
 */
export async function runSweepMessage(
  message: unknown,
  delivery: { readonly id: string; readonly attempt: string },
  deps: ReconcileDeps,
  queue: SweepQueue | undefined,
  options: ReconcileOptions = {},
): Promise<RunReport | SweepQueued> {
  const decoded = decodeSweepMessage(message);
  if (!('batch' in decoded)) return continueSweep(deps, decoded, queue, options);
  const trigger: Trigger = {
    kind: 'schedule',
    id: `sweep-${delivery.id}`,
    description: `scheduled repair, batch of ${decoded.batch.length} (${delivery.attempt})`,
  };
  const report = await runSweepBatch(trigger, decoded.batch, deps, options);
  if (!queue) return report;
  const handed = await handBackUnstarted(report, queue);
  if (handed.handedBack > 0) {
    deps.log?.info('zones not started handed back to the sweep queue', { zones: handed.handedBack });
  }
  return handed.report;
}

/**
 * Sends the zones a batch did not start before its cut-off back to the queue as a batch of their own, so the next
 * invocation takes up exactly those: redelivering the whole message would check its first zones again, and a batch
 * whose first zones alone fill the share would never finish. Returns the report without them (the invocation that
 * checks them reports them) and how many went back. Nothing goes back when a zone failed for a retryable reason: the
 * platform redelivers the whole message then.
 * @throws what the queue's send throws; the caller then has the platform redeliver the whole message
 */
export async function handBackUnstarted(
  report: RunReport,
  queue: SweepQueue,
): Promise<{ readonly report: RunReport; readonly handedBack: number }> {
  const unstarted = report.zones.filter((zone) => zone.outcome === 'not-checked');
  const retried = report.zones.some((zone) => zone.outcome === 'failed' && zone.error?.retryable);
  if (unstarted.length === 0 || retried) return { report, handedBack: 0 };
  await queue.send([encodeSweepBatch(unstarted.map(({ domain, scope }) => ({ domain, scope })))]);
  const started = report.zones.filter((zone) => zone.outcome !== 'not-checked');
  return { report: { ...report, zones: started }, handedBack: unstarted.length };
}

/**
 * A worker carrying a sweep's zone or endpoint listing on from its cursor ({@link continueZoneListing},
 * {@link continueEndpointListing}): what it lists goes to the queue as batches, with one more continuation while the
 * listing is not done.
 * @throws ConfigError without a queue to send to (the platform retries, then dead-letters, the message)
 */
export async function continueSweep(
  deps: ReconcileDeps,
  continuation: ListingContinuation,
  queue: SweepQueue | undefined,
  options: { readonly signal?: AbortSignal; readonly startZonesBefore?: Date } = {},
): Promise<SweepQueued> {
  if (!queue) throw new ConfigError('the worker', ['a sweep queue to send to is needed to carry a listing on']);
  const { signal, startZonesBefore } = options;
  if ('listZonesFrom' in continuation) {
    const { items, next } = await continueZoneListing(deps, continuation.listZonesFrom, startZonesBefore, signal);
    const more = next === undefined ? [] : [{ listZonesFrom: next }];
    return { ...(await queueSweepItems(items, more, queue)), outcome: 'sweep-continued' };
  }
  const { items, next } = await continueEndpointListing(deps, continuation.listEndpointsFrom, startZonesBefore, signal);
  const more = next === undefined ? [] : [{ listEndpointsFrom: next }];
  return { ...(await queueSweepItems(items, more, queue)), outcome: 'sweep-continued' };
}

async function queueSweepItems(
  items: readonly SweepItem[],
  continuations: readonly ListingContinuation[],
  queue: SweepQueue,
): Promise<Omit<SweepQueued, 'outcome'>> {
  const batches = sweepBatches(items, queue.batchSize).map(encodeSweepBatch);
  const bodies = [...batches, ...continuations.map(encodeListingContinuation)];
  if (bodies.length > 0) await queue.send(bodies);
  return {
    items: items.length,
    batches: batches.length,
    batchSize: queue.batchSize,
    continuations: continuations.length,
  };
}

/**
 * A queue message as a platform hands it over: the body text (SQS, Pub/Sub data), or the object the Azure Functions
 * host already parsed from a JSON queue message. @throws InvalidInputError for anything that is not a sweep message
 */
export function decodeSweepMessage(message: unknown): SweepMessage {
  if (typeof message === 'string') return decodeSweepBody(message);
  if (typeof message === 'object' && message !== null) return decodeSweepBody(JSON.stringify(message));
  throw new InvalidInputError(`Sweep message is a ${message === null ? 'null' : typeof message}, not a batch`);
}

/** A batch as the queue message body. */
export function encodeSweepBatch(items: readonly SweepItem[]): string {
  return JSON.stringify({ linkdnsSweep: 1, items });
}

/** A listing to carry on, as the queue message body. */
export function encodeListingContinuation(continuation: ListingContinuation): string {
  return JSON.stringify({ linkdnsSweep: 1, ...continuation });
}

/** Longest cursor accepted: ARM next links, the longest of the three clouds', run to a few hundred characters. */
const MAX_CURSOR_LENGTH = 4096;

/** A queue message body, read back. @throws InvalidInputError for a body that is not a sweep message */
export function decodeSweepBody(body: string): SweepMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new InvalidInputError('Sweep message is not JSON', { cause: error });
  }
  const { linkdnsSweep, items, listZonesFrom, listEndpointsFrom } = (parsed ?? {}) as Record<string, unknown>;
  const present = [items, listZonesFrom, listEndpointsFrom].filter((part) => part !== undefined).length;
  if (linkdnsSweep !== 1 || present !== 1) {
    throw new InvalidInputError(
      'Sweep message needs linkdnsSweep 1 and exactly one of items, listZonesFrom, listEndpointsFrom',
    );
  }
  if (listZonesFrom !== undefined) return { listZonesFrom: cursor('listZonesFrom', listZonesFrom) };
  if (listEndpointsFrom !== undefined) return { listEndpointsFrom: cursor('listEndpointsFrom', listEndpointsFrom) };
  if (!Array.isArray(items)) throw new InvalidInputError('Sweep message items must be an array');
  return { batch: items.map(decodeSweepItem) };
}

function cursor(field: string, value: unknown): string {
  if (typeof value !== 'string' || value === '' || value.length > MAX_CURSOR_LENGTH) {
    throw new InvalidInputError(`Sweep message's ${field} must be a cursor of 1 to ${MAX_CURSOR_LENGTH} characters`);
  }
  return value;
}

function decodeSweepItem(item: unknown, index: number): SweepItem {
  const { domain, scope, zoneId } = (item ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => typeof value === 'string' && value !== '';
  if (!text(domain) || (scope !== undefined && !text(scope)) || (zoneId !== undefined && !text(zoneId))) {
    throw new InvalidInputError(`Sweep item ${index} needs a domain and a scope or zone id (strings)`);
  }
  if (scope === undefined && zoneId === undefined) {
    throw new InvalidInputError(`Sweep item ${index} has neither a scope nor a zone id`);
  }
  return {
    domain: domain as string,
    ...(scope === undefined ? {} : { scope: scope as string }),
    ...(zoneId === undefined ? {} : { zoneId: zoneId as string }),
  };
}

/**
 * Worker: reconciles one batch. Zone items are read first to learn their scope from the ownership registry (that read
 * serves the plan too); a zone without this deployment's registry is not linkdns's to check and is skipped. Each scope
 * is listed once for the batch. One zone's failure is its own report; the others go on.
 */
export async function runSweepBatch(
  trigger: Trigger,
  items: readonly SweepItem[],
  deps: ReconcileDeps,
  options: ReconcileOptions = {},
): Promise<RunReport> {
  const startedAt = deps.now().toISOString();
  const run: ReconcileDeps = { ...deps, dns: dnsForSweep(deps.dns) };
  const knownRecords = new Map<string, readonly RecordSet[]>();
  const unreadable: ZoneReport[] = [];
  const targets = new Map<string, ReconcileTarget>();
  for (const item of items)
    if (item.scope) targets.set(targetKey({ domain: item.domain, scope: item.scope }), item as ReconcileTarget);
  await runPool(
    items.filter((item) => !item.scope && item.zoneId),
    options.concurrency ?? 1,
    async (item) => {
      const zone: ZoneRef = { id: item.zoneId as string, domain: item.domain };
      try {
        const records = await run.dns.readRecords(zone, options.signal);
        const registry = readRegistry(records, zone.domain);
        if (!registry || registry.owner !== deps.config.owner || !registry.scope) return;
        targets.set(targetKey({ domain: zone.domain, scope: registry.scope }), {
          domain: zone.domain,
          scope: registry.scope,
        });
        knownRecords.set(zone.id, records);
      } catch (error) {
        if (options.signal?.aborted) throw error;
        unreadable.push(unreadableZoneReport(zone, error));
      }
    },
  );
  const ordered = [...targets.values()].map(({ domain, scope }) => ({ domain, scope }));
  const endpointsByScope = new Map<string, readonly ObservedEndpoint[]>();
  const scopes = [...new Set(ordered.map((target) => target.scope))];
  // A failed listing is left to reconcileDomain, which lists the scope again and reports a failure of its own.
  if (run.endpoints.listEndpointsInScopes && scopes.length > 0) {
    try {
      for (const [scope, endpoints] of await run.endpoints.listEndpointsInScopes(scopes, options.signal)) {
        endpointsByScope.set(scope, endpoints);
      }
    } catch (error) {
      if (options.signal?.aborted) throw error;
    }
  } else {
    await runPool(scopes, options.concurrency ?? 1, async (scope) => {
      try {
        endpointsByScope.set(scope, await run.endpoints.listEndpoints(scope, options.signal));
      } catch (error) {
        if (options.signal?.aborted) throw error;
      }
    });
  }
  // The first zones start however late the batch got here (its registry reads and endpoint listings took the time):
  // a batch whose zones all went back to the queue every time would never finish.
  const cutoff = options.startZonesBefore;
  const startZonesBefore = cutoff && new Date(Math.max(cutoff.getTime(), deps.now().getTime() + 1));
  const report = await reconcileTargets(trigger, ordered, run, {
    ...options,
    ...(startZonesBefore ? { startZonesBefore } : {}),
    knownRecords,
    endpointsByScope,
  });
  return { ...report, startedAt, zones: [...report.zones, ...unreadable] };
}
