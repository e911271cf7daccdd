import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { reconcileTargets, targetsForEndpoints } from '../../core/reconcile.ts';
import type { RunReport } from '../../core/report.ts';
import { parseEndpointEvent } from '../cloudtrail-events.ts';
import { type AwsRuntime, finishRun, rejectEvent } from '../runtime.ts';
import { lazyRuntime } from './lazy-runtime.ts';

/**
 * VPC endpoint created, modified or deleted (EventBridge CloudTrail events), or an SNS endpoint connection
 * notification. Level-triggered: the endpoint ids are re-read and every (domain, VPC) they touch is reconciled whole.
 */
export async function handleEndpointEvent(
  event: unknown,
  runtime: AwsRuntime,
  signal?: AbortSignal,
): Promise<RunReport | { rejected: string }> {
  let parsed: ReturnType<typeof parseEndpointEvent>;
  try {
    parsed = parseEndpointEvent(event);
  } catch (error) {
    return rejectEvent(runtime, error);
  }
  runtime.logger.info('endpoint event', { trigger: parsed.trigger, endpointIds: parsed.endpointIds });
  const deps = runtime.deps;
  const targets = await targetsForEndpoints(parsed.endpointIds, deps, signal);
  return finishRun(runtime, await reconcileTargets(parsed.trigger, targets, deps, signal ? { signal } : {}), signal);
}

const { logger, metrics, runtime } = lazyRuntime();

export const handler = middy({ timeoutEarlyInMillis: 2_000 })
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async (event: unknown, _context, { signal }) => handleEndpointEvent(event, await runtime(), signal));
