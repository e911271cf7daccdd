import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { GetQueueAttributesCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import { ConfigError } from '../../core/errors.ts';
import { encodeSweepBatch, planSweep, sweepBatches, zonesPerInvocation } from '../../core/sweep.ts';
import type { AwsRuntime } from '../runtime.ts';
import { lazyRuntime } from './lazy-runtime.ts';

/** What the coordinator did. */
export interface CoordinatorResult {
  readonly items: number;
  readonly messages: number;
  readonly batchSize: number;
  /** Set when the previous sweep is still being worked through: nothing was sent. */
  readonly skipped?: string;
}

/** SQS accepts at most 10 entries per SendMessageBatch. */
const SQS_BATCH_ENTRIES = 10;

/**
 * The scheduled repair's coordinator: lists what to check ({@link planSweep}) and sends it to the sweep queue in
 * batches a worker finishes within its share of the timeout; the worker function (SQS event source, retries,
 * dead-letter queue) does the zone work.
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
  const batchSize =
    runtime.settings.LINKDNS_SWEEP_BATCH_ZONES ??
    zonesPerInvocation({
      timeoutSeconds: runtime.settings.LINKDNS_WORKER_TIMEOUT_SECONDS,
      share: runtime.settings.LINKDNS_INVOCATION_SHARE,
      requestsPerSecond: runtime.settings.LINKDNS_ROUTE53_RATE,
    });
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
    return { items: 0, messages: 0, batchSize, skipped };
  }
  // Zone look-ups by VPC stop at the invocation's share of its time, so that many VPCs cannot run it into its timeout.
  const lookUpScopesBefore =
    remainingTimeMs === undefined
      ? undefined
      : new Date(runtime.deps.now().getTime() + runtime.settings.LINKDNS_INVOCATION_SHARE * remainingTimeMs);
  const plan = await planSweep(runtime.deps, signal, runtime.settings.LINKDNS_ZONE_CONCURRENCY, lookUpScopesBefore);
  if (plan.scopesNotLookedUp > 0) {
    runtime.logger.warn(
      'zones of some VPCs not looked up within the share of the timeout: their workers look them up',
      {
        scopesNotLookedUp: plan.scopesNotLookedUp,
        hint: 'raise the construct props repairTimeout or route53Share',
      },
    );
  }
  const batches = sweepBatches(plan.items, batchSize);
  for (let start = 0; start < batches.length; start += SQS_BATCH_ENTRIES) {
    const entries = batches.slice(start, start + SQS_BATCH_ENTRIES).map((batch, index) => ({
      Id: String(start + index),
      MessageBody: encodeSweepBatch(batch),
    }));
    const result = await runtime.sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }), {
      abortSignal: signal,
    });
    if (result.Failed && result.Failed.length > 0) {
      // Thrown so the schedule retries the coordinator; batches sent already are checked twice at worst (idempotent).
      throw new Error(`SQS refused ${result.Failed.length} sweep batch(es): ${result.Failed[0]?.Message ?? ''}`);
    }
  }
  runtime.metrics.addMetric('SweepItems', MetricUnit.Count, plan.items.length);
  runtime.metrics.addMetric('SweepBatches', MetricUnit.Count, batches.length);
  runtime.logger.info('sweep started', {
    items: plan.items.length,
    endpointTargets: plan.targets,
    zoneItems: plan.zoneItems,
    scopesNotLookedUp: plan.scopesNotLookedUp,
    batches: batches.length,
    batchSize,
  });
  return { items: plan.items.length, messages: batches.length, batchSize };
}

const { logger, metrics, runtime } = lazyRuntime();

export const handler = middy({ timeoutEarlyInMillis: 5_000 })
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async (_event: unknown, context, { signal }) =>
    handleRepairCoordinator(await runtime(), signal, context.getRemainingTimeInMillis()),
  );
