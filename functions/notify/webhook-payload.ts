import type { RunSummary } from './run-summary.ts';

/** Bumped when a field changes meaning or disappears; adding fields does not bump it. */
export const WEBHOOK_PAYLOAD_VERSION = 1;

/** Event type of every linkdns webhook; `data.severity` and `data.zones[].event` say what happened. */
export const WEBHOOK_EVENT_TYPE = 'linkdns.run.completed';

/**
 * The generic webhook body, shaped as the Standard Webhooks convention recommends (`type`, `timestamp`, `data`) and
 * described field by field in `webhook-payload.schema.json`. `data.id` equals the `webhook-id` header.
 */
export interface WebhookPayload {
  readonly type: typeof WEBHOOK_EVENT_TYPE;
  readonly timestamp: string;
  readonly data: {
    readonly version: typeof WEBHOOK_PAYLOAD_VERSION;
    readonly id: string;
    readonly headline: string;
    readonly severity: RunSummary['severity'];
    readonly dryRun: boolean;
    readonly trigger: RunSummary['trigger'];
    readonly startedAt: string;
    readonly finishedAt: string;
    readonly unchangedZones: number;
    readonly filteredZones: number;
    readonly zones: RunSummary['zones'];
  };
}

/** The body for a summary. Unlike the chat messages nothing is truncated: receivers are programs. */
export function webhookPayload(summary: RunSummary): WebhookPayload {
  return {
    type: WEBHOOK_EVENT_TYPE,
    timestamp: summary.finishedAt,
    data: {
      version: WEBHOOK_PAYLOAD_VERSION,
      id: summary.id,
      headline: summary.headline,
      severity: summary.severity,
      dryRun: summary.dryRun,
      trigger: { kind: summary.trigger.kind, id: summary.trigger.id, description: summary.trigger.description },
      startedAt: summary.startedAt,
      finishedAt: summary.finishedAt,
      unchangedZones: summary.unchangedZones,
      filteredZones: summary.filteredZones,
      zones: summary.zones,
    },
  };
}
