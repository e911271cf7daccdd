import { afterEach, describe, expect, it } from 'vitest';
import { DOMAIN, type GcpHarness, PRIVATE_ZONE, PROJECT, readJson, reportOf, startGcpHarness } from './gcp-harness.ts';

/**
 * Issue 12, finding 8 on the local Google Cloud through the scheduled-repair Cloud Function: a Cloud DNS change that
 * was committed but answered as failed (a 503 after the commit, or the connection reset after it) is found applied on
 * re-read and reported as changed — notified, and counted in the run's "linkdns run finished" line (the metric on
 * Google Cloud: a log-based metric).
 */

let harness: GcpHarness;
afterEach(async () => {
  await harness.close();
});

describe('finding 8 on Cloud DNS: a change applied but answered as failed is reported as changed', () => {
  it.each([
    ['a 503 after the commit', { status: 503 }],
    ['a connection reset after the commit', { reset: true }],
  ])('finds the change applied on re-read after %s: changed, notified, counted', async (_what, fault) => {
    // Prepare: converged, then someone breaks the regional record; the repair's change commits, its answer is lost.
    harness = await startGcpHarness();
    const repairEvent = readJson('events/gcp/scheduled-repair.json');
    await harness.handlers.scheduledRepair(repairEvent);
    const converged = harness.zone();
    harness.gcp.state.dns.putRecordSet(PROJECT, PRIVATE_ZONE, {
      name: `*.${DOMAIN}.`,
      type: 'A',
      ttl: 60,
      rrdatas: ['10.9.9.9'],
    });
    harness.notified.length = 0;
    harness.logs.length = 0;
    harness.gcp.faults.add({ operation: 'changes.create', afterCommit: true, times: 1, ...fault });

    // Act
    const report = reportOf(await harness.handlers.scheduledRepair(repairEvent));

    // Assess: before, the zone was right but the run said "unchanged": no notification, nothing counted.
    expect(harness.zone()).toEqual(converged);
    expect(harness.gcp.requests.entries.filter((entry) => entry.faulted)).toHaveLength(1);
    expect(report.zones).toMatchObject([{ domain: DOMAIN, outcome: 'changed' }]);
    expect(report.zones[0]?.changes.update.map((change) => change.new.name)).toContain(`*.${DOMAIN}`);
    expect(harness.notified.flatMap((notified) => notified.zones.map((zone) => zone.outcome))).toEqual(['changed']);
    expect(harness.logs.find((line) => line.includes('linkdns run finished'))).toMatch(/"changed":1/);
  });
});
