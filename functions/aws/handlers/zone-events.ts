import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { GetHostedZoneCommand, type GetHostedZoneCommandOutput, type Route53Client } from '@aws-sdk/client-route-53';
import middy from '@middy/core';
import { managedDomains } from '../../core/config.ts';
import { canonicalName, isWithinDomain, type RecordSet } from '../../core/model.ts';
import { type ReconcileTarget, reconcileTargets, repairAll } from '../../core/reconcile.ts';
import { readRegistry } from '../../core/registry.ts';
import type { RunReport } from '../../core/report.ts';
import { parseZoneEvent, type ZoneEvent } from '../cloudtrail-events.ts';
import { awsErrorCode } from '../route53-retry.ts';
import { CHANGE_COMMENT_PREFIX } from '../route53-zones.ts';
import { type AwsRuntime, beginAwsRun, finishRun, invocationOptions, rejectEvent } from '../runtime.ts';
import { lazyRuntime } from './lazy-runtime.ts';

/**
 * Someone changed a Route 53 zone (CloudTrail `ChangeResourceRecordSets`, `DeleteHostedZone`,
 * `DisassociateVPCFromHostedZone`): repair at once instead of at the next schedule.
 *
 * linkdns's own writes are skipped by principal: CloudTrail names the role that made the call
 * (`userIdentity.sessionContext.sessionIssuer.arn`), and the construct passes the functions' roles in
 * `LINKDNS_WRITER_ROLE_ARNS`. The change-batch comment linkdns writes is a second marker (it also covers
 * `linkdns apply` run by a person). Even without either, there would be no loop: the repair of an own write finds
 * nothing to change and writes nothing, so no further event follows.
 */
export async function handleZoneEvent(
  event: unknown,
  runtime: AwsRuntime,
  signal?: AbortSignal,
  remainingTimeMs?: number,
): Promise<RunReport | { rejected: string } | { ignored: string }> {
  let parsed: ZoneEvent;
  try {
    parsed = parseZoneEvent(event);
  } catch (error) {
    return rejectEvent(runtime, error);
  }
  const ignored = reasonToIgnore(parsed, runtime);
  if (ignored) {
    runtime.logger.info('zone event ignored', { trigger: parsed.trigger, reason: ignored });
    return { ignored };
  }
  const start = await beginAwsRun(runtime, parsed.trigger, signal);
  if ('failed' in start) return finishRun(runtime, start.failed, signal);
  const run = start.runtime;
  const options = invocationOptions(run, signal, remainingTimeMs);
  if (parsed.eventName !== 'ChangeResourceRecordSets') {
    // The zone itself is gone or no longer visible from a VPC: which domains it served can no longer be read from
    // it, so repair everything linkdns manages (rare, and the same work as a scheduled run).
    return finishRun(run, start.finish(await repairAll(parsed.trigger, run.deps, options)), signal);
  }
  const { targets, records, reason } = await zoneTargets(run, parsed.hostedZoneId, signal);
  if (targets.length === 0) {
    const why = reason ?? `zone ${parsed.hostedZoneId} is not managed by linkdns`;
    run.logger.info('zone event ignored', { trigger: parsed.trigger, reason: why });
    return { ignored: why };
  }
  // The records just read to find the registry serve the first plan too; compare-and-swap keeps that safe.
  const knownRecords = new Map(records ? [[parsed.hostedZoneId, records]] : []);
  return finishRun(
    run,
    start.finish(await reconcileTargets(parsed.trigger, targets, run.deps, { ...options, knownRecords })),
    signal,
  );
}

function reasonToIgnore(event: ZoneEvent, runtime: AwsRuntime): string | undefined {
  if (event.failedCall) return 'the API call failed, nothing changed';
  if (event.principalArn && runtime.settings.LINKDNS_WRITER_ROLE_ARNS.includes(event.principalArn)) {
    return `change made by linkdns itself (${event.principalArn})`;
  }
  if (event.comment?.startsWith(CHANGE_COMMENT_PREFIX)) return 'change made by linkdns itself (change comment)';
  return undefined;
}

/** The (domain, VPC) pairs a changed zone serves, if it is a private zone under a managed domain. */
async function zoneTargets(
  runtime: AwsRuntime,
  hostedZoneId: string,
  signal?: AbortSignal,
): Promise<{ targets: ReconcileTarget[]; records?: RecordSet[]; reason?: string }> {
  let zone: GetHostedZoneCommandOutput;
  try {
    zone = await (runtime.route53 as Pick<Route53Client, 'send'>).send(new GetHostedZoneCommand({ Id: hostedZoneId }), {
      abortSignal: signal,
    });
  } catch (error) {
    // Deleted since the event, or never there (a forged event): nothing to repair, and a retry would fail the same
    // way. A linkdns zone deleted by someone is found by the DeleteHostedZone event and the scheduled repair.
    if (awsErrorCode(error) !== 'NoSuchHostedZone') throw error;
    return { targets: [], reason: `zone ${hostedZoneId} does not exist (NoSuchHostedZone); nothing to repair` };
  }
  const { HostedZone, VPCs } = zone;
  if (!HostedZone?.Config?.PrivateZone) return { targets: [] };
  const domain = canonicalName(HostedZone.Name ?? '');
  if (!managedDomains(runtime.config).some((managed) => isWithinDomain(domain, managed))) return { targets: [] };
  const records = await runtime.deps.dns.readRecords({ id: hostedZoneId, domain }, signal);
  const registry = readRegistry(records, domain);
  if (registry?.owner === runtime.config.owner) return { targets: [{ domain, scope: registry.scope }], records };
  return { targets: (VPCs ?? []).flatMap((vpc) => (vpc.VPCId ? [{ domain, scope: vpc.VPCId }] : [])), records };
}

const { logger, metrics, runtime } = lazyRuntime();

export const handler = middy({ timeoutEarlyInMillis: 2_000 })
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async (event: unknown, context, { signal }) => {
    const ready = await runtime();
    return handleZoneEvent(event, ready, signal, context.getRemainingTimeInMillis());
  });
