import { describe, expect, it } from 'vitest';
import { GoogleApiError } from '../../functions/gcp/google-api.ts';
import { PubSubTopic } from '../../functions/gcp/pubsub-topic.ts';
import { useLocalPubSub } from './gcp-harness.ts';

const TOPIC = 'projects/acme-prod/topics/linkdns-sweep';
const SUBSCRIPTION = 'projects/acme-prod/subscriptions/linkdns-sweep-test';

const local = useLocalPubSub(TOPIC, SUBSCRIPTION);

/** A raw publish request to the local Pub/Sub: status and body. */
async function publishRaw(topic: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${local.gcp.baseUrl}/v1/${topic}:publish`, {
    method: 'POST',
    headers: { authorization: 'Bearer local', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

describe('PubSubTopic.publish (projects.topics.publish over the Google API client)', () => {
  it('sends each body base64-encoded with the attributes and returns the message ids in order', async () => {
    // Act
    const ids = await new PubSubTopic(local.client, TOPIC).publish(['{"a":1}', 'zwei ✓'], { linkdnsSweep: '1' });

    // Assess
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    expect(local.gcp.state.pubsub.messages(SUBSCRIPTION)).toEqual(['{"a":1}', 'zwei ✓']);
    expect(local.gcp.state.pubsub.attributes(SUBSCRIPTION)).toEqual([{ linkdnsSweep: '1' }, { linkdnsSweep: '1' }]);
    const [request] = local.gcp.requests.entries;
    expect(request).toMatchObject({ method: 'POST', path: `/v1/${TOPIC}:publish`, operation: 'topics.publish' });
    expect(request?.body).toEqual({
      messages: [
        { data: Buffer.from('{"a":1}').toString('base64'), attributes: { linkdnsSweep: '1' } },
        { data: Buffer.from('zwei ✓').toString('base64'), attributes: { linkdnsSweep: '1' } },
      ],
    });
  });

  it('splits more than 1,000 messages over several requests', async () => {
    // Act
    const ids = await new PubSubTopic(local.client, TOPIC).publish(
      Array.from({ length: 2_001 }, (_, index) => `m${index}`),
    );

    // Assess
    expect(ids).toHaveLength(2_001);
    expect(local.gcp.requests.entries.map((entry) => (entry.body as { messages: unknown[] }).messages.length)).toEqual([
      1_000, 1_000, 1,
    ]);
  });

  it('fails naming the topic when it does not exist (404 NOT_FOUND), and refuses a malformed topic name', async () => {
    // Act
    const missing = await new PubSubTopic(local.client, 'projects/acme-prod/topics/nope')
      .publish(['x'])
      .catch((e) => e);

    // Assess
    expect(missing).toBeInstanceOf(GoogleApiError);
    expect(missing).toMatchObject({ status: 404, reason: 'NOT_FOUND', retryable: false });
    expect((missing as Error).message).toContain('Resource not found (resource=nope)');
    expect(() => new PubSubTopic(local.client, 'linkdns-sweep')).toThrow(/projects\/\{project\}\/topics\/\{topic\}/);
  });
});

describe('local Pub/Sub topics.publish', () => {
  it.each([
    ['no messages', { messages: [] }, /minimum value is 1/],
    ['a message with neither data nor attributes', { messages: [{}] }, /non-empty data, or at least one attribute/],
    ['data that is not base64', { messages: [{ data: 'not base64!' }] }, /messages\[0\]\.data.*Base64/],
  ])('answers 400 INVALID_ARGUMENT for %s, publishing nothing', async (_name, body, message) => {
    // Act
    const answer = await publishRaw(TOPIC, body);

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      error: { code: 400, message: expect.stringMatching(message), status: 'INVALID_ARGUMENT' },
    });
    expect(local.gcp.state.pubsub.messages(SUBSCRIPTION)).toEqual([]);
  });

  it('accepts a message with attributes only', async () => {
    // Act
    const answer = await publishRaw(TOPIC, { messages: [{ attributes: { only: 'attributes' } }] });

    // Assess
    expect(answer).toMatchObject({ status: 200, body: { messageIds: [expect.any(String)] } });
    expect(local.gcp.state.pubsub.attributes(SUBSCRIPTION)).toEqual([{ only: 'attributes' }]);
  });
});
