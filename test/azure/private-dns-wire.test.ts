import { describe, expect, it } from 'vitest';
import {
  absoluteRecordName,
  fromAzureRecordSet,
  metadataOwner,
  parseZoneId,
  relativeRecordName,
  toAzureRecordSet,
  virtualNetworkLinkName,
} from '../../functions/azure/private-dns-wire.ts';
import { orderWrites, type WriteStep } from '../../functions/azure/private-dns-zones.ts';
import { InvalidInputError } from '../../functions/core/errors.ts';
import { recordSet } from '../../functions/core/model.ts';
import type { Changes } from '../../functions/core/plan.ts';
import { parseRegistry, registryRecord } from '../../functions/core/registry.ts';

const ZONE = 'p8xo76.centralus.azure.confluent.cloud';

describe('relative and absolute record names', () => {
  it.each([
    [`*.${ZONE}`, '*'],
    [`*.az1.${ZONE}`, '*.az1'],
    [`_linkdns.${ZONE}.`, '_linkdns'],
    [ZONE, '@'],
    [`*.AZ2.${ZONE.toUpperCase()}`, '*.az2'],
  ])('%s is %s in the zone', (name, relative) => {
    // Act
    const result = relativeRecordName(name, ZONE);

    // Assess
    expect(result).toBe(relative);
    expect(absoluteRecordName(result, ZONE)).toBe(name.toLowerCase().replace(/\.$/, ''));
  });

  it('refuses a name outside the zone, also one that only shares a suffix', () => {
    // Act
    const act = () => relativeRecordName(`*.x${ZONE}`, ZONE);

    // Assess
    expect(act).toThrow(InvalidInputError);
  });
});

describe('record sets on the wire', () => {
  it('reads A, TXT (joined chunks), CNAME and SOA record sets as the SDK returns them', () => {
    // Prepare
    const sets = [
      {
        name: '*',
        type: 'Microsoft.Network/privateDnsZones/A',
        ttl: 60,
        aRecords: [{ ipv4Address: '10.0.0.2' }, { ipv4Address: '10.0.0.1' }],
      },
      {
        name: '_linkdns',
        type: 'Microsoft.Network/privateDnsZones/TXT',
        ttl: 300,
        txtRecords: [{ value: ['abc', 'def'] }],
      },
      {
        name: 'www',
        type: 'Microsoft.Network/privateDnsZones/CNAME',
        ttl: 5,
        cnameRecord: { cname: 'Target.Example.com.' },
      },
      {
        name: '@',
        type: 'Microsoft.Network/privateDnsZones/SOA',
        ttl: 3600,
        soaRecord: { host: 'azureprivatedns.net', email: 'x', serialNumber: 1 },
      },
    ];

    // Act
    const records = sets.map((set) => fromAzureRecordSet(set, ZONE));

    // Assess
    expect(records).toEqual([
      { name: `*.${ZONE}`, type: 'A', ttl: 60, values: ['10.0.0.1', '10.0.0.2'] },
      { name: `_linkdns.${ZONE}`, type: 'TXT', ttl: 300, values: ['abcdef'] },
      { name: `www.${ZONE}`, type: 'CNAME', ttl: 5, values: ['target.example.com'] },
      { name: ZONE, type: 'SOA', ttl: 3600, values: ['azureprivatedns.net x 1'] },
    ]);
  });

  it('writes an A record set with linkdns ownership metadata', () => {
    // Act
    const body = toAzureRecordSet(recordSet(`*.${ZONE}`, 'A', 60, ['10.0.0.1', '10.0.0.2']), 'team-a');

    // Assess
    expect(body).toEqual({
      ttl: 60,
      metadata: { linkdns_owner: 'team-a' },
      aRecords: [{ ipv4Address: '10.0.0.1' }, { ipv4Address: '10.0.0.2' }],
    });
    expect(metadataOwner(body)).toBe('team-a');
  });

  it('splits TXT values longer than 255 characters into character-strings and joins them back', () => {
    // Prepare
    const long = 'x'.repeat(300);

    // Act
    const body = toAzureRecordSet(recordSet(`_linkdns.${ZONE}`, 'TXT', 300, [long]), 'team-a');
    const back = fromAzureRecordSet({ ...body, name: '_linkdns', type: 'Microsoft.Network/privateDnsZones/TXT' }, ZONE);

    // Assess
    expect(body.txtRecords?.[0]?.value?.map((chunk) => chunk.length)).toEqual([255, 45]);
    expect(back?.values).toEqual([long]);
  });

  it('refuses record types linkdns never writes', () => {
    // Act
    const act = () => toAzureRecordSet(recordSet(ZONE, 'SOA', 60, ['x']), 'team-a');

    // Assess
    expect(act).toThrow(/does not write SOA/);
  });

  it('reads the owner from metadata keys in any casing', () => {
    // Act
    const owner = metadataOwner({ metadata: { LinkDNS_Owner: 'team-b' } });

    // Assess
    expect(owner).toBe('team-b');
  });
});

describe('ids and names', () => {
  it('parses a zone id case-insensitively', () => {
    // Act
    const parts = parseZoneId(
      `/subscriptions/s/resourcegroups/rg-dns/providers/microsoft.network/privatednszones/${ZONE.toUpperCase()}`,
    );

    // Assess
    expect(parts).toEqual({ subscriptionId: 's', resourceGroup: 'rg-dns', zone: ZONE });
  });

  it('names virtual network links readably and uniquely per VNet id', () => {
    // Prepare
    const a = '/subscriptions/a/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-hub';
    const b = '/subscriptions/b/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-hub';

    // Act
    const names = [virtualNetworkLinkName(a), virtualNetworkLinkName(b), virtualNetworkLinkName(a.toUpperCase())];

    // Assess
    expect(names[0]).toMatch(/^linkdns-vnet-hub-[0-9a-f]{8}$/);
    expect(names[0]).not.toBe(names[1]);
    expect(names[2]).toBe(names[0]);
    expect(virtualNetworkLinkName(`${a}${'x'.repeat(200)}`).length).toBeLessThanOrEqual(80);
  });
});

describe('orderWrites', () => {
  const scope = '/subscriptions/s/resourcegroups/rg/providers/microsoft.network/virtualnetworks/v';
  const a = (name: string, ...ips: string[]) => recordSet(`${name}.${ZONE}`, 'A', 60, ips);
  const registry = (...records: string[]) => {
    const record = registryRecord(
      {
        owner: 'o',
        scope,
        endpoints: ['e1'],
        records: records.map((name) => ({ name: `${name}.${ZONE}`, type: 'A' as const })),
      },
      ZONE,
      300,
    );
    if (!record) throw new Error('empty registry');
    return record;
  };
  const relative = (name: string) => relativeRecordName(name, ZONE);
  const describeSteps = (steps: WriteStep[]) =>
    steps.map((step) => {
      const verb = step.kind === 'delete' ? 'delete' : step.replaces ? 'update' : 'create';
      const listed = parseRegistry(step.record, ZONE)?.records.map((record) => relative(record.name));
      return `${verb} ${listed ? `registry[${listed.join(',')}]` : relative(step.record.name)}`;
    });

  it('writes the registry before creating records on a fresh zone', () => {
    // Prepare
    const changes: Changes = {
      create: [a('*', '10.0.0.1'), a('*.az1', '10.0.0.1'), registry('*', '*.az1')],
      update: [],
      delete: [],
    };

    // Act
    const steps = orderWrites(ZONE, changes);

    // Assess
    expect(describeSteps(steps)).toEqual(['create registry[*,*.az1]', 'create *', 'create *.az1']);
  });

  it('deletes records before the registry shrinks', () => {
    // Prepare
    const changes: Changes = {
      create: [],
      update: [
        { old: a('*', '10.0.0.1', '10.0.0.2'), new: a('*', '10.0.0.1') },
        { old: registry('*', '*.az1', '*.az2'), new: registry('*', '*.az1') },
      ],
      delete: [a('*.az2', '10.0.0.2')],
    };

    // Act
    const steps = orderWrites(ZONE, changes);

    // Assess
    expect(describeSteps(steps)).toEqual(['update *', 'delete *.az2', 'update registry[*,*.az1]']);
  });

  it('lists old and new records while a change that adds and removes is half applied', () => {
    // Prepare: zone 2 moves to zone 3.
    const changes: Changes = {
      create: [a('*.az3', '10.0.0.2')],
      update: [{ old: registry('*', '*.az2'), new: registry('*', '*.az3') }],
      delete: [a('*.az2', '10.0.0.2')],
    };

    // Act
    const steps = orderWrites(ZONE, changes);

    // Assess
    expect(describeSteps(steps)).toEqual([
      'update registry[*,*.az2,*.az3]',
      'create *.az3',
      'delete *.az2',
      'update registry[*,*.az3]',
    ]);
  });

  it('deletes the registry last when nothing is left', () => {
    // Prepare
    const changes: Changes = { create: [], update: [], delete: [a('*', '10.0.0.1'), registry('*')] };

    // Act
    const steps = orderWrites(ZONE, changes);

    // Assess
    expect(describeSteps(steps)).toEqual(['delete *', 'delete registry[*]']);
  });

  it('turns a type change into a create and a delete (the type is part of an Azure record set’s identity)', () => {
    // Prepare
    const cname = recordSet(`*.${ZONE}`, 'CNAME', 60, ['x.example.com']);
    const changes: Changes = { create: [], update: [{ old: cname, new: a('*', '10.0.0.1') }], delete: [] };

    // Act
    const steps = orderWrites(ZONE, changes);

    // Assess
    expect(steps.map((step) => `${step.kind} ${step.record.type}`)).toEqual(['put A', 'delete CNAME']);
  });
});
