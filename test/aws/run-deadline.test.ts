import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import schedule from '../../events/aws/scheduled-repair.json' with { type: 'json' };
import { handleScheduledRepair } from '../../functions/aws/handlers/scheduled-repair.ts';
import type { AwsRuntime } from '../../functions/aws/runtime.ts';
import { RetryableRunError } from '../../functions/invocation.ts';
import {
  addNetwork,
  addSite,
  createRepairRuntime,
  type RepairHarness,
  slackMessages,
  startRepairHarness,
  takeMetrics,
  zoneRecords,
} from './scheduled-repair-harness.ts';

/**
 * Issue 12, finding 7: an unanswered call must not hold a run until the invocation's deadline, and a run whose time
 * runs short stops starting zones and reports the rest as not checked. Through the scheduled-repair handler, the real
 * AWS SDK clients and the local AWS.
 */

const DOMAINS = [
  'aaaaaa.us-east-2.aws.confluent.cloud',
  'bbbbbb.us-east-2.aws.confluent.cloud',
  'cccccc.us-east-2.aws.confluent.cloud',
] as const;

let harness: RepairHarness;
beforeEach(async () => {
  harness = await startRepairHarness();
});
afterEach(async () => {
  await harness.close();
});

describe('request timeouts on the AWS SDK clients', () => {
  it('fails only the zone whose ListResourceRecordSets is never answered, and long before the deadline', async () => {
    // Prepare: two zones to create records in; the local Route 53 holds every read of the first for ten minutes
    const networks = DOMAINS.slice(0, 2).map((domain) => addNetwork(harness, domain));
    const [hung, healthy] = networks.map((network) => addSite(harness, network));
    if (!hung || !healthy) throw new Error('two sites expected');
    const { runtime } = await createRepairRuntime(harness, networks, {
      env: { LINKDNS_REQUEST_TIMEOUT_MS: '200', LINKDNS_CONNECT_TIMEOUT_MS: '200' },
    });
    harness.aws.faults.add({
      operation: 'ListResourceRecordSets',
      match: (request) => request.path.includes(`/hostedzone/${hung.zoneId}/`),
      latencyMs: 600_000,
    });
    const started = Date.now();

    // Act
    const outcome = await handleScheduledRepair(schedule, runtime).catch((error: unknown) => error);

    // Assess: the hung zone failed with a retryable timeout (so the platform retries), the other one was repaired
    const elapsedMs = Date.now() - started;
    expect(outcome).toBeInstanceOf(RetryableRunError);
    expect((outcome as Error).message).toContain(hung.domain);
    expect((outcome as Error).message).toMatch(/TimeoutError/);
    expect((outcome as Error).message).not.toContain(healthy.domain);
    expect(Object.keys(zoneRecords(harness, healthy.zoneId))).toContain(`*.${healthy.domain} CNAME`);
    expect(zoneRecords(harness, hung.zoneId)).toEqual({});
    expect(elapsedMs).toBeLessThan(30_000);
  });
});

describe('a run whose time runs short', () => {
  it('stops starting zones before the deadline and reports the rest as not checked, not failed', async () => {
    // Prepare: three zones that each need records; every change batch "takes a minute" on the injected clock
    const networks = DOMAINS.map((domain) => addNetwork(harness, domain));
    const sites = networks.map((network) => addSite(harness, network));
    // One zone at a time, so the injected clock moves between zone starts (with several in flight, all three would
    // start before the first change batch; the cut-off is checked each time a zone is taken from the queue).
    const setup = await createRepairRuntime(harness, networks, { env: { LINKDNS_ZONE_CONCURRENCY: '1' } });
    let clock = Date.parse('2026-11-30T06:00:00Z');
    const runtime: AwsRuntime = { ...setup.runtime, deps: { ...setup.runtime.deps, now: () => new Date(clock) } };
    harness.aws.faults.add({
      operation: 'ChangeResourceRecordSets',
      match: () => {
        clock += 60_000;
        return false;
      },
    });

    // Act: 100 s left → no zone is started later than 80 s from now (20 s kept for the zone in progress and notice)
    const report = await handleScheduledRepair(schedule, runtime, undefined, 100_000);

    // Assess
    expect(report.zones.map((zone) => [zone.domain, zone.outcome])).toEqual([
      [DOMAINS[0], 'changed'],
      [DOMAINS[1], 'changed'],
      [DOMAINS[2], 'not-checked'],
    ]);
    expect(zoneRecords(harness, sites[2]?.zoneId ?? '')).toEqual({});
    expect(harness.aws.requests.count('ChangeResourceRecordSets')).toBe(2);
    expect(takeMetrics(setup.metrics)).toMatchObject({ ZonesChecked: 2, ZonesNotChecked: 1, ZonesFailed: 0 });
    expect(slackMessages(harness).map((message) => message.text)).toEqual([expect.stringContaining('1 not checked')]);
  });
});
