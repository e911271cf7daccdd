import { afterEach, describe, expect, it } from 'vitest';
import { aRecords, putRecordSet } from '../../local/azure/seed.ts';
import { type AzureHarness, DEDICATED, readJson, reportOf, startAzureHarness, zoneId } from './azure-harness.ts';

/**
 * A subscription as real ones are: beside the Confluent endpoints, private endpoints to a storage account (blob), a
 * Key Vault and a SQL server, in other resource groups (events/azure/cli/paas-private-endpoints.arm.json, ARM GET
 * shapes). They are not linkdns's business: never read deeply (no NIC read), counted as skipped, never a failure.
 */

const DEDICATED_RECORDS = {
  'A *': ['10.20.1.4', '10.20.1.5', '10.20.1.6'],
  'A *.az1': ['10.20.1.4'],
  'A *.az2': ['10.20.1.5'],
  'A *.az3': ['10.20.1.6'],
};

type ArmResource = { id: string; name: string; type: string; location: string; tags: Record<string, string> };

let harness: AzureHarness;

afterEach(async () => {
  await harness.close();
});

async function brownfield(): Promise<ArmResource[]> {
  harness = await startAzureHarness();
  const paas = (readJson('events/azure/cli/paas-private-endpoints.arm.json') as { value: ArmResource[] }).value;
  for (const endpoint of paas) {
    harness.azure.state.put(endpoint as Parameters<typeof harness.azure.state.put>[0]);
  }
  return paas;
}

function writeEvent(resourceId: string): unknown {
  const sample = structuredClone(readJson('events/azure/private-endpoint-write.json')) as Record<string, unknown> & {
    data: Record<string, unknown> & { authorization: Record<string, unknown> };
  };
  return {
    ...sample,
    id: `write-${resourceId}`,
    subject: resourceId,
    data: {
      ...sample.data,
      resourceUri: resourceId,
      authorization: { ...sample.data.authorization, scope: resourceId },
    },
  };
}

describe('Azure brownfield: storage, Key Vault and SQL private endpoints beside Confluent', () => {
  it('repairs the Confluent zone exactly, reads no PaaS endpoint deeply and counts the three as skipped', async () => {
    const paas = await brownfield();

    const report = reportOf(await harness.handlers.scheduledRepair(harness.timer(), harness.context()));

    expect(report.zones.map((zone) => [zone.domain, zone.outcome])).toContainEqual([DEDICATED, 'changed']);
    expect(report.zones.every((zone) => zone.outcome !== 'failed')).toBe(true);
    expect(report.endpointsSkipped).toBe(3);
    const { 'TXT _linkdns': _registry, 'SOA @': _soa, ...records } = harness.zone(DEDICATED);
    expect(records).toEqual(DEDICATED_RECORDS);
    const nicReads = harness.azure.requests.entries.filter((entry) => entry.operation === 'networkInterfaces.get');
    expect(nicReads.length).toBeGreaterThan(0);
    for (const endpoint of paas) {
      expect(nicReads.map((entry) => entry.path.toLowerCase()).join(' ')).not.toContain(endpoint.name.toLowerCase());
    }
    // Nothing but the two Confluent zones was written.
    const written = new Set(
      harness.azure.requests.writes().map((entry) => /privateDnsZones\/([^/]+)/i.exec(entry.path)?.[1]?.toLowerCase()),
    );
    expect([...written].sort()).toEqual(['centralus.azure.private.confluent.cloud', DEDICATED].sort());
  });

  it('answers a Key Vault endpoint write event with nothing to do: skipped, no zone read, no NIC read', async () => {
    const paas = await brownfield();
    const keyVault = paas.find((endpoint) => endpoint.name === 'pe-kv-secrets') as ArmResource;

    const report = reportOf(await harness.handlers.privateEndpointEvents(writeEvent(keyVault.id), harness.context()));

    expect(report.zones).toEqual([]);
    expect(report.endpointsSkipped).toBe(1);
    expect(harness.azure.requests.counts()).toEqual({ 'privateEndpoints.get': 1 });
  });

  it('answers a zone edit (someone changed *.az1): repairs it and reads no PaaS endpoint deeply', async () => {
    const paas = await brownfield();
    reportOf(await harness.handlers.scheduledRepair(harness.timer(), harness.context()));
    putRecordSet(
      harness.azure.state,
      zoneId(DEDICATED),
      'A',
      '*.az1',
      aRecords(['10.99.0.1'], 60, { linkdns_owner: 'linkdns-azure-prod' }),
    );
    harness.azure.requests.clear();

    const report = reportOf(
      await harness.handlers.privateDnsRecordEvents(
        readJson('events/azure/record-set-write-by-someone-else.json'),
        harness.context(),
      ),
    );

    expect(report.zones.map((zone) => zone.outcome)).toEqual(['changed']);
    const { 'TXT _linkdns': _registry, 'SOA @': _soa, ...records } = harness.zone(DEDICATED);
    expect(records).toEqual(DEDICATED_RECORDS);
    const nicReads = harness.azure.requests.entries
      .filter((entry) => entry.operation === 'networkInterfaces.get')
      .map((entry) => entry.path.toLowerCase())
      .join(' ');
    for (const endpoint of paas) expect(nicReads).not.toContain(endpoint.name.toLowerCase());
  });
});
