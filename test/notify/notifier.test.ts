import { readFileSync } from 'node:fs';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type NotificationDestination,
  notificationDestinationSchema,
} from '../../functions/core/notification-config.ts';
import { createNotifier, type NotifierDeps } from '../../functions/notify/notifier.ts';
import { envSecretResolver, type SecretResolver } from '../../functions/notify/secrets.ts';
import type { HostLookup } from '../../functions/notify/ssrf-guard.ts';
import {
  type Answer,
  captureLog,
  captureMetrics,
  type ReceivedRequest,
  type Receiver,
  selfSignedCertificate,
  startReceiver,
} from './receiver.ts';
import {
  createdZone,
  ENDPOINT_EVENT,
  failedZone,
  repairedZone,
  runReport,
  SCHEDULE,
  unchangedZone,
} from './reports.ts';

const SLACK_TOKEN = 'xoxbSecretToken0123456789abcdef';
const TEAMS_SIG = 'sigTeams0123456789abcdefSECRET';
const SIGNING_SECRET = `whsec_${Buffer.from('linkdns-test-signing-key-32-bytes!!').toString('base64')}`;

const receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

async function receiver(answer?: (request: ReceivedRequest, index: number) => Answer) {
  const started = await startReceiver(answer);
  receivers.push(started);
  return started;
}

function destination(input: Record<string, unknown>): NotificationDestination {
  return notificationDestinationSchema.parse({ allowHttp: true, allowPrivateHosts: ['127.0.0.1'], ...input });
}

const FAST = {
  timeoutMs: 2_000,
  retry: { retries: 2, baseDelayMs: 10, maxDelayMs: 40, maxRetryAfterMs: 5_000 },
  rateLimits: {
    slack: { burst: 10, intervalMs: 10 },
    teams: { burst: 10, intervalMs: 10 },
    webhook: { burst: 10, intervalMs: 10 },
  },
};

function deps(env: Record<string, string>, overrides: Partial<NotifierDeps> = {}) {
  const log = captureLog();
  const metrics = captureMetrics();
  const all: NotifierDeps = { secrets: envSecretResolver(env), log, metrics, delivery: FAST, ...overrides };
  return { deps: all, log, metrics };
}

const created = runReport(ENDPOINT_EVENT, [createdZone(), unchangedZone('other.aws.confluent.cloud')]);

describe('Slack', () => {
  it('posts one Block Kit message with what happened, where, the change table and the trigger', async () => {
    // Prepare
    const slack = await receiver();
    const setup = deps({ SLACK_URL: `${slack.origin}/services/T0001/B0002/${SLACK_TOKEN}` });
    const notifier = createNotifier(
      [destination({ name: 'ops', type: 'slack', url: { env: 'SLACK_URL' } })],
      setup.deps,
    );

    // Act
    await notifier.notify(created);

    // Assess
    expect(slack.requests).toHaveLength(1);
    const [request] = slack.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(`/services/T0001/B0002/${SLACK_TOKEN}`);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual({
      text: 'linkdns: DNS records created in pr1jy6.us-east-2.aws.confluent.cloud',
      blocks: [
        {
          type: 'header',
          text: { type: 'plain_text', text: 'linkdns: DNS records created in pr1jy6.us-east-2.aws.confluent.cloud' },
        },
        {
          type: 'context',
          elements: [
            {
              type: 'mrkdwn',
              text: '*Trigger:* Endpoint event `6f1c2b9e-3d4a-4e5f-8a7b-0c1d2e3f4a5b` — CreateVpcEndpoint vpce-0f1e2d3c4b5a69788',
            },
          ],
        },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text:
              ':white_check_mark: *DNS records created* · `pr1jy6.us-east-2.aws.confluent.cloud`\n' +
              '*Scope:* `vpc-0a1b2c3d4e5f60718`\n*Zone:* `Z0123456789ABCDEFGHIJ`\n*Endpoints:* `vpce-0f1e2d3c4b5a69788`',
          },
        },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: [
              '```',
              'create  *           CNAME  60   vpce-0f1e2d3c4b5a69788-abcdefgh.vpce-svc-0123456789abcdef0.us-east-2.vpce.amazonaws.com',
              'create  *.use2-az1  CNAME  60   vpce-0f1e2d3c4b5a69788-abcdefgh-us-east-2a.vpce-svc-0123456789abcdef0.us-east-2.vpce.amazonaws.com',
              'create  *.use2-az2  CNAME  60   vpce-0f1e2d3c4b5a69788-abcdefgh-us-east-2b.vpce-svc-0123456789abcdef0.us-east-2.vpce.amazonaws.com',
              'create  _linkdns    TXT    300  (ownership registry)',
              '```',
            ].join('\n'),
          },
        },
        {
          type: 'context',
          elements: [
            { type: 'mrkdwn', text: '1 zone unchanged · run 2026-03-01T06:00:00.000Z → 2026-03-01T06:00:02.500Z' },
          ],
        },
      ],
    });
    expect(setup.metrics.counts).toEqual({ NotificationsSent: 1 });
    expect(setup.log.lines.map((line) => line.message)).toEqual(['notification sent']);
  });

  it('waits for Retry-After after a 429 and then delivers', async () => {
    // Prepare
    const slack = await receiver((_request, index) =>
      index === 0
        ? { status: 429, headers: { 'retry-after': '1' }, body: 'rate_limited' }
        : { status: 200, body: 'ok' },
    );
    const setup = deps({ SLACK_URL: `${slack.origin}/services/T0001/B0002/${SLACK_TOKEN}` });
    const notifier = createNotifier(
      [destination({ name: 'ops', type: 'slack', url: { env: 'SLACK_URL' } })],
      setup.deps,
    );

    // Act
    await notifier.notify(created);

    // Assess
    expect(slack.requests).toHaveLength(2);
    const [first, second] = slack.requests;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect(second?.body).toBe(first?.body);
    expect(setup.metrics.counts).toEqual({ NotificationsSent: 1 });
    const retry = setup.log.lines.find((line) => line.level === 'warn');
    expect(retry?.attributes).toMatchObject({ destination: 'ops', attempt: 1, delayMs: 1000 });
    expect(setup.log.lines.at(-1)?.attributes).toMatchObject({ attempts: 2 });
  });

  it('gives up when Retry-After asks for longer than a run may wait', async () => {
    // Prepare
    const slack = await receiver(() => ({ status: 429, headers: { 'retry-after': '120' }, body: 'rate_limited' }));
    const setup = deps({ SLACK_URL: `${slack.origin}/services/T0001/B0002/${SLACK_TOKEN}` });
    const notifier = createNotifier(
      [destination({ name: 'ops', type: 'slack', url: { env: 'SLACK_URL' } })],
      setup.deps,
    );

    // Act
    const started = performance.now();
    await notifier.notify(created);

    // Assess
    // Far below the 120 s asked for: the run did not wait (the bound leaves room for a loaded machine).
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(slack.requests).toHaveLength(1);
    expect(setup.log.lines.at(-1)?.attributes?.error).toMatchObject({ name: 'RetryAfterTooLongError' });
    expect(setup.metrics.counts).toEqual({ NotificationsFailed: 1 });
  });

  it('does not retry what Slack refuses for good (404 no_service)', async () => {
    // Prepare
    const slack = await receiver(() => ({ status: 404, body: 'no_service' }));
    const setup = deps({ SLACK_URL: `${slack.origin}/services/T0001/B0002/${SLACK_TOKEN}` });
    const notifier = createNotifier(
      [destination({ name: 'ops', type: 'slack', url: { env: 'SLACK_URL' } })],
      setup.deps,
    );

    // Act
    await notifier.notify(created);

    // Assess
    expect(slack.requests).toHaveLength(1);
    expect(setup.log.lines.at(-1)?.attributes?.error).toMatchObject({
      name: 'NotificationHttpError',
      status: 404,
      retryable: false,
      message: 'Notification to "ops" was answered with HTTP 404: no_service',
    });
  });
});

describe('Microsoft Teams', () => {
  it('posts the Adaptive Card envelope a Workflows webhook expects', async () => {
    // Prepare
    const teams = await receiver(() => ({ status: 202 }));
    const setup = deps({ TEAMS_URL: `${teams.origin}/workflows/abc/triggers/manual/paths/invoke?sig=${TEAMS_SIG}` });
    const notifier = createNotifier(
      [destination({ name: 'teams', type: 'teams', url: { env: 'TEAMS_URL' } })],
      setup.deps,
    );

    // Act
    await notifier.notify(created);

    // Assess
    expect(teams.requests).toHaveLength(1);
    const [request] = teams.requests;
    expect(request?.path).toBe(`/workflows/abc/triggers/manual/paths/invoke?sig=${TEAMS_SIG}`);
    expect(request?.headers['content-type']).toBe('application/json');
    const row = (text: string) => ({
      type: 'TextBlock',
      text,
      fontType: 'Monospace',
      size: 'Small',
      wrap: true,
      spacing: 'None',
    });
    expect(JSON.parse(request?.body ?? '')).toEqual({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            msteams: { width: 'Full' },
            body: [
              {
                type: 'TextBlock',
                text: 'linkdns: DNS records created in pr1jy6.us-east-2.aws.confluent.cloud',
                size: 'Large',
                weight: 'Bolder',
                wrap: true,
                color: 'Good',
              },
              {
                type: 'TextBlock',
                text: 'Trigger: Endpoint event 6f1c2b9e-3d4a-4e5f-8a7b-0c1d2e3f4a5b — CreateVpcEndpoint vpce-0f1e2d3c4b5a69788',
                isSubtle: true,
                wrap: true,
                spacing: 'None',
              },
              {
                type: 'Container',
                separator: true,
                spacing: 'Medium',
                items: [
                  {
                    type: 'TextBlock',
                    text: 'DNS records created · pr1jy6.us-east-2.aws.confluent.cloud',
                    weight: 'Bolder',
                    wrap: true,
                    color: 'Good',
                  },
                  {
                    type: 'FactSet',
                    facts: [
                      { title: 'Scope', value: 'vpc-0a1b2c3d4e5f60718' },
                      { title: 'Zone', value: 'Z0123456789ABCDEFGHIJ' },
                      { title: 'Endpoints', value: 'vpce-0f1e2d3c4b5a69788' },
                    ],
                  },
                  {
                    type: 'Container',
                    items: [
                      row(
                        'create  *           CNAME  60   vpce-0f1e2d3c4b5a69788-abcdefgh.vpce-svc-0123456789abcdef0.us-east-2.vpce.amazonaws.com',
                      ),
                      row(
                        'create  *.use2-az1  CNAME  60   vpce-0f1e2d3c4b5a69788-abcdefgh-us-east-2a.vpce-svc-0123456789abcdef0.us-east-2.vpce.amazonaws.com',
                      ),
                      row(
                        'create  *.use2-az2  CNAME  60   vpce-0f1e2d3c4b5a69788-abcdefgh-us-east-2b.vpce-svc-0123456789abcdef0.us-east-2.vpce.amazonaws.com',
                      ),
                      row('create  _linkdns    TXT    300  (ownership registry)'),
                    ],
                  },
                ],
              },
              {
                type: 'TextBlock',
                text: '1 zone unchanged · run 2026-03-01T06:00:00.000Z → 2026-03-01T06:00:02.500Z',
                isSubtle: true,
                size: 'Small',
                wrap: true,
                separator: true,
              },
            ],
          },
        },
      ],
    });
    expect(setup.metrics.counts).toEqual({ NotificationsSent: 1 });
  });

  it('retries a 500 and gives up after the configured retries, without failing notify', async () => {
    // Prepare
    const teams = await receiver(() => ({ status: 500, body: 'upstream error' }));
    const setup = deps({ TEAMS_URL: `${teams.origin}/workflows/abc/triggers/manual/paths/invoke?sig=${TEAMS_SIG}` });
    const notifier = createNotifier(
      [destination({ name: 'teams', type: 'teams', url: { env: 'TEAMS_URL' } })],
      setup.deps,
    );

    // Act
    await expect(notifier.notify(created)).resolves.toBeUndefined();

    // Assess
    expect(teams.requests).toHaveLength(3);
    expect(setup.log.lines.filter((line) => line.level === 'warn')).toHaveLength(2);
    const failure = setup.log.lines.at(-1);
    expect(failure?.message).toBe('notification failed');
    expect(failure?.attributes).toMatchObject({
      destination: 'teams',
      attempts: 3,
      error: { name: 'NotificationHttpError', status: 500, retryable: true },
    });
    expect(setup.metrics.counts).toEqual({ NotificationsFailed: 1 });
  });

  it('times out an attempt that gets no answer and retries it', async () => {
    // Prepare
    const teams = await receiver(() => 'hang');
    const setup = deps(
      { TEAMS_URL: `${teams.origin}/workflows/abc/triggers/manual/paths/invoke?sig=${TEAMS_SIG}` },
      { delivery: { ...FAST, timeoutMs: 150, retry: { ...FAST.retry, retries: 1 } } },
    );
    const notifier = createNotifier(
      [destination({ name: 'teams', type: 'teams', url: { env: 'TEAMS_URL' } })],
      setup.deps,
    );

    // Act
    const started = performance.now();
    await notifier.notify(created);

    // Assess
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    // The receiver never answers: without the per-attempt timeout this would wait until the test's own timeout.
    expect(elapsed).toBeLessThan(20_000);
    expect(teams.requests).toHaveLength(2);
    expect(setup.log.lines.at(-1)?.attributes).toMatchObject({
      attempts: 2,
      error: { name: 'NotificationTimeoutError', message: 'Notification to "teams" timed out after 150 ms' },
    });
    expect(setup.metrics.counts).toEqual({ NotificationsFailed: 1 });
  });
});

describe('Signed webhook', () => {
  const schema = z.fromJSONSchema(
    JSON.parse(readFileSync(new URL('../../functions/notify/webhook-payload.schema.json', import.meta.url), 'utf8')),
  );

  async function deliverWebhook(report = created, now?: () => Date) {
    const hook = await receiver(() => ({ status: 204 }));
    const setup = deps({ HOOK_URL: `${hook.origin}/linkdns`, HOOK_SECRET: SIGNING_SECRET }, now ? { now } : {});
    const notifier = createNotifier(
      [
        destination({
          name: 'audit',
          type: 'webhook',
          url: { env: 'HOOK_URL' },
          signingSecret: { env: 'HOOK_SECRET' },
        }),
      ],
      setup.deps,
    );
    await notifier.notify(report);
    return { hook, setup };
  }

  it('sends a body that matches the documented JSON Schema, signed so a Standard Webhooks verifier accepts it', async () => {
    // Act
    const { hook, setup } = await deliverWebhook();

    // Assess
    expect(hook.requests).toHaveLength(1);
    const [request] = hook.requests;
    const headers = request?.headers as Record<string, string>;
    const verified = new Webhook(SIGNING_SECRET).verify(request?.body ?? '', headers);
    expect(schema.safeParse(verified).success).toBe(true);
    expect(verified).toMatchObject({
      type: 'linkdns.run.completed',
      data: {
        id: headers['webhook-id'],
        severity: 'change',
        unchangedZones: 1,
        zones: [{ domain: 'pr1jy6.us-east-2.aws.confluent.cloud', event: 'created', outcome: 'changed' }],
      },
    });
    expect(headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(setup.metrics.counts).toEqual({ NotificationsSent: 1 });
  });

  it('has bodies of every outcome kind accepted by the schema, and the schema refuses a malformed one', async () => {
    // Prepare
    const report = runReport(SCHEDULE, [repairedZone(), failedZone(), unchangedZone()]);

    // Act
    const { hook } = await deliverWebhook(report);

    // Assess
    const body = JSON.parse(hook.requests[0]?.body ?? '');
    expect(schema.safeParse(body).success).toBe(true);
    expect(body.data.zones.map((zone: { event: string }) => zone.event)).toEqual(['repaired', 'failed']);
    const broken = structuredClone(body);
    broken.data.zones[0].changes[0].action = 'upsert';
    expect(schema.safeParse(broken).success).toBe(false);
  });

  it('is rejected by the verifier when the body was tampered with', async () => {
    // Act
    const { hook } = await deliverWebhook();

    // Assess
    const [request] = hook.requests;
    const tampered = (request?.body ?? '').replace('"created"', '"cleaned-up"');
    expect(tampered).not.toBe(request?.body);
    expect(() => new Webhook(SIGNING_SECRET).verify(tampered, request?.headers as Record<string, string>)).toThrow(
      /No matching signature found/,
    );
  });

  it('is rejected by the verifier when its timestamp is stale (a captured request replayed later)', async () => {
    // Act: signed ten minutes ago, beyond the verifier's five-minute tolerance
    const { hook } = await deliverWebhook(created, () => new Date(Date.now() - 10 * 60 * 1000));

    // Assess
    const [request] = hook.requests;
    expect(() =>
      new Webhook(SIGNING_SECRET).verify(request?.body ?? '', request?.headers as Record<string, string>),
    ).toThrow(/Message timestamp too old/);
  });

  it('keeps webhook-id stable for the same outcome and changes it for a different one', async () => {
    // Act: two cold instances report the same event ending the same way (a replay), then a different outcome
    const first = await deliverWebhook();
    const replay = await deliverWebhook({
      ...created,
      startedAt: '2026-03-01T07:00:00.000Z',
      finishedAt: '2026-03-01T07:00:01.000Z',
    });
    const other = await deliverWebhook(runReport(ENDPOINT_EVENT, [repairedZone()]));

    // Assess
    const id = (receiver: Receiver) => receiver.requests[0]?.headers['webhook-id'];
    expect(id(replay.hook)).toBe(id(first.hook));
    expect(id(other.hook)).not.toBe(id(first.hook));
  });
});

describe('Quiet, filtered and de-duplicated', () => {
  async function hookDestination(name: string, extra: Record<string, unknown> = {}) {
    const hook = await receiver(() => ({ status: 200 }));
    return {
      hook,
      env: { [`${name.toUpperCase()}_URL`]: `${hook.origin}/${name}`, SECRET: SIGNING_SECRET },
      destination: destination({
        name,
        type: 'webhook',
        url: { env: `${name.toUpperCase()}_URL` },
        signingSecret: { env: 'SECRET' },
        ...extra,
      }),
    };
  }

  it('sends nothing for a run where every zone is unchanged', async () => {
    // Prepare
    const quiet = await hookDestination('quiet');
    const setup = deps(quiet.env);
    const notifier = createNotifier([quiet.destination], setup.deps);

    // Act
    await notifier.notify(runReport(SCHEDULE, [unchangedZone(), unchangedZone('other.aws.confluent.cloud')]));

    // Assess
    expect(quiet.hook.requests).toHaveLength(0);
    expect(setup.log.lines).toEqual([]);
    expect(setup.metrics.counts).toEqual({});
  });

  it('sends a "no changes" message for such a run when notifyUnchanged is set', async () => {
    // Prepare
    const heartbeat = await hookDestination('heartbeat', { notifyUnchanged: true });
    const notifier = createNotifier([heartbeat.destination], deps(heartbeat.env).deps);

    // Act
    await notifier.notify(runReport(SCHEDULE, [unchangedZone(), unchangedZone('other.aws.confluent.cloud')]));

    // Assess
    expect(heartbeat.hook.requests).toHaveLength(1);
    const body = JSON.parse(heartbeat.hook.requests[0]?.body ?? '');
    expect(body.data).toMatchObject({ headline: 'linkdns: no changes (2 zones checked)', severity: 'info', zones: [] });
  });

  it('applies each destination its own filter: changes, drift, errors', async () => {
    // Prepare
    const changes = await hookDestination('changes', { filter: 'changes' });
    const drift = await hookDestination('drift', { filter: 'drift' });
    const errors = await hookDestination('errors', { filter: 'errors' });
    const notifier = createNotifier(
      [changes.destination, drift.destination, errors.destination],
      deps({ ...changes.env, ...drift.env, ...errors.env }).deps,
    );

    // Act: an endpoint event that created one zone and failed another, then a scheduled repair
    await notifier.notify(runReport(ENDPOINT_EVENT, [createdZone(), failedZone()]));
    await notifier.notify(runReport(SCHEDULE, [repairedZone()]));

    // Assess
    const events = (receiver: Receiver) =>
      receiver.requests.map((request) =>
        JSON.parse(request.body).data.zones.map((zone: { event: string }) => zone.event),
      );
    expect(events(changes.hook)).toEqual([['created', 'failed'], ['repaired']]);
    expect(events(drift.hook)).toEqual([['repaired']]);
    expect(events(errors.hook)).toEqual([['failed']]);
  });

  it('sends one message per run however many records changed', async () => {
    // Prepare
    const all = await hookDestination('all');
    const notifier = createNotifier([all.destination], deps(all.env).deps);
    const zones = Array.from({ length: 20 }, (_, index) => createdZone(`z${index}.us-east-2.aws.confluent.cloud`));

    // Act
    await notifier.notify(runReport(SCHEDULE, zones));

    // Assess
    expect(all.hook.requests).toHaveLength(1);
    expect(JSON.parse(all.hook.requests[0]?.body ?? '').data.zones).toHaveLength(20);
  });

  it('does not send the same outcome twice from a warm instance (a replayed event)', async () => {
    // Prepare
    const once = await hookDestination('once');
    const setup = deps(once.env);
    const notifier = createNotifier([once.destination], setup.deps);
    const failed = runReport(ENDPOINT_EVENT, [failedZone()]);

    // Act: the platform retries the failed event; the retry fails the same way
    await notifier.notify(failed);
    await notifier.notify({ ...failed, startedAt: '2026-03-01T06:01:00.000Z', finishedAt: '2026-03-01T06:01:01.000Z' });

    // Assess
    expect(once.hook.requests).toHaveLength(1);
    expect(setup.metrics.counts).toEqual({ NotificationsSent: 1, NotificationsDeduplicated: 1 });
  });

  it('keeps delivering to the other destinations when one fails', async () => {
    // Prepare
    const healthy = await hookDestination('healthy');
    const broken = await receiver(() => ({ status: 503 }));
    const setup = deps({ ...healthy.env, BROKEN_URL: `${broken.origin}/broken` });
    const notifier = createNotifier(
      [destination({ name: 'broken', type: 'slack', url: { env: 'BROKEN_URL' } }), healthy.destination],
      setup.deps,
    );

    // Act
    await notifier.notify(created);

    // Assess
    expect(healthy.hook.requests).toHaveLength(1);
    expect(broken.requests).toHaveLength(3);
    expect(setup.metrics.counts).toEqual({ NotificationsSent: 1, NotificationsFailed: 1 });
  });
});

describe('Delivery limits and cancellation', () => {
  it('spaces messages to one Slack webhook by its rate limit', async () => {
    // Prepare
    const slack = await receiver();
    const setup = deps(
      { SLACK_URL: `${slack.origin}/services/T0001/B0002/${SLACK_TOKEN}` },
      { delivery: { ...FAST, rateLimits: { ...FAST.rateLimits, slack: { burst: 1, intervalMs: 300 } } } },
    );
    const notifier = createNotifier(
      [destination({ name: 'ops', type: 'slack', url: { env: 'SLACK_URL' } })],
      setup.deps,
    );
    const reports = ['a', 'b', 'c'].map((id) => runReport({ ...ENDPOINT_EVENT, id }, [createdZone()]));

    // Act: three events arrive at once
    const started = performance.now();
    await Promise.all(reports.map((report) => notifier.notify(report)));

    // Assess: the n-th message cannot leave before n intervals have passed. Measured from the start, not between
    // arrivals: a late first arrival (a loaded machine) shortens the gap after it without any message leaving early.
    expect(slack.requests).toHaveLength(3);
    slack.requests.forEach((request, index) => {
      expect(request.at - started).toBeGreaterThanOrEqual(index * 300 - 1);
    });
  });

  it('stops waiting when the caller aborts (the function is out of time) and still resolves', async () => {
    // Prepare
    const slack = await receiver(() => ({ status: 429, headers: { 'retry-after': '3' } }));
    const setup = deps({ SLACK_URL: `${slack.origin}/services/T0001/B0002/${SLACK_TOKEN}` });
    const notifier = createNotifier(
      [destination({ name: 'ops', type: 'slack', url: { env: 'SLACK_URL' } })],
      setup.deps,
    );

    // Act
    const started = performance.now();
    await notifier.notify(created, AbortSignal.timeout(300));

    // Assess: it stopped before the 3 s Retry-After was over
    expect(performance.now() - started).toBeLessThan(2_900);
    expect(slack.requests).toHaveLength(1);
    expect(setup.log.lines.at(-1)?.message).toBe('notification failed');
    expect(setup.metrics.counts).toEqual({ NotificationsFailed: 1 });
  });
});

describe('SSRF guard', () => {
  const lookupTo =
    (address: string, family: 4 | 6 = 4): HostLookup =>
    async () => [{ address, family }];

  it.each([
    ['the metadata service', '169.254.169.254', 4, 'link-local'],
    ['a private address', '10.0.0.1', 4, 'private'],
    ['IPv6 loopback', '::1', 6, 'loopback'],
  ] as const)('refuses a host that resolves to %s, without sending anything', async (_name, address, family, range) => {
    // Prepare
    const setup = deps({ SLACK_URL: `https://hooks.example.test/services/T0001/B0002/${SLACK_TOKEN}` });
    const notifier = createNotifier(
      [notificationDestinationSchema.parse({ name: 'ops', type: 'slack', url: { env: 'SLACK_URL' } })],
      { ...setup.deps, lookup: lookupTo(address, family) },
    );

    // Act
    await notifier.notify(created);

    // Assess
    expect(setup.log.lines.at(-1)?.attributes).toMatchObject({
      attempts: 0,
      error: {
        name: 'UnsafeDestinationError',
        message: expect.stringContaining(`resolves to ${address} (${range})`),
      },
    });
    expect(setup.metrics.counts).toEqual({ NotificationsFailed: 1 });
  });

  it('refuses plain http unless the destination allows it', async () => {
    // Prepare
    const slack = await receiver();
    const setup = deps({ SLACK_URL: `${slack.origin}/services/T0001/B0002/${SLACK_TOKEN}` });
    const notifier = createNotifier(
      [destination({ name: 'ops', type: 'slack', url: { env: 'SLACK_URL' }, allowHttp: false })],
      setup.deps,
    );

    // Act
    await notifier.notify(created);

    // Assess
    expect(slack.requests).toHaveLength(0);
    expect(setup.log.lines.at(-1)?.attributes?.error).toMatchObject({
      name: 'UnsafeDestinationError',
      message: expect.stringContaining('only https is allowed'),
    });
  });

  it('refuses the local receiver when it is not allowlisted', async () => {
    // Prepare
    const slack = await receiver();
    const setup = deps({ SLACK_URL: `https://127.0.0.1:${slack.port}/services/T0001/B0002/${SLACK_TOKEN}` });
    const notifier = createNotifier(
      [notificationDestinationSchema.parse({ name: 'ops', type: 'slack', url: { env: 'SLACK_URL' } })],
      setup.deps,
    );

    // Act
    await notifier.notify(created);

    // Assess
    expect(slack.requests).toHaveLength(0);
    expect(setup.log.lines.at(-1)?.attributes?.error).toMatchObject({
      name: 'UnsafeDestinationError',
      // The host (here the address itself) is treated as secret and redacted; the range still explains the refusal.
      message: expect.stringContaining('resolves to [redacted] (loopback)'),
    });
  });

  it('connects an allowlisted name to the address it checked (pinned), not to a second resolution', async () => {
    // Prepare: receiver.test exists only in the injected lookup
    const hook = await receiver(() => ({ status: 200 }));
    const setup = deps({ HOOK_URL: `http://receiver.test:${hook.port}/in`, SECRET: SIGNING_SECRET });
    const notifier = createNotifier(
      [
        destination({
          name: 'local',
          type: 'webhook',
          url: { env: 'HOOK_URL' },
          signingSecret: { env: 'SECRET' },
          allowPrivateHosts: ['receiver.test'],
        }),
      ],
      { ...setup.deps, lookup: lookupTo('127.0.0.1') },
    );

    // Act
    await notifier.notify(created);

    // Assess
    expect(hook.requests).toHaveLength(1);
    expect(hook.requests[0]?.headers.host).toBe(`receiver.test:${hook.port}`);
    expect(setup.metrics.counts).toEqual({ NotificationsSent: 1 });
  });

  it('never follows a redirect (it could point anywhere, the metadata service included)', async () => {
    // Prepare
    const elsewhere = await receiver();
    const hook = await receiver(() => ({ status: 307, headers: { location: `${elsewhere.origin}/stolen` } }));
    const setup = deps({ HOOK_URL: `${hook.origin}/in`, SECRET: SIGNING_SECRET });
    const notifier = createNotifier(
      [destination({ name: 'hook', type: 'webhook', url: { env: 'HOOK_URL' }, signingSecret: { env: 'SECRET' } })],
      setup.deps,
    );

    // Act
    await notifier.notify(created);

    // Assess
    expect(hook.requests).toHaveLength(1);
    expect(elsewhere.requests).toHaveLength(0);
    expect(setup.log.lines.at(-1)?.attributes?.error).toMatchObject({ status: 307, retryable: false });
  });

  it('speaks https to the pinned address with the hostname as TLS server name and verifies the certificate', async () => {
    // Prepare
    const tls = selfSignedCertificate('receiver.test');
    const hook = await startReceiver(() => ({ status: 200 }), tls);
    receivers.push(hook);
    const env = { HOOK_URL: `https://receiver.test:${hook.port}/in`, SECRET: SIGNING_SECRET };
    const target = destination({
      name: 'tls',
      type: 'webhook',
      url: { env: 'HOOK_URL' },
      signingSecret: { env: 'SECRET' },
      allowHttp: false,
      allowPrivateHosts: ['receiver.test'],
    });
    const trusted = deps(env, {
      lookup: lookupTo('127.0.0.1'),
      delivery: { ...FAST, trustedCertificates: [tls.cert] },
    });
    const untrusted = deps(env, { lookup: lookupTo('127.0.0.1') });

    // Act
    await createNotifier([target], trusted.deps).notify(created);
    await createNotifier([target], untrusted.deps).notify(created);

    // Assess
    expect(hook.requests).toHaveLength(1);
    expect(hook.requests[0]?.servername).toBe('receiver.test');
    expect(trusted.metrics.counts).toEqual({ NotificationsSent: 1 });
    expect(untrusted.log.lines.at(-1)?.attributes).toMatchObject({
      attempts: 1,
      error: { name: 'NotificationNetworkError', retryable: false },
    });
  });
});

describe('Secrets stay out of logs', () => {
  it('never logs a webhook URL or signing secret, whatever fails', async () => {
    // Prepare: receivers that fail in every way, one echoing the URL it was called on back in its error body
    const slackUrlPath = `/services/T0001/B0002/${SLACK_TOKEN}`;
    const echo = await receiver((request) => ({
      status: 400,
      body: `invalid_payload for http://127.0.0.1${request.path}`,
    }));
    const failing = await receiver(() => ({ status: 500, body: 'oops' }));
    const hanging = await receiver(() => 'hang');
    const closed = await receiver();
    await closed.close();
    receivers.splice(receivers.indexOf(closed), 1);
    const secrets: Record<string, string> = {
      ECHO_URL: `${echo.origin}${slackUrlPath}`,
      FAIL_URL: `${failing.origin}/workflows/abc/invoke?api-version=1&sig=${TEAMS_SIG}`,
      HANG_URL: `${hanging.origin}/hook/${SLACK_TOKEN}x`,
      CLOSED_URL: `${closed.origin}/hook/${SLACK_TOKEN}y`,
      SSRF_URL: `https://metadata.example.test/latest/${SLACK_TOKEN}z`,
      HOOK_SECRET: SIGNING_SECRET,
      BAD_SECRET: 'whsec_tooShortButSecret',
    };
    const setup = deps(secrets, {
      delivery: { ...FAST, timeoutMs: 150, retry: { ...FAST.retry, retries: 1 } },
      lookup: async (hostname) => [
        { address: hostname === 'metadata.example.test' ? '169.254.169.254' : '127.0.0.1', family: 4 },
      ],
    });
    const webhook = (name: string, url: string, secret = 'HOOK_SECRET') =>
      destination({ name, type: 'webhook', url: { env: url }, signingSecret: { env: secret } });
    const notifier = createNotifier(
      [
        destination({ name: 'echo', type: 'slack', url: { env: 'ECHO_URL' } }),
        destination({ name: 'fail', type: 'teams', url: { env: 'FAIL_URL' } }),
        webhook('hang', 'HANG_URL'),
        webhook('closed', 'CLOSED_URL'),
        webhook('ssrf', 'SSRF_URL'),
        webhook('bad-secret', 'HANG_URL', 'BAD_SECRET'),
        destination({ name: 'missing', type: 'slack', url: { env: 'NOT_SET' } }),
      ],
      setup.deps,
    );

    // Act
    await notifier.notify(created);

    // Assess
    expect(setup.metrics.counts).toEqual({ NotificationsFailed: 7 });
    expect(setup.log.lines.filter((line) => line.message === 'notification failed')).toHaveLength(7);
    const logged = setup.log.text();
    for (const secret of [...Object.values(secrets), SLACK_TOKEN, TEAMS_SIG, slackUrlPath, SIGNING_SECRET.slice(6)]) {
      expect(logged).not.toContain(secret);
    }
    // The failures are still explained.
    expect(logged).toContain('answered with HTTP 400: invalid_payload for http://[redacted]/[redacted]');
    expect(logged).toContain('timed out after 150 ms');
    expect(logged).toContain('ECONNREFUSED');
    expect(logged).toContain('(link-local)');
    expect(logged).toContain('Signing secret of \\"bad-secret\\" must be whsec_');
    expect(logged).toContain('Environment variable NOT_SET is not set');
  });

  it('logs a failing secret resolver as a failed notification', async () => {
    // Prepare
    const secrets: SecretResolver = {
      resolve: async () => {
        throw new Error('AccessDeniedException: not authorized to perform ssm:GetParameter');
      },
    };
    const log = captureLog();
    const metrics = captureMetrics();
    const notifier = createNotifier(
      [notificationDestinationSchema.parse({ name: 'ops', type: 'slack', url: { ssmParameter: '/linkdns/slack' } })],
      { secrets, log, metrics },
    );

    // Act
    await notifier.notify(created);

    // Assess
    expect(log.lines.at(-1)?.attributes?.error).toMatchObject({ message: expect.stringContaining('AccessDenied') });
    expect(metrics.counts).toEqual({ NotificationsFailed: 1 });
  });
});
