import type { Changes, Conflict } from './plan.ts';

/** What started a run: a cloud event, the schedule, a zone edit, or a person at the CLI. */
export interface Trigger {
  readonly kind: 'endpoint-event' | 'zone-event' | 'schedule' | 'cli';
  /** Event id (CloudTrail eventID, Event Grid id) or a run id; used to de-duplicate notifications. */
  readonly id: string;
  readonly description: string;
}

export type ZoneOutcome = 'unchanged' | 'changed' | 'drift' | 'conflict' | 'failed' | 'not-checked';

export interface ErrorSummary {
  readonly name: string;
  readonly message: string;
  readonly retryable: boolean;
}

/** The result of reconciling one (domain, scope). */
export interface ZoneReport {
  readonly domain: string;
  readonly scope: string;
  readonly zoneId?: string;
  /**
   * `changed`: changes were applied. `drift`: changes are needed but were not applied (dry run, detect-only).
   * `conflict`: nothing to change but records linkdns would write are held by someone else.
   * `not-checked`: not started because the invocation's time was running out; the next run (or the retried event)
   * checks it. Neither read nor written, so not a failure.
   */
  readonly outcome: ZoneOutcome;
  readonly changes: Changes;
  readonly conflicts: readonly Conflict[];
  readonly endpoints: readonly string[];
  readonly attempts: number;
  readonly error?: ErrorSummary;
}

export interface RunReport {
  readonly trigger: Trigger;
  readonly dryRun: boolean;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly zones: readonly ZoneReport[];
  /** Present when mappings were discovered from a provider's API (Confluent Cloud) for this run. */
  readonly discovery?: DiscoverySummary;
  /** Endpoints met in this run that no mapping (or allowed tag) selects: left alone, never a failure. */
  readonly endpointsSkipped?: number;
}

/** What a run's mapping discovery found and cost. */
export interface DiscoverySummary {
  readonly source: 'confluent';
  readonly environments: readonly string[];
  readonly mappings: number;
  /** Networks and attachments that contributed nothing, with the reason (not READY yet, no PrivateLink, …). */
  readonly skipped: readonly { readonly id: string; readonly reason: string }[];
  /** Networks and attachments an earlier discovery of this instance listed and this one did not. */
  readonly vanished: readonly string[];
  /** API requests this run sent for discovery (0 when a recent discovery was reused). */
  readonly apiCalls: number;
  readonly cached: boolean;
}

export function summarizeError(error: unknown): ErrorSummary {
  if (error instanceof Error) {
    return {
      name: error.name,
      message: error.message,
      retryable: 'retryable' in error && (error as { retryable?: unknown }).retryable === true,
    };
  }
  return { name: 'Error', message: String(error), retryable: false };
}

/** Counts for logs, metrics and notifications. */
export function summarizeRun(report: RunReport): {
  zones: number;
  unchanged: number;
  changed: number;
  drift: number;
  conflicts: number;
  failed: number;
  notChecked: number;
  recordChanges: number;
  endpointsSkipped: number;
} {
  const count = (outcome: ZoneOutcome) => report.zones.filter((zone) => zone.outcome === outcome).length;
  return {
    zones: report.zones.length,
    unchanged: count('unchanged'),
    changed: count('changed'),
    drift: count('drift'),
    conflicts: report.zones.reduce((sum, zone) => sum + zone.conflicts.length, 0),
    failed: count('failed'),
    notChecked: count('not-checked'),
    recordChanges: report.zones.reduce(
      (sum, zone) => sum + zone.changes.create.length + zone.changes.update.length + zone.changes.delete.length,
      0,
    ),
    endpointsSkipped: report.endpointsSkipped ?? 0,
  };
}
