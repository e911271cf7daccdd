import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { SQSEvent } from 'aws-lambda';
import { InvalidInputError } from '../../core/errors.ts';
import type { RunReport } from '../../core/report.ts';
import { decodeSweepBatch, runSweepBatch } from '../../core/sweep.ts';
import { RetryableRunError } from '../../invocation.ts';
import { type AwsRuntime, finishRun, invocationOptions } from '../runtime.ts';
import { lazyRuntime } from './lazy-runtime.ts';

/** Lambda's partial batch response (the event source mapping sets `ReportBatchItemFailures`). */
export interface WorkerResult {
  readonly batchItemFailures: { readonly itemIdentifier: string }[];
  readonly reports: readonly RunReport[];
}

/**
 * The repair's worker: each SQS message is one batch of the sweep, reconciled by {@link runSweepBatch}. A batch with
 * a zone that failed for a retryable reason is reported in `batchItemFailures`, so SQS redelivers that message alone
 * (after the visibility timeout) and, after `maxReceiveCount` receives, moves it to the dead-letter queue — the other
 * messages of the event, and every other zone, are not held back. Each batch is notified and measured like a run.
 */
export async function handleRepairWorker(
  event: SQSEvent,
  runtime: AwsRuntime,
  signal?: AbortSignal,
  remainingTimeMs?: number,
): Promise<WorkerResult> {
  const failures: { itemIdentifier: string }[] = [];
  const reports: RunReport[] = [];
  for (const record of event.Records ?? []) {
    let items: ReturnType<typeof decodeSweepBatch>;
    try {
      items = decodeSweepBatch(record.body);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      // A malformed message would fail the same way every time: logged, not retried.
      runtime.logger.error('sweep message rejected', { messageId: record.messageId, error: error.message });
      continue;
    }
    const trigger = {
      kind: 'schedule' as const,
      id: `sweep-${record.messageId}`,
      description: `scheduled repair, batch of ${items.length} (receive ${record.attributes?.ApproximateReceiveCount ?? 1})`,
    };
    const report = await runSweepBatch(trigger, items, runtime.deps, {
      dryRun: runtime.settings.LINKDNS_REPAIR_MODE === 'detect-only',
      concurrency: runtime.settings.LINKDNS_ZONE_CONCURRENCY,
      ...invocationOptions(runtime, signal, remainingTimeMs),
    });
    reports.push(report);
    try {
      await finishRun(runtime, report, signal);
    } catch (error) {
      if (!(error instanceof RetryableRunError)) throw error;
      failures.push({ itemIdentifier: record.messageId });
    }
    // Zones not started before the cut-off come back with the message.
    if (
      report.zones.some((zone) => zone.outcome === 'not-checked') &&
      !failures.some((f) => f.itemIdentifier === record.messageId)
    ) {
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures, reports };
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
