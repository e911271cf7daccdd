import type { InvocationContext, StorageQueueOutput, Timer } from '@azure/functions';
import { type RunConfigSource, settleFunctionInvocation } from '../confluent/run-config.ts';
import { managedDomains } from '../core/config.ts';
import { ConfigError } from '../core/errors.ts';
import { isWithinDomain } from '../core/model.ts';
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
import { endpointEventMismatch, isCaller, parseResourceEvent, recordSetChange } from './event-grid-events.ts';
import { parsePrivateEndpointId } from './private-endpoint-source.ts';
import { type AzureSettings, FUNCTION_TIMEOUT_SECONDS } from './settings.ts';

/** What a handler did with its trigger. Retryable failures are thrown instead, so Event Grid redelivers. */
export type AzureHandlerResult = InvocationResult;

export interface AzureHandlerDeps {
  readonly endpoints: EndpointSource;
  readonly dns: DnsProvider;
  readonly settings: Pick<AzureSettings, 'config' | 'dnsResourceGroup' | 'identityObjectId' | 'repairDetectOnly'> &
    Partial<Pick<AzureSettings, 'armRequestsPerHour' | 'invocationShare' | 'sweepBatchZones'>>;
  /** The sweep queue's output binding (`output.storageQueue`), where the coordinator writes the batches. */
  readonly sweepQueue?: StorageQueueOutput;
  /** Messages still in the sweep queue ({@link storageQueueDepth}); without it a sweep starts on every tick. */
  readonly sweepBacklog?: (signal?: AbortSignal) => Promise<number>;
  /** Sends each run's report (functions/notify). Optional: without it, reports only go to the logs. */
  readonly notifier?: Notifier;
  /** The configuration per run with discovered mappings (Confluent Cloud); default: the typed configuration. */
  readonly runConfig?: RunConfigSource;
  readonly now?: () => Date;
  /** Budget per invocation before cloud calls are aborted. Default 270 s (host.json allows 300 s). */
  readonly timeoutMs?: number;
}

export interface AzureHandlers {
  privateEndpointEvents(event: unknown, context: InvocationContext): Promise<AzureHandlerResult>;
  privateDnsRecordEvents(event: unknown, context: InvocationContext): Promise<AzureHandlerResult>;
  /** The whole repair in one invocation (small fleets, `linkdns invoke`). */
  scheduledRepair(timer: Timer, context: InvocationContext): Promise<AzureHandlerResult>;
  /** Timer: lists what to check and writes it to the sweep queue in batches (the output binding). */
  repairCoordinator(timer: Timer, context: InvocationContext): Promise<AzureHandlerResult | SweepQueued>;
  /**
   * Storage queue trigger: reconciles one batch, or carries the coordinator's zone listing on and writes what it listed
   * to the sweep queue (its output binding); a throw makes the host retry it, then move it to `<queue>-poison`.
   */
  repairWorker(message: unknown, context: InvocationContext): Promise<AzureHandlerResult | SweepQueued>;
}

/**
 * The three Azure Functions as plain async functions over injected adapters, so tests drive them with real SDK
 * clients against the local Azure and `functions.ts` with the real cloud. Events are hints: every handler re-reads
 * endpoints and zones and reconciles whole (domain, scope) targets (level-triggered).
 */
export function createAzureHandlers(deps: AzureHandlerDeps): AzureHandlers {
  return {
    privateEndpointEvents: (raw, context) =>
      settle(deps, context, 'endpoint-event', async (reconcile, signal, startZonesBefore) => {
        const event = parseResourceEvent(raw);
        const mismatch = endpointEventMismatch(event);
        if (mismatch) return ignored(mismatch);
        // Registries hold lowercased ids; Event Grid subjects and resourceUris vary in casing.
        const endpointId = event.resourceUri.toLowerCase();
        parsePrivateEndpointId(endpointId);
        const trigger = triggerOf('endpoint-event', event.id, `${event.operationName} ${event.resourceUri}`);
        return reconciled(await reconcileEndpoints(trigger, [endpointId], reconcile, { signal, startZonesBefore }));
      }),

    privateDnsRecordEvents: (raw, context) =>
      settle(deps, context, 'zone-event', async (reconcile, signal, startZonesBefore) => {
        const event = parseResourceEvent(raw);
        const change = recordSetChange(event);
        if (typeof change === 'string') return ignored(change);
        // linkdns's own writes come back as events too. Reconciling them would find nothing to change, but costs an
        // invocation and a zone read per write; the caller's object id tells them apart exactly.
        if (isCaller(event, deps.settings.identityObjectId)) {
          return ignored(`record set ${change.type} ${change.relativeName} in ${change.zone} was written by linkdns`);
        }
        if (change.resourceGroup.toLowerCase() !== deps.settings.dnsResourceGroup.toLowerCase()) {
          return ignored(`zone ${change.zone} is in ${change.resourceGroup}, not ${deps.settings.dnsResourceGroup}`);
        }
        if (!managedDomains(reconcile.config).some((domain) => isWithinDomain(change.zone, domain))) {
          return ignored(`zone ${change.zone} is not a managed domain`);
        }
        const trigger = triggerOf('zone-event', event.id, `${event.operationName} ${event.resourceUri}`);
        const zone = (await reconcile.dns.listZones([change.zone], signal)).find(
          (candidate) => candidate.domain === change.zone,
        );
        const records = zone ? await reconcile.dns.readRecords(zone, signal) : [];
        const { targets, endpointsByScope, skipped } = await zoneEditTargets(change.zone, records, reconcile, signal);
        return reconciled(
          await reconcileTargets(trigger, targets, reconcile, {
            signal,
            startZonesBefore,
            skipped,
            ...(endpointsByScope ? { endpointsByScope } : {}),
          }),
        );
      }),

    scheduledRepair: (timer, context) =>
      settle(deps, context, 'schedule', async (reconcile, signal, startZonesBefore) => {
        if (timer.isPastDue) reconcile.log?.warn('scheduled repair is running late', {});
        const trigger = triggerOf('schedule', context.invocationId, 'scheduled drift repair');
        return reconciled(
          await repairAll(trigger, reconcile, { signal, startZonesBefore, dryRun: deps.settings.repairDetectOnly }),
        );
      }),

    repairCoordinator: (timer, context) =>
      settle<AzureHandlerResult | SweepQueued>(
        deps,
        context,
        'schedule',
        async (reconcile, signal, before) => {
          const queue = sweepQueueOf(deps, context);
          if (!queue)
            throw new ConfigError('the function app', ['the coordinator needs the sweep queue output binding']);
          if (timer.isPastDue) reconcile.log?.warn('scheduled repair is running late', {});
          // Oldest first without a state store, as on AWS: no new sweep until the previous one has been worked through.
          const backlog = (await deps.sweepBacklog?.(signal)) ?? 0;
          if (backlog > 0) return ignored(`the previous sweep still has ${backlog} batch(es) queued or in flight`);
          // Nothing is listed after the share of the timeout; a worker carries the zone listing on from there.
          return (await startSweep(reconcile, queue, { signal, before })).queued;
        },
        { startZonesWithinMs: invocationShareMs(deps.settings.invocationShare, FUNCTION_TIMEOUT_SECONDS) },
      ),

    repairWorker: (message, context) =>
      settle<AzureHandlerResult | SweepQueued>(
        deps,
        context,
        'schedule',
        async (reconcile, signal, startZonesBefore) => {
          const { id, dequeueCount } = (context.triggerMetadata ?? {}) as { id?: unknown; dequeueCount?: unknown };
          const delivery = {
            id: typeof id === 'string' ? id : context.invocationId,
            attempt: `dequeue ${Number(dequeueCount ?? 1)}`,
          };
          const options = { signal, startZonesBefore, dryRun: deps.settings.repairDetectOnly };
          const done = await runSweepMessage(message, delivery, reconcile, sweepQueueOf(deps, context), options);
          return sweepMessageResult(done);
        },
        {
          retryUnchecked: true,
          startZonesWithinMs: invocationShareMs(deps.settings.invocationShare, FUNCTION_TIMEOUT_SECONDS),
        },
      ),
  };
}

/**
 * The sweep queue through the function's output binding: the host writes each array element as one queue message
 * once the function returns (Azure Functions queue output binding: "to write multiple messages, set the output to an
 * array"), and writes nothing when it throws.
 */
function sweepQueueOf(deps: AzureHandlerDeps, context: InvocationContext): SweepQueue | undefined {
  const output = deps.sweepQueue;
  if (!output) return undefined;
  return {
    batchSize: sweepBatchSize(deps.settings),
    send: async (bodies) => context.extraOutputs.set(output, bodies),
  };
}

/**
 * Zones per sweep message: the setting, else what one worker checks within its share of the function timeout at the
 * instance's ARM rate (1 request/s when no limit is set).
 */
export function sweepBatchSize(settings: AzureHandlerDeps['settings']): number {
  return (
    settings.sweepBatchZones ??
    zonesPerInvocation({
      timeoutSeconds: FUNCTION_TIMEOUT_SECONDS,
      share: settings.invocationShare ?? 0.5,
      requestsPerSecond: (settings.armRequestsPerHour ?? 3600) / 3600,
    })
  );
}

/**
 * Runs one invocation through {@link settleInvocation}: Event Grid redelivers, and the queue trigger retries, what is
 * thrown. `startZonesWithinMs` bounds when zones may still be started (a sweep batch: its share of the timeout).
 */
async function settle<Result extends AzureHandlerResult | SweepQueued = AzureHandlerResult>(
  deps: AzureHandlerDeps,
  context: InvocationContext,
  kind: Trigger['kind'],
  work: (reconcile: ReconcileDeps, signal: AbortSignal, startZonesBefore: Date) => Promise<Result>,
  options: { readonly retryUnchecked?: boolean; readonly startZonesWithinMs?: number } = {},
): Promise<AzureHandlerResult | Result> {
  const invocation = { kind, budgetMs: deps.timeoutMs ?? 270_000, log: invocationLog(context) };
  return settleFunctionInvocation({ ...deps, config: deps.settings.config }, invocation, work, options);
}

function invocationLog(context: InvocationContext): ChangeLog {
  return {
    debug: (message, attributes) => context.debug(message, attributes ?? {}),
    info: (message, attributes) => context.info(message, attributes ?? {}),
    warn: (message, attributes) => context.warn(message, attributes ?? {}),
    error: (message, attributes) => context.error(message, attributes ?? {}),
  };
}

function triggerOf(kind: Trigger['kind'], id: string, description: string): Trigger {
  return { kind, id, description };
}
