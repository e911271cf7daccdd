import { afterEach, describe, expect, it } from 'vitest';
import { putRecordSet, seedPrivateEndpoint } from '../../local/azure/seed.ts';
import {
  type AzureHarness,
  aRecordSets,
  baseConfig,
  DEDICATED,
  DEDICATED_RECORDS,
  ENDPOINT_RG,
  endpointEvent,
  KAFKA_VNET,
  reportOf,
  SUBSCRIPTION,
  startAzureHarness,
  zoneId,
} from './azure-harness.ts';

/**
 * Issue 12 on the local Azure through the Function handlers: finding 3 (a tag cannot add an unrelated endpoint's IP
 * to a mapped domain) and finding 4 (a forged registry makes the adapter delete nothing it never wrote).
 */

let harness: AzureHarness;
afterEach(async () => {
  await harness.close();
});

async function provisioned(config: Record<string, unknown> = baseConfig): Promise<void> {
  harness = await startAzureHarness({ config });
  const result = await harness.handlers.privateEndpointEvents(
    endpointEvent('write', 'confluent-n-p8xo76-1'),
    harness.context(),
  );
  expect(aRecordSets(harness.zone(DEDICATED))).toEqual(DEDICATED_RECORDS);
  expect(reportOf(result).zones.map((zone) => zone.outcome)).toEqual(['changed']);
  harness.azure.requests.clear();
}

describe('finding 3: a tag cannot join a domain a mapping manages', () => {
  it('keeps a storage endpoint tagged with the Confluent domain out of * and *.az1', async () => {
    // Prepare
    await provisioned({ ...baseConfig, allowedDomains: ['azure.confluent.cloud'] });
    seedPrivateEndpoint(harness.azure.state, {
      subscriptionId: SUBSCRIPTION,
      resourceGroup: ENDPOINT_RG,
      name: 'pe-storage-logs',
      subnetId: `${KAFKA_VNET}/subnets/snet-private-endpoints`,
      service: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stlogs`,
      ip: '10.20.1.99',
      tags: { 'linkdns:domain': DEDICATED, 'linkdns-zone': 'az1' },
    });

    // Act
    const result = await harness.handlers.privateEndpointEvents(
      endpointEvent('write', 'pe-storage-logs'),
      harness.context(),
    );

    // Assess: before, 10.20.1.99 was added to * and *.az1.
    expect(aRecordSets(harness.zone(DEDICATED))).toEqual(DEDICATED_RECORDS);
    expect(reportOf(result).zones.every((zone) => zone.outcome === 'unchanged')).toBe(true);
    expect(harness.azure.requests.writes()).toEqual([]);
  });
});

describe('finding 4: a forged registry makes linkdns delete nothing it never wrote', () => {
  it('ignores registry entries no layout produces even when the record sets carry linkdns metadata', async () => {
    // Prepare: someone with write access to the zone plants records with linkdns's metadata and claims them in the
    // registry (the per-record metadata was the only thing that stopped this before).
    await provisioned();
    const owner = { linkdns_owner: 'linkdns-azure-prod' };
    putRecordSet(harness.azure.state, zoneId(DEDICATED), 'A', '@', {
      ttl: 300,
      aRecords: [{ ipv4Address: '10.9.9.9' }],
      metadata: owner,
    });
    putRecordSet(harness.azure.state, zoneId(DEDICATED), 'MX', 'mail', {
      ttl: 300,
      mxRecords: [{ preference: 10, exchange: 'mx.example.com' }],
      metadata: owner,
    });
    putRecordSet(harness.azure.state, zoneId(DEDICATED), 'CNAME', '*.legacy', {
      ttl: 300,
      cnameRecord: { cname: 'legacy.example.com' },
      metadata: owner,
    });
    const registry = harness.zone(DEDICATED)['TXT _linkdns'] ?? [];
    putRecordSet(harness.azure.state, zoneId(DEDICATED), 'TXT', '_linkdns', {
      ttl: 300,
      txtRecords: [...registry, 'record=A:@', 'record=MX:mail', 'record=CNAME:*.legacy'].map((value) => ({
        value: [value],
      })),
      metadata: owner,
    });

    // Act
    const result = await harness.handlers.scheduledRepair(harness.timer(), harness.context());

    // Assess
    const zone = harness.zone(DEDICATED);
    expect(zone['A @']).toEqual(['10.9.9.9']);
    expect(Object.keys(zone).some((key) => key.startsWith('MX mail'))).toBe(true);
    expect(zone['CNAME *.legacy']).toEqual(['legacy.example.com']);
    const dedicated = reportOf(result).zones.find((candidate) => candidate.domain === DEDICATED);
    expect(dedicated?.changes.delete).toEqual([]);
    expect(dedicated?.conflicts.map((conflict) => `${conflict.type} ${conflict.name}`).sort()).toEqual([
      `A ${DEDICATED}`,
      `CNAME *.legacy.${DEDICATED}`,
      `MX mail.${DEDICATED}`,
    ]);
    expect(harness.azure.requests.writes().filter((entry) => entry.method === 'DELETE')).toEqual([]);
  });
});
