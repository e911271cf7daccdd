import { afterEach, describe, expect, it } from 'vitest';
import type { AzureHandlerResult } from '../../functions/azure/handlers.ts';
import { virtualNetworkLinkName } from '../../functions/azure/private-dns-wire.ts';
import type { RunReport } from '../../functions/core/report.ts';
import { aRecords, deletePrivateEndpoint, putRecordSet, seedPrivateDnsZone } from '../../local/azure/seed.ts';
import {
  ATTACHMENT,
  type AzureHarness,
  baseConfig,
  DEDICATED,
  DNS_RG,
  endpointEvent,
  endpointId,
  HUB_VNET,
  KAFKA_VNET,
  readJson,
  SUBSCRIPTION,
  startAzureHarness,
  zoneId,
} from './azure-harness.ts';

const DEDICATED_RECORDS = {
  'A *': ['10.20.1.4', '10.20.1.5', '10.20.1.6'],
  'A *.az1': ['10.20.1.4'],
  'A *.az2': ['10.20.1.5'],
  'A *.az3': ['10.20.1.6'],
};

let harness: AzureHarness;

afterEach(async () => {
  await harness.close();
});

function reportOf(result: AzureHandlerResult): RunReport {
  if (result.outcome !== 'reconciled') throw new Error(`expected a reconciled run, got ${JSON.stringify(result)}`);
  return result.report;
}

/** Record sets of a snapshot without the SOA and the registry, for comparing what linkdns manages. */
function managed(snapshot: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(snapshot).filter(([key]) => key.startsWith('A ')));
}

/** What each write did, in order: `PUT A *.az1 If-None-Match`. */
function writeLog(harness: AzureHarness): string[] {
  return harness.azure.requests.writes().map((entry) => {
    const [type, name] = entry.path.split('/').slice(-2);
    const condition = entry.ifNoneMatch ? ' If-None-Match' : entry.ifMatch ? ' If-Match' : '';
    return `${entry.method} ${type} ${name}${condition} ${entry.status}`;
  });
}

async function provisionDedicated(): Promise<void> {
  const result = await harness.handlers.privateEndpointEvents(
    endpointEvent('write', 'confluent-n-p8xo76-1'),
    harness.context(),
  );
  expect(reportOf(result).zones.map((zone) => zone.outcome)).toEqual(['changed']);
  harness.azure.requests.clear();
}

describe('privateEndpointEvents', () => {
  it('writes * with the three IPs and *.az1..3 for three endpoints in zones 1–3, registry first', async () => {
    // Prepare
    harness = await startAzureHarness();

    // Act
    const result = await harness.handlers.privateEndpointEvents(
      readJson('events/azure/private-endpoint-write.json'),
      harness.context(),
    );

    // Assess
    const [zone] = reportOf(result).zones;
    expect(zone).toMatchObject({ domain: DEDICATED, scope: KAFKA_VNET, outcome: 'changed', attempts: 1 });
    expect(managed(harness.zone(DEDICATED))).toEqual(DEDICATED_RECORDS);
    expect(harness.zone(DEDICATED)['TXT _linkdns']).toContain(
      `heritage=linkdns,owner=linkdns-azure-prod,scope=${KAFKA_VNET}`,
    );
    expect(writeLog(harness)).toEqual([
      'PUT privateDnsZones p8xo76.centralus.azure.confluent.cloud If-None-Match 201',
      `PUT virtualNetworkLinks ${virtualNetworkLinkName(KAFKA_VNET)} If-None-Match 201`,
      'PUT TXT _linkdns If-None-Match 201',
      'PUT A *.az1 If-None-Match 201',
      'PUT A *.az2 If-None-Match 201',
      'PUT A *.az3 If-None-Match 201',
      'PUT A * If-None-Match 201',
    ]);
    expect(harness.azure.requests.counts()).toEqual({
      'privateEndpoints.get': 1,
      'privateEndpoints.listBySubscription': 1,
      'networkInterfaces.get': 4,
      'privateZones.get': 1,
      'privateZones.createOrUpdate': 1,
      'virtualNetworkLinks.list': 1,
      'virtualNetworkLinks.createOrUpdate': 1,
      'recordSets.list': 2,
      'recordSets.createOrUpdate': 5,
    });
    expect(harness.notified).toHaveLength(1);
  });

  it('tags the zone and link it creates and records ownership in each record set’s metadata', async () => {
    // Prepare
    harness = await startAzureHarness();

    // Act
    await provisionDedicated();

    // Assess
    const zone = harness.azure.state.get(zoneId(DEDICATED));
    const star = harness.azure.state.get(`${zoneId(DEDICATED)}/A/*`);
    expect(zone?.tags).toEqual({ 'linkdns-created': 'linkdns-azure-prod' });
    expect(star?.properties.metadata).toEqual({ linkdns_owner: 'linkdns-azure-prod' });
    expect(star?.properties.ttl).toBe(60);
  });

  it('removes a deleted endpoint’s IP from * and its zonal record, before shrinking the registry', async () => {
    // Prepare
    harness = await startAzureHarness();
    await provisionDedicated();
    deletePrivateEndpoint(harness.azure.state, endpointId('confluent-n-p8xo76-2'));

    // Act
    const result = await harness.handlers.privateEndpointEvents(
      readJson('events/azure/private-endpoint-delete.json'),
      harness.context(),
    );

    // Assess
    expect(reportOf(result).zones.map((zone) => zone.outcome)).toEqual(['changed']);
    expect(managed(harness.zone(DEDICATED))).toEqual({
      'A *': ['10.20.1.4', '10.20.1.6'],
      'A *.az1': ['10.20.1.4'],
      'A *.az3': ['10.20.1.6'],
    });
    expect(harness.zone(DEDICATED)['TXT _linkdns']).not.toContain('record=A:*.az2');
    expect(writeLog(harness)).toEqual([
      'PUT A * If-Match 200',
      'DELETE A *.az2 If-Match 200',
      'PUT TXT _linkdns If-Match 200',
    ]);
    expect(harness.azure.requests.counts()).toEqual({
      'privateEndpoints.get': 1,
      'privateZones.listByResourceGroup': 1,
      'recordSets.list': 2,
      'privateEndpoints.listBySubscription': 1,
      'networkInterfaces.get': 2,
      'privateZones.get': 1,
      'virtualNetworkLinks.list': 1,
      'recordSets.createOrUpdate': 2,
      'recordSets.delete': 1,
    });
  });

  it('writes only * for the attachment endpoint (regional layout)', async () => {
    // Prepare
    harness = await startAzureHarness();

    // Act
    const result = await harness.handlers.privateEndpointEvents(
      endpointEvent('write', 'confluent-platt-q2w9r7'),
      harness.context(),
    );

    // Assess
    expect(reportOf(result).zones.map((zone) => [zone.domain, zone.outcome])).toEqual([[ATTACHMENT, 'changed']]);
    expect(managed(harness.zone(ATTACHMENT))).toEqual({ 'A *': ['10.30.2.4'] });
    expect(harness.azure.state.get(zoneId(DEDICATED))).toBeUndefined();
  });

  it('makes no write when the same event arrives twice', async () => {
    // Prepare
    harness = await startAzureHarness();
    const event = readJson('events/azure/private-endpoint-write.json');
    await harness.handlers.privateEndpointEvents(event, harness.context());
    harness.azure.requests.clear();

    // Act
    const result = await harness.handlers.privateEndpointEvents(event, harness.context());

    // Assess
    expect(reportOf(result).zones.map((zone) => zone.outcome)).toEqual(['unchanged']);
    expect(harness.azure.requests.writes()).toEqual([]);
    expect(harness.azure.requests.counts()).toEqual({
      'privateEndpoints.get': 1,
      'networkInterfaces.get': 4,
      'privateEndpoints.listBySubscription': 1,
      'privateZones.get': 1,
      'virtualNetworkLinks.list': 1,
      'recordSets.list': 1,
    });
  });

  it('converges when the delete event of a short-lived endpoint arrives before its create event', async () => {
    // Prepare: the endpoint was created and deleted again before any event was handled.
    harness = await startAzureHarness();
    deletePrivateEndpoint(harness.azure.state, endpointId('confluent-platt-q2w9r7'));

    // Act
    const deleted = await harness.handlers.privateEndpointEvents(
      endpointEvent('delete', 'confluent-platt-q2w9r7'),
      harness.context(),
    );
    const created = await harness.handlers.privateEndpointEvents(
      endpointEvent('write', 'confluent-platt-q2w9r7'),
      harness.context(),
    );

    // Assess
    expect(reportOf(deleted).zones).toEqual([]);
    expect(reportOf(created).zones).toEqual([]);
    expect(harness.azure.requests.writes()).toEqual([]);
    expect(harness.azure.state.get(zoneId(ATTACHMENT))).toBeUndefined();
  });

  it('keeps the new IP when a recreated endpoint’s stale delete event arrives after its create event', async () => {
    // Prepare: the endpoint was deleted and recreated under the same name with a new IP.
    harness = await startAzureHarness();
    await harness.handlers.privateEndpointEvents(endpointEvent('write', 'confluent-platt-q2w9r7'), harness.context());
    const nic = harness.azure.state.all().find((resource) => resource.name.startsWith('confluent-platt-q2w9r7.nic'));
    const [config] = (nic?.properties.ipConfigurations ?? []) as { properties: { privateIPAddress: string } }[];
    if (config) config.properties.privateIPAddress = '10.30.2.9';

    // Act
    await harness.handlers.privateEndpointEvents(endpointEvent('write', 'confluent-platt-q2w9r7'), harness.context());
    harness.azure.requests.clear();
    const stale = await harness.handlers.privateEndpointEvents(
      endpointEvent('delete', 'confluent-platt-q2w9r7'),
      harness.context(),
    );

    // Assess
    expect(reportOf(stale).zones.map((zone) => zone.outcome)).toEqual(['unchanged']);
    expect(harness.azure.requests.writes()).toEqual([]);
    expect(managed(harness.zone(ATTACHMENT))).toEqual({ 'A *': ['10.30.2.9'] });
  });

  it('re-reads and writes the right records after an ETag conflict (412)', async () => {
    // Prepare: another writer replaces * between linkdns's read and its write.
    harness = await startAzureHarness();
    await provisionDedicated();
    deletePrivateEndpoint(harness.azure.state, endpointId('confluent-n-p8xo76-2'));
    harness.azure.faults.add({
      operation: 'recordSets.createOrUpdate',
      path: /\/A\/\*$/,
      before: (store) =>
        putRecordSet(
          store,
          zoneId(DEDICATED),
          'A',
          '*',
          aRecords(['10.20.1.4', '10.20.1.5', '10.20.1.6', '10.20.1.7'], 60, { linkdns_owner: 'linkdns-azure-prod' }),
        ),
    });

    // Act
    const result = await harness.handlers.privateEndpointEvents(
      readJson('events/azure/private-endpoint-delete.json'),
      harness.context(),
    );

    // Assess
    const [zone] = reportOf(result).zones;
    expect(zone).toMatchObject({ outcome: 'changed', attempts: 2 });
    expect(managed(harness.zone(DEDICATED))['A *']).toEqual(['10.20.1.4', '10.20.1.6']);
    expect(writeLog(harness)).toEqual([
      'PUT A * If-Match 412',
      'PUT A * If-Match 200',
      'DELETE A *.az2 If-Match 200',
      'PUT TXT _linkdns If-Match 200',
    ]);
    expect(harness.logs.some((line) => line.includes('zone changed while applying; re-reading'))).toBe(true);
  });

  it('waits out a 429 with Retry-After and then succeeds', async () => {
    // Prepare
    harness = await startAzureHarness();
    harness.azure.faults.add({ operation: 'recordSets.list', status: 429, headers: { 'Retry-After': '1' } });
    const started = Date.now();

    // Act
    const result = await harness.handlers.privateEndpointEvents(
      readJson('events/azure/private-endpoint-write.json'),
      harness.context(),
    );

    // Assess
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(reportOf(result).zones.map((zone) => zone.outcome)).toEqual(['changed']);
    expect(managed(harness.zone(DEDICATED))).toEqual(DEDICATED_RECORDS);
    expect(
      harness.azure.requests.entries.filter((entry) => entry.operation === 'recordSets.list').map((e) => e.status),
    ).toEqual([429, 200, 200]);
  });

  it('cancels a long Retry-After wait when the invocation budget runs out, and rethrows for redelivery', async () => {
    // Prepare
    harness = await startAzureHarness({ timeoutMs: 300 });
    harness.azure.faults.add({ operation: 'privateEndpoints.get', status: 429, headers: { 'Retry-After': '30' } });
    const started = Date.now();

    // Act
    const outcome = await harness.handlers
      .privateEndpointEvents(readJson('events/azure/private-endpoint-write.json'), harness.context())
      .then(
        () => 'resolved',
        (error: Error) => error.name,
      );

    // Assess
    expect(outcome).toBe('AbortError');
    // Just below the 30 s Retry-After it proves was not waited out.
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(harness.azure.requests.writes()).toEqual([]);
  });

  it('rethrows when ARM keeps throttling after the SDK’s retries, so Event Grid redelivers', async () => {
    // Prepare
    harness = await startAzureHarness();
    harness.azure.faults.add({
      operation: 'privateEndpoints.get',
      status: 429,
      headers: { 'retry-after-ms': '1' },
      times: 4,
    });

    // Act
    const outcome = await harness.handlers
      .privateEndpointEvents(readJson('events/azure/private-endpoint-write.json'), harness.context())
      .then(
        () => undefined,
        (error: Error & { retryable?: boolean }) => ({ name: error.name, retryable: error.retryable }),
      );

    // Assess
    expect(outcome).toEqual({ name: 'TransientCloudError', retryable: true });
    expect(harness.azure.requests.counts()).toEqual({ 'privateEndpoints.get': 4 });
  });

  it('leaves foreign record sets untouched and reports the one at a wanted name as a conflict', async () => {
    // Prepare
    harness = await startAzureHarness();
    const zone = seedPrivateDnsZone(harness.azure.state, {
      subscriptionId: SUBSCRIPTION,
      resourceGroup: DNS_RG,
      name: DEDICATED,
      links: [KAFKA_VNET],
    });
    const foreignApp = putRecordSet(harness.azure.state, zone.id, 'A', 'schema-registry', aRecords(['10.9.9.9'], 300));
    const foreignWildcard = putRecordSet(harness.azure.state, zone.id, 'A', '*.az1', aRecords(['10.9.9.1'], 300));

    // Act
    const result = await harness.handlers.privateEndpointEvents(
      readJson('events/azure/private-endpoint-write.json'),
      harness.context(),
    );

    // Assess
    const [report] = reportOf(result).zones;
    expect(report?.conflicts.map((conflict) => conflict.name)).toEqual([`*.az1.${DEDICATED}`]);
    expect(harness.azure.state.get(foreignApp.id)?.etag).toBe(foreignApp.etag);
    expect(harness.azure.state.get(foreignWildcard.id)?.etag).toBe(foreignWildcard.etag);
    expect(managed(harness.zone(DEDICATED))).toEqual({
      ...DEDICATED_RECORDS,
      'A *.az1': ['10.9.9.1'],
      'A schema-registry': ['10.9.9.9'],
    });
    expect(harness.zone(DEDICATED)['TXT _linkdns']).not.toContain('record=A:*.az1');
  });

  it('refuses to change a record set whose metadata no longer names linkdns, and writes nothing', async () => {
    // Prepare: someone replaced * wholesale (new values, no metadata); the registry still lists it.
    harness = await startAzureHarness();
    await provisionDedicated();
    putRecordSet(harness.azure.state, zoneId(DEDICATED), 'A', '*', aRecords(['10.20.1.4'], 60));

    // Act
    const result = await harness.handlers.privateEndpointEvents(
      readJson('events/azure/private-endpoint-write.json'),
      harness.context(),
    );

    // Assess
    const [zone] = reportOf(result).zones;
    expect(zone?.outcome).toBe('failed');
    expect(zone?.error).toMatchObject({ name: 'OwnershipError', retryable: false });
    expect(zone?.error?.message).toMatch(/metadata names no linkdns owner/);
    expect(harness.azure.requests.writes()).toEqual([]);
  });

  it('links the zone it creates to the configured extra VNets too', async () => {
    // Prepare
    harness = await startAzureHarness({
      config: { ...baseConfig, zones: { create: true, extraNetworks: [HUB_VNET] } },
    });

    // Act
    await provisionDedicated();

    // Assess
    const links = harness.azure.state
      .children(zoneId(DEDICATED), 'Microsoft.Network/privateDnsZones/virtualNetworkLinks')
      .map((link) => (link.properties.virtualNetwork as { id: string }).id.toLowerCase());
    expect(links.sort()).toEqual([HUB_VNET.toLowerCase(), KAFKA_VNET].sort());
  });

  it('reports a missing zone when zone creation is not enabled', async () => {
    // Prepare
    harness = await startAzureHarness({ config: { ...baseConfig, zones: { create: false, extraNetworks: [] } } });

    // Act
    const result = await harness.handlers.privateEndpointEvents(
      readJson('events/azure/private-endpoint-write.json'),
      harness.context(),
    );

    // Assess
    const [zone] = reportOf(result).zones;
    expect(zone?.error).toMatchObject({ name: 'ZoneNotFoundError' });
    expect(harness.azure.requests.writes()).toEqual([]);
  });

  it('accepts the CloudEvents schema as well', async () => {
    // Prepare
    harness = await startAzureHarness();

    // Act
    const result = await harness.handlers.privateEndpointEvents(
      readJson('events/azure/private-endpoint-write.cloudevent.json'),
      harness.context(),
    );

    // Assess
    expect(reportOf(result).zones.map((zone) => zone.outcome)).toEqual(['changed']);
  });

  const sample = readJson('events/azure/private-endpoint-write.json') as Record<string, unknown> & {
    data: Record<string, unknown>;
  };
  it.each([
    ['an empty object', {}, /Malformed Event Grid event: .*id/],
    ['no data', { ...sample, data: undefined }, /data/],
    ['no operationName', { ...sample, data: { ...sample.data, operationName: undefined } }, /data\.operationName/],
    ['no event type', { ...sample, eventType: undefined }, /eventType/],
    [
      'a resourceUri that is no private endpoint',
      {
        ...sample,
        data: {
          ...sample.data,
          resourceUri: `/subscriptions/${SUBSCRIPTION}/resourceGroups/x/providers/Microsoft.Network/virtualNetworks/v`,
        },
      },
      /Not a private endpoint resource id/,
    ],
    ['a string', 'not an event', /\(root\)/],
  ])('rejects a malformed event (%s) with a clear error and zero requests', async (_name, event, message) => {
    // Prepare
    harness = await startAzureHarness();

    // Act
    const result = await harness.handlers.privateEndpointEvents(event, harness.context());

    // Assess
    expect(result.outcome).toBe('rejected');
    if (result.outcome === 'rejected') {
      expect(result.error.name).toBe('InvalidInputError');
      expect(result.error.message).toMatch(message);
    }
    expect(harness.azure.requests.entries).toEqual([]);
    expect(harness.logs.some((line) => line.startsWith('error: linkdns run failed'))).toBe(true);
  });

  it('ignores resource events for other operations without any request', async () => {
    // Prepare
    harness = await startAzureHarness();
    const event = { ...sample, data: { ...sample.data, operationName: 'Microsoft.Network/networkInterfaces/write' } };

    // Act
    const result = await harness.handlers.privateEndpointEvents(event, harness.context());

    // Assess
    expect(result).toEqual({
      outcome: 'ignored',
      reason: 'operation Microsoft.Network/networkInterfaces/write is not a private endpoint write or delete',
    });
    expect(harness.azure.requests.entries).toEqual([]);
  });

  it('matches the operation name case-insensitively', async () => {
    // Prepare
    harness = await startAzureHarness();
    const event = { ...sample, data: { ...sample.data, operationName: 'MICROSOFT.NETWORK/PRIVATEENDPOINTS/WRITE' } };

    // Act
    const result = await harness.handlers.privateEndpointEvents(event, harness.context());

    // Assess
    expect(reportOf(result).zones.map((zone) => zone.outcome)).toEqual(['changed']);
  });
});

describe('privateDnsRecordEvents', () => {
  it('repairs a record set someone else changed, at once', async () => {
    // Prepare
    harness = await startAzureHarness();
    await provisionDedicated();
    putRecordSet(
      harness.azure.state,
      zoneId(DEDICATED),
      'A',
      '*.az1',
      aRecords(['10.99.0.1'], 60, { linkdns_owner: 'linkdns-azure-prod' }),
    );

    // Act
    const result = await harness.handlers.privateDnsRecordEvents(
      readJson('events/azure/record-set-write-by-someone-else.json'),
      harness.context(),
    );

    // Assess
    expect(reportOf(result).trigger.kind).toBe('zone-event');
    expect(managed(harness.zone(DEDICATED))).toEqual(DEDICATED_RECORDS);
    expect(writeLog(harness)).toEqual(['PUT A *.az1 If-Match 200']);
    expect(harness.azure.requests.counts()).toEqual({
      'privateZones.listByResourceGroup': 1,
      'recordSets.list': 3,
      'privateEndpoints.listBySubscription': 1,
      'networkInterfaces.get': 3,
      'privateZones.get': 1,
      'virtualNetworkLinks.list': 1,
      'recordSets.createOrUpdate': 1,
    });
  });

  it('recreates a record set someone deleted', async () => {
    // Prepare
    harness = await startAzureHarness();
    await provisionDedicated();
    harness.azure.state.delete(`${zoneId(DEDICATED)}/A/*.az3`);

    // Act
    await harness.handlers.privateDnsRecordEvents(
      readJson('events/azure/record-set-delete-by-someone-else.json'),
      harness.context(),
    );

    // Assess
    expect(managed(harness.zone(DEDICATED))).toEqual(DEDICATED_RECORDS);
    expect(writeLog(harness)).toEqual(['PUT A *.az3 If-None-Match 201']);
  });

  it('finds the scope through the endpoints when the registry itself was deleted', async () => {
    // Prepare
    harness = await startAzureHarness();
    await provisionDedicated();
    harness.azure.state.delete(`${zoneId(DEDICATED)}/TXT/_linkdns`);
    const event = readJson('events/azure/record-set-delete-by-someone-else.json') as { data: Record<string, unknown> };
    event.data.resourceUri = String(event.data.resourceUri).replace('/A/*.az3', '/TXT/_linkdns');
    event.data.operationName = 'Microsoft.Network/privateDnsZones/TXT/delete';

    // Act
    const result = await harness.handlers.privateDnsRecordEvents(event, harness.context());

    // Assess: without the registry nothing is linkdns's, so the records are conflicts until adopted.
    const [zone] = reportOf(result).zones;
    expect(zone).toMatchObject({ scope: KAFKA_VNET, outcome: 'conflict' });
    expect(zone?.conflicts).toHaveLength(4);
    expect(harness.azure.requests.writes()).toEqual([]);
  });

  it('ignores linkdns’s own writes without a single request', async () => {
    // Prepare
    harness = await startAzureHarness();
    await provisionDedicated();

    // Act
    const result = await harness.handlers.privateDnsRecordEvents(
      readJson('events/azure/record-set-write-by-linkdns.json'),
      harness.context(),
    );

    // Assess
    expect(result.outcome).toBe('ignored');
    expect(harness.azure.requests.entries).toEqual([]);
  });

  it('ignores record sets in zones linkdns does not manage', async () => {
    // Prepare
    harness = await startAzureHarness();
    const event = readJson('events/azure/record-set-write-by-someone-else.json') as { data: Record<string, unknown> };
    event.data.resourceUri = String(event.data.resourceUri).replace(DEDICATED, 'privatelink.blob.core.windows.net');

    // Act
    const result = await harness.handlers.privateDnsRecordEvents(event, harness.context());

    // Assess
    expect(result).toEqual({
      outcome: 'ignored',
      reason: 'zone privatelink.blob.core.windows.net is not a managed domain',
    });
    expect(harness.azure.requests.entries).toEqual([]);
  });
});

describe('scheduledRepair', () => {
  it('repairs tampered records and removes the records of an endpoint that vanished without an event', async () => {
    // Prepare
    harness = await startAzureHarness();
    await provisionDedicated();
    putRecordSet(
      harness.azure.state,
      zoneId(DEDICATED),
      'A',
      '*.az1',
      aRecords(['10.99.0.1'], 3600, { linkdns_owner: 'linkdns-azure-prod' }),
    );
    deletePrivateEndpoint(harness.azure.state, endpointId('confluent-n-p8xo76-3'));
    deletePrivateEndpoint(harness.azure.state, endpointId('confluent-platt-q2w9r7'));

    // Act
    const result = await harness.handlers.scheduledRepair(harness.timer(), harness.context());

    // Assess
    expect(reportOf(result).zones.map((zone) => [zone.domain, zone.outcome])).toEqual([[DEDICATED, 'changed']]);
    expect(managed(harness.zone(DEDICATED))).toEqual({
      'A *': ['10.20.1.4', '10.20.1.5'],
      'A *.az1': ['10.20.1.4'],
      'A *.az2': ['10.20.1.5'],
    });
    expect(writeLog(harness)).toEqual([
      'PUT A *.az1 If-Match 200',
      'PUT A * If-Match 200',
      'DELETE A *.az3 If-Match 200',
      'PUT TXT _linkdns If-Match 200',
    ]);
    expect(harness.azure.requests.counts()).toEqual({
      'privateEndpoints.listBySubscription': 1,
      'networkInterfaces.get': 2,
      'privateZones.listByResourceGroup': 1,
      'recordSets.list': 2,
      'privateZones.get': 1,
      'virtualNetworkLinks.list': 1,
      'recordSets.createOrUpdate': 3,
      'recordSets.delete': 1,
    });
  });

  it('cleans up a zone whose endpoints are all gone, registry last', async () => {
    // Prepare
    harness = await startAzureHarness();
    await provisionDedicated();
    for (const zone of [1, 2, 3]) deletePrivateEndpoint(harness.azure.state, endpointId(`confluent-n-p8xo76-${zone}`));

    // Act
    await harness.handlers.scheduledRepair(harness.timer(), harness.context());

    // Assess
    expect(harness.zone(DEDICATED)).toEqual({ 'SOA @': [] });
    expect(writeLog(harness).at(-1)).toBe('DELETE TXT _linkdns If-Match 200');
  });

  it('only reports drift in detect-only mode', async () => {
    // Prepare
    harness = await startAzureHarness({ detectOnly: true });
    const analytics = KAFKA_VNET.replace('vnet-kafka-clients', 'vnet-analytics');
    for (const [name, vnet] of [
      [DEDICATED, KAFKA_VNET],
      [ATTACHMENT, analytics],
    ] as const) {
      seedPrivateDnsZone(harness.azure.state, {
        subscriptionId: SUBSCRIPTION,
        resourceGroup: DNS_RG,
        name,
        links: [vnet],
      });
    }

    // Act
    const result = await harness.handlers.scheduledRepair(harness.timer(), harness.context());

    // Assess
    expect(reportOf(result).dryRun).toBe(true);
    expect(reportOf(result).zones.map((zone) => zone.outcome)).toEqual(['drift', 'drift']);
    expect(harness.azure.requests.writes()).toEqual([]);
  });

  it('is a no-op on a zone that is right, with paged listings', async () => {
    // Prepare
    harness = await startAzureHarness({ pageSize: 2 });
    await harness.handlers.scheduledRepair(harness.timer(), harness.context());
    harness.azure.requests.clear();

    // Act
    const result = await harness.handlers.scheduledRepair(harness.timer(), harness.context());

    // Assess
    expect(reportOf(result).zones.map((zone) => zone.outcome)).toEqual(['unchanged', 'unchanged']);
    expect(harness.azure.requests.writes()).toEqual([]);
    expect(harness.azure.requests.counts()['privateEndpoints.listBySubscription']).toBe(2);
  });
});
