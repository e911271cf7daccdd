import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { SQSEvent } from 'aws-lambda';
import { InvalidInputError } from '../../core/errors.ts';
import type { RunReport } from '../../core/report.ts';
import {
  continueSweep,
  decodeSweepBody,
  handBackUnstarted,
  type ListingContinuation,
  runSweepBatch,
  type SweepMessage,
  type SweepQueue,
  type SweepQueued,
} from '../../core/sweep.ts';
import { RetryableRunError, startZonesBefore } from '../../invocation.ts';
import { type AwsRuntime, finishRun } from '../runtime.ts';
import { sqsSweepQueue } from '../sweep-queue.ts';
import { lazyRuntime } from './lazy-runtime.ts';

/** Lambda's partial batch response (the event source mapping sets `ReportBatchItemFailures`). */
export interface WorkerResult {
  readonly batchItemFailures: { readonly itemIdentifier: string }[];
  readonly reports: readonly RunReport[];
  /** Zones not started within the share that were sent back to the sweep queue (none were reported failed). */
  readonly handedBack: number;
  /** What messages carrying a listing on queued (their batches and the next continuation). */
  readonly listed: readonly SweepQueued[];
}

/**
 * The repair's worker: each SQS message is one batch of the sweep, reconciled by {@link runSweepBatch}. A batch with
 * a zone that failed for a retryable reason is reported in `batchItemFailures`, so SQS redelivers that message alone
 * (after the visibility timeout) and, after `maxReceiveCount` receives, moves it to the dead-letter queue — the other
 * messages of the event, and every other zone, are not held back. Zones not started within the invocation's share of
 * the timeout go back to the queue as a batch of their own ({@link handBack}). Each batch is notified and measured like
 * a run. A message carrying the coordinator's zone or endpoint listing on is listed on and queued
 * ({@link carryListingOn}).
 */
export async function handleRepairWorker(
  event: SQSEvent,
  runtime: AwsRuntime,
  signal?: AbortSignal,
  remainingTimeMs?: number,
): Promise<WorkerResult> {
  const failures: { itemIdentifier: string }[] = [];
  const reports: RunReport[] = [];
  let handedBack = 0;
  const listed: SweepQueued[] = [];
  // No zone starts after the invocation's share of the timeout, as on Azure and Google: batches are sized for it at 3
  // Route 53 calls a zone, and a batch that costs more (zones found through their registry, drift in every zone) hands
  // what it did not start back to the queue rather than run on towards the timeout.
  const timeoutMs = runtime.settings.LINKDNS_WORKER_TIMEOUT_SECONDS * 1000;
  const cutoff = startZonesBefore(
    runtime.deps.now(),
    remainingTimeMs ?? timeoutMs,
    runtime.settings.LINKDNS_INVOCATION_SHARE * timeoutMs,
  );
  const queueUrl = runtime.settings.LINKDNS_SWEEP_QUEUE_URL;
  const queue = queueUrl ? sqsSweepQueue(runtime, queueUrl, signal) : undefined;
  for (const record of event.Records ?? []) {
    let message: SweepMessage;
    try {
      message = decodeSweepBody(record.body);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      // A malformed message would fail the same way every time: logged, not retried.
      runtime.logger.error('sweep message rejected', { messageId: record.messageId, error: error.message });
      continue;
    }
    if (!('batch' in message)) {
      const queued = await carryListingOn(runtime, message, queue, record.messageId, cutoff, signal);
      if (queued === 'redeliver') failures.push({ itemIdentifier: record.messageId });
      else if (queued) listed.push(queued);
      continue;
    }
    const items = message.batch;
    const trigger = {
      kind: 'schedule' as const,
      id: `sweep-${record.messageId}`,
      description: `scheduled repair, batch of ${items.length} (receive ${record.attributes?.ApproximateReceiveCount ?? 1})`,
    };
    const report = await runSweepBatch(trigger, items, runtime.deps, {
      dryRun: runtime.settings.LINKDNS_REPAIR_MODE === 'detect-only',
      concurrency: runtime.settings.LINKDNS_ZONE_CONCURRENCY,
      ...(signal ? { signal } : {}),
      startZonesBefore: cutoff,
    });
    reports.push(report);
    let redeliver = false;
    try {
      await finishRun(runtime, report, signal);
    } catch (error) {
      if (!(error instanceof RetryableRunError)) throw error;
      redeliver = true;
    }
    const handed = redeliver ? undefined : await handBack(runtime, report, queue, record.messageId);
    if (handed === undefined) failures.push({ itemIdentifier: record.messageId });
    else handedBack += handed;
  }
  return { batchItemFailures: failures, reports, handedBack, listed };
}

/**
 * Sends the zones a batch did not start back to the sweep queue ({@link handBackUnstarted}) and says how many went.
 * Undefined when that cannot be done (no queue configured, SQS refused): the caller then reports the message failed
 * and SQS redelivers all of it.
 */
async function handBack(
  runtime: AwsRuntime,
  report: RunReport,
  queue: SweepQueue | undefined,
  messageId: string,
): Promise<number | undefined> {
  const unstarted = report.zones.filter((zone) => zone.outcome === 'not-checked').length;
  if (unstarted === 0) return 0;
  try {
    if (!queue) throw new Error('LINKDNS_SWEEP_QUEUE_URL is not set');
    const { handedBack } = await handBackUnstarted(report, queue);
    runtime.logger.info('zones not started handed back to the sweep queue', { messageId, zones: handedBack });
    return handedBack;
  } catch (error) {
    runtime.logger.warn('zones not started could not be handed back; the whole batch is redelivered', {
      messageId,
      zones: unstarted,
      error: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
}

/**
 * Carries the sweep's zone or endpoint listing on from its cursor until the invocation's share of its timeout, and
 * queues what it listed ({@link continueSweep}). `redeliver` when SQS should deliver the message again (then dead-letter it, with the
 * alarm): the listing is idempotent, and batches queued twice are checked twice at worst. A cursor the provider refuses
 * is logged and dropped (undefined) like any malformed message: the next sweep lists those zones again.
 */
async function carryListingOn(
  runtime: AwsRuntime,
  continuation: ListingContinuation,
  queue: SweepQueue | undefined,
  messageId: string,
  cutoff: Date,
  signal?: AbortSignal,
): Promise<SweepQueued | 'redeliver' | undefined> {
  try {
    const queued = await continueSweep(runtime.deps, continuation, queue, {
      ...(signal ? { signal } : {}),
      startZonesBefore: cutoff,
    });
    runtime.logger.info('sweep listing carried on', { messageId, ...continuation, ...queued });
    return queued;
  } catch (error) {
    if (error instanceof InvalidInputError) {
      runtime.logger.error('sweep message rejected', { messageId, error: error.message });
      return undefined;
    }
    runtime.logger.warn('sweep listing not carried on; the message is redelivered', {
      messageId,
      error: error instanceof Error ? error.message : String(error),
    });
    return 'redeliver';
  }
}

const { logger, metrics, runtime } = lazyRuntime();

export const handler = middy({ timeoutEarlyInMillis: 5_000 })
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async (event: unknown, context, { signal }) => {
    const { batchItemFailures } = await handleRepairWorker(
      event as SQSEvent,
      await runtime(),
      signal,
      context.getRemainingTimeInMillis(),
    );
    return { batchItemFailures };
  });
