import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import { ConfigError } from '../../core/errors.ts';
import { startSweep } from '../../core/sweep.ts';
import type { AwsRuntime } from '../runtime.ts';
import { sqsSweepQueue } from '../sweep-queue.ts';
import { lazyRuntime } from './lazy-runtime.ts';

/** What the coordinator did. */
export interface CoordinatorResult {
  readonly items: number;
  readonly messages: number;
  readonly batchSize: number;
  /** Listings (zones, endpoints) stopped at the share of the timeout: as many of the messages tell a worker to go on. */
  readonly continuations: number;
  /** Zones queued for their registry to be read (no endpoint target matched them), and VPCs not looked up in time. */
  readonly zoneItems?: number;
  readonly scopesNotLookedUp?: number;
  /** Set when the previous sweep is still being worked through: nothing was sent. */
  readonly skipped?: string;
}

/**
 * The scheduled repair's coordinator: lists what to check ({@link startSweep}) and sends it to the sweep queue in
 * batches a worker finishes within its share of the timeout; the worker function (SQS event source, retries,
 * dead-letter queue) does the zone work. A zone listing not done within the coordinator's share is carried on by a
 * worker, so the coordinator's time does not grow with the number of zones either.
 *
 * Oldest first without a state store: a new sweep starts only once the queue is empty, so every zone of the previous
 * sweep has been checked (or dead-lettered and reported) before any zone is checked twice, and a zone waits at most one
 * sweep plus one schedule period. Tracking last-checked in the registry TXT would cost a Route 53 write per zone per
 * sweep against the same budget the repair needs; a table would be one more store to secure and pay for.
 */
export async function handleRepairCoordinator(
  runtime: AwsRuntime,
  signal?: AbortSignal,
  remainingTimeMs?: number,
): Promise<CoordinatorResult> {
  const queueUrl = runtime.settings.LINKDNS_SWEEP_QUEUE_URL;
  if (!queueUrl) throw new ConfigError('the environment', ['LINKDNS_SWEEP_QUEUE_URL: is required by the coordinator']);
  const queue = sqsSweepQueue(runtime, queueUrl, signal);
  const { Attributes } = await runtime.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
    { abortSignal: signal },
  );
  const backlog =
    Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
  if (backlog > 0) {
    const skipped = `the previous sweep still has ${backlog} batch(es) queued or in flight`;
    runtime.logger.info('sweep not started', { reason: skipped });
    return { items: 0, messages: 0, batchSize: queue.batchSize, continuations: 0, skipped };
  }
  // The listings and the look-ups by VPC stop at the invocation's share of its time, so that neither tens of thousands
  // of zones or endpoints nor thousands of VPCs can run it into its timeout; workers carry the listings on.
  const before =
    remainingTimeMs === undefined
      ? undefined
      : new Date(runtime.deps.now().getTime() + runtime.settings.LINKDNS_INVOCATION_SHARE * remainingTimeMs);
  const { queued: started, plan } = await startSweep(runtime.deps, queue, {
    ...(signal ? { signal } : {}),
    ...(before ? { before } : {}),
    concurrency: runtime.settings.LINKDNS_ZONE_CONCURRENCY,
  });
  if (plan.scopesNotLookedUp > 0) {
    runtime.logger.warn(
      'zones of some VPCs not looked up within the share of the timeout: their workers look them up',
      {
        scopesNotLookedUp: plan.scopesNotLookedUp,
        hint: 'raise the construct props repairTimeout or route53Share',
      },
    );
  }
  runtime.metrics.addMetric('SweepItems', MetricUnit.Count, started.items);
  runtime.metrics.addMetric('SweepBatches', MetricUnit.Count, started.batches);
  runtime.logger.info('sweep started', {
    items: started.items,
    endpointTargets: plan.targets,
    zoneItems: plan.zoneItems,
    scopesNotLookedUp: plan.scopesNotLookedUp,
    batches: started.batches,
    batchSize: started.batchSize,
    // A worker lists the rest of the zones from here and queues them, a share of its timeout at a time.
    ...(plan.listZonesFrom === undefined ? {} : { zoneListingContinuesFrom: plan.listZonesFrom }),
    ...(plan.listEndpointsFrom === undefined ? {} : { endpointListingContinuesFrom: plan.listEndpointsFrom }),
  });
  return {
    items: started.items,
    messages: started.batches + started.continuations,
    batchSize: started.batchSize,
    continuations: started.continuations,
    zoneItems: plan.zoneItems,
    scopesNotLookedUp: plan.scopesNotLookedUp,
  };
}

const { logger, metrics, runtime } = lazyRuntime();

export const handler = middy({ timeoutEarlyInMillis: 5_000 })
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async (_event: unknown, context, { signal }) =>
    handleRepairCoordinator(await runtime(), signal, context.getRemainingTimeInMillis()),
  );
