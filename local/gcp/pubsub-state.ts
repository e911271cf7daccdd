/**
 * A minimal local Pub/Sub, for the repair fan-out: topics, the publish method of the REST API v1 (served by
 * `server.ts`), and what a push subscription created by an Eventarc trigger does with a message:
 *
 * - each message published to a topic is copied to every subscription of the topic;
 * - a push delivery is the CloudEvent Eventarc sends (`google.cloud.pubsub.topic.v1.messagePublished`, `data` =
 *   `{ message: { data, attributes, messageId, publishTime }, subscription, deliveryAttempt }`); a non-2xx answer (a
 *   function that throws) is a nack, and the message is delivered again later;
 * - with a dead-letter policy, a message nacked `maxDeliveryAttempts` times is published to the dead-letter topic with
 *   the attributes `CloudPubSubDeadLetterSourceSubscription` and `CloudPubSubDeadLetterSourceDeliveryCount` ("Handle
 *   message failures", Pub/Sub documentation; `maxDeliveryAttempts` must be 5–100).
 */
export interface PubSubMessage {
  readonly messageId: string;
  /** base64, as on the wire. */
  readonly data: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly publishTime: string;
}

interface Subscription {
  readonly name: string;
  readonly topic: string;
  readonly deadLetter?: { readonly topic: string; readonly maxDeliveryAttempts: number };
  readonly messages: { message: PubSubMessage; deliveryAttempt: number }[];
  /** Pushed and not answered yet: unacknowledged, so still part of the backlog. */
  inFlight: number;
}

/** The CloudEvent of a push delivery through Eventarc. */
export interface MessagePublishedEvent {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: 'google.cloud.pubsub.topic.v1.messagePublished';
  readonly time: string;
  readonly datacontenttype: 'application/json';
  readonly data: {
    readonly message: PubSubMessage;
    readonly subscription: string;
    readonly deliveryAttempt: number;
  };
}

export class PubSubState {
  private readonly topics = new Set<string>();
  private readonly subscriptions = new Map<string, Subscription>();
  private published = 0;

  /** @param name `projects/{project}/topics/{topic}` */
  createTopic(name: string): void {
    this.topics.add(name);
  }

  hasTopic(name: string): boolean {
    return this.topics.has(name);
  }

  /** @param name `projects/{project}/subscriptions/{subscription}` */
  createSubscription(
    name: string,
    topic: string,
    deadLetter?: { readonly topic: string; readonly maxDeliveryAttempts: number },
  ): void {
    if (!this.topics.has(topic)) throw new Error(`topic ${topic} does not exist`);
    if (deadLetter && !(deadLetter.maxDeliveryAttempts >= 5 && deadLetter.maxDeliveryAttempts <= 100)) {
      throw new RangeError(`maxDeliveryAttempts must be between 5 and 100, not ${deadLetter.maxDeliveryAttempts}`);
    }
    this.subscriptions.set(name, { name, topic, messages: [], inFlight: 0, ...(deadLetter ? { deadLetter } : {}) });
  }

  hasSubscription(name: string): boolean {
    return this.subscriptions.has(name);
  }

  /** True when a topic or subscription of the project exists: the projects the local Pub/Sub knows. */
  hasProject(project: string): boolean {
    const prefix = `projects/${project}/`;
    return [...this.topics, ...this.subscriptions.keys()].some((name) => name.startsWith(prefix));
  }

  /**
   * What `subscription/num_undelivered_messages` counts: messages published and not acknowledged — waiting ones and
   * those pushed to an endpoint that has not answered yet (a nack puts a message back; a 2xx acknowledges it).
   */
  unacknowledged(subscription: string): number {
    const state = this.subscription(subscription);
    return state.messages.length + state.inFlight;
  }

  /** Publishes to a topic that exists; returns the message ids in order. */
  publish(topic: string, messages: readonly { data?: string; attributes?: Record<string, string> }[]): string[] {
    return messages.map((input) => {
      this.published += 1;
      const message: PubSubMessage = {
        messageId: String(17_000_000_000_000 + this.published),
        data: input.data ?? '',
        attributes: { ...(input.attributes ?? {}) },
        publishTime: new Date().toISOString(),
      };
      for (const subscription of this.subscriptions.values()) {
        if (subscription.topic === topic) subscription.messages.push({ message, deliveryAttempt: 0 });
      }
      return message.messageId;
    });
  }

  /** The decoded data of the messages waiting in a subscription, oldest first. */
  messages(subscription: string): string[] {
    return this.subscription(subscription).messages.map(({ message }) =>
      Buffer.from(message.data, 'base64').toString('utf8'),
    );
  }

  /** The attributes of the messages waiting in a subscription, oldest first. */
  attributes(subscription: string): Readonly<Record<string, string>>[] {
    return this.subscription(subscription).messages.map(({ message }) => message.attributes);
  }

  /**
   * One push delivery of the oldest message of `subscription` to `push`, which stands for the HTTP endpoint: a
   * rejection is a nack. Returns 1 when a message was delivered, 0 when none was waiting.
   */
  async deliver(subscription: string, push: (event: MessagePublishedEvent) => Promise<void>): Promise<number> {
    const state = this.subscription(subscription);
    const entry = state.messages.shift();
    if (!entry) return 0;
    entry.deliveryAttempt += 1;
    state.inFlight += 1;
    try {
      await push({
        specversion: '1.0',
        id: entry.message.messageId,
        source: `//pubsub.googleapis.com/${state.topic}`,
        type: 'google.cloud.pubsub.topic.v1.messagePublished',
        time: entry.message.publishTime,
        datacontenttype: 'application/json',
        data: { message: entry.message, subscription, deliveryAttempt: entry.deliveryAttempt },
      });
    } catch {
      if (state.deadLetter && entry.deliveryAttempt >= state.deadLetter.maxDeliveryAttempts) {
        this.publish(state.deadLetter.topic, [
          {
            data: entry.message.data,
            attributes: {
              ...entry.message.attributes,
              CloudPubSubDeadLetterSourceSubscription: subscription.split('/').at(-1) ?? subscription,
              CloudPubSubDeadLetterSourceDeliveryCount: String(entry.deliveryAttempt),
            },
          },
        ]);
      } else state.messages.push(entry);
    } finally {
      state.inFlight -= 1;
    }
    return 1;
  }

  private subscription(name: string): Subscription {
    const subscription = this.subscriptions.get(name);
    if (!subscription) throw new Error(`subscription ${name} does not exist`);
    return subscription;
  }
}
