import { createHash } from 'node:crypto';
import { compareRecords, type RecordSet, type RecordType } from '../core/model.ts';
import type { NotificationDestination } from '../core/notification-config.ts';
import type { Changes } from '../core/plan.ts';
import { isRegistryRecord } from '../core/registry.ts';
import type { ErrorSummary, RunReport, Trigger, ZoneOutcome, ZoneReport } from '../core/report.ts';

/**
 * What a notification says about a run, independent of where it goes: the zones a destination's filter selects,
 * what happened to each in words on-call people use, the record changes as rows, and a stable id for de-duplication.
 * Pure: Slack, Teams and the signed webhook all render from this.
 */

export type NotificationFilter = NotificationDestination['filter'];

/** What happened to one zone, as a person would say it. */
export type ZoneEvent =
  | 'created'
  | 'updated'
  | 'cleaned-up'
  | 'repaired'
  | 'drift'
  | 'conflict'
  | 'failed'
  | 'not-checked'
  | 'unchanged';

/** How loud a message is: decides colours and icons. */
export type Severity = 'failure' | 'warning' | 'change' | 'info';

export interface ChangeRow {
  readonly action: 'create' | 'update' | 'delete';
  /** Fully qualified, lowercase, no trailing dot. */
  readonly name: string;
  readonly type: RecordType;
  readonly ttl: number;
  readonly values: readonly string[];
  /** For updates: the record as it was. */
  readonly previous?: { readonly ttl: number; readonly values: readonly string[] };
  /** True for linkdns's own ownership registry record (`_linkdns.<zone>`). */
  readonly registry: boolean;
}

export interface ZoneSummary {
  readonly domain: string;
  readonly scope: string;
  readonly zoneId?: string;
  readonly outcome: ZoneOutcome;
  readonly event: ZoneEvent;
  readonly endpoints: readonly string[];
  readonly changes: readonly ChangeRow[];
  readonly conflicts: readonly { readonly name: string; readonly type: RecordType; readonly reason: string }[];
  readonly error?: ErrorSummary;
}

export interface RunSummary {
  /** Stable for the same outcome of the same trigger: the Standard Webhooks `webhook-id`, and the de-duplication key. */
  readonly id: string;
  readonly trigger: Trigger;
  readonly dryRun: boolean;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly severity: Severity;
  readonly headline: string;
  /** The zones this destination is told about, in report order. */
  readonly zones: readonly ZoneSummary[];
  /** Zones the run checked and found right. */
  readonly unchangedZones: number;
  /** Zones with news that this destination's filter leaves out. */
  readonly filteredZones: number;
}

/** Triggers whose changes are repairs: the schedule, and someone else editing the zone. */
const REPAIR_TRIGGERS: ReadonlySet<Trigger['kind']> = new Set(['schedule', 'zone-event']);

/**
 * Which zones a filter lets through:
 * - `changes`: everything that is not `unchanged` (changed, drift, conflict, failed);
 * - `drift`: drift detected, and changes or conflicts found by a repair (scheduled run or zone-edit event);
 * - `errors`: what needs a person: failed zones and conflicts.
 * Zones a run had no time left for (`not-checked`) pass every filter: whoever listens should know they were not seen.
 */
export function matchesFilter(zone: ZoneReport, filter: NotificationFilter, trigger: Trigger): boolean {
  switch (filter) {
    case 'changes':
      return zone.outcome !== 'unchanged';
    case 'drift':
      return (
        zone.outcome === 'drift' ||
        zone.outcome === 'not-checked' ||
        (REPAIR_TRIGGERS.has(trigger.kind) && (zone.outcome === 'changed' || zone.outcome === 'conflict'))
      );
    case 'errors':
      return zone.outcome === 'failed' || zone.outcome === 'conflict' || zone.outcome === 'not-checked';
  }
}

/**
 * The summary a destination should receive for a run, or `undefined` when it should stay quiet: nothing passes its
 * filter and it did not ask for `notifyUnchanged` — or asked for it but the run had news it filters out (a heartbeat
 * says "all is well", which would then be false).
 */
export function summarizeForDestination(
  report: RunReport,
  destination: Pick<NotificationDestination, 'filter' | 'notifyUnchanged'>,
): RunSummary | undefined {
  const selected = report.zones.filter((zone) => matchesFilter(zone, destination.filter, report.trigger));
  const unchangedZones = report.zones.filter((zone) => zone.outcome === 'unchanged').length;
  const filteredZones = report.zones.length - selected.length - unchangedZones;
  if (selected.length === 0 && !(destination.notifyUnchanged && filteredZones === 0)) return undefined;

  const zones = selected.map((zone) => summarizeZone(zone, report.trigger));
  return {
    id: outcomeId(report, zones, unchangedZones),
    trigger: report.trigger,
    dryRun: report.dryRun,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    severity: runSeverity(zones),
    headline: headline(zones, unchangedZones, report.dryRun),
    zones,
    unchangedZones,
    filteredZones,
  };
}

export function summarizeZone(zone: ZoneReport, trigger: Trigger): ZoneSummary {
  const changes = changeRows(zone.changes, zone.domain);
  return {
    domain: zone.domain,
    scope: zone.scope,
    ...(zone.zoneId === undefined ? {} : { zoneId: zone.zoneId }),
    outcome: zone.outcome,
    event: zoneEvent(zone.outcome, changes, trigger),
    endpoints: [...zone.endpoints].sort(),
    changes,
    conflicts: zone.conflicts.map(({ name, type, reason }) => ({ name, type, reason })),
    ...(zone.error === undefined ? {} : { error: zone.error }),
  };
}

/** The changes as rows sorted by name, the registry record last. */
export function changeRows(changes: Changes, domain: string): ChangeRow[] {
  const row = (action: ChangeRow['action'], record: RecordSet, previous?: RecordSet): ChangeRow => ({
    action,
    name: record.name,
    type: record.type,
    ttl: record.ttl,
    values: record.values,
    ...(previous ? { previous: { ttl: previous.ttl, values: previous.values } } : {}),
    registry: isRegistryRecord(record, domain),
  });
  return [
    ...changes.create.map((record) => row('create', record)),
    ...changes.update.map((change) => row('update', change.new, change.old)),
    ...changes.delete.map((record) => row('delete', record)),
  ].sort((a, b) => Number(a.registry) - Number(b.registry) || compareRecords(a, b) || a.action.localeCompare(b.action));
}

function zoneEvent(outcome: ZoneOutcome, changes: readonly ChangeRow[], trigger: Trigger): ZoneEvent {
  if (outcome !== 'changed') return outcome;
  if (REPAIR_TRIGGERS.has(trigger.kind)) return 'repaired';
  // The registry record follows every change; what happened is told by the records people resolve.
  const records = changes.filter((change) => !change.registry);
  if (records.length > 0 && records.every((change) => change.action === 'create')) return 'created';
  if (records.length > 0 && records.every((change) => change.action === 'delete')) return 'cleaned-up';
  return 'updated';
}

function zoneSeverity(zone: ZoneSummary): Severity {
  if (zone.outcome === 'failed') return 'failure';
  if (
    zone.outcome === 'conflict' ||
    zone.outcome === 'drift' ||
    zone.outcome === 'not-checked' ||
    zone.conflicts.length > 0
  )
    return 'warning';
  return zone.outcome === 'changed' ? 'change' : 'info';
}

const SEVERITY_ORDER: readonly Severity[] = ['failure', 'warning', 'change', 'info'];

function runSeverity(zones: readonly ZoneSummary[]): Severity {
  const severities = new Set(zones.map(zoneSeverity));
  return SEVERITY_ORDER.find((severity) => severities.has(severity)) ?? 'info';
}

const EVENT_TITLES: Record<ZoneEvent, string> = {
  failed: 'Reconcile failed',
  conflict: 'Record conflict',
  drift: 'Drift detected',
  repaired: 'Drift repaired',
  created: 'DNS records created',
  updated: 'DNS records updated',
  'cleaned-up': 'DNS records cleaned up',
  'not-checked': 'Not checked (the run ran out of time)',
  unchanged: 'No changes',
};

/** Most severe first, for the run headline. */
const EVENT_COUNT_WORDS: readonly (readonly [ZoneEvent, string])[] = [
  ['failed', 'failed'],
  ['conflict', 'in conflict'],
  ['drift', 'drifted'],
  ['repaired', 'repaired'],
  ['created', 'created'],
  ['updated', 'updated'],
  ['cleaned-up', 'cleaned up'],
  ['not-checked', 'not checked'],
];

/** A title for people: one zone names it; several are counted by what happened. */
export function eventTitle(event: ZoneEvent): string {
  return EVENT_TITLES[event];
}

function headline(zones: readonly ZoneSummary[], unchangedZones: number, dryRun: boolean): string {
  const prefix = dryRun ? 'linkdns (dry run): ' : 'linkdns: ';
  const [only] = zones;
  if (zones.length === 0) return `${prefix}no changes (${plural(unchangedZones, 'zone')} checked)`;
  if (zones.length === 1 && only) return `${prefix}${eventTitle(only.event)} in ${only.domain}`;
  const counts = EVENT_COUNT_WORDS.flatMap(([event, words]) => {
    const count = zones.filter((zone) => zone.event === event).length;
    return count > 0 ? [`${count} ${words}`] : [];
  });
  return `${prefix}${plural(zones.length, 'zone')}: ${counts.join(', ')}`;
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * Hash of the trigger id and what happened to each zone (outcome, exact changes, conflicting names, error class).
 * Timestamps, attempt counts and error messages (which carry request ids) are left out, so a replayed or retried
 * event that ends the same way gets the same id and receivers can drop the duplicate.
 */
function outcomeId(report: RunReport, zones: readonly ZoneSummary[], unchangedZones: number): string {
  const canonical = JSON.stringify({
    trigger: report.trigger.id,
    dryRun: report.dryRun,
    zones: zones.map((zone) => ({
      domain: zone.domain,
      scope: zone.scope,
      zoneId: zone.zoneId ?? null,
      outcome: zone.outcome,
      changes: zone.changes.map(({ action, name, type, ttl, values, previous }) => [
        action,
        name,
        type,
        ttl,
        values,
        previous ?? null,
      ]),
      conflicts: zone.conflicts.map(({ name, type }) => [name, type]),
      error: zone.error?.name ?? null,
    })),
    unchangedZones: zones.length === 0 ? unchangedZones : null,
  });
  return `msg_${createHash('sha256').update(canonical).digest('hex').slice(0, 32)}`;
}
