import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  listedAzurePrivateEndpoint,
  observeAzurePrivateEndpoint,
  observeAzurePrivateEndpoints,
  zoneLabel,
} from '../../functions/azure/private-endpoint-mapping.ts';
import { parseConfig, resolveMapping } from '../../functions/core/config.ts';
import { InvalidInputError } from '../../functions/core/errors.ts';
import { desiredRecords } from '../../functions/core/layout.ts';

const fixture = (name: string): unknown => JSON.parse(readFileSync(`events/azure/cli/${name}`, 'utf8'));
const endpoints = fixture('private-endpoints.json') as Record<string, unknown>[];
const nics = fixture('network-interfaces.json') as unknown[];
const VNET =
  '/subscriptions/8f3c2a7e-4b1d-4e6a-9c3f-2d5e7a1b9c04/resourcegroups/rg-confluent-network/providers/microsoft.network/virtualnetworks/vnet-kafka-clients';

function withConnection(endpoint: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const [connection] = endpoint.manualPrivateLinkServiceConnections as Record<string, unknown>[];
  return { ...endpoint, manualPrivateLinkServiceConnections: [{ ...connection, ...patch }] };
}

describe('observeAzurePrivateEndpoints (az network private-endpoint list output)', () => {
  it('maps the three dedicated endpoints to zones az1..az3 with their NIC IPs', () => {
    // Prepare
    const dedicated = endpoints.slice(0, 3);

    // Act
    const observed = observeAzurePrivateEndpoints(dedicated, nics);

    // Assess
    expect(observed.map((endpoint) => [endpoint.state, endpoint.zonal, endpoint.regional])).toEqual([
      ['available', { az1: ['10.20.1.4'] }, ['10.20.1.4']],
      ['available', { az2: ['10.20.1.5'] }, ['10.20.1.5']],
      ['available', { az3: ['10.20.1.6'] }, ['10.20.1.6']],
    ]);
    expect(observed[0]).toMatchObject({
      cloud: 'azure',
      targetKind: 'ip',
      scope: VNET,
      rawState: 'Approved',
      service: 's-nk99e-privatelink-1.5f2c1e0a-7b3d-4c8e-9a6f-1d2e3b4c5a6f.centralus.azure.privatelinkservice',
      id: '/subscriptions/8f3c2a7e-4b1d-4e6a-9c3f-2d5e7a1b9c04/resourcegroups/rg-confluent-network/providers/microsoft.network/privateendpoints/confluent-n-p8xo76-1',
      tags: { environment: 'prod', 'managed-by': 'terraform' },
    });
  });

  it('gives the attachment endpoint no zone, so it only feeds *', () => {
    // Act
    const [attachment] = observeAzurePrivateEndpoints([endpoints[3]], nics);

    // Assess
    expect(attachment?.zonal).toEqual({});
    expect(attachment?.regional).toEqual(['10.30.2.4']);
    expect(attachment?.scope).toMatch(/virtualnetworks\/vnet-analytics$/);
  });

  it('yields the Confluent dedicated and attachment records with the example configuration', () => {
    // Prepare
    const config = parseConfig(fixture('linkdns-config.json'));
    const observed = observeAzurePrivateEndpoints(endpoints, nics);

    // Act
    const dedicated = resolveMapping(observed[0] ?? ({} as never), config);
    const attachment = resolveMapping(observed[3] ?? ({} as never), config);
    if (!dedicated.managed || !attachment.managed) throw new Error('fixture endpoints are not mapped');
    const zonal = desiredRecords({
      domain: dedicated.domain,
      layout: dedicated.layout,
      endpoints: observed.slice(0, 3),
    });
    const regional = desiredRecords({
      domain: attachment.domain,
      layout: attachment.layout,
      endpoints: observed.slice(3),
    });

    // Assess
    expect(zonal.map((record) => `${record.name} ${record.type} ${record.values.join(',')}`)).toEqual([
      '*.az1.p8xo76.centralus.azure.confluent.cloud A 10.20.1.4',
      '*.az2.p8xo76.centralus.azure.confluent.cloud A 10.20.1.5',
      '*.az3.p8xo76.centralus.azure.confluent.cloud A 10.20.1.6',
      '*.p8xo76.centralus.azure.confluent.cloud A 10.20.1.4,10.20.1.5,10.20.1.6',
    ]);
    expect(regional.map((record) => `${record.name} ${record.values.join(',')}`)).toEqual([
      '*.centralus.azure.private.confluent.cloud 10.30.2.4',
    ]);
  });

  it('accepts an ARM list page ({ value: [...] }) with fields under properties', () => {
    // Prepare
    const source = endpoints[1] as Record<string, unknown>;
    const { id, name, location, tags, ...properties } = source;
    const page = { value: [{ id, name, location, tags, properties: { ...properties, customDnsConfigs: null } }] };

    // Act
    const [observed] = observeAzurePrivateEndpoints(page, { value: nics });

    // Assess
    expect(observed?.zonal).toEqual({ az2: ['10.20.1.5'] });
  });
});

describe('observeAzurePrivateEndpoint', () => {
  const first = endpoints[0] as Record<string, unknown>;

  it('prefers customDnsConfigs IPs over the NIC and keeps only IPv4', () => {
    // Prepare
    const endpoint = { ...first, customDnsConfigs: [{ fqdn: null, ipAddresses: ['10.20.1.40', 'fd00::4'] }] };

    // Act
    const observed = observeAzurePrivateEndpoint(endpoint, nics);

    // Assess
    expect(observed.regional).toEqual(['10.20.1.40']);
  });

  it('refuses addresses that are no IP (issue 11: an invalid IP is an error, never silently dropped), naming them', () => {
    // Prepare
    const ipAddresses = [
      '10.20.1.255',
      '10.20.1.256',
      '10.20.1.4',
      '010.20.1.5',
      '10.20.1.4',
      'x10.20.1.6',
      '10.20.1.7x',
    ];
    const endpoint = {
      ...first,
      customDnsConfigs: [{ fqdn: 'lkc.p8xo76.centralus.azure.confluent.cloud', ipAddresses }],
    };

    // Act / Assess
    expect(() => observeAzurePrivateEndpoint(endpoint, nics)).toThrow(
      /10\.20\.1\.256, 010\.20\.1\.5, x10\.20\.1\.6, 10\.20\.1\.7x is not an IP address/,
    );
    const valid = {
      ...first,
      customDnsConfigs: [{ fqdn: 'lkc', ipAddresses: ['10.20.1.255', '10.20.1.4', '10.20.1.4'] }],
    };
    expect(observeAzurePrivateEndpoint(valid, nics).regional).toEqual(['10.20.1.255', '10.20.1.4']);
  });

  it('finds the endpoint’s NIC whatever the casing of its id', () => {
    // Prepare: Event Grid and ARM list calls do not agree on the casing of resource ids.
    const [nicRef] = first.networkInterfaces as { id: string }[];
    const endpoint = { ...first, networkInterfaces: [{ id: (nicRef?.id ?? '').toUpperCase() }] };

    // Act / Assess
    expect(observeAzurePrivateEndpoint(endpoint, nics).regional).toEqual(['10.20.1.4']);
  });

  it('falls back to the static ipConfigurations when no NIC is given', () => {
    // Prepare
    const endpoint = { ...first, ipConfigurations: [{ name: 'static', privateIPAddress: '10.20.1.9' }] };

    // Act
    const observed = observeAzurePrivateEndpoint(endpoint);

    // Assess
    expect(observed.regional).toEqual(['10.20.1.9']);
    expect(observed.zonal).toEqual({ az1: ['10.20.1.9'] });
  });

  it('has no IPs and no zonal entry when neither DNS configs nor NICs carry one', () => {
    // Act
    const observed = observeAzurePrivateEndpoint(first, []);

    // Assess
    expect(observed.regional).toEqual([]);
    expect(observed.zonal).toEqual({});
  });

  it.each([
    ['Approved', 'Succeeded', 'available'],
    ['Pending', 'Succeeded', 'pendingAcceptance'],
    ['Rejected', 'Succeeded', 'rejected'],
    ['Disconnected', 'Succeeded', 'rejected'],
    ['Approved', 'Deleting', 'deleting'],
    ['Approved', 'Failed', 'failed'],
    ['SomethingNew', 'Succeeded', 'unknown'],
  ])('maps connection %s with provisioning %s to %s', (status, provisioningState, state) => {
    // Prepare
    const endpoint = { ...withConnection(first, { privateLinkServiceConnectionState: { status } }), provisioningState };

    // Act
    const observed = observeAzurePrivateEndpoint(endpoint, nics);

    // Assess
    expect(observed.state).toBe(state);
  });

  it('reads automatic (non-manual) connections too', () => {
    // Prepare
    const endpoint = {
      ...first,
      manualPrivateLinkServiceConnections: [],
      privateLinkServiceConnections: first.manualPrivateLinkServiceConnections,
    };

    // Act
    const observed = observeAzurePrivateEndpoint(endpoint, nics);

    // Assess
    expect(observed.service).toMatch(/^s-nk99e-privatelink-1\./);
  });

  it('lets the zone tag override the alias pattern', () => {
    // Prepare
    const endpoint = { ...first, tags: { 'linkdns-zone': 'az3' } };

    // Act
    const observed = observeAzurePrivateEndpoint(endpoint, nics);

    // Assess
    expect(observed.zonal).toEqual({ az3: ['10.20.1.4'] });
  });

  it('lets a configured alias glob override the alias pattern, behind the tag', () => {
    // Prepare
    const options = { zoneOverrides: { 's-nk99e-privatelink-1.*': 'az2' }, zoneTagKey: 'zone' };

    // Act
    const byOverride = observeAzurePrivateEndpoint(first, nics, options);
    const byTag = observeAzurePrivateEndpoint({ ...first, tags: { zone: '1' } }, nics, options);

    // Assess
    expect(byOverride.zonal).toEqual({ az2: ['10.20.1.4'] });
    expect(byTag.zonal).toEqual({ az1: ['10.20.1.4'] });
  });

  it('labels each endpoint by the override that matches its own alias, not by the first override listed', () => {
    // Prepare: aliases that do not follow the -privatelink-<N> pattern, each mapped to its zone by configuration.
    const alias = (name: string) => `${name}.0b7e2d91-aaaa-bbbb-cccc-123456789abc.centralus.azure.privatelinkservice`;
    const options = { zoneOverrides: { 's-r4t8k-pl-east.*': 'az1', 's-r4t8k-pl-west.*': 'az2' } };
    const west = withConnection(first, { privateLinkServiceId: alias('s-r4t8k-pl-west') });
    const other = withConnection(first, { privateLinkServiceId: alias('s-r4t8k-pl-north') });

    // Act / Assess
    expect(observeAzurePrivateEndpoint(west, nics, options).zonal).toEqual({ az2: ['10.20.1.4'] });
    expect(observeAzurePrivateEndpoint(other, nics, options).zonal).toEqual({});
  });

  it('keeps the raw connection status and provisioning state, and has none without a status', () => {
    // Prepare
    const deleting = { ...first, provisioningState: 'Deleting' };
    const noStatus = withConnection(first, { privateLinkServiceConnectionState: null });

    // Act / Assess
    expect(observeAzurePrivateEndpoint(deleting, nics)).toMatchObject({ state: 'deleting', rawState: 'Deleting' });
    expect(observeAzurePrivateEndpoint({ ...first, provisioningState: 'Failed' }, nics)).toMatchObject({
      state: 'failed',
      rawState: 'Failed',
    });
    const unknown = observeAzurePrivateEndpoint(noStatus, nics);
    expect(unknown.state).toBe('unknown');
    expect(unknown).not.toHaveProperty('rawState');
  });

  it.each([
    [{ ...first, subnet: undefined }, /subnet/],
    [{ ...first, id: 'not-an-id' }, /id: must be a private endpoint id/],
    [{ ...first, manualPrivateLinkServiceConnections: [] }, /privateLinkServiceConnections/],
    [
      withConnection(first, { privateLinkServiceId: 42 }),
      /manualPrivateLinkServiceConnections\.0\.privateLinkServiceId/,
    ],
    [{ ...first, tags: { 'linkdns-zone': 'east' } }, /tag linkdns-zone=east/],
    ['a string', /\(root\)/],
  ])('rejects malformed input %# with an InvalidInputError naming the field', (input, message) => {
    // Act
    const act = () => observeAzurePrivateEndpoint(input, nics);

    // Assess
    expect(act).toThrow(InvalidInputError);
    expect(act).toThrow(message);
  });

  it('names the list entry that is malformed', () => {
    // Act
    const act = () => observeAzurePrivateEndpoints([first, { ...first, subnet: null }], nics);

    // Assess
    expect(act).toThrow(/private endpoints\[1\]: .*subnet/);
  });

  it('rejects a list that is not an array', () => {
    // Act
    const act = () => observeAzurePrivateEndpoints({ id: 'x' }, nics);

    // Assess
    expect(act).toThrow(InvalidInputError);
  });
});

describe('zoneLabel', () => {
  it.each([
    ['s-nk99e-privatelink-1.5f2c1e0a.centralus.azure.privatelinkservice', 'az1'],
    ['S-NK99E-PRIVATELINK-03.5f2c1e0a.centralus.azure.privatelinkservice', 'az3'],
    ['/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/s-nk99e-privatelink-2', 'az2'],
    ['s-r4t8k-privatelink.0b7e2d91.centralus.azure.privatelinkservice', undefined],
    ['myservice-privatelink-1-backup.guid.eastus.azure.privatelinkservice', undefined],
  ])('reads %s as %s', (service, label) => {
    // Act
    const zone = zoneLabel(service, {}, {});

    // Assess
    expect(zone).toBe(label);
  });
});

describe('listedAzurePrivateEndpoint', () => {
  const first = endpoints[0] as Record<string, unknown>;

  it('reads a listed endpoint far enough to decide whether linkdns manages it: alias, VNet, tags, state', () => {
    // Act
    const listed = listedAzurePrivateEndpoint({ ...first, tags: { ...(first.tags as object), count: 3 } });

    // Assess
    expect(listed).toEqual({
      cloud: 'azure',
      id: '/subscriptions/8f3c2a7e-4b1d-4e6a-9c3f-2d5e7a1b9c04/resourcegroups/rg-confluent-network/providers/microsoft.network/privateendpoints/confluent-n-p8xo76-1',
      state: 'available',
      rawState: 'Approved',
      scope: VNET,
      service: 's-nk99e-privatelink-1.5f2c1e0a-7b3d-4c8e-9a6f-1d2e3b4c5a6f.centralus.azure.privatelinkservice',
      targetKind: 'ip',
      regional: [],
      zonal: {},
      tags: { environment: 'prod', 'managed-by': 'terraform' },
    });
  });

  it('reads the raw ARM shape, with fields under properties', () => {
    // Prepare
    const { id, name, ...properties } = first;

    // Act / Assess
    expect(listedAzurePrivateEndpoint({ id, name, properties })).toMatchObject({ scope: VNET, state: 'available' });
  });

  it.each([
    ['a string', 'confluent-n-p8xo76-1'],
    ['null', null],
    ['an object without an id', { name: 'pe' }],
  ])('is undefined for %s', (_case, value) => {
    expect(listedAzurePrivateEndpoint(value)).toBeUndefined();
  });

  it('reads an endpoint without connection, subnet or tags as unknown and empty', () => {
    // Act
    const listed = listedAzurePrivateEndpoint({
      id: (first.id as string).toUpperCase(),
      provisioningState: 'Deleting',
    });

    // Assess
    expect(listed).toMatchObject({
      id: (first.id as string).toLowerCase(),
      state: 'deleting',
      rawState: 'Deleting',
      scope: '',
      service: '',
      tags: {},
    });
  });
});
