import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { repairAll } from '../../core/reconcile.ts';
import type { RunReport } from '../../core/report.ts';
import { type AwsRuntime, beginAwsRun, finishRun, invocationOptions } from '../runtime.ts';
import { lazyRuntime } from './lazy-runtime.ts';

/**
 * The scheduled drift repair: every managed (domain, VPC), found from the endpoints and from the ownership
 * registries, reconciled one zone at a time. `LINKDNS_REPAIR_MODE=detect-only` reports drift and changes nothing.
 */
export async function handleScheduledRepair(
  event: { id?: string; time?: string } | undefined,
  runtime: AwsRuntime,
  signal?: AbortSignal,
  remainingTimeMs?: number,
): Promise<RunReport> {
  const dryRun = runtime.settings.LINKDNS_REPAIR_MODE === 'detect-only';
  const trigger = {
    kind: 'schedule' as const,
    id: event?.id ?? `schedule-${new Date().toISOString()}`,
    description: `scheduled ${dryRun ? 'drift detection' : 'repair'}${event?.time ? ` at ${event.time}` : ''}`,
  };
  const start = await beginAwsRun(runtime, trigger, signal);
  if ('failed' in start) return finishRun(runtime, start.failed, signal);
  const run = start.runtime;
  const report = await repairAll(trigger, run.deps, {
    dryRun,
    concurrency: run.settings.LINKDNS_ZONE_CONCURRENCY,
    ...invocationOptions(run, signal, remainingTimeMs),
    onZone: (zone, index, total) => {
      if (zone.outcome !== 'unchanged') runtime.logger.info(`zone ${index + 1}/${total} ${zone.outcome}`, { zone });
    },
  });
  return finishRun(run, start.finish(report), signal);
}

const { logger, metrics, runtime } = lazyRuntime();

export const handler = middy({ timeoutEarlyInMillis: 5_000 })
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async (event: unknown, context, { signal }) => {
    const ready = await runtime();
    return handleScheduledRepair(
      event as { id?: string; time?: string } | undefined,
      ready,
      signal,
      context.getRemainingTimeInMillis(),
    );
  });
