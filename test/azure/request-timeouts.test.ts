import { afterEach, describe, expect, it } from 'vitest';
import { type AzureHarness, readJson, startAzureHarness } from './azure-harness.ts';

/**
 * Issue 12, finding 7 on Azure: an ARM call that is never answered does not hold the invocation until its budget;
 * each attempt times out (the policy `createAzureAdapters` adds), the SDK retries, and the run ends early with a
 * retryable failure (Event Grid redelivers).
 */

let harness: AzureHarness;
afterEach(async () => {
  await harness.close();
});

describe('request timeouts on the Azure SDK clients', () => {
  it('gives up on a record-set listing that is never answered long before the invocation budget', async () => {
    // Prepare: no answer to any record-set listing; the invocation budget is 270 s
    harness = await startAzureHarness({ requestTimeoutMs: 200 });
    harness.azure.faults.add({ operation: 'recordSets.list', neverAnswer: true, times: 100 });
    const started = Date.now();

    // Act
    const run = harness.handlers.privateEndpointEvents(
      readJson('events/azure/private-endpoint-write.json'),
      harness.context(),
    );

    // Assess: the SDK's own retries (3 in the local options) each timed out; no record was written (the zone and its
    // link were created first: zone creation is on in this configuration)
    await expect(run).rejects.toMatchObject({ name: 'RetryableRunError', retryable: true });
    await expect(run).rejects.toThrow(/no answer within 200 ms/);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(harness.azure.requests.entries.filter((entry) => entry.operation === 'recordSets.list').length).toBe(4);
    expect(harness.azure.requests.writes().filter((entry) => entry.operation.startsWith('recordSets'))).toEqual([]);
  });
});
