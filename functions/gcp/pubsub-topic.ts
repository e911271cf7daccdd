import { TransientCloudError } from '../core/errors.ts';
import { GOOGLE_API_ROOTS, type GoogleApiClient } from './google-api.ts';

/** Pub/Sub accepts at most 1,000 messages per publish request (Pub/Sub "Quotas and limits", resource limits). */
const MESSAGES_PER_PUBLISH = 1_000;

/**
 * A Pub/Sub topic linkdns publishes to: `projects.topics.publish` of the REST API v1
 * (https://cloud.google.com/pubsub/docs/reference/rest/v1/projects.topics/publish) through the same small client as
 * Cloud DNS and Compute: `POST /v1/projects/{p}/topics/{t}:publish` with `{ messages: [{ data, attributes }] }`, `data`
 * base64-encoded, answered by `{ messageIds }` in the order of the messages.
 *
 * @example
 * await new PubSubTopic(client, 'projects/acme-prod/topics/linkdns-sweep').publish([body], { linkdnsSweep: '1' });
 */
export class PubSubTopic {
  constructor(
    private readonly client: GoogleApiClient,
    /** `projects/{project}/topics/{topic}` */
    readonly name: string,
  ) {
    if (!/^projects\/[^/]+\/topics\/[^/:]+$/.test(name)) {
      throw new RangeError(`a topic is projects/{project}/topics/{topic}, not ${name}`);
    }
  }

  /**
   * Publishes one message per body, 1,000 per request. Resolves to the message ids. A request that still fails after
   * the client's retries rejects; messages of earlier requests stay published (the caller's work is idempotent).
   */
  async publish(
    bodies: readonly string[],
    attributes: Readonly<Record<string, string>> = {},
    signal?: AbortSignal,
  ): Promise<string[]> {
    const ids: string[] = [];
    const root = this.client.roots.pubsub ?? GOOGLE_API_ROOTS.pubsub;
    for (let start = 0; start < bodies.length; start += MESSAGES_PER_PUBLISH) {
      const chunk = bodies.slice(start, start + MESSAGES_PER_PUBLISH);
      const response = await this.client.call<{ messageIds?: unknown }>(
        'topics.publish',
        'POST',
        `${root}/v1/${this.name}:publish`,
        {
          messages: chunk.map((body) => ({
            data: Buffer.from(body, 'utf8').toString('base64'),
            ...(Object.keys(attributes).length > 0 ? { attributes: { ...attributes } } : {}),
          })),
        },
        signal,
      );
      const published = Array.isArray(response?.messageIds) ? response.messageIds : [];
      if (published.length !== chunk.length) {
        throw new TransientCloudError(
          `topics.publish ${this.name}: ${published.length} message id(s) for ${chunk.length} message(s)`,
        );
      }
      ids.push(...published.map(String));
    }
    return ids;
  }
}
