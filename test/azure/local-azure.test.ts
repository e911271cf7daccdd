import { readFileSync } from 'node:fs';
import { NetworkManagementClient } from '@azure/arm-network';
import { PrivateDnsManagementClient } from '@azure/arm-privatedns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { observeAzurePrivateEndpoint } from '../../functions/azure/private-endpoint-mapping.ts';
import { type LocalAzure, startLocalAzure } from '../../local/azure/arm-server.ts';
import { localAzureClientOptions, localAzureCredential } from '../../local/azure/client-options.ts';
import { aRecords, putRecordSet, seedFromAzCli, seedPrivateDnsZone } from '../../local/azure/seed.ts';

const SUBSCRIPTION = '8f3c2a7e-4b1d-4e6a-9c3f-2d5e7a1b9c04';
const RG = 'rg-dns';
const ZONE = 'p8xo76.centralus.azure.confluent.cloud';
const VNET = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-a`;

let azure: LocalAzure;
let dns: PrivateDnsManagementClient;
let network: NetworkManagementClient;

beforeEach(async () => {
  azure = await startLocalAzure({ pageSize: 2 });
  const options = localAzureClientOptions(azure.baseUrl);
  dns = new PrivateDnsManagementClient(localAzureCredential, SUBSCRIPTION, options);
  network = new NetworkManagementClient(localAzureCredential, SUBSCRIPTION, options);
});

afterEach(async () => {
  await azure.close();
});

/** The error a promise rejects with, awaited at once so no rejection is left unhandled. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected a rejection'),
    (error: unknown) => error,
  );
}

async function collect<T>(iterator: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterator) items.push(item);
  return items;
}

describe('local Azure with @azure/arm-privatedns 4', () => {
  it('creates a zone synchronously (the SDK poller accepts 201 + Succeeded) with its SOA record set', async () => {
    // Act
    const zone = await dns.privateZones.beginCreateOrUpdateAndWait(
      RG,
      ZONE,
      { location: 'global' },
      { ifNoneMatch: '*' },
    );
    const records = await collect(dns.recordSets.list(RG, ZONE));

    // Assess
    expect(zone.provisioningState).toBe('Succeeded');
    expect(zone.etag).toMatch(/^[0-9a-f-]{36}$/);
    expect(records.map((record) => `${record.type} ${record.name}`)).toEqual([
      'Microsoft.Network/privateDnsZones/SOA @',
    ]);
    expect(azure.requests.counts()).toEqual({ 'privateZones.createOrUpdate': 1, 'recordSets.list': 1 });
  });

  it('pages record set lists with nextLink on the ARM host (the v4 /aLL path)', async () => {
    // Prepare
    const zone = seedPrivateDnsZone(azure.state, { subscriptionId: SUBSCRIPTION, resourceGroup: RG, name: ZONE });
    for (const name of ['*', '*.az1', '*.az2', '*.az3'])
      putRecordSet(azure.state, zone.id, 'A', name, aRecords(['10.0.0.1']));

    // Act
    const records = await collect(dns.recordSets.list(RG, ZONE));

    // Assess
    expect(records.map((record) => record.name)).toEqual(['*', '*.az1', '*.az2', '*.az3', '@']);
    expect(azure.requests.entries.map((entry) => entry.path.split('/').at(-1))).toEqual(['aLL', 'aLL', 'aLL']);
  });

  it('answers the v3 /ALL spelling the same way', async () => {
    // Prepare
    seedPrivateDnsZone(azure.state, { subscriptionId: SUBSCRIPTION, resourceGroup: RG, name: ZONE });

    // Act
    const response = await fetch(
      `${azure.baseUrl}/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.Network/privateDnsZones/${ZONE}/ALL?api-version=2020-06-01`,
      { headers: { authorization: 'Bearer x' } },
    );

    // Assess
    expect(response.status).toBe(200);
    expect(((await response.json()) as { value: unknown[] }).value).toHaveLength(1);
  });

  it('enforces If-None-Match: * and If-Match with 412 PreconditionFailed', async () => {
    // Prepare
    seedPrivateDnsZone(azure.state, { subscriptionId: SUBSCRIPTION, resourceGroup: RG, name: ZONE });
    const created = await dns.recordSets.createOrUpdate(
      RG,
      ZONE,
      'A',
      '*',
      { ttl: 60, aRecords: [{ ipv4Address: '10.0.0.1' }], metadata: { linkdns_owner: 'x' } },
      { ifNoneMatch: '*' },
    );

    // Act
    const again = await failure(
      dns.recordSets.createOrUpdate(RG, ZONE, 'A', '*', { ttl: 60, aRecords: [] }, { ifNoneMatch: '*' }),
    );
    const stale = await failure(dns.recordSets.delete(RG, ZONE, 'A', '*', { ifMatch: 'not-the-etag' }));
    const updated = await dns.recordSets.createOrUpdate(
      RG,
      ZONE,
      'A',
      '*',
      { ttl: 60, aRecords: [{ ipv4Address: '10.0.0.2' }] },
      { ifMatch: created.etag as string },
    );

    // Assess
    expect(again).toMatchObject({ statusCode: 412, code: 'PreconditionFailed' });
    expect(stale).toMatchObject({ statusCode: 412 });
    expect(created.fqdn).toBe(`*.${ZONE}.`);
    expect(created.metadata).toEqual({ linkdns_owner: 'x' });
    expect(updated.etag).not.toBe(created.etag);
    expect(updated.aRecords).toEqual([{ ipv4Address: '10.0.0.2' }]);
  });

  it('answers 404 ResourceNotFound for a missing record set and zone', async () => {
    // Prepare
    seedPrivateDnsZone(azure.state, { subscriptionId: SUBSCRIPTION, resourceGroup: RG, name: ZONE });

    // Act
    const missingRecord = await failure(dns.recordSets.get(RG, ZONE, 'A', 'nothing'));
    const missingZone = await failure(dns.privateZones.get(RG, 'other.example.com'));

    // Assess
    expect(missingRecord).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
    expect(missingZone).toMatchObject({ statusCode: 404 });
  });

  it('links a VNet once and refuses a second link to the same VNet with 409', async () => {
    // Prepare
    seedPrivateDnsZone(azure.state, { subscriptionId: SUBSCRIPTION, resourceGroup: RG, name: ZONE });
    const link = { location: 'global', virtualNetwork: { id: VNET }, registrationEnabled: false };
    await dns.virtualNetworkLinks.beginCreateOrUpdateAndWait(RG, ZONE, 'first', link);

    // Act
    const second = await failure(dns.virtualNetworkLinks.beginCreateOrUpdateAndWait(RG, ZONE, 'second', link));
    const links = await collect(dns.virtualNetworkLinks.list(RG, ZONE));

    // Assess
    expect(second).toMatchObject({ statusCode: 409 });
    expect(links.map((item) => item.virtualNetwork?.id)).toEqual([VNET]);
  });

  it('injects a 429 with Retry-After that the SDK waits out', async () => {
    // Prepare
    seedPrivateDnsZone(azure.state, { subscriptionId: SUBSCRIPTION, resourceGroup: RG, name: ZONE });
    azure.faults.add({ operation: 'privateZones.get', status: 429, headers: { 'Retry-After': '1' } });
    const started = Date.now();

    // Act
    const zone = await dns.privateZones.get(RG, ZONE);

    // Assess
    expect(zone.name).toBe(ZONE);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(azure.requests.entries.map((entry) => entry.status)).toEqual([429, 200]);
  });
});

describe('local Azure with @azure/arm-network 39', () => {
  it('serves the az CLI fixture endpoints and NICs in the ARM shape the SDK maps back', async () => {
    // Prepare
    const endpoints = JSON.parse(readFileSync('events/azure/cli/private-endpoints.json', 'utf8'));
    const nics = JSON.parse(readFileSync('events/azure/cli/network-interfaces.json', 'utf8'));
    seedFromAzCli(azure.state, [...endpoints, ...nics]);

    // Act
    const listed = await collect(network.privateEndpoints.listBySubscription());
    const [first] = listed;
    const nic = await network.networkInterfaces.get(
      'rg-confluent-network',
      first?.networkInterfaces?.[0]?.id?.split('/').at(-1) as string,
    );
    const observed = observeAzurePrivateEndpoint(first, [nic]);

    // Assess
    expect(listed).toHaveLength(4);
    expect(first?.manualPrivateLinkServiceConnections?.[0]?.privateLinkServiceId).toMatch(/^s-nk99e-privatelink-1\./);
    expect(observed.zonal).toEqual({ az1: ['10.20.1.4'] });
    expect(azure.requests.counts()).toEqual({
      'privateEndpoints.listBySubscription': 2,
      'networkInterfaces.get': 1,
    });
  });

  it('answers 404 for an endpoint that is gone', async () => {
    // Act
    const missing = await failure(network.privateEndpoints.get('rg-confluent-network', 'gone'));

    // Assess
    expect(missing).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
  });
});
