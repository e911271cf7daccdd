import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/core/config.ts';
import { createGcpAdapters } from '../../functions/gcp/adapters.ts';
import { staticToken } from '../../functions/gcp/google-api.ts';
import { createGcpHandlers, structuredLog, sweepBatchSize } from '../../functions/gcp/handlers.ts';
import { FUNCTION_TIMEOUT_SECONDS, GCP_FUNCTION_NAMES, readGcpSettings } from '../../functions/gcp/settings.ts';
import type { MessagePublishedEvent } from '../../local/gcp/pubsub-state.ts';
import { seedForwardingRules, seedZone, zoneSnapshot } from '../../local/gcp/seed.ts';
import { type LocalGcp, startLocalGcp } from '../../local/gcp/server.ts';
import { acceptedPscRule, NETWORK, PROJECT, postCloudEvent, readJson } from './gcp-harness.ts';

/**
 * Issue #14 on Google Cloud, as Cloud Functions runs the code: functions.ts loaded with a sweep topic from the
 * environment, CloudEvents posted over HTTP to the Functions Framework. The coordinator publishes the sweep through the
 * real API client to the local Pub/Sub (`topics.publish`); the local Pub/Sub plays the push subscription of the worker's
 * Eventarc trigger (a non-2xx answer is a nack, redelivered; after `maxDeliveryAttempts` the dead-letter topic). The
 * coordinator reads that subscription's backlog from the local Cloud Monitoring (`timeSeries.list`) before it publishes.
 */
const ZONES = 6;
const SWEEP_TOPIC = `projects/${PROJECT}/topics/linkdns-sweep`;
const DEAD_LETTER_TOPIC = `projects/${PROJECT}/topics/linkdns-sweep-dead-letter`;
const WORKER_SUBSCRIPTION = `projects/${PROJECT}/subscriptions/eventarc-us-central1-linkdns-repair-worker-sub-412`;
const DEAD_LETTERS = `projects/${PROJECT}/subscriptions/linkdns-sweep-dead-letter`;
const MAX_DELIVERY_ATTEMPTS = 5;
/** 100 requests/s per instance: fast for a test, and measurable as the limiter's spacing. */
const REQUESTS_PER_MINUTE = 6_000;

const domainOf = (index: number) => `fan${index}.us-central1.gcp.confluent.cloud`;
const zoneOf = (index: number) => `linkdns-fan-${index}`;
const attachment = (index: number) =>
  `https://www.googleapis.com/compute/v1/projects/cc-sa-fan/regions/us-central1/serviceAttachments/s-fan${index}-service-attachment-us-central1-a`;

let gcp: LocalGcp;
const servers: { close(): void }[] = [];
const logLines: string[] = [];
const writeStdout = process.stdout.write.bind(process.stdout);

beforeAll(async () => {
  gcp = await startLocalGcp({ changePendingReads: 0 });
  for (let index = 0; index < ZONES; index += 1) {
    seedZone(gcp.state, {
      project: PROJECT,
      name: zoneOf(index),
      dnsName: domainOf(index),
      visibility: 'private',
      networks: [NETWORK],
    });
    seedForwardingRules(gcp.state, [
      acceptedPscRule({
        name: `psc-fan-${index}`,
        ip: `10.3.0.${10 + index}`,
        target: attachment(index),
        id: 5_000_000_000_000 + index,
        pscConnectionId: 88_000_000_000 + index,
      }),
    ]);
  }
  // What deploy-gcp.sh creates: the sweep topic, the worker trigger's subscription with its dead-letter policy, and a
  // subscription on the dead-letter topic so dead letters are kept.
  gcp.state.pubsub.createTopic(SWEEP_TOPIC);
  gcp.state.pubsub.createTopic(DEAD_LETTER_TOPIC);
  gcp.state.pubsub.createSubscription(WORKER_SUBSCRIPTION, SWEEP_TOPIC, {
    topic: DEAD_LETTER_TOPIC,
    maxDeliveryAttempts: MAX_DELIVERY_ATTEMPTS,
  });
  gcp.state.pubsub.createSubscription(DEAD_LETTERS, DEAD_LETTER_TOPIC);
  Object.assign(process.env, {
    LINKDNS_CONFIG: JSON.stringify({
      owner: 'linkdns-gcp-prod',
      mappings: Array.from({ length: ZONES }, (_, index) => ({
        cloud: 'gcp',
        service: attachment(index).replace(/us-central1-a$/, '*'),
        domain: domainOf(index),
        layout: 'regional',
      })),
    }),
    LINKDNS_GCP_PROJECT: PROJECT,
    LINKDNS_GCP_REGIONS: 'us-central1',
    LINKDNS_GCP_API_ROOT: gcp.baseUrl,
    LINKDNS_SWEEP_TOPIC: 'linkdns-sweep',
    // What deploy-gcp.sh writes after deploying the worker: its trigger's subscription, as gcloud prints it.
    LINKDNS_SWEEP_SUBSCRIPTION: WORKER_SUBSCRIPTION,
    LINKDNS_SWEEP_BATCH_ZONES: '3',
    LINKDNS_GCP_REQUESTS_PER_MINUTE: String(REQUESTS_PER_MINUTE),
  });
  // The functions log JSON lines on stdout (Cloud Logging's structured entries): kept for the assertions.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = String(chunk);
    if (text.startsWith('{"severity"')) {
      logLines.push(text);
      return true;
    }
    return (writeStdout as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  await import('../../functions/gcp/functions.ts');
});

afterAll(async () => {
  process.stdout.write = writeStdout;
  for (const server of servers) server.close();
  await gcp.close();
});

const post = (functionName: string, event: unknown) => postCloudEvent(functionName, event, servers);

/**
 * The worker trigger's push subscription until it is empty; a non-2xx answer is a nack. Returns the deliveries.
 * `beforeAck` runs after the worker answered and before Pub/Sub takes the answer: the batch is still unacknowledged.
 */
async function drain(beforeAck?: () => Promise<void>): Promise<number> {
  let deliveries = 0;
  const push = async (event: MessagePublishedEvent) => {
    const status = await post(GCP_FUNCTION_NAMES.repairWorker, event);
    await beforeAck?.();
    if (status >= 300) throw new Error(`push answered ${status}`);
  };
  while ((await gcp.state.pubsub.deliver(WORKER_SUBSCRIPTION, push)) > 0) deliveries += 1;
  return deliveries;
}

describe('Google repair fan-out: scheduler → coordinator → Pub/Sub → workers', () => {
  it('checks every zone; a zone answering 503 is retried, reported and dead-lettered without holding back the rest', async () => {
    // Prepare: every write to zone 4 fails (503 with Retry-After 0, so the client's own retries do not wait)
    const broken = 4;
    gcp.faults.add({
      operation: 'changes.create',
      path: new RegExp(`/managedZones/${zoneOf(broken)}/`),
      status: 503,
      headers: { 'retry-after': '0' },
      times: 1_000,
    });
    gcp.requests.clear();
    const started = Date.now();

    // Act: Cloud Scheduler's message reaches the coordinator, then the worker subscription is pushed until empty
    const coordinator = await post(GCP_FUNCTION_NAMES.scheduledRepair, readJson('events/gcp/scheduled-repair.json'));
    const published = gcp.requests.entries.filter((entry) => entry.operation === 'topics.publish');
    const deliveries = await drain();

    // Assess: 6 endpoint targets + 6 zone items in batches of 3, published in one request
    expect(coordinator).toBe(204);
    expect(published).toHaveLength(1);
    expect(published[0]?.body).toMatchObject({ messages: Array(4).fill({ attributes: { linkdnsSweep: '1' } }) });
    // The broken batch was delivered 5 times (the first and 4 redeliveries), the 3 others once
    expect(deliveries).toBe(3 + MAX_DELIVERY_ATTEMPTS);
    for (let index = 0; index < ZONES; index += 1) {
      const records = zoneSnapshot(gcp.state, PROJECT, zoneOf(index));
      if (index === broken) expect(records['A *']).toBeUndefined();
      else expect(records['A *']).toEqual([`10.3.0.${10 + index}`]);
    }
    // Reported on every delivery: the zone's failure (Cloud Logging ERROR) in a run that was then nacked
    const failures = logLines
      .map((line) => JSON.parse(line) as { severity: string; message: string; domain?: string })
      .filter((line) => line.severity === 'ERROR' && line.message === 'reconcile failed');
    expect(failures.map((line) => line.domain)).toEqual(Array(MAX_DELIVERY_ATTEMPTS).fill(domainOf(broken)));
    expect(gcp.state.pubsub.messages(WORKER_SUBSCRIPTION)).toEqual([]);
    const deadLetters = gcp.state.pubsub.messages(DEAD_LETTERS);
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toContain(domainOf(broken));
    expect(gcp.state.pubsub.attributes(DEAD_LETTERS)[0]).toMatchObject({
      CloudPubSubDeadLetterSourceDeliveryCount: String(MAX_DELIVERY_ATTEMPTS),
    });
    // Budget: each instance's limiter spaced its Google API requests at 100/s (a lower bound, safe on a slow machine)
    const googleRequests = gcp.requests.entries.length;
    expect(Date.now() - started).toBeGreaterThanOrEqual(((googleRequests - 1) / (REQUESTS_PER_MINUTE / 60)) * 1000 - 5);
  }, 120_000);

  it('acknowledges a malformed sweep message at once (no retry, no dead letter)', async () => {
    // Prepare
    gcp.state.pubsub.publish(SWEEP_TOPIC, [{ data: Buffer.from('{"not":"a batch"}').toString('base64') }]);

    // Act
    const deliveries = await drain();

    // Assess: delivered once; the dead letter of the broken batch above stays the only one
    expect(deliveries).toBe(1);
    expect(gcp.state.pubsub.messages(DEAD_LETTERS)).toHaveLength(1);
  });

  it('sizes a batch to what one worker checks in half its timeout at its own request rate', () => {
    // 0.5 × 300 s × (12 requests/min ÷ 60) ÷ 3 calls per zone = 10 zones; the setting wins; at least 1
    expect(FUNCTION_TIMEOUT_SECONDS).toBe(300);
    expect(sweepBatchSize({ ...settings, requestsPerMinute: 12 })).toBe(10);
    expect(sweepBatchSize({ ...settings, requestsPerMinute: 12, sweepBatchZones: 4 })).toBe(4);
    expect(sweepBatchSize({ ...settings, requestsPerMinute: 1 })).toBe(1);
  });
});

/**
 * Issue #14 on Google, as on Azure: the schedule starts no new sweep while the worker's subscription still holds the
 * previous one's batches (`num_undelivered_messages` of the subscription from Cloud Monitoring), so every zone is
 * checked before any is checked twice and sweeps never pile up behind a slow one.
 */
describe('Google repair fan-out: no new sweep while the previous one drains', () => {
  const tick = () => post(GCP_FUNCTION_NAMES.scheduledRepair, readJson('events/gcp/scheduled-repair.json'));
  const publishes = () => gcp.requests.entries.filter((entry) => entry.operation === 'topics.publish').length;
  const logged = (severity: string) =>
    logLines
      .map((line) => JSON.parse(line) as { severity: string; message: string; error?: { message: string } })
      .filter((line) => line.severity === severity);

  beforeEach(async () => {
    // The zone that failed every write above is healthy again; whatever an earlier test left queued is worked off.
    gcp.faults.clear();
    await drain();
    gcp.requests.clear();
    logLines.length = 0;
  });

  it('publishes nothing while batches are queued or being worked on, and starts the next sweep once they are acknowledged', async () => {
    // Act: the schedule fires, fires again before any delivery, once more while the last batch is still
    // unacknowledged, and after the subscription is empty
    const first = await tick();
    const whileQueued = await tick();
    let whileInFlight: number | undefined;
    const deliveries = await drain(async () => {
      if (whileInFlight === undefined && gcp.state.pubsub.messages(WORKER_SUBSCRIPTION).length === 0) {
        whileInFlight = await tick();
      }
    });
    const publishedBeforeNext = publishes();
    const next = await tick();

    // Assess: 6 endpoint targets + 6 zone items in batches of 3, each batch delivered once
    expect([first, whileQueued, whileInFlight, next]).toEqual([204, 204, 204, 204]);
    expect(deliveries).toBe(4);
    expect(publishedBeforeNext).toBe(1);
    expect(publishes()).toBe(2);
    expect(gcp.state.pubsub.messages(WORKER_SUBSCRIPTION)).toHaveLength(4);
    const outcomes = logged('INFO')
      .map((line) => line.message)
      .filter((message) => message === 'sweep started' || message.startsWith('ignored:'));
    expect(outcomes).toEqual([
      'sweep started',
      expect.stringMatching(
        /^ignored: the previous sweep still has 4 batch\(es\) queued or in flight \(Pub\/Sub backlog sampled at /,
      ),
      expect.stringMatching(/^ignored: the previous sweep still has 1 batch\(es\) queued or in flight/),
      'sweep started',
    ]);
    // One backlog read per tick, before the sweep is planned: a held tick reads no forwarding rule and no zone
    const operations = gcp.requests.entries.map((entry) => entry.operation);
    expect(operations.filter((operation) => operation === 'timeSeries.list')).toHaveLength(4);
    expect(operations[0]).toBe('timeSeries.list');
    expect(operations[1]).not.toBe('timeSeries.list');
  }, 120_000);

  it('starts no sweep when the backlog cannot be read, fails the run loudly, and reads again on the next tick', async () => {
    // Prepare: Monitoring denies the read as it does without the grant; then a 503 outlasts the client's 6 attempts
    gcp.faults.add({
      operation: 'timeSeries.list',
      status: 403,
      reason: 'forbidden',
      message: 'Permission monitoring.timeSeries.list denied (or the resource may not exist).',
    });
    gcp.faults.add({ operation: 'timeSeries.list', status: 503, headers: { 'retry-after': '0' }, times: 6 });

    // Act
    const denied = await tick();
    const unavailable = await tick();
    const publishedWhileFailing = publishes();
    const recovered = await tick();

    // Assess: a 403 would fail the same way again, so the run is logged and acknowledged (as on Azure); a 5xx fails
    // the function. Neither publishes; the next tick, with Monitoring answering, starts the sweep.
    expect([denied, unavailable, recovered]).toEqual([204, 500, 204]);
    expect(publishedWhileFailing).toBe(0);
    expect(publishes()).toBe(1);
    expect(logged('ERROR').map((line) => [line.message, line.error?.message])).toEqual([
      [
        'linkdns run failed',
        expect.stringMatching(
          /^read the backlog of .*: timeSeries.list: 403 forbidden: .*needs monitoring.timeSeries.list on project acme-prod/,
        ),
      ],
      ['linkdns run failed', expect.stringContaining('still failing after 6 attempts')],
    ]);
  }, 120_000);

  it('starts the sweep with a warning when the subscription has no backlog sample (unknown is not zero)', async () => {
    // Prepare: the handlers with the function's own adapters, pointed at a subscription without a series (renamed, or
    // created a moment ago) — Pub/Sub's metrics have gaps, and holding on a gap could skip repairs without an error
    const settings = readGcpSettings({ ...process.env, LINKDNS_SWEEP_SUBSCRIPTION: 'renamed-sub' });
    const lines: string[] = [];
    const handlers = createGcpHandlers({
      ...createGcpAdapters(settings, staticToken('local')),
      settings,
      log: structuredLog((line) => lines.push(line)),
    });

    // Act
    const result = await handlers.repairCoordinator(readJson('events/gcp/scheduled-repair.json'));

    // Assess
    expect(result).toMatchObject({ outcome: 'sweep-started', batches: 4 });
    expect(lines.map((line) => JSON.parse(line) as { severity: string; message: string })).toContainEqual({
      severity: 'WARNING',
      message:
        "starting the sweep without knowing the previous one's backlog: no pubsub.googleapis.com/subscription/" +
        'num_undelivered_messages sample of projects/acme-prod/subscriptions/renamed-sub in the last 5 minutes',
    });
    expect(publishes()).toBe(1);
  });
});

const settings = {
  config: parseConfig('{"owner":"linkdns-gcp-prod"}'),
  serviceAccount: undefined,
  repairDetectOnly: false,
};
