import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from '../json-api-server.ts';

/**
 * What the Azure Functions host does with Storage queues, for tests of the repair fan-out: the coordinator's queue
 * output binding and the worker's queue trigger, with the retry and poison semantics of the Storage queues extension
 * (https://learn.microsoft.com/azure/azure-functions/functions-bindings-storage-queue-trigger, "Poison messages" and
 * host.json `extensions.queues`):
 *
 * - an output binding set to an array writes one message per element when the function returns;
 * - the trigger hands the function one message (with `batchSize: 1`), JSON already parsed, with the trigger metadata
 *   `id`, `dequeueCount`, `insertionTime`, `popReceipt`;
 * - a function that throws leaves the message in the queue, visible again after `visibilityTimeout` (here at once), its
 *   dequeue count one higher; once a message has failed `maxDequeueCount` times the host moves it to
 *   `<queue>-poison`; a function that returns deletes it.
 */
// A type, not an interface: it must fit `InvocationContext`'s `triggerMetadata` (an index signature).
export type QueueTriggerMetadata = {
  readonly id: string;
  readonly dequeueCount: number;
  readonly insertionTime: string;
  readonly popReceipt: string;
};

interface QueueMessage {
  readonly id: string;
  readonly text: string;
  readonly insertionTime: string;
  dequeueCount: number;
}

export class LocalStorageQueues {
  private readonly queues = new Map<string, QueueMessage[]>();
  /** Messages handed to a function and not settled yet (invisible, still in the queue). */
  private readonly inFlight = new Map<string, number>();

  /** @param host the host.json `extensions.queues` settings that matter here */
  constructor(private readonly host: { readonly maxDequeueCount: number }) {
    if (!Number.isInteger(host.maxDequeueCount) || host.maxDequeueCount < 1) {
      throw new RangeError(`maxDequeueCount must be a positive integer, not ${host.maxDequeueCount}`);
    }
  }

  /**
   * The output binding after the function returned: an array is one message per element, anything else one message.
   * Strings are written as they are, other values as JSON (as the host serialises them).
   */
  writeOutput(queue: string, value: unknown): number {
    const items = Array.isArray(value) ? value : value === undefined ? [] : [value];
    for (const item of items) {
      this.queue(queue).push({
        id: randomUUID(),
        text: typeof item === 'string' ? item : JSON.stringify(item),
        insertionTime: new Date().toISOString(),
        dequeueCount: 0,
      });
    }
    return items.length;
  }

  /** Messages in `queue`, invisible ones (being processed) included: what Get Queue Metadata counts. */
  depth(queue: string): number {
    return this.queue(queue).length + (this.inFlight.get(queue) ?? 0);
  }

  /** The texts of the messages waiting in `queue`, oldest first. */
  messages(queue: string): string[] {
    return this.queue(queue).map((message) => message.text);
  }

  /**
   * One poll of the queue trigger: the oldest message to `handler`. Returns 1 when a message was handed over, 0 when
   * the queue was empty.
   */
  async deliver(
    queue: string,
    handler: (message: unknown, metadata: QueueTriggerMetadata) => Promise<unknown>,
  ): Promise<number> {
    const messages = this.queue(queue);
    const message = messages.shift();
    if (!message) return 0;
    message.dequeueCount += 1;
    const metadata = {
      id: message.id,
      dequeueCount: message.dequeueCount,
      insertionTime: message.insertionTime,
      popReceipt: randomUUID(),
    };
    this.inFlight.set(queue, (this.inFlight.get(queue) ?? 0) + 1);
    try {
      await handler(parsed(message.text), metadata);
    } catch {
      if (message.dequeueCount >= this.host.maxDequeueCount) this.queue(`${queue}-poison`).push({ ...message });
      else messages.push(message);
    } finally {
      this.inFlight.set(queue, (this.inFlight.get(queue) ?? 1) - 1);
    }
    return 1;
  }

  private queue(name: string): QueueMessage[] {
    let messages = this.queues.get(name);
    if (!messages) {
      messages = [];
      this.queues.set(name, messages);
    }
    return messages;
  }
}

/** The host passes a JSON message to a JavaScript function as the parsed value, any other text as a string. */
function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The Queue service's Get Queue Metadata over HTTP on 127.0.0.1 (`GET /{queue}?comp=metadata` below the returned
 * service URI): 200 with `x-ms-approximate-messages-count`, 401 without a bearer token, 404 `QueueNotFound` for a
 * queue that was never written (Queue service REST reference, "Get Queue Metadata" and "Queue service error codes").
 */
export async function startLocalQueueService(
  queues: LocalStorageQueues,
  known: readonly string[],
): Promise<{ readonly serviceUri: string; readonly requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://local');
    const queue = decodeURIComponent(url.pathname.slice(1));
    requests.push(`${request.method} ${url.pathname}${url.search}`);
    const fail = (status: number, code: string) => {
      response.writeHead(status, { 'x-ms-error-code': code, 'content-type': 'application/xml' });
      response.end(
        `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`,
      );
    };
    if (!request.headers.authorization?.startsWith('Bearer ')) return fail(401, 'NoAuthenticationInformation');
    if (request.method !== 'GET' || url.searchParams.get('comp') !== 'metadata')
      return fail(400, 'UnsupportedHttpVerb');
    if (!known.includes(queue)) return fail(404, 'QueueNotFound');
    response.writeHead(200, { 'x-ms-approximate-messages-count': String(queues.depth(queue)) });
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { serviceUri: `http://127.0.0.1:${port}`, requests, close: () => closeServer(server) };
}
