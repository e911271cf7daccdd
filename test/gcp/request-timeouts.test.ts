import { afterEach, describe, expect, it } from 'vitest';
import { type GcpHarness, reportOf, ruleEvent, startGcpHarness } from './gcp-harness.ts';

/**
 * Issue 12, finding 7 on Google: a Cloud DNS call that is never answered does not hold the invocation until its
 * budget; it times out per request, is retried, and the run ends early with a retryable failure (Eventarc redelivers).
 */

let harness: GcpHarness;
afterEach(async () => {
  await harness.close();
});

describe('request timeouts on the Google API client', () => {
  it('gives up on a resourceRecordSets.list that is never answered long before the invocation budget', async () => {
    // Prepare: every record read is held for ten minutes; the invocation budget is four minutes
    harness = await startGcpHarness({ requestTimeoutMs: 200 });
    harness.gcp.faults.add({ operation: 'resourceRecordSets.list', latencyMs: 600_000, times: 100 });
    const started = Date.now();

    // Act
    const run = harness.handlers.forwardingRuleEvents(ruleEvent('insert', 'confluent-psc-us-central1-a'));

    // Assess
    await expect(run).rejects.toMatchObject({ name: 'RetryableRunError', retryable: true });
    await expect(run).rejects.toThrow(/no answer within 200 ms/);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(harness.gcp.requests.writes()).toEqual([]);
  });

  it('leaves a slow but answered call alone', async () => {
    // Prepare: every record read takes 50 ms, well inside the timeout
    harness = await startGcpHarness({ requestTimeoutMs: 2_000 });
    harness.gcp.faults.add({ operation: 'resourceRecordSets.list', latencyMs: 50, times: 100 });

    // Act
    const result = await harness.handlers.forwardingRuleEvents(ruleEvent('insert', 'confluent-psc-us-central1-a'));

    // Assess
    expect(reportOf(result).zones.map((zone) => zone.outcome)).toEqual(['changed']);
  });
});
