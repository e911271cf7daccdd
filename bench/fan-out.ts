import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSEvent } from 'aws-lambda';
import { handleRepairCoordinator } from '../functions/aws/handlers/repair-coordinator.ts';
import { handleRepairWorker } from '../functions/aws/handlers/repair-worker.ts';
import { type AwsRuntime, createAwsRuntime } from '../functions/aws/runtime.ts';
import { readAwsSettings } from '../functions/aws/settings.ts';
import type { LinkdnsConfig } from '../functions/core/config.ts';
import type { Notifier } from '../functions/core/ports.ts';
import type { RunReport } from '../functions/core/report.ts';
import { LOCAL_CREDENTIALS, type LocalAwsCloud } from '../local/aws/index.ts';

/** What the fan-out path cost beyond the run report: worker invocations and the longest one. */
export interface FanOutFigures {
  invocations: number;
  maxInvocationSeconds: number;
  messages: number;
}

/**
 * The repair through its fan-out path, as deployed: the coordinator handler sends the sweep to the (local) SQS queue,
 * then `workers` worker instances — the worker function's reserved concurrency — each with its own Route 53 limiter at
 * `rate / workers` (the budget split by construction), take batches as Lambda's event source mapping would hand them
 * over, until the queue is empty. Returns one report over every batch, for the same checks as the single run.
 */
export async function fanOutRepair(
  aws: LocalAwsCloud,
  options: {
    readonly config: LinkdnsConfig;
    readonly rate: number;
    readonly workers: number;
    readonly batchZones?: number;
    readonly logger: Logger;
    readonly metrics: Metrics;
    readonly notifier: Notifier;
    readonly id: string;
  },
  figures: FanOutFigures,
): Promise<RunReport> {
  const queue = aws.sqs.createQueue(`linkdns-sweep-${options.id}`);
  const runtimeAt = (rate: number): Promise<AwsRuntime> =>
    createAwsRuntime(
      readAwsSettings({
        AWS_REGION: aws.ec2.region,
        LINKDNS_CONFIG: JSON.stringify(options.config),
        LINKDNS_AWS_ENDPOINT: aws.endpoint,
        LINKDNS_ROUTE53_RATE: String(rate),
        LINKDNS_SWEEP_QUEUE_URL: queue,
        ...(options.batchZones ? { LINKDNS_SWEEP_BATCH_ZONES: String(options.batchZones) } : {}),
      }),
      { credentials: LOCAL_CREDENTIALS, logger: options.logger, metrics: options.metrics, notifier: options.notifier },
    );
  const startedAt = new Date().toISOString();
  const coordinator = await runtimeAt(options.rate);
  const sent = await handleRepairCoordinator(coordinator);
  figures.messages += sent.messages;
  const reports: RunReport[] = [];
  const worker = async (): Promise<void> => {
    const runtime = await runtimeAt(options.rate / options.workers);
    for (;;) {
      let started = 0;
      const delivered = await aws.sqs.deliver(
        queue,
        async (event) => {
          started = performance.now();
          const result = await handleRepairWorker(event as unknown as SQSEvent, runtime);
          reports.push(...result.reports);
          return { batchItemFailures: [...result.batchItemFailures] };
        },
        1,
      );
      if (delivered === 0) return;
      figures.invocations += 1;
      figures.maxInvocationSeconds = Math.max(figures.maxInvocationSeconds, (performance.now() - started) / 1000);
    }
  };
  await Promise.all(Array.from({ length: options.workers }, worker));
  return {
    trigger: { kind: 'schedule', id: options.id, description: 'scheduled repair (fan-out)' },
    dryRun: false,
    startedAt,
    finishedAt: new Date().toISOString(),
    zones: reports.flatMap((report) => report.zones),
  };
}
