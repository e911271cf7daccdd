import { describe, expect, it } from 'vitest';
import { GoogleApiClient, type GoogleApiTransport } from '../../functions/gcp/google-api.ts';
import {
  BACKLOG_LOOK_BACK_MS,
  BacklogReadError,
  PubSubBacklog,
  UNDELIVERED_MESSAGES_METRIC,
  undeliveredMessages,
} from '../../functions/gcp/pubsub-backlog.ts';
import { useLocalPubSub } from './gcp-harness.ts';

const TOPIC = 'projects/acme-prod/topics/linkdns-sweep';
const SUBSCRIPTION = 'projects/acme-prod/subscriptions/eventarc-us-central1-linkdns-repair-worker-sub-412';

/**
 * A real `projects.timeSeries.list` answer, as published in New Relic's "Gemini Enterprise Flex Integration" example
 * (sample output of `curl https://monitoring.googleapis.com/v3/projects/…/timeSeries?…` for an INT64 metric): the
 * envelope, the series' `metric`/`resource`/`metricKind`/`valueType`, a point's `interval` and the int64 as a string,
 * and the top-level `unit` the answer carries besides `timeSeries`.
 */
const PUBLISHED_SAMPLE = {
  timeSeries: [
    {
      metric: {
        labels: { method: '', regional_location: 'us', limit_name: 'SearchRequestsPerMinutePerProjectPerRegion' },
        type: 'discoveryengine.googleapis.com/quota/search_requests_regional/usage',
      },
      resource: {
        type: 'discoveryengine.googleapis.com/Location',
        labels: { project_id: 'PROJECT_ID', location: 'global' },
      },
      metricKind: 'DELTA',
      valueType: 'INT64',
      points: [
        {
          interval: { startTime: '2026-03-12T12:53:10.001Z', endTime: '2026-03-12T12:54:10Z' },
          value: { int64Value: '1' },
        },
      ],
    },
  ],
  unit: '1',
};

/** The same envelope for the backlog metric: a GAUGE (start = end), points newest first. */
function backlogSeries(points: readonly [endTime: string, count: string][]): Record<string, unknown> {
  return {
    metric: { type: UNDELIVERED_MESSAGES_METRIC },
    resource: { type: 'pubsub_subscription', labels: { project_id: 'acme-prod', subscription_id: 'sub-412' } },
    metricKind: 'GAUGE',
    valueType: 'INT64',
    points: points.map(([endTime, count]) => ({
      interval: { startTime: endTime, endTime },
      value: { int64Value: count },
    })),
  };
}

describe('undeliveredMessages (parsing timeSeries.list answers)', () => {
  it('reads the int64 string of a published timeSeries.list answer and the end time of its point', () => {
    // Act
    const backlog = undeliveredMessages([PUBLISHED_SAMPLE], SUBSCRIPTION);

    // Assess
    expect(backlog).toEqual({ messages: 1, sampledAt: '2026-03-12T12:54:10Z' });
  });

  it('takes the newest point by its end time, wherever it sits in the list and on whichever page', () => {
    // Prepare: points newest first as the API sends them, then a second page continuing the same series
    const first = {
      timeSeries: [
        backlogSeries([
          ['2026-11-30T12:03:00Z', '4'],
          ['2026-11-30T12:02:00Z', '6'],
        ]),
      ],
      nextPageToken: 'p2',
    };
    const second = {
      timeSeries: [
        backlogSeries([
          ['2026-11-30T12:04:00Z', '0'],
          ['2026-11-30T12:01:00Z', '9'],
        ]),
      ],
    };

    // Act
    const drained = undeliveredMessages([first, second], SUBSCRIPTION);
    const pending = undeliveredMessages([first], SUBSCRIPTION);

    // Assess: the same series continued on page 2 is not counted twice; its newest point (0 at 12:04) wins
    expect(drained).toEqual({ messages: 0, sampledAt: '2026-11-30T12:04:00Z' });
    expect(pending).toEqual({ messages: 4, sampledAt: '2026-11-30T12:03:00Z' });
  });

  it('calls an answer without a point unknown, not zero', () => {
    // Act: `{}` is what the API returns when no series has a point in the interval (proto3 JSON omits empty lists)
    const empty = undeliveredMessages([{}], SUBSCRIPTION);
    const noPoints = undeliveredMessages([{ timeSeries: [backlogSeries([])] }], SUBSCRIPTION);

    // Assess
    expect(empty).toEqual({
      messages: undefined,
      reason: expect.stringContaining(`sample of ${SUBSCRIPTION} in the last 5 minutes`),
    });
    expect(noPoints.messages).toBeUndefined();
  });

  it.each([
    ['a negative count', { timeSeries: [backlogSeries([['2026-11-30T12:03:00Z', '-1']])] }, /not an int64Value/],
    [
      'a count that is not a number',
      { timeSeries: [backlogSeries([['2026-11-30T12:03:00Z', 'many']])] },
      /not an int64Value/,
    ],
    [
      'a double instead of an int64',
      { timeSeries: [{ points: [{ interval: { endTime: '2026-11-30T12:03:00Z' }, value: { doubleValue: 2 } }] }] },
      /not an int64Value/,
    ],
    [
      'a point without an end time',
      { timeSeries: [{ points: [{ interval: {}, value: { int64Value: '2' } }] }] },
      /no interval.endTime/,
    ],
    ['timeSeries that is not a list', { timeSeries: { points: [] } }, /timeSeries is not a list/],
    ['an answer that is not an object', 'Service Unavailable', /not a JSON object/],
  ])('refuses %s with a BacklogReadError naming the subscription', (_, answer, detail) => {
    // Act
    const read = () => undeliveredMessages([answer], SUBSCRIPTION);

    // Assess
    expect(read).toThrow(BacklogReadError);
    expect(read).toThrow(detail);
    expect(read).toThrow(SUBSCRIPTION);
  });
});

describe('PubSubBacklog.read over pages', () => {
  /** A Monitoring API that answers page after page from `pages`, keyed by the request's pageToken. */
  function pagedClient(pages: (token: string | null) => unknown): {
    client: GoogleApiClient;
    tokens: (string | null)[];
  } {
    const tokens: (string | null)[] = [];
    const transport: GoogleApiTransport = {
      request: async (_method, url) => {
        const token = new URL(url).searchParams.get('pageToken');
        tokens.push(token);
        return { status: 200, headers: new Headers(), body: pages(token) };
      },
    };
    return {
      client: new GoogleApiClient({
        transport,
        roots: { dns: '', compute: '', monitoring: 'https://monitoring.test' },
      }),
      tokens,
    };
  }

  it('follows nextPageToken and takes the newest point of a series continued on the next page', async () => {
    // Prepare
    const { client, tokens } = pagedClient((token) =>
      token === null
        ? { timeSeries: [backlogSeries([['2026-11-30T12:03:00Z', '2']])], nextPageToken: 'page-2' }
        : { timeSeries: [backlogSeries([['2026-11-30T12:04:00Z', '0']])] },
    );

    // Act
    const backlog = await new PubSubBacklog(client, SUBSCRIPTION).read();

    // Assess
    expect(tokens).toEqual([null, 'page-2']);
    expect(backlog).toEqual({ messages: 0, sampledAt: '2026-11-30T12:04:00Z' });
  });

  it('refuses a listing that does not end within 10 pages instead of reading part of it', async () => {
    // Prepare
    const { client, tokens } = pagedClient((token) => ({
      timeSeries: [backlogSeries([['2026-11-30T12:03:00Z', '2']])],
      nextPageToken: `after-${token ?? 'first'}`,
    }));

    // Act
    const read = new PubSubBacklog(client, SUBSCRIPTION).read();

    // Assess
    await expect(read).rejects.toThrow(/more than 10 pages of timeSeries.list/);
    expect(tokens).toHaveLength(10);
  });
});

describe('PubSubBacklog.read against the local Cloud Monitoring (projects.timeSeries.list)', () => {
  const local = useLocalPubSub(TOPIC, SUBSCRIPTION);

  const publish = (count: number) =>
    local.gcp.state.pubsub.publish(
      TOPIC,
      Array.from({ length: count }, (_, index) => ({ data: Buffer.from(`batch ${index}`).toString('base64') })),
    );

  it('counts published messages until the push endpoint acknowledges them, the one being pushed included', async () => {
    // Prepare
    const backlog = new PubSubBacklog(local.client, SUBSCRIPTION);
    publish(3);

    // Act: read before any delivery, during the push of the first message, and after every message was acknowledged
    const waiting = await backlog.read();
    let duringPush: unknown;
    await local.gcp.state.pubsub.deliver(SUBSCRIPTION, async () => {
      duringPush = await backlog.read();
    });
    while ((await local.gcp.state.pubsub.deliver(SUBSCRIPTION, async () => undefined)) > 0);
    const drained = await backlog.read();

    // Assess
    expect(waiting.messages).toBe(3);
    expect(duringPush).toMatchObject({ messages: 3 });
    expect(drained).toMatchObject({ messages: 0, sampledAt: expect.any(String) });
    const [request] = local.gcp.requests.entries;
    expect(request).toMatchObject({
      method: 'GET',
      path: '/v3/projects/acme-prod/timeSeries',
      operation: 'timeSeries.list',
    });
    const query = new URLSearchParams(request?.query);
    expect(query.get('filter')).toBe(
      `metric.type = "${UNDELIVERED_MESSAGES_METRIC}" AND resource.type = "pubsub_subscription" AND ` +
        'resource.label.subscription_id = "eventarc-us-central1-linkdns-repair-worker-sub-412"',
    );
    const start = Date.parse(query.get('interval.startTime') ?? '');
    const end = Date.parse(query.get('interval.endTime') ?? '');
    expect(end - start).toBe(BACKLOG_LOOK_BACK_MS);
  });

  it('keeps a nacked message in the backlog and lets a dead-lettered one go', async () => {
    // Prepare: 5 delivery attempts at most, then the dead-letter topic
    const dead = 'projects/acme-prod/topics/linkdns-sweep-dead-letter';
    const held = 'projects/acme-prod/subscriptions/held';
    local.gcp.state.pubsub.createTopic(dead);
    local.gcp.state.pubsub.createSubscription(held, TOPIC, { topic: dead, maxDeliveryAttempts: 5 });
    publish(1);
    const backlog = new PubSubBacklog(local.client, held);
    const nack = async () => {
      throw new Error('500');
    };

    // Act
    await local.gcp.state.pubsub.deliver(held, nack);
    const afterNack = await backlog.read();
    for (let attempt = 2; attempt <= 5; attempt += 1) await local.gcp.state.pubsub.deliver(held, nack);
    const afterDeadLetter = await backlog.read();

    // Assess
    expect(afterNack.messages).toBe(1);
    expect(afterDeadLetter.messages).toBe(0);
  });

  it('reads a subscription without a series as unknown', async () => {
    // Act: a name that does not exist has no series, as a subscription created a moment ago has none yet
    const backlog = await new PubSubBacklog(local.client, 'projects/acme-prod/subscriptions/renamed-sub').read();

    // Assess
    expect(backlog).toEqual({
      messages: undefined,
      reason: expect.stringContaining('no pubsub.googleapis.com/subscription/num_undelivered_messages sample'),
    });
  });

  it('turns a 403 into a BacklogReadError that names the permission, without retrying it', async () => {
    // Act: the local cloud knows no project "acme-other", which Monitoring answers like a missing grant
    const read = new PubSubBacklog(local.client, 'projects/acme-other/subscriptions/sub-1').read();

    // Assess
    await expect(read).rejects.toThrow(BacklogReadError);
    await expect(read).rejects.toThrow(
      /timeSeries.list: 403 PERMISSION_DENIED: Permission monitoring.timeSeries.list denied \(or the resource may not exist\)\..*needs monitoring.timeSeries.list on project acme-other/,
    );
    await expect(read).rejects.toMatchObject({ retryable: false });
    expect(local.gcp.requests.counts()['timeSeries.list']).toBe(1);
  });

  it('retries a 503 and then fails retryably (the coordinator run is failed, not skipped)', async () => {
    // Prepare
    local.gcp.faults.add({ operation: 'timeSeries.list', status: 503, headers: { 'retry-after': '0' }, times: 2 });

    // Act
    const read = new PubSubBacklog(local.client, SUBSCRIPTION).read();

    // Assess
    await expect(read).rejects.toMatchObject({ name: 'TransientCloudError', retryable: true });
    expect(local.gcp.requests.counts()['timeSeries.list']).toBe(2);
  });

  it('refuses a name that is not projects/{project}/subscriptions/{id}', () => {
    expect(() => new PubSubBacklog(local.client, 'eventarc-sub')).toThrow(
      /projects\/\{project\}\/subscriptions\/\{id\}/,
    );
    // An id with a quote would end the filter's string early and change what is read
    expect(() => new PubSubBacklog(local.client, 'projects/acme-prod/subscriptions/sub" OR metric.type = "x')).toThrow(
      /projects\/\{project\}\/subscriptions\/\{id\}/,
    );
  });
});

describe('the local Cloud Monitoring answers timeSeries.list as the reference does', () => {
  const local = useLocalPubSub(TOPIC, SUBSCRIPTION);

  async function list(project: string, params: Record<string, string>): Promise<{ status: number; body: unknown }> {
    const response = await fetch(
      `${local.gcp.baseUrl}/v3/projects/${project}/timeSeries?${new URLSearchParams(params)}`,
      {
        headers: { authorization: 'Bearer local' },
      },
    );
    return { status: response.status, body: await response.json() };
  }

  const now = () => new Date().toISOString();
  const filter = `metric.type = "${UNDELIVERED_MESSAGES_METRIC}" AND resource.labels.subscription_id = "eventarc-us-central1-linkdns-repair-worker-sub-412"`;

  it('answers a GAUGE INT64 series with one point whose int64 is a string, accepting resource.labels as well', async () => {
    // Prepare
    local.gcp.state.pubsub.publish(TOPIC, [{ data: 'YQ==' }, { data: 'Yg==' }]);
    const end = now();

    // Act
    const answer = await list('acme-prod', {
      filter,
      'interval.startTime': '2026-01-01T00:00:00Z',
      'interval.endTime': end,
    });

    // Assess
    expect(answer).toEqual({
      status: 200,
      body: {
        timeSeries: [
          {
            metric: { type: UNDELIVERED_MESSAGES_METRIC },
            resource: {
              type: 'pubsub_subscription',
              labels: {
                project_id: 'acme-prod',
                subscription_id: 'eventarc-us-central1-linkdns-repair-worker-sub-412',
              },
            },
            metricKind: 'GAUGE',
            valueType: 'INT64',
            points: [{ interval: { startTime: end, endTime: end }, value: { int64Value: '2' } }],
          },
        ],
      },
    });
  });

  it('answers {} for an interval that ended before the last sample period (no history is kept)', async () => {
    // Act
    const answer = await list('acme-prod', {
      filter,
      'interval.startTime': '2026-01-01T00:00:00Z',
      'interval.endTime': '2026-01-01T00:05:00Z',
    });

    // Assess
    expect(answer).toEqual({ status: 200, body: {} });
  });

  it.each([
    ['no filter', { 'interval.endTime': '2026-01-01T00:05:00Z' }, /a filter is required/],
    [
      'a filter without a metric type',
      { filter: 'resource.type = "pubsub_subscription"', 'interval.endTime': '2026-01-01T00:05:00Z' },
      /no metric.type/,
    ],
    [
      'a filter that does not parse',
      { filter: 'metric.type == pubsub', 'interval.endTime': '2026-01-01T00:05:00Z' },
      /cannot parse/,
    ],
    [
      'an unknown field',
      { filter: `${filter} AND metric.label.zone = "a"`, 'interval.endTime': '2026-01-01T00:05:00Z' },
      /metric.label.zone is not a field/,
    ],
    ['no end time', { filter }, /interval.endTime is required/],
    [
      'an end time that is not RFC 3339',
      { filter, 'interval.endTime': 'yesterday' },
      /interval.endTime had an invalid value/,
    ],
    [
      'a start after the end',
      { filter, 'interval.startTime': '2026-01-02T00:00:00Z', 'interval.endTime': '2026-01-01T00:00:00Z' },
      /must not be later/,
    ],
  ])('answers 400 INVALID_ARGUMENT for %s', async (_, params, message) => {
    // Act
    const answer = await list('acme-prod', params);

    // Assess
    expect(answer).toEqual({
      status: 400,
      body: { error: { code: 400, message: expect.stringMatching(message), status: 'INVALID_ARGUMENT' } },
    });
  });

  it('answers 403 PERMISSION_DENIED for a project it cannot see, and 401 without a token', async () => {
    // Act
    const denied = await list('acme-other', { filter, 'interval.endTime': now() });
    const anonymous = await fetch(
      `${local.gcp.baseUrl}/v3/projects/acme-prod/timeSeries?${new URLSearchParams({ filter })}`,
    );

    // Assess
    expect(denied).toEqual({
      status: 403,
      body: {
        error: {
          code: 403,
          message: 'Permission monitoring.timeSeries.list denied (or the resource may not exist).',
          status: 'PERMISSION_DENIED',
        },
      },
    });
    expect(anonymous.status).toBe(401);
  });
});
