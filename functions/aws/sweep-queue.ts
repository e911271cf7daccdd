import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { type SweepQueue, zonesPerInvocation } from '../core/sweep.ts';
import type { AwsRuntime } from './runtime.ts';

/** SQS accepts at most 10 entries per SendMessageBatch. */
const SQS_BATCH_ENTRIES = 10;

/**
 * The sweep queue as the coordinator and the workers send to it: bodies in SendMessageBatch calls of 10, each message
 * a batch a worker finishes within its share of the timeout (the setting, else share × timeout × Route 53 rate at 3
 * calls a zone). A refused entry throws, so the sender is retried; batches sent already are then checked twice at
 * worst, which is harmless.
 */
export function sqsSweepQueue(runtime: AwsRuntime, queueUrl: string, signal?: AbortSignal): SweepQueue {
  const { settings } = runtime;
  return {
    batchSize:
      settings.LINKDNS_SWEEP_BATCH_ZONES ??
      zonesPerInvocation({
        timeoutSeconds: settings.LINKDNS_WORKER_TIMEOUT_SECONDS,
        share: settings.LINKDNS_INVOCATION_SHARE,
        requestsPerSecond: settings.LINKDNS_ROUTE53_RATE,
      }),
    async send(bodies) {
      for (let start = 0; start < bodies.length; start += SQS_BATCH_ENTRIES) {
        const entries = bodies
          .slice(start, start + SQS_BATCH_ENTRIES)
          .map((body, index) => ({ Id: String(start + index), MessageBody: body }));
        const result = await runtime.sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }), {
          ...(signal ? { abortSignal: signal } : {}),
        });
        if (result.Failed && result.Failed.length > 0) {
          throw new Error(`SQS refused ${result.Failed.length} sweep message(s): ${result.Failed[0]?.Message ?? ''}`);
        }
      }
    },
  };
}
