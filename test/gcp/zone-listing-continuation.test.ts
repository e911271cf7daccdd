import { afterEach, describe, expect, it } from 'vitest';
import type { RunReport } from '../../functions/core/report.ts';
import { pscForwardingRules } from '../../local/gcp/scenario.ts';
import { seedZone } from '../../local/gcp/seed.ts';
import { type GcpHarness, NETWORK, PRIVATE_ZONE, PROJECT, readJson, reportOf, startGcpHarness } from './gcp-harness.ts';

const TOPIC = `projects/${PROJECT}/topics/linkdns-sweep`;
const SUBSCRIPTION = `projects/${PROJECT}/subscriptions/eventarc-us-central1-linkdns-repair-worker-sub-7`;

let harness: GcpHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/**
 * Issue #14 on Google: a coordinator whose zone listing outlasts its share of the function timeout publishes where it
 * stopped, and workers carry the listing on (`managedZones.list` from `pageToken`), publishing what they list to the
 * sweep topic through the real client. Cloud DNS pages of one zone; the handlers' clock moves on 200 s with every page
 * of the zone listing, past the share (0.5 × 300 s), so every invocation lists exactly one page.
 */
describe('Google repair fan-out: a zone listing carried on by the workers', () => {
  it('lists no page after the share of the time, and the zone past it is found through its registry and cleaned up', async () => {
    // Prepare: the scenario's project with other teams' zones, one named to sort before linkdns's zone so that zone is
    // never on the coordinator's page; the sweep topic and the worker trigger's subscription
    const zoneListings = () =>
      (harness?.gcp.requests.entries ?? []).filter(
        (entry) => entry.operation === 'managedZones.list' && !entry.query.includes('dnsName'),
      );
    const start = Date.parse('2026-11-30T03:00:00Z');
    harness = await startGcpHarness({
      pageSize: 1,
      brownfield: true,
      env: { LINKDNS_SWEEP_TOPIC: 'linkdns-sweep', LINKDNS_SWEEP_BATCH_ZONES: '2' },
      now: () => new Date(start + 200_000 * zoneListings().length),
    });
    const { gcp } = harness;
    seedZone(gcp.state, {
      project: PROJECT,
      name: 'analytics-internal',
      dnsName: 'analytics.corp.internal',
      visibility: 'private',
      networks: [NETWORK],
    });
    gcp.state.pubsub.createTopic(TOPIC);
    gcp.state.pubsub.createSubscription(SUBSCRIPTION, TOPIC);
    const sweep = async () => {
      const started = await harness?.handlers.repairCoordinator(readJson('events/gcp/scheduled-repair.json'));
      const listedByCoordinator = zoneListings().length;
      const reports: RunReport[] = [];
      let continued = 0;
      while (
        (await gcp.state.pubsub.deliver(SUBSCRIPTION, async (event) => {
          const result = await harness?.handlers.repairWorker(event);
          if (result?.outcome === 'sweep-continued') continued += 1;
          else if (result) reports.push(reportOf(result));
        })) > 0
      );
      return { started, listedByCoordinator, continued, reports };
    };
    await sweep();
    expect(harness.zone()['A *']).toBeDefined();
    // Then every forwarding rule is deleted without an event: the zone is linkdns's, but no endpoint leads to it
    for (const rule of pscForwardingRules()) {
      const region = String(rule.region).split('/').pop() as string;
      gcp.state.compute.deleteForwardingRule(PROJECT, region, String(rule.name));
    }
    gcp.requests.clear();

    // Act
    const { started, listedByCoordinator, continued, reports } = await sweep();

    // Assess: the coordinator listed one page; each continuation one more, from the page token before it, until the
    // last page; no page was listed twice
    const zonesInProject = gcp.state.dns.zones(PROJECT).length;
    expect(started).toMatchObject({ outcome: 'sweep-started', continuations: 1 });
    expect(listedByCoordinator).toBe(1);
    expect(continued).toBe(zonesInProject - 1);
    const tokens = zoneListings().map((entry) => new URLSearchParams(entry.query).get('pageToken'));
    expect(tokens).toHaveLength(zonesInProject);
    expect(new Set(tokens).size).toBe(zonesInProject);
    // linkdns's zone, on a page the coordinator never listed, was read by a worker and its records removed
    const checked = reports.flatMap((report) => report.zones).filter((zone) => zone.zoneId === PRIVATE_ZONE);
    expect(checked.map((zone) => zone.outcome)).toEqual(['changed']);
    expect(harness.zone()['A *']).toBeUndefined();
    expect(gcp.state.pubsub.messages(SUBSCRIPTION)).toEqual([]);
  });

  it('rejects a continuation whose cursor is no page token, without a retry and without calling Cloud DNS', async () => {
    harness = await startGcpHarness({ env: { LINKDNS_SWEEP_TOPIC: 'linkdns-sweep' } });
    harness.gcp.state.pubsub.createTopic(TOPIC);
    harness.gcp.state.pubsub.createSubscription(SUBSCRIPTION, TOPIC);
    const body = JSON.stringify({ linkdnsSweep: 1, listZonesFrom: 'x&dnsName=evil' });
    harness.gcp.state.pubsub.publish(TOPIC, [{ data: Buffer.from(body).toString('base64') }]);
    harness.gcp.requests.clear();
    const results: unknown[] = [];

    await harness.gcp.state.pubsub.deliver(SUBSCRIPTION, async (event) => {
      results.push(await harness?.handlers.repairWorker(event));
    });

    expect(results).toEqual([
      {
        outcome: 'rejected',
        error: expect.objectContaining({ message: expect.stringContaining('is not a Cloud DNS page token') }),
      },
    ]);
    expect(harness.gcp.requests.entries.filter((entry) => entry.operation.startsWith('managedZones'))).toEqual([]);
  });
});
