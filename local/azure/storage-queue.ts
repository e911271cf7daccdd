import { randomUUID } from 'node:crypto';

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
    try {
      await handler(parsed(message.text), metadata);
    } catch {
      if (message.dequeueCount >= this.host.maxDequeueCount) this.queue(`${queue}-poison`).push({ ...message });
      else messages.push(message);
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
