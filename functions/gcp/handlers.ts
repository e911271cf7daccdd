import { z } from 'zod';
import { type RunConfigSource, settleFunctionInvocation } from '../confluent/run-config.ts';
import { managedDomains } from '../core/config.ts';
import { ConfigError, InvalidInputError } from '../core/errors.ts';
import type { ChangeLog, DnsProvider, EndpointSource, Notifier } from '../core/ports.ts';
import {
  type ReconcileDeps,
  reconcileEndpoints,
  reconcileTargets,
  repairAll,
  zoneEditTargets,
} from '../core/reconcile.ts';
import type { Trigger } from '../core/report.ts';
import { runSweepMessage, type SweepQueue, startSweep, zonesPerInvocation } from '../core/sweep.ts';
import {
  type InvocationResult,
  ignored,
  invocationShareMs,
  reconciled,
  type SweepQueued,
  settleInvocation,
  sweepMessageResult,
} from '../invocation.ts';
import { forwardingRuleOf, isCaller, parseAuditLogEvent, recordChangeOf } from './audit-log-events.ts';
import type { SubscriptionBacklog } from './pubsub-backlog.ts';
import { FUNCTION_TIMEOUT_SECONDS, type GcpSettings } from './settings.ts';

/** What a handler did with its event. Retryable failures are thrown instead, so Eventarc redelivers. */
export type GcpHandlerResult = InvocationResult;

export interface GcpHandlerDeps {
  readonly endpoints: EndpointSource;
  readonly dns: DnsProvider;
  readonly settings: Pick<GcpSettings, 'config' | 'serviceAccount' | 'repairDetectOnly'> &
    Partial<Pick<GcpSettings, 'projectIds' | 'requestsPerMinute' | 'invocationShare' | 'sweepBatchZones'>>;
  /** Where the coordinator, and a worker carrying the zone listing on, publish the sweep (a {@link PubSubTopic}). */
  readonly sweepTopic?: {
    publish(bodies: readonly string[], attributes?: Record<string, string>, signal?: AbortSignal): Promise<unknown>;
  };
  /**
   * Messages the worker's subscription still holds ({@link PubSubBacklog}); without it a sweep starts on every tick.
   */
  readonly sweepBacklog?: { read(signal?: AbortSignal): Promise<SubscriptionBacklog> };
  /** Sends each run's report (functions/notify). Optional: without it, reports only go to the logs. */
  readonly notifier?: Notifier;
  /** The configuration per run with discovered mappings (Confluent Cloud); default: the typed configuration. */
  readonly runConfig?: RunConfigSource;
  /** Where log lines go. Default: {@link structuredLog} (JSON lines Cloud Logging reads as structured entries). */
  readonly log?: ChangeLog;
  readonly now?: () => Date;
  /** Budget per invocation before cloud calls are aborted. Default 240 s (deploy with `--timeout=300s`). */
  readonly timeoutMs?: number;
}

export interface GcpHandlers {
  /** Eventarc audit-log trigger on `compute.googleapis.com` forwarding-rule insert / delete. */
  forwardingRuleEvents(event: unknown): Promise<GcpHandlerResult>;
  /** Eventarc audit-log trigger on `dns.googleapis.com` `dns.changes.create`: repairs a zone someone edited. */
  cloudDnsRecordEvents(event: unknown): Promise<GcpHandlerResult>;
  /** Cloud Scheduler → Pub/Sub → Eventarc: the whole drift repair in one invocation (no sweep topic configured). */
  scheduledRepair(event: unknown): Promise<GcpHandlerResult>;
  /** Cloud Scheduler → Pub/Sub → Eventarc: lists what to check and publishes it to the sweep topic in batches. */
  repairCoordinator(event: unknown): Promise<GcpHandlerResult | SweepQueued>;
  /**
   * Eventarc Pub/Sub trigger on the sweep topic: reconciles one batch, or carries the coordinator's zone listing on and
   * publishes what it listed to the sweep topic; a throw is a nack (retry, then dead letter).
   */
  repairWorker(event: unknown): Promise<GcpHandlerResult | SweepQueued>;
}

const scheduleEvent = z.looseObject({ id: z.string().min(1), type: z.string().min(1) });

/**
 * The CloudEvent Eventarc delivers for a Pub/Sub message (`google.cloud.pubsub.topic.v1.messagePublished`): `data` is
 * the push body, `{ message: { data (base64), attributes, messageId, publishTime }, subscription }`
 * (https://cloud.google.com/eventarc/docs/cloudevents, Pub/Sub "Receive messages using push").
 */
const messagePublishedEvent = z.looseObject({
  id: z.string().min(1),
  type: z.literal('google.cloud.pubsub.topic.v1.messagePublished'),
  data: z.looseObject({
    message: z.looseObject({ data: z.base64(), messageId: z.string().optional() }),
    deliveryAttempt: z.number().int().optional(),
  }),
});

/**
 * The three Cloud Functions as plain async functions over injected adapters, so tests drive them with the real HTTP
 * client against the local cloud and `functions.ts` with Google's APIs. Events are hints: every handler re-reads
 * forwarding rules and zones and reconciles whole (domain, network) targets (level-triggered).
 */
export function createGcpHandlers(deps: GcpHandlerDeps): GcpHandlers {
  return {
    forwardingRuleEvents: (raw) =>
      settle(deps, 'endpoint-event', async (reconcile, signal, startZonesBefore) => {
        const event = parseAuditLogEvent(raw);
        const rule = forwardingRuleOf(event, deps.settings.projectIds);
        if (typeof rule !== 'string') return ignored(rule.ignored);
        const trigger = triggerOf('endpoint-event', event.id, `${event.methodName} ${event.resourceName}`);
        return reconciled(await reconcileEndpoints(trigger, [rule], reconcile, { signal, startZonesBefore }));
      }),

    cloudDnsRecordEvents: (raw) =>
      settle(deps, 'zone-event', async (reconcile, signal, startZonesBefore) => {
        const event = parseAuditLogEvent(raw);
        const change = recordChangeOf(event);
        if ('ignored' in change) return ignored(change.ignored);
        // linkdns's own writes come back as audit-log entries too. Reconciling them would find nothing to change, but
        // costs an invocation and zone reads per write; the caller's email tells them apart exactly.
        if (isCaller(event, deps.settings.serviceAccount)) {
          return ignored(`change to zone ${change.zoneName} was made by linkdns (${event.principalEmail})`);
        }
        const zone = (await reconcile.dns.listZones(managedDomains(reconcile.config), signal)).find(
          (candidate) => candidate.id === change.zoneName,
        );
        if (!zone) return ignored(`zone ${change.zoneName} is not a private zone of a managed domain`);
        const trigger = triggerOf(
          'zone-event',
          event.id,
          `${event.methodName} ${event.resourceName ?? change.zoneName}`,
        );
        const records = await reconcile.dns.readRecords(zone, signal);
        const { targets, endpointsByScope, skipped } = await zoneEditTargets(zone.domain, records, reconcile, signal);
        return reconciled(
          await reconcileTargets(trigger, targets, reconcile, {
            signal,
            startZonesBefore,
            skipped,
            knownRecords: new Map([[zone.id, records]]),
            ...(endpointsByScope ? { endpointsByScope } : {}),
          }),
        );
      }),

    scheduledRepair: (raw) =>
      settle(deps, 'schedule', async (reconcile, signal, startZonesBefore) => {
        const parsed = scheduleEvent.safeParse(raw);
        if (!parsed.success) throw new InvalidInputError(`Malformed scheduler CloudEvent: ${parsed.error.message}`);
        const trigger = triggerOf('schedule', parsed.data.id, 'scheduled drift repair');
        return reconciled(
          await repairAll(trigger, reconcile, { signal, startZonesBefore, dryRun: deps.settings.repairDetectOnly }),
        );
      }),

    repairCoordinator: (raw) =>
      settle<GcpHandlerResult | SweepQueued>(
        deps,
        'schedule',
        async (reconcile, signal, before) => {
          const queue = sweepQueueOf(deps, signal);
          if (!queue) throw new ConfigError('environment', ['LINKDNS_SWEEP_TOPIC: is required by the coordinator']);
          const parsed = scheduleEvent.safeParse(raw);
          if (!parsed.success) throw new InvalidInputError(`Malformed scheduler CloudEvent: ${parsed.error.message}`);
          // Oldest first without a state store, as on Azure: no new sweep until the previous one has drained, so every
          // zone is checked before any is checked twice and sweeps never pile up behind a slow one. A failed read
          // throws, as on Azure: no sweep starts and the run fails loudly (an ERROR log line; a 5xx that outlasted the
          // retries also fails the function); the next tick reads again. Starting anyway would make the hold vanish unnoticed exactly when it is broken.
          const backlog = await deps.sweepBacklog?.read(signal);
          if (backlog?.messages !== undefined && backlog.messages > 0) {
            return ignored(
              `the previous sweep still has ${backlog.messages} batch(es) queued or in flight (Pub/Sub backlog sampled at ${backlog.sampledAt})`,
            );
          }
          if (backlog?.messages === undefined && backlog) {
            // No sample is not "empty" (Pub/Sub's metrics have gaps), but holding on it could skip every repair without
            // an error if samples never come (a subscription that was renamed); an overlapping sweep only checks zones
            // twice, which is harmless. So the sweep starts, and the warning says the hold could not be applied.
            reconcile.log?.warn(`starting the sweep without knowing the previous one's backlog: ${backlog.reason}`, {});
          }
          // Nothing is listed after the share of the timeout; a worker carries the zone listing on from there.
          return (await startSweep(reconcile, queue, { signal, before })).queued;
        },
        { startZonesWithinMs: invocationShareMs(deps.settings.invocationShare, FUNCTION_TIMEOUT_SECONDS) },
      ),

    repairWorker: (raw) =>
      settle<GcpHandlerResult | SweepQueued>(
        deps,
        'schedule',
        async (reconcile, signal, startZonesBefore) => {
          const parsed = messagePublishedEvent.safeParse(raw);
          if (!parsed.success) throw new InvalidInputError(`Malformed Pub/Sub CloudEvent: ${parsed.error.message}`);
          const { message, deliveryAttempt } = parsed.data.data;
          const body = Buffer.from(message.data, 'base64').toString('utf8');
          const delivery = { id: message.messageId ?? parsed.data.id, attempt: `delivery ${deliveryAttempt ?? 1}` };
          const options = { signal, startZonesBefore, dryRun: deps.settings.repairDetectOnly };
          const done = await runSweepMessage(body, delivery, reconcile, sweepQueueOf(deps, signal), options);
          return sweepMessageResult(done);
        },
        {
          retryUnchecked: true,
          startZonesWithinMs: invocationShareMs(deps.settings.invocationShare, FUNCTION_TIMEOUT_SECONDS),
        },
      ),
  };
}

/** The sweep topic as the core sends to it: every body one message, marked as linkdns's sweep. */
function sweepQueueOf(deps: GcpHandlerDeps, signal: AbortSignal): SweepQueue | undefined {
  const topic = deps.sweepTopic;
  if (!topic) return undefined;
  return {
    batchSize: sweepBatchSize(deps.settings),
    send: (bodies) => topic.publish(bodies, { linkdnsSweep: '1' }, signal),
  };
}

/**
 * Zones per sweep message: the setting, else what one worker checks within its share of the function timeout at the
 * instance's request rate (1 request/s when no limit is set).
 */
export function sweepBatchSize(settings: GcpHandlerDeps['settings']): number {
  return (
    settings.sweepBatchZones ??
    zonesPerInvocation({
      timeoutSeconds: FUNCTION_TIMEOUT_SECONDS,
      share: settings.invocationShare ?? 0.5,
      requestsPerSecond: (settings.requestsPerMinute ?? 60) / 60,
    })
  );
}

/**
 * Runs one invocation through {@link settleInvocation}: Eventarc redelivers (with `--retry`) what is thrown.
 * `startZonesWithinMs` bounds when zones may still be started (a sweep batch: its share of the timeout).
 */
async function settle<Result extends GcpHandlerResult | SweepQueued = GcpHandlerResult>(
  deps: GcpHandlerDeps,
  kind: Trigger['kind'],
  work: (reconcile: ReconcileDeps, signal: AbortSignal, startZonesBefore: Date) => Promise<Result>,
  options: { readonly retryUnchecked?: boolean; readonly startZonesWithinMs?: number } = {},
): Promise<GcpHandlerResult | Result> {
  const invocation = { kind, budgetMs: deps.timeoutMs ?? 240_000, log: deps.log ?? structuredLog() };
  return settleFunctionInvocation({ ...deps, config: deps.settings.config }, invocation, work, options);
}

/**
 * Log lines as JSON on stdout, which Cloud Run functions turn into structured Cloud Logging entries (`severity`,
 * `message`, the rest as `jsonPayload`).
 */
export function structuredLog(write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): ChangeLog {
  const line = (severity: string) => (message: string, attributes?: Record<string, unknown>) =>
    write(JSON.stringify({ severity, message, ...attributes }));
  return { debug: line('DEBUG'), info: line('INFO'), warn: line('WARNING'), error: line('ERROR') };
}

function triggerOf(kind: Trigger['kind'], id: string, description: string): Trigger {
  return { kind, id, description };
}
