import type { Metrics } from '@aws-lambda-powertools/metrics';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { handleRepairCoordinator } from '../functions/aws/handlers/repair-coordinator.ts';
import { handleRepairWorker } from '../functions/aws/handlers/repair-worker.ts';
import type { AwsRuntime } from '../functions/aws/runtime.ts';
import { type RunOutcome, RunTally } from './measure.ts';

/** The deployment the fan-out run plays: one coordinator instance and `workers.length` warm worker instances. */
export interface FanOutDeployment {
  readonly coordinator: AwsRuntime;
  /** One runtime per worker instance (the worker function's reserved concurrency), each with its own limiter. */
  readonly workers: readonly AwsRuntime[];
  readonly queueUrl: string;
  /** The metrics object every runtime publishes to (summed and cleared after each invocation). */
  readonly metrics: Metrics;
  /** Counts the notifications the runtimes' notifier sent. */
  readonly notifications: () => number;
  /** Route 53 calls so far in this run (the local AWS's request log), read once the coordinator is done. */
  readonly route53Calls: () => Promise<number>;
  /** The coordinator's and a worker's timeout (compressed as the rate is), which their share of it is taken from. */
  readonly coordinatorTimeoutMs?: number;
  readonly workerTimeoutMs: number;
}

/**
 * The repair through its fan-out path, as deployed: the coordinator handler sends the sweep to the sweep queue (the
 * local SQS, over HTTP), then every worker instance plays Lambda's SQS event source mapping with batch size 1:
 * ReceiveMessage, the real worker handler, DeleteMessage for each message it did not report in `batchItemFailures`,
 * until the queue is empty. A reported failure is a problem of the run here, not retried: the redelivery and the
 * dead-letter queue are tested in test/aws/repair-fan-out.test.ts.
 *
 * Each invocation's duration is measured from the handler call to its return (the Lambda billed duration's part that
 * is linkdns's own); the queue calls around it are the event source mapping's.
 */
export async function fanOutRepair(deployment: FanOutDeployment, id: string): Promise<RunOutcome> {
  const tally = new RunTally();
  const notifiedBefore = deployment.notifications();
  const problems: string[] = [];
  const coordinatorStarted = performance.now();
  const sent = await handleRepairCoordinator(deployment.coordinator, undefined, deployment.coordinatorTimeoutMs);
  const coordinatorMs = performance.now() - coordinatorStarted;
  let maxWorkerInvocationMs = 0;
  tally.takeMetrics(deployment.metrics);
  if (sent.skipped) problems.push(`coordinator started no sweep: ${sent.skipped}`);
  const coordinatorRoute53Calls = await deployment.route53Calls();
  let invocations = 1;
  let handedBack = 0;
  let handedBackBatches = 0;
  let listingInvocations = 0;
  let listedMessages = 0;
  let zonesListedByWorkers = 0;
  const sqs = deployment.coordinator.sqs;
  const worker = async (runtime: AwsRuntime): Promise<void> => {
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: deployment.queueUrl, MaxNumberOfMessages: 1 }),
      );
      if (Messages.length === 0) return;
      const event = sqsEvent(Messages, deployment.queueUrl, id);
      const started = performance.now();
      const result = await handleRepairWorker(event, runtime, undefined, deployment.workerTimeoutMs);
      maxWorkerInvocationMs = Math.max(maxWorkerInvocationMs, performance.now() - started);
      invocations += 1;
      handedBack += result.handedBack;
      if (result.handedBack > 0) handedBackBatches += 1;
      for (const listed of result.listed) {
        listingInvocations += 1;
        listedMessages += listed.batches + listed.continuations;
        zonesListedByWorkers += listed.items;
      }
      tally.takeMetrics(deployment.metrics);
      // Zones handed back are checked by a later invocation: not counted as "not checked" here.
      for (const report of result.reports) {
        tally.add(
          result.handedBack > 0
            ? { ...report, zones: report.zones.filter((zone) => zone.outcome !== 'not-checked') }
            : report,
        );
      }
      const failed = new Set(result.batchItemFailures.map((failure) => failure.itemIdentifier));
      for (const message of Messages) {
        if (failed.has(message.MessageId ?? '')) problems.push(`worker reported batch ${message.MessageId} as failed`);
        await sqs.send(
          new DeleteMessageCommand({ QueueUrl: deployment.queueUrl, ReceiptHandle: message.ReceiptHandle }),
        );
      }
    }
  };
  await Promise.all(deployment.workers.map(worker));
  return {
    summary: tally.summary,
    failures: tally.failures,
    invocations,
    maxInvocationMs: Math.max(coordinatorMs, maxWorkerInvocationMs),
    coordinatorMs,
    maxWorkerInvocationMs,
    handedBack,
    listingInvocations,
    zonesListedByWorkers,
    zonesMaybeReadTwice:
      zonesListedByWorkers + (sent.scopesNotLookedUp || sent.continuations ? (sent.zoneItems ?? 0) : 0),
    metrics: tally.metrics,
    notifications: deployment.notifications() - notifiedBefore,
    coordinatorRoute53Calls,
    batchZones: sent.batchSize,
    problems: [
      ...problems,
      ...(sent.messages + handedBackBatches + listedMessages === invocations - 1
        ? []
        : [
            `${sent.messages} messages sent, ${handedBackBatches} handed back and ${listedMessages} queued by workers ` +
              `carrying the listing on, ${invocations - 1} handled`,
          ]),
    ],
  };
}

/** The SQS event Lambda's event source mapping hands the function for received messages. */
function sqsEvent(
  messages: readonly { MessageId?: string; ReceiptHandle?: string; Body?: string; MD5OfBody?: string }[],
  queueUrl: string,
  id: string,
): SQSEvent {
  const queue = queueUrl.split('/').at(-1) ?? 'linkdns-sweep';
  return {
    Records: messages.map((message) => ({
      messageId: message.MessageId ?? '',
      receiptHandle: message.ReceiptHandle ?? '',
      body: message.Body ?? '',
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: id,
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: message.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:us-east-2:000000000000:${queue}`,
      awsRegion: 'us-east-2',
    })),
  };
}
