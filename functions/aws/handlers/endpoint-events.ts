import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { reconcileEndpoints } from '../../core/reconcile.ts';
import type { RunReport } from '../../core/report.ts';
import { type EndpointEvent, parseEndpointEvent } from '../cloudtrail-events.ts';
import { vpcEndpointArn } from '../ec2-endpoint-source.ts';
import { type AwsRuntime, beginAwsRun, finishRun, invocationOptions, rejectEvent } from '../runtime.ts';
import { lazyRuntime } from './lazy-runtime.ts';

/**
 * VPC endpoint created, modified or deleted (EventBridge CloudTrail events), or an SNS endpoint connection
 * notification. Level-triggered: the endpoint ids are re-read and every (domain, VPC) they touch is reconciled whole.
 */
export async function handleEndpointEvent(
  event: unknown,
  runtime: AwsRuntime,
  signal?: AbortSignal,
  remainingTimeMs?: number,
): Promise<RunReport | { rejected: string } | { ignored: string }> {
  let parsed: ReturnType<typeof parseEndpointEvent>;
  try {
    parsed = parseEndpointEvent(event);
  } catch (error) {
    return rejectEvent(runtime, error);
  }
  if (parsed.failedCall) {
    // The call failed (CloudTrail errorCode): no endpoint was created, changed or deleted.
    const ignored = `the API call failed (${parsed.errorCode ?? 'errorCode set'}), nothing changed`;
    runtime.logger.info('endpoint event ignored', { trigger: parsed.trigger, reason: ignored });
    return { ignored };
  }
  runtime.logger.info('endpoint event', { trigger: parsed.trigger, endpointIds: parsed.endpointIds });
  const start = await beginAwsRun(runtime, parsed.trigger, signal);
  if ('failed' in start) return finishRun(runtime, start.failed, signal);
  const refs = endpointRefs(parsed, start.runtime);
  // The VPC the event names is listed once and serves both the endpoint read and the plan; endpoints of other
  // accounts are read by ARN through their role, so the hint is only used for the home account's endpoints.
  const scope = parsed.vpcId && refs.every((ref) => !ref.startsWith('arn:')) ? parsed.vpcId : undefined;
  const report = await reconcileEndpoints(parsed.trigger, refs, start.runtime.deps, {
    ...invocationOptions(start.runtime, signal, remainingTimeMs),
    ...(scope ? { scope } : {}),
  });
  return finishRun(start.runtime, start.finish(report), signal);
}

/**
 * Endpoints of other accounts (events forwarded from spoke accounts to the central bus) are named by ARN, so the
 * source reads them through the spoke role instead of finding nothing at home and deleting their records.
 */
function endpointRefs(event: EndpointEvent, runtime: AwsRuntime): string[] {
  const home = runtime.settings.LINKDNS_ACCOUNT_ID;
  if (!event.account || !home || event.account === home || !runtime.settings.LINKDNS_ASSUME_ROLE_NAME) {
    return [...event.endpointIds];
  }
  const region = event.region ?? runtime.settings.AWS_REGION;
  return event.endpointIds.map((id) => vpcEndpointArn(region, event.account as string, id));
}

const { logger, metrics, runtime } = lazyRuntime();

export const handler = middy({ timeoutEarlyInMillis: 2_000 })
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async (event: unknown, context, { signal }) => {
    const ready = await runtime();
    return handleEndpointEvent(event, ready, signal, context.getRemainingTimeInMillis());
  });
