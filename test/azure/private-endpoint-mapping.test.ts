import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  azureEndpointOptions,
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

describe('Azure private endpoints as users and tools really write them', () => {
  const first = endpoints[0] as Record<string, unknown>;
  const [connection] = first.manualPrivateLinkServiceConnections as Record<string, unknown>[];
  const nicId = ((first.networkInterfaces as { id: string }[])[0] as { id: string }).id;
  const SUBNET_ID = (first.subnet as { id: string }).id;
  const withDnsIps = (...ipAddresses: string[]) => ({
    ...first,
    customDnsConfigs: [{ fqdn: 'lkc-abc.p8xo76.centralus.azure.confluent.cloud', ipAddresses }],
  });
  const failure = (act: () => unknown): InvalidInputError => {
    try {
      act();
    } catch (error) {
      if (error instanceof InvalidInputError) return error;
      throw error;
    }
    throw new Error('expected an InvalidInputError');
  };

  it('takes the zone tag key and alias overrides from the deployment configuration', () => {
    // Prepare: a team that tags zones with `confluent-az` and maps an alias that has no -privatelink-<N> suffix.
    const config = parseConfig({
      owner: 'platform',
      tagKeys: { zone: 'confluent-az' },
      zoneOverrides: { 's-r4t8k-pl-west.*': 'az2' },
    });
    const options = azureEndpointOptions(config);
    const west = withConnection(first, {
      privateLinkServiceId: 's-r4t8k-pl-west.0b7e2d91-aaaa-bbbb-cccc-123456789abc.centralus.azure.privatelinkservice',
    });

    // Act / Assess
    expect(observeAzurePrivateEndpoint(west, nics, options).zonal).toEqual({ az2: ['10.20.1.4'] });
    expect(observeAzurePrivateEndpoint({ ...first, tags: { 'confluent-az': 'az3' } }, nics, options).zonal).toEqual({
      az3: ['10.20.1.4'],
    });
    // The default tag key is not read once another is configured.
    expect(observeAzurePrivateEndpoint({ ...first, tags: { 'linkdns-zone': 'az3' } }, nics, options).zonal).toEqual({
      az1: ['10.20.1.4'],
    });
  });

  it.each([
    ['AZ02', 'az2'],
    [' 3 ', 'az3'],
    ['az12', 'az12'],
  ])('reads the zone tag %j (as typed in the portal) as %s', (value, zone) => {
    expect(observeAzurePrivateEndpoint({ ...first, tags: { 'linkdns-zone': value } }, nics).zonal).toEqual({
      [zone]: ['10.20.1.4'],
    });
  });

  it.each(['zone-2', '2a', 'az 2', ''])('refuses the zone tag %j, which names no zone', (value) => {
    expect(() => observeAzurePrivateEndpoint({ ...first, tags: { 'linkdns-zone': value } }, nics)).toThrow(
      `tag linkdns-zone=${value} is not a zone (expected az<N> or <N>)`,
    );
  });

  it('sorts the IPs of several DNS configs and keeps each once', () => {
    // Act
    const observed = observeAzurePrivateEndpoint(withDnsIps('10.20.1.6', '10.20.1.5', '10.20.1.6'), nics);

    // Assess
    expect(observed.regional).toEqual(['10.20.1.5', '10.20.1.6']);
  });

  it('keeps every well-formed IPv4 address, whatever the digits of its octets (VNets may use any address space)', () => {
    // Prepare
    const addresses = ['9.1.2.3', '100.64.199.7', '172.16.100.4', '192.168.200.249', '203.0.113.250', '251.0.0.1'];

    // Act
    const observed = observeAzurePrivateEndpoint(withDnsIps(...addresses), nics);

    // Assess
    expect(observed.regional).toEqual([...addresses].sort());
  });

  it('leaves IPv4-mapped IPv6 addresses out: they are IPv6, and an A record cannot hold them', () => {
    // Act
    const observed = observeAzurePrivateEndpoint(withDnsIps('::ffff:10.20.1.7', '10.20.1.8'), nics);

    // Assess
    expect(observed.regional).toEqual(['10.20.1.8']);
  });

  it('skips NIC IP configurations without an address (an IPv6 one still being allocated) and uses the others', () => {
    // Prepare
    const nic = {
      id: nicId,
      ipConfigurations: [
        { name: 'ipv6config', privateIPAddress: null, privateIPAddressVersion: 'IPv6' },
        { name: 'blank', privateIPAddress: '' },
        { name: 'privateEndpointIpConfig', privateIPAddress: '10.20.1.4' },
      ],
    };

    // Act / Assess
    expect(observeAzurePrivateEndpoint(first, [nic]).regional).toEqual(['10.20.1.4']);
  });

  it('skips static IP configurations without an address and uses the others (raw ARM shape)', () => {
    // Prepare: ARM keeps the address under properties.
    const endpoint = {
      ...first,
      ipConfigurations: [
        { name: 'pending', properties: { groupId: 'kafka', memberName: 'kafka', privateIPAddress: null } },
        { name: 'static', properties: { groupId: 'kafka', memberName: 'kafka', privateIPAddress: '10.20.1.9' } },
      ],
    };

    // Act / Assess
    expect(observeAzurePrivateEndpoint(endpoint).regional).toEqual(['10.20.1.9']);
    expect(observeAzurePrivateEndpoints([endpoint])[0]?.regional).toEqual(['10.20.1.9']);
  });

  it('falls back to the NIC when a DNS config lists no addresses at all', () => {
    // Prepare: a hand-written listing with an fqdn but no ipAddresses field.
    const endpoint = { ...first, customDnsConfigs: [{ fqdn: 'lkc-abc.p8xo76.centralus.azure.confluent.cloud' }] };

    // Act / Assess
    expect(observeAzurePrivateEndpoint(endpoint, nics).regional).toEqual(['10.20.1.4']);
  });

  it('reads an endpoint whose provisioning state is absent by its connection status', () => {
    // Prepare
    const { provisioningState: _omitted, ...endpoint } = first;

    // Act / Assess
    expect(observeAzurePrivateEndpoint(endpoint, nics)).toMatchObject({ state: 'available', rawState: 'Approved' });
    expect(observeAzurePrivateEndpoint({ ...first, provisioningState: null }, nics).state).toBe('available');
  });

  it('reads the VNet of a VNet that is itself named "subnets"', () => {
    // Prepare: Azure allows the name; only the trailing /subnets/<name> is the subnet.
    const subnetId = SUBNET_ID.replace('vnet-kafka-clients', 'subnets');
    const endpoint = { ...first, subnet: { id: subnetId } };

    // Act / Assess
    const vnet = VNET.replace('vnet-kafka-clients', 'subnets');
    expect(observeAzurePrivateEndpoint(endpoint, nics).scope).toBe(vnet);
    expect(listedAzurePrivateEndpoint(endpoint)?.scope).toBe(vnet);
  });

  it.each([
    ['null', null, /^Invalid private endpoint: \(root\)/],
    [
      'the id of its connection instead of its own',
      { ...first, id: connection?.id },
      /^Invalid private endpoint .*: id: must be a private endpoint id$/,
    ],
    ['a subnet without an id', { ...first, subnet: { name: 'snet' } }, /: subnet\.id: /],
    [
      'the id of a subnet’s child instead of the subnet',
      { ...first, subnet: { id: `${SUBNET_ID}/serviceAssociationLinks/x` } },
      /: subnet\.id: must be a subnet id$/,
    ],
    [
      'a network interface reference without an id',
      { ...first, networkInterfaces: [{ name: 'nic' }] },
      /networkInterfaces\.0\.id/,
    ],
    [
      'a static IP that is not a string',
      { ...first, ipConfigurations: [{ name: 'static', privateIPAddress: 168_040_705 }] },
      /ipConfigurations\.0\.privateIPAddress/,
    ],
    [
      'a connection status that is not a string',
      withConnection(first, { privateLinkServiceConnectionState: { status: 1, description: 'Approved' } }),
      /privateLinkServiceConnectionState\.status/,
    ],
  ])('refuses an endpoint with %s, naming the field', (_case, input, message) => {
    expect(failure(() => observeAzurePrivateEndpoint(input, nics)).message).toMatch(message);
  });

  it('names the network interface entry that is malformed, and keeps the first error as the cause', () => {
    // Prepare
    const nicWithoutId = { ipConfigurations: [{ privateIPAddress: '10.20.1.4' }] };
    const nicWithNumber = { id: nicId, ipConfigurations: [{ privateIPAddress: 168_040_708 }] };

    // Act
    const missingId = failure(() => observeAzurePrivateEndpoints([first], [nics[0], nicWithoutId]));
    const numeric = failure(() => observeAzurePrivateEndpoints([first], [nicWithNumber]));

    // Assess
    expect(missingId.message).toMatch(/^private endpoints\[0\]: Invalid network interfaces\[1\]: id: /);
    expect(missingId.cause).toBeInstanceOf(InvalidInputError);
    expect((missingId.cause as Error).message).toMatch(/^Invalid network interfaces\[1\]/);
    expect(numeric.message).toMatch(/network interfaces\[0\] .*: ipConfigurations\.0\.privateIPAddress: /);
  });

  it.each([
    ['null', null],
    ['the az table output', 'Name  ResourceGroup\n----  -------------'],
    ['a page whose value is not a list', { value: 'none' }],
  ])('refuses %s as a list of private endpoints or NICs, saying what it expected', (_case, value) => {
    expect(failure(() => observeAzurePrivateEndpoints(value, [])).message).toBe(
      'private endpoints: expected a JSON array (az … list output) or an object with a value array',
    );
    expect(failure(() => observeAzurePrivateEndpoints([first], value)).message).toBe(
      'network interfaces: expected a JSON array (az … list output) or an object with a value array',
    );
  });

  it('needs no NIC listing when the endpoint carries its addresses', () => {
    expect(observeAzurePrivateEndpoints([withDnsIps('10.20.1.4')])[0]?.regional).toEqual(['10.20.1.4']);
    expect(observeAzurePrivateEndpoints([first])[0]?.regional).toEqual([]);
  });

  it('lists an endpoint by the first connection that names a Private Link service', () => {
    // Prepare: a hand-edited listing with a null entry and a connection still without its service id.
    const endpoint = {
      ...first,
      privateLinkServiceConnections: [null, { name: 'draft', privateLinkServiceId: null }],
    };

    // Act / Assess
    expect(listedAzurePrivateEndpoint(endpoint)).toMatchObject({
      service: connection?.privateLinkServiceId,
      state: 'available',
    });
  });

  it('lists an untagged endpoint (az prints "tags": null) and one with a malformed provisioning state', () => {
    // Act
    const untagged = listedAzurePrivateEndpoint({ ...first, tags: null });
    const odd = listedAzurePrivateEndpoint({ ...first, provisioningState: 42 });

    // Assess
    expect(untagged?.tags).toEqual({});
    expect(odd).toMatchObject({ state: 'available', rawState: 'Approved' });
  });
});
