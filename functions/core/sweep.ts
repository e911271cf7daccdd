import { managedDomains, resolveMapping } from './config.ts';
import { InvalidInputError } from './errors.ts';
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
 * - endpoint targets — every (domain, scope) a managed endpoint maps to (the endpoint listing, EC2/ARM/Compute);
 * - managed zones — the zone listing (Route 53: one call per 100 zones), no zone read;
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
}

/**
 * Coordinator: the items of one sweep. Failures of the listings throw (the coordinator is retried whole).
 *
 * Memory: the endpoint listing is consumed page by page where the source offers it, keeping only the (domain, scope)
 * pairs, so the coordinator holds one page of endpoints, the zone list and the items — never the account's endpoints.
 * `concurrency` scopes are looked up at the same time (the zone directory's rate limiter still bounds the calls).
 *
 * The look-ups cost one call per scope, so with thousands of VPCs they alone could outlast the coordinator's timeout.
 * None starts after `lookUpScopesBefore`: the targets of the scopes left carry no zone id (their worker looks the zone
 * up, once per scope and batch) and those scopes' zones are queued as zone items too, so a zone may then be checked
 * twice in the sweep, never not at all.
 */
export async function planSweep(
  deps: ReconcileDeps,
  signal?: AbortSignal,
  concurrency = 1,
  lookUpScopesBefore?: Date,
): Promise<SweepPlan> {
  const dns = dnsForSweep(deps.dns);
  const domains = managedDomains(deps.config);
  const targets = new Map<string, ReconcileTarget>();
  const noteTargets = (endpoints: readonly ObservedEndpoint[]) => {
    for (const endpoint of endpoints) {
      const decision = resolveMapping(endpoint, deps.config);
      if (decision.managed)
        targets.set(targetKey({ domain: decision.domain, scope: endpoint.scope }), {
          domain: decision.domain,
          scope: endpoint.scope,
        });
    }
  };
  const listTargets = async () => {
    const pages = deps.endpoints.listEndpointPages?.bind(deps.endpoints);
    if (!pages) return noteTargets(await deps.endpoints.listEndpoints(undefined, signal));
    for await (const page of pages(undefined, signal)) noteTargets(page);
  };
  const [, zones] = await Promise.all([listTargets(), dns.listZones(domains, signal)]);
  const zoneOfTarget = new Map<string, string>();
  const matched = new Set<string>();
  let scopesNotLookedUp = 0;
  if (dns.listZonesInScope) {
    const scopes = [...new Set([...targets.values()].map((target) => target.scope))];
    const inScope = dns.listZonesInScope.bind(dns);
    await runPool(scopes, concurrency, async (scope) => {
      if (lookUpScopesBefore && deps.now() >= lookUpScopesBefore) {
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
  return { items, targets: targets.size, zoneItems: items.length - targets.size, scopesNotLookedUp };
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

/** What a repair coordinator did: the sweep's items, sent as `batches` queue messages of at most `batchSize` zones. */
export interface SweepStarted {
  readonly outcome: 'sweep-started';
  readonly items: number;
  readonly batches: number;
  readonly batchSize: number;
}

/** The coordinator on Azure and Google: plans the sweep and hands its message bodies to `send` (the queue or topic). */
export async function startSweep(
  deps: ReconcileDeps,
  batchSize: number,
  send: (bodies: string[]) => Promise<unknown>,
  signal?: AbortSignal,
): Promise<SweepStarted> {
  const { plan, bodies } = await sweepMessages(deps, batchSize, signal);
  await send(bodies);
  return { outcome: 'sweep-started', items: plan.items.length, batches: bodies.length, batchSize };
}

/**
 * A worker's invocation on Azure and Google: one queue message, decoded ({@link decodeSweepMessage}: malformed input
 * throws InvalidInputError), reconciled by {@link runSweepBatch} under a trigger naming the message and its delivery.
 */
export async function runSweepMessage(
  message: unknown,
  delivery: { readonly id: string; readonly attempt: string },
  deps: ReconcileDeps,
  options: ReconcileOptions = {},
): Promise<RunReport> {
  const items = decodeSweepMessage(message);
  const trigger: Trigger = {
    kind: 'schedule',
    id: `sweep-${delivery.id}`,
    description: `scheduled repair, batch of ${items.length} (${delivery.attempt})`,
  };
  return runSweepBatch(trigger, items, deps, options);
}

/**
 * The coordinator's work on every platform: the sweep's items ({@link planSweep}) as queue message bodies of at most
 * `batchSize` items each, in the plan's order. Sending them is the platform's part.
 */
export async function sweepMessages(
  deps: ReconcileDeps,
  batchSize: number,
  signal?: AbortSignal,
): Promise<{ readonly plan: SweepPlan; readonly bodies: string[] }> {
  const plan = await planSweep(deps, signal);
  return { plan, bodies: sweepBatches(plan.items, batchSize).map(encodeSweepBatch) };
}

/**
 * A queue message as a platform hands it over: the body text (SQS, Pub/Sub data), or the object the Azure Functions
 * host already parsed from a JSON queue message. @throws InvalidInputError for anything that is not a batch
 */
export function decodeSweepMessage(message: unknown): SweepItem[] {
  if (typeof message === 'string') return decodeSweepBatch(message);
  if (typeof message === 'object' && message !== null) return decodeSweepBatch(JSON.stringify(message));
  throw new InvalidInputError(`Sweep message is a ${message === null ? 'null' : typeof message}, not a batch`);
}

/** A batch as the queue message body, and back. @throws InvalidInputError for a body that is not a batch */
export function encodeSweepBatch(items: readonly SweepItem[]): string {
  return JSON.stringify({ linkdnsSweep: 1, items });
}

export function decodeSweepBatch(body: string): SweepItem[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new InvalidInputError('Sweep message is not JSON', { cause: error });
  }
  const items = (parsed as { linkdnsSweep?: unknown; items?: unknown })?.items;
  if ((parsed as { linkdnsSweep?: unknown })?.linkdnsSweep !== 1 || !Array.isArray(items)) {
    throw new InvalidInputError('Sweep message has no linkdnsSweep items');
  }
  return items.map((item, index) => {
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
  });
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
  await runPool([...new Set(ordered.map((target) => target.scope))], options.concurrency ?? 1, async (scope) => {
    try {
      endpointsByScope.set(scope, await run.endpoints.listEndpoints(scope, options.signal));
    } catch (error) {
      if (options.signal?.aborted) throw error;
      // Left to reconcileDomain, which lists the scope again and reports a failure of its own if it still cannot.
    }
  });
  const report = await reconcileTargets(trigger, ordered, run, { ...options, knownRecords, endpointsByScope });
  return { ...report, startedAt, zones: [...report.zones, ...unreadable] };
}
