import { createHash, randomUUID } from 'node:crypto';
import type { LocalAwsService, LocalRequest, LocalResponse } from './server.ts';

/**
 * A minimal local Amazon SQS over the AWS JSON protocol (the real `@aws-sdk/client-sqs` speaks it): `X-Amz-Target:
 * AmazonSQS.<Action>`, `application/x-amz-json-1.0` bodies, errors as `{"__type": "com.amazonaws.sqs#<Code>",
 * "message"}` with the `x-amzn-query-error` header (Amazon SQS Developer Guide, "Interpreting Amazon SQS JSON API
 * responses"). Bodies carry `MD5OfMessageBody` / `MD5OfBody`, which the SDK checks.
 *
 * Served: SendMessage, SendMessageBatch (at most 10 entries), ReceiveMessage, DeleteMessage, GetQueueAttributes.
 * Plus what Lambda's event source mapping does, for tests: {@link LocalSqsState.deliver} hands received messages to a
 * handler as an SQS event, deletes those it does not report in `batchItemFailures`, and moves a message to the
 * dead-letter queue after `maxReceiveCount` receives (the redrive policy).
 */
interface Message {
  readonly id: string;
  readonly body: string;
  receiveCount: number;
  receipt?: string;
  inFlight: boolean;
}

interface Queue {
  readonly name: string;
  readonly url: string;
  readonly messages: Message[];
  readonly deadLetter?: { readonly queue: string; readonly maxReceiveCount: number };
}

export class LocalSqsState {
  private readonly queues = new Map<string, Queue>();
  private baseUrl = 'http://127.0.0.1';

  /** Set by the server once it listens, so queue URLs point at it. */
  setEndpoint(endpoint: string): void {
    this.baseUrl = endpoint.replace(/\/$/, '');
  }

  createQueue(name: string, deadLetter?: { queue: string; maxReceiveCount: number }): string {
    const url = `${this.baseUrl}/000000000000/${name}`;
    this.queues.set(url, { name, url, messages: [], ...(deadLetter ? { deadLetter } : {}) });
    return url;
  }

  /** Bodies of the messages waiting (not in flight) in the queue. */
  bodies(url: string): string[] {
    return this.queue(url).messages.map((message) => message.body);
  }

  send(url: string, body: string): Message {
    const message = { id: randomUUID(), body, receiveCount: 0, inFlight: false };
    this.queue(url).messages.push(message);
    return message;
  }

  receive(url: string, max: number): Message[] {
    const taken = this.queue(url)
      .messages.filter((message) => !message.inFlight)
      .slice(0, max);
    for (const message of taken) {
      message.inFlight = true;
      message.receiveCount += 1;
      message.receipt = randomUUID();
    }
    return taken;
  }

  delete(url: string, receipt: string): void {
    const queue = this.queue(url);
    const index = queue.messages.findIndex((message) => message.receipt === receipt);
    if (index < 0) throw new SqsError('ReceiptHandleIsInvalid', `The receipt handle "${receipt}" is not valid.`);
    queue.messages.splice(index, 1);
  }

  /**
   * One poll of Lambda's SQS event source mapping: up to `batchSize` messages as one event to `handler`; reported
   * failures become visible again (or go to the dead-letter queue once received `maxReceiveCount` times), the rest are
   * deleted. Returns how many messages were handed over.
   */
  async deliver(
    url: string,
    handler: (event: SqsEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] } | undefined>,
    batchSize = 10,
  ): Promise<number> {
    const queue = this.queue(url);
    const messages = this.receive(url, batchSize);
    if (messages.length === 0) return 0;
    const event: SqsEvent = {
      Records: messages.map((message) => ({
        messageId: message.id,
        receiptHandle: message.receipt as string,
        body: message.body,
        attributes: { ApproximateReceiveCount: String(message.receiveCount) },
        messageAttributes: {},
        md5OfBody: md5(message.body),
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:us-east-2:000000000000:${queue.name}`,
        awsRegion: 'us-east-2',
      })),
    };
    let failed: Set<string>;
    try {
      const result = await handler(event);
      failed = new Set((result?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch {
      failed = new Set(messages.map((message) => message.id)); // the whole batch is retried
    }
    for (const message of messages) {
      if (!failed.has(message.id)) {
        this.delete(url, message.receipt as string);
        continue;
      }
      message.inFlight = false;
      if (queue.deadLetter && message.receiveCount >= queue.deadLetter.maxReceiveCount) {
        this.delete(url, message.receipt as string);
        this.send(queue.deadLetter.queue, message.body);
      }
    }
    return messages.length;
  }

  attributes(url: string): Record<string, string> {
    const messages = this.queue(url).messages;
    return {
      ApproximateNumberOfMessages: String(messages.filter((message) => !message.inFlight).length),
      ApproximateNumberOfMessagesNotVisible: String(messages.filter((message) => message.inFlight).length),
    };
  }

  private queue(url: string): Queue {
    const queue =
      this.queues.get(url) ?? [...this.queues.values()].find((candidate) => url.endsWith(`/${candidate.name}`));
    if (!queue) throw new SqsError('QueueDoesNotExist', 'The specified queue does not exist.');
    return queue;
  }
}

/** The SQS event Lambda hands a function (the fields linkdns reads, and a few more). */
export interface SqsEvent {
  readonly Records: {
    readonly messageId: string;
    readonly receiptHandle: string;
    readonly body: string;
    readonly attributes: Record<string, string>;
    readonly messageAttributes: Record<string, unknown>;
    readonly md5OfBody: string;
    readonly eventSource: 'aws:sqs';
    readonly eventSourceARN: string;
    readonly awsRegion: string;
  }[];
}

class SqsError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const MAX_BATCH_ENTRIES = 10;

export function sqsService(state: LocalSqsState): LocalAwsService {
  return {
    name: 'sqs',
    operation(request: LocalRequest): string | undefined {
      const target = request.headers['x-amz-target'];
      return typeof target === 'string' && target.startsWith('AmazonSQS.')
        ? target.slice('AmazonSQS.'.length)
        : undefined;
    },
    handle(operation: string, request: LocalRequest): LocalResponse {
      try {
        const input = JSON.parse(request.body || '{}') as Record<string, unknown>;
        const url = String(input.QueueUrl ?? '');
        switch (operation) {
          case 'SendMessage': {
            const message = state.send(url, String(input.MessageBody ?? ''));
            return json({ MessageId: message.id, MD5OfMessageBody: md5(message.body) });
          }
          case 'SendMessageBatch': {
            const entries = (input.Entries ?? []) as { Id: string; MessageBody: string }[];
            if (entries.length === 0)
              throw new SqsError('EmptyBatchRequest', 'The batch request does not contain any entries.');
            if (entries.length > MAX_BATCH_ENTRIES) {
              throw new SqsError(
                'TooManyEntriesInBatchRequest',
                `Maximum number of entries per request are ${MAX_BATCH_ENTRIES}.`,
              );
            }
            return json({
              Successful: entries.map((entry) => {
                const message = state.send(url, entry.MessageBody);
                return { Id: entry.Id, MessageId: message.id, MD5OfMessageBody: md5(entry.MessageBody) };
              }),
              Failed: [],
            });
          }
          case 'ReceiveMessage': {
            const messages = state.receive(url, Number(input.MaxNumberOfMessages ?? 1));
            return json({
              Messages: messages.map((message) => ({
                MessageId: message.id,
                ReceiptHandle: message.receipt,
                MD5OfBody: md5(message.body),
                Body: message.body,
                Attributes: { ApproximateReceiveCount: String(message.receiveCount) },
              })),
            });
          }
          case 'DeleteMessage':
            state.delete(url, String(input.ReceiptHandle ?? ''));
            return json({});
          case 'GetQueueAttributes':
            return json({ Attributes: state.attributes(url) });
          default:
            throw new SqsError('UnsupportedOperation', `${operation} is not served by the local SQS`);
        }
      } catch (error) {
        if (error instanceof SqsError) return sqsError(error.code, error.message, 400);
        throw error;
      }
    },
    error: sqsError,
  };
}

function json(body: unknown): LocalResponse {
  return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify(body) };
}

function sqsError(code: string, message: string, status: number): LocalResponse {
  return {
    status,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-query-error': `AWS.SimpleQueueService.${code};Sender`,
    },
    body: JSON.stringify({ __type: `com.amazonaws.sqs#${code}`, message }),
  };
}

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}
