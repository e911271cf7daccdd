import { afterEach, describe, expect, it } from 'vitest';
import type { RunReport } from '../../functions/core/report.ts';
import type { SweepQueued } from '../../functions/core/sweep.ts';
import type { GcpHandlerResult } from '../../functions/gcp/handlers.ts';
import type { MessagePublishedEvent } from '../../local/gcp/pubsub-state.ts';
import { pscForwardingRules } from '../../local/gcp/scenario.ts';
import { seedForwardingRules, seedZone } from '../../local/gcp/seed.ts';
import type { LoggedRequest } from '../../local/gcp/server.ts';
import {
  acceptedPscRule,
  type GcpHarness,
  type HarnessOptions,
  NETWORK,
  PRIVATE_ZONE,
  PROJECT,
  readJson,
  reportOf,
  startGcpHarness,
} from './gcp-harness.ts';

const TOPIC = `projects/${PROJECT}/topics/linkdns-sweep`;
const SUBSCRIPTION = `projects/${PROJECT}/subscriptions/eventarc-us-central1-linkdns-repair-worker-sub-7`;
/** More deliveries than any sweep here needs: a continuation that does not move its listing on never ends. */
const MAX_DELIVERIES = 100;

let harness: GcpHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/**
 * The handlers' clock for a sweep: 200 s on with every listing request (`isListing`) of the coordinator or of a worker
 * carrying a listing on, so each lists one page and stops past its share (0.5 × 300 s). It stands still while a worker
 * checks a batch: that worker's zone look-ups and endpoint listings are no listing pages, and must not run it out of
 * the time to start its zones.
 */
function listingClock(start: number, isListing: (entry: LoggedRequest) => boolean) {
  const listed = () => (harness?.gcp.requests.entries ?? []).filter(isListing).length;
  let batchFrom: number | undefined;
  let byBatches = 0;
  return {
    now: (): Date => new Date(start + 200_000 * ((batchFrom ?? listed()) - byBatches)),
    async batch<Result>(work: () => Promise<Result>): Promise<Result> {
      batchFrom = listed();
      try {
        return await work();
      } finally {
        byBatches += listed() - batchFrom;
        batchFrom = undefined;
      }
    },
  };
}

/** The harness with the sweep topic and the worker trigger's subscription on it. */
async function startSweepHarness(
  clock: ReturnType<typeof listingClock>,
  options: HarnessOptions = {},
): Promise<GcpHarness> {
  const started = await startGcpHarness({
    ...options,
    env: { LINKDNS_SWEEP_TOPIC: 'linkdns-sweep', LINKDNS_SWEEP_BATCH_ZONES: '2', ...options.env },
    now: clock.now,
  });
  started.gcp.state.pubsub.createTopic(TOPIC);
  started.gcp.state.pubsub.createSubscription(SUBSCRIPTION, TOPIC);
  return started;
}

/** A sweep message a worker was given, and the requests it sent to the local Google Cloud. */
interface Delivered {
  readonly body: Record<string, unknown>;
  readonly requests: readonly LoggedRequest[];
}

/**
 * One sweep: the coordinator, then the worker on every message the local Pub/Sub pushes until none is left (one at a
 * time, so the request log splits by invocation). Returns the coordinator's result and requests, each message with its
 * worker's requests, and what checking the batches reported.
 */
async function sweep(clock: ReturnType<typeof listingClock>) {
  const log = () => harness?.gcp.requests.entries ?? [];
  const sentSince = (from: number) => log().slice(from);
  const coordinatorFrom = log().length;
  const started = await harness?.handlers.repairCoordinator(readJson('events/gcp/scheduled-repair.json'));
  const coordinatorRequests = sentSince(coordinatorFrom);
  const messages: Delivered[] = [];
  const reports: RunReport[] = [];
  const push = async (event: MessagePublishedEvent) => {
    const body = JSON.parse(Buffer.from(event.data.message.data ?? '', 'base64').toString('utf8'));
    const from = log().length;
    const work = () => harness?.handlers.repairWorker(event) as Promise<GcpHandlerResult | SweepQueued>;
    const result = 'items' in body ? await clock.batch(work) : await work();
    messages.push({ body, requests: sentSince(from) });
    if (result.outcome !== 'sweep-continued') reports.push(reportOf(result));
  };
  for (let delivered = 1; delivered > 0; ) {
    if (messages.length > MAX_DELIVERIES) throw new Error(`the sweep is still going after ${MAX_DELIVERIES} messages`);
    delivered = (await harness?.gcp.state.pubsub.deliver(SUBSCRIPTION, push)) ?? 0;
  }
  return { started, coordinatorRequests, messages, reports };
}

describe('Google repair fan-out: a zone listing carried on by the workers', () => {
  it('lists no page after the share of the time, and the zone past it is found through its registry and cleaned up', async () => {
    // Prepare: the scenario's project with other teams' zones, one named to sort before linkdns's zone so that zone is
    // never on the coordinator's page; the sweep topic and the worker trigger's subscription
    const isZoneListing = (entry: LoggedRequest) =>
      entry.operation === 'managedZones.list' && !entry.query.includes('dnsName');
    const zoneListings = () => (harness?.gcp.requests.entries ?? []).filter(isZoneListing);
    // The brownfield's load balancers make the endpoint listing several pages too: both listings move the clock.
    const clock = listingClock(
      Date.parse('2026-11-30T03:00:00Z'),
      (entry) => isZoneListing(entry) || entry.operation === 'forwardingRules.list',
    );
    harness = await startSweepHarness(clock, { pageSize: 1, brownfield: true });
    const { gcp } = harness;
    seedZone(gcp.state, {
      project: PROJECT,
      name: 'analytics-internal',
      dnsName: 'analytics.corp.internal',
      visibility: 'private',
      networks: [NETWORK],
    });
    await sweep(clock);
    expect(harness.zone()['A *']).toBeDefined();
    // Then every forwarding rule is deleted without an event: the zone is linkdns's, but no endpoint leads to it
    for (const rule of pscForwardingRules()) {
      const region = String(rule.region).split('/').pop() as string;
      gcp.state.compute.deleteForwardingRule(PROJECT, region, String(rule.name));
    }
    gcp.requests.clear();

    // Act
    const { started, coordinatorRequests, messages, reports } = await sweep(clock);

    // Assess: the coordinator listed one page; each continuation one more, from the page token before it, until the
    // last page; no page was listed twice
    const zonesInProject = gcp.state.dns.zones(PROJECT).length;
    expect(started).toMatchObject({ outcome: 'sweep-started', continuations: 2 });
    expect(coordinatorRequests.filter(isZoneListing)).toHaveLength(1);
    expect(messages.filter((message) => 'listZonesFrom' in message.body)).toHaveLength(zonesInProject - 1);
    const tokens = zoneListings().map((entry) => new URLSearchParams(entry.query).get('pageToken'));
    expect(tokens).toHaveLength(zonesInProject);
    expect(new Set(tokens).size).toBe(zonesInProject);
    // linkdns's zone, on a page the coordinator never listed, was read by a worker and its records removed
    const checked = reports.flatMap((report) => report.zones).filter((zone) => zone.zoneId === PRIVATE_ZONE);
    expect(checked.map((zone) => zone.outcome)).toEqual(['changed']);
    expect(harness.zone()['A *']).toBeUndefined();
    expect(gcp.state.pubsub.messages(SUBSCRIPTION)).toEqual([]);
  });

  it.each([
    [
      'a zone listing cursor that is no page token',
      { listZonesFrom: 'x&dnsName=evil' },
      'is not a Cloud DNS page token',
      'managedZones',
    ],
    // One configured region (us-central1), so region index 1 names nothing
    [
      'an endpoint listing cursor that names no part of the listing',
      { listEndpointsFrom: '0.1.' },
      'Endpoint listing cursor "0.1."',
      'forwardingRules',
    ],
  ])('rejects %s, without a retry and without calling the API', async (_, continuation, message, operations) => {
    // Prepare
    harness = await startSweepHarness(listingClock(Date.parse('2026-11-30T03:00:00Z'), () => false));
    const body = JSON.stringify({ linkdnsSweep: 1, ...continuation });
    harness.gcp.state.pubsub.publish(TOPIC, [{ data: Buffer.from(body).toString('base64') }]);
    harness.gcp.requests.clear();
    const results: unknown[] = [];

    // Act
    await harness.gcp.state.pubsub.deliver(SUBSCRIPTION, async (event) => {
      results.push(await harness?.handlers.repairWorker(event));
    });

    // Assess
    expect(results).toEqual([
      { outcome: 'rejected', error: expect.objectContaining({ message: expect.stringContaining(message) }) },
    ]);
    expect(harness.gcp.requests.entries.filter((entry) => entry.operation.startsWith(operations))).toEqual([]);
  });
});

/**
 * Issue #14 on Google, the endpoint listing: the forwarding rules of two configured regions, one per Compute page. The
 * clock moves on 200 s with every `forwardingRules.list` of a listing invocation, so the coordinator lists one page and
 * publishes `listEndpointsFrom`; each worker lists one more page from that cursor (crossing from us-central1 to
 * us-east4), publishes the targets it found to the sweep topic and the cursor of the page after it.
 */
describe('Google repair fan-out: an endpoint listing carried on by the workers', () => {
  const CLUSTERS = 4;
  const REGIONS = ['us-central1', 'us-east4'];
  const regionOf = (index: number) => REGIONS[index % 2] as string;
  const domainOf = (index: number) => `ep${index}.${regionOf(index)}.gcp.confluent.cloud`;
  const zoneOf = (index: number) => `linkdns-ep-${index}`;
  const attachmentOf = (index: number) =>
    `https://www.googleapis.com/compute/v1/projects/cc-sa-ep${index}/regions/${regionOf(index)}/serviceAttachments/s-ep${index}-service-attachment`;
  const ipOf = (index: number) => `10.6.0.${10 + index}`;

  it('lists one endpoint page per invocation from the cursor, and every zone gets its records', async () => {
    // Prepare: one PSC endpoint per cluster, two in each region; each cluster's private zone, still empty
    const isRuleListing = (entry: LoggedRequest) => entry.operation === 'forwardingRules.list';
    const clock = listingClock(Date.parse('2026-11-30T03:00:00Z'), isRuleListing);
    harness = await startSweepHarness(clock, {
      pageSize: 1,
      rules: false,
      privateZone: false,
      publicZone: false,
      regions: REGIONS.join(','),
      config: {
        owner: 'linkdns-gcp-prod',
        mappings: Array.from({ length: CLUSTERS }, (_, index) => ({
          cloud: 'gcp',
          service: attachmentOf(index),
          domain: domainOf(index),
          layout: 'regional',
        })),
      },
    });
    const { gcp } = harness;
    for (let index = 0; index < CLUSTERS; index += 1) {
      const regionUrl = `https://www.googleapis.com/compute/v1/projects/${PROJECT}/regions/${regionOf(index)}`;
      seedForwardingRules(gcp.state, [
        {
          kind: 'compute#forwardingRule',
          id: String(6_000_000_000_000 + index),
          name: `psc-ep-${index}`,
          IPAddress: ipOf(index),
          network: NETWORK,
          pscConnectionId: String(99_000_000_000 + index),
          pscConnectionStatus: 'ACCEPTED',
          region: regionUrl,
          selfLink: `${regionUrl}/forwardingRules/psc-ep-${index}`,
          target: attachmentOf(index),
        },
      ]);
      seedZone(gcp.state, {
        project: PROJECT,
        name: zoneOf(index),
        dnsName: domainOf(index),
        visibility: 'private',
        networks: [NETWORK],
      });
    }

    // Act
    const { started, coordinatorRequests, messages, reports } = await sweep(clock);

    // Assess: the coordinator listed one page and handed the rest on; the cursors name the region and Compute's token
    expect(started).toMatchObject({ outcome: 'sweep-started' });
    expect((started as SweepQueued).continuations).toBeGreaterThanOrEqual(1);
    const continuations = messages.filter((message) => 'listEndpointsFrom' in message.body);
    expect(continuations.map(({ body }) => String(body.listEndpointsFrom).replace(/\.[^.]+$/, '.<token>'))).toEqual([
      '0.0.<token>',
      '0.1.',
      '0.1.<token>',
    ]);
    // Four pages, one listing request each, by the coordinator and the three continuations: each page listed once,
    // us-east4 by workers only
    const pageOf = (entry: LoggedRequest) =>
      `${entry.path.split('/')[6]} ${new URLSearchParams(entry.query).get('pageToken') ?? 'first'}`;
    const listedByCoordinator = coordinatorRequests.filter(isRuleListing).map(pageOf);
    const listedByContinuations = continuations.map(({ requests }) => requests.filter(isRuleListing).map(pageOf));
    expect(listedByCoordinator).toEqual(['us-central1 first']);
    expect(listedByContinuations.map((listed) => listed.length)).toEqual([1, 1, 1]);
    const pages = [...listedByCoordinator, ...listedByContinuations.flat()];
    expect(new Set(pages).size).toBe(CLUSTERS);
    expect(pages.filter((page) => page.startsWith('us-east4'))).toEqual([
      'us-east4 first',
      expect.stringMatching(/^us-east4 \S+$/),
    ]);
    // Every zone has its endpoint's address, including the clusters of us-east4 that only workers listed
    for (let index = 0; index < CLUSTERS; index += 1) {
      expect(harness.zone(zoneOf(index))['A *']).toEqual([ipOf(index)]);
    }
    expect(reports.flatMap((report) => report.zones).filter((zone) => zone.outcome === 'failed')).toEqual([]);
    expect(gcp.state.pubsub.messages(SUBSCRIPTION)).toEqual([]);
  });

  it('starts no zone after the share of the time and publishes the zones it did not start as a batch of their own', async () => {
    // Prepare: 4 zones of their own domains, each with a PSC endpoint, in batches of 2; every record-set listing (a
    // zone read) moves the clock past the share, so a worker starts one zone of its batch and hands the other back
    const domainOf = (index: number) => `hb${index}.us-central1.gcp.confluent.cloud`;
    const attachment = (index: number) =>
      `https://www.googleapis.com/compute/v1/projects/cc-sa-hb/regions/us-central1/serviceAttachments/s-hb${index}-service-attachment-us-central1-a`;
    const start = Date.parse('2026-11-30T05:00:00Z');
    const zoneReads = () =>
      (harness?.gcp.requests.entries ?? []).filter((entry) => entry.operation === 'resourceRecordSets.list').length;
    const clock = {
      now: () => new Date(start + 200_000 * zoneReads()),
      batch: <Result>(work: () => Promise<Result>) => work(),
    };
    harness = await startSweepHarness(clock as unknown as ReturnType<typeof listingClock>, {
      rules: false,
      privateZone: false,
      publicZone: false,
      config: {
        owner: 'linkdns-gcp-prod',
        mappings: [0, 1, 2, 3].map((index) => ({
          cloud: 'gcp',
          service: attachment(index).replace(/us-central1-a$/, '*'),
          domain: domainOf(index),
          layout: 'regional',
        })),
      },
    });
    for (const index of [0, 1, 2, 3]) {
      seedZone(harness.gcp.state, {
        project: PROJECT,
        name: `hb-${index}`,
        dnsName: domainOf(index),
        visibility: 'private',
        networks: [NETWORK],
      });
      seedForwardingRules(harness.gcp.state, [
        acceptedPscRule({
          name: `psc-hb-${index}`,
          ip: `10.4.0.${10 + index}`,
          target: attachment(index),
          id: 6_000_000_000_000 + index,
          pscConnectionId: 99_000_000_000 + index,
        }),
      ]);
    }

    // Act
    const { started, messages, reports } = await sweep(clock as unknown as ReturnType<typeof listingClock>);

    // Assess: more deliveries than batches published by the coordinator (the handed-back zones came as batches of one),
    // none redelivered, every zone written once, and no report lists a zone as not checked
    expect(started).toMatchObject({ outcome: 'sweep-started', batches: 4 });
    expect(messages.length).toBeGreaterThan(4);
    const zones = reports.flatMap((report) => report.zones);
    expect(zones.filter((zone) => zone.outcome === 'not-checked')).toEqual([]);
    expect(
      zones
        .filter((zone) => zone.outcome === 'changed')
        .map((zone) => zone.domain)
        .sort(),
    ).toEqual([0, 1, 2, 3].map(domainOf));
    for (const index of [0, 1, 2, 3]) expect(harness.zone(`hb-${index}`)['A *']).toEqual([`10.4.0.${10 + index}`]);
    expect(harness.gcp.state.pubsub.messages(SUBSCRIPTION)).toEqual([]);
  });
});
