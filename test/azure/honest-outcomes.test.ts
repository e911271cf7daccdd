import { afterEach, describe, expect, it } from 'vitest';
import { putRecordSet } from '../../local/azure/seed.ts';
import {
  type AzureHarness,
  aRecordSets,
  DEDICATED,
  DEDICATED_RECORDS,
  reportOf,
  startAzureHarness,
  zoneId,
} from './azure-harness.ts';

/**
 * Issue 12, finding 8 on the local Azure through the Function handlers: a record-set write that Azure carried out but
 * answered as failed (a 500 after the commit, or the connection reset after it) is found applied on re-read and
 * reported as changed — notified, and counted in the run's "linkdns run finished" line (the metric on Azure).
 */

let harness: AzureHarness;
afterEach(async () => {
  await harness.close();
});

describe('finding 8 on Azure: a write applied but answered as failed is reported as changed', () => {
  it.each([
    ['a 500 after the commit', { status: 500, code: 'InternalServerError' }],
    ['a connection reset after the commit', { reset: true }],
  ])('finds the write applied on re-read after %s: changed, notified, counted', async (_what, fault) => {
    // Prepare: records written, then someone breaks the regional record; the repair's write commits, its answer is lost.
    harness = await startAzureHarness();
    await harness.handlers.scheduledRepair(harness.timer(), harness.context('scheduledRepair'));
    expect(aRecordSets(harness.zone(DEDICATED))).toEqual(DEDICATED_RECORDS);
    const current = harness.azure.state.get(`${zoneId(DEDICATED)}/A/*`) as { properties?: { metadata?: unknown } };
    putRecordSet(harness.azure.state, zoneId(DEDICATED), 'A', '*', {
      ttl: 60,
      aRecords: [{ ipv4Address: '10.9.9.9' }],
      metadata: current?.properties?.metadata as Record<string, string>,
    });
    harness.notified.length = 0;
    harness.logs.length = 0;
    harness.azure.faults.add({ operation: 'recordSets.createOrUpdate', afterCommit: true, times: 1, ...fault });

    // Act
    const result = await harness.handlers.scheduledRepair(harness.timer(), harness.context('scheduledRepair'));

    // Assess: before, the zone was right but the run said "unchanged": no notification, nothing counted.
    expect(aRecordSets(harness.zone(DEDICATED))).toEqual(DEDICATED_RECORDS);
    expect(harness.azure.requests.entries.filter((entry) => entry.faulted)).toHaveLength(1);
    const zone = reportOf(result).zones.find((report) => report.domain === DEDICATED);
    expect(zone?.outcome).toBe('changed');
    expect(zone?.changes.update.map((change) => change.new.name)).toContain(`*.${DEDICATED}`);
    expect(harness.notified.flatMap((report) => report.zones.map((one) => one.outcome))).toContain('changed');
    expect(harness.logs.find((line) => line.includes('linkdns run finished'))).toMatch(/"changed":1/);
  });
});
