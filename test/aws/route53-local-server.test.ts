import {
  AssociateVPCWithHostedZoneCommand,
  type Change,
  ChangeResourceRecordSetsCommand,
  ChangeTagsForResourceCommand,
  CreateHostedZoneCommand,
  DeleteHostedZoneCommand,
  GetChangeCommand,
  GetHostedZoneCommand,
  ListHostedZonesByNameCommand,
  ListHostedZonesByVPCCommand,
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  ListTagsForResourceCommand,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalRoute53, startLocalRoute53 } from './route53-local.ts';

const VPC = { VPCId: 'vpc-0a1', VPCRegion: 'us-east-1' } as const;
const ZONE = 'example.com';

let local: LocalRoute53;
beforeEach(async () => {
  local = await startLocalRoute53();
});
afterEach(async () => {
  await local.close();
});

function privateZone(name = ZONE, vpcId = VPC.VPCId): string {
  return local.state.createZone({ name, vpcs: [{ id: vpcId, region: 'us-east-1' }] }).id;
}

function cname(name: string, target: string, ttl = 60): ResourceRecordSet {
  return { Name: name, Type: 'CNAME', TTL: ttl, ResourceRecords: [{ Value: target }] };
}

function change(zoneId: string, ...changes: Change[]) {
  return local.client.send(
    new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: changes } }),
  );
}

async function listAll(zoneId: string): Promise<ResourceRecordSet[]> {
  const { ResourceRecordSets } = await local.client.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
  return ResourceRecordSets ?? [];
}

async function rejection(promise: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    const failure = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: failure.name, message: failure.message, status: failure.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

describe('local Route 53: hosted zones', () => {
  it('creates a private zone with its VPC, SOA and NS records, and no delegation set', async () => {
    // Act
    const created = await local.client.send(
      new CreateHostedZoneCommand({
        Name: ZONE,
        CallerReference: 'ref-1',
        VPC,
        HostedZoneConfig: { PrivateZone: true, Comment: 'test' },
      }),
    );
    const records = await listAll(created.HostedZone?.Id ?? '');

    // Assess
    expect(created.HostedZone).toMatchObject({ Name: 'example.com.', Config: { PrivateZone: true, Comment: 'test' } });
    expect(created.HostedZone?.Id).toMatch(/^\/hostedzone\/Z[0-9A-Z]+$/);
    expect(created.ChangeInfo?.Status).toBe('PENDING');
    expect(created.VPC).toEqual(VPC);
    expect(created.DelegationSet).toBeUndefined();
    expect(created.Location).toContain(created.HostedZone?.Id?.replace('/hostedzone/', ''));
    expect(records.map((record) => [record.Name, record.Type])).toEqual([
      ['example.com.', 'NS'],
      ['example.com.', 'SOA'],
    ]);
  });

  it('creates a public zone with a delegation set and refuses a reused caller reference', async () => {
    // Prepare
    const request = { Name: ZONE, CallerReference: 'same-ref' };
    const first = await local.client.send(new CreateHostedZoneCommand(request));

    // Act
    const again = await rejection(local.client.send(new CreateHostedZoneCommand(request)));

    // Assess
    expect(first.HostedZone?.Config?.PrivateZone).toBe(false);
    expect(first.DelegationSet?.NameServers).toHaveLength(4);
    expect(again).toMatchObject({ name: 'HostedZoneAlreadyExists', status: 409 });
    expect(local.state.zones.size).toBe(1);
  });

  it('lets a public and a private zone share a name, and lists only the private one for the VPC', async () => {
    // Prepare
    const publicId = local.state.createZone({ name: ZONE }).id;
    const privateId = privateZone();

    // Act
    const byVpc = await local.client.send(new ListHostedZonesByVPCCommand(VPC));
    const privateDetails = await local.client.send(new GetHostedZoneCommand({ Id: privateId }));
    const publicDetails = await local.client.send(new GetHostedZoneCommand({ Id: publicId }));

    // Assess
    expect(byVpc.HostedZoneSummaries).toEqual([
      { HostedZoneId: privateId, Name: 'example.com.', Owner: { OwningAccount: local.state.accountId } },
    ]);
    expect(privateDetails.VPCs).toEqual([VPC]);
    expect(privateDetails.HostedZone?.Config?.PrivateZone).toBe(true);
    expect(publicDetails.VPCs).toBeUndefined();
    expect(publicDetails.DelegationSet?.NameServers).toHaveLength(4);
  });

  it('refuses a second private zone of the same name for the same VPC, but not for another VPC', async () => {
    // Prepare
    privateZone();

    // Act
    const sameVpc = await rejection(
      local.client.send(new CreateHostedZoneCommand({ Name: ZONE, CallerReference: 'ref-2', VPC })),
    );
    const otherVpc = await local.client.send(
      new CreateHostedZoneCommand({ Name: ZONE, CallerReference: 'ref-3', VPC: { ...VPC, VPCId: 'vpc-0b2' } }),
    );

    // Assess
    expect(sameVpc.name).toBe('ConflictingDomainExists');
    expect(otherVpc.HostedZone?.Config?.PrivateZone).toBe(true);
  });

  it('associates another VPC with a private zone, and refuses to associate one with a public zone', async () => {
    // Prepare
    const privateId = privateZone();
    const publicId = local.state.createZone({ name: 'public.example' }).id;
    const other = { VPCId: 'vpc-0c3', VPCRegion: 'eu-west-1' } as const;

    // Act
    await local.client.send(new AssociateVPCWithHostedZoneCommand({ HostedZoneId: privateId, VPC: other }));
    const again = await rejection(
      local.client.send(new AssociateVPCWithHostedZoneCommand({ HostedZoneId: privateId, VPC: other })),
    );
    const toPublic = await rejection(
      local.client.send(new AssociateVPCWithHostedZoneCommand({ HostedZoneId: publicId, VPC: other })),
    );

    // Assess
    expect((await local.client.send(new GetHostedZoneCommand({ Id: privateId }))).VPCs).toEqual([VPC, other]);
    expect(again.name).toBe('ConflictingDomainExists');
    expect(toPublic.name).toBe('PublicZoneVPCAssociation');
  });

  it('pages ListHostedZonesByName in reversed-label order and ListHostedZones by marker', async () => {
    // Prepare
    for (const name of ['b.example.org', 'a.example.com', 'example.com', 'z.example.net']) {
      local.state.createZone({ name });
    }

    // Act
    const first = await local.client.send(new ListHostedZonesByNameCommand({ MaxItems: 2 }));
    const second = await local.client.send(
      new ListHostedZonesByNameCommand({
        DNSName: first.NextDNSName,
        HostedZoneId: first.NextHostedZoneId,
        MaxItems: 2,
      }),
    );
    const page1 = await local.client.send(new ListHostedZonesCommand({ MaxItems: 3 }));
    const page2 = await local.client.send(new ListHostedZonesCommand({ Marker: page1.NextMarker, MaxItems: 3 }));

    // Assess
    expect([...(first.HostedZones ?? []), ...(second.HostedZones ?? [])].map((zone) => zone.Name)).toEqual([
      'example.com.',
      'a.example.com.',
      'z.example.net.',
      'b.example.org.',
    ]);
    expect(first.IsTruncated).toBe(true);
    expect(second.IsTruncated).toBe(false);
    expect(page1.HostedZones).toHaveLength(3);
    expect(page2.HostedZones).toHaveLength(1);
    expect(page2.IsTruncated).toBe(false);
  });

  it('tags a hosted zone and lists its tags', async () => {
    // Prepare
    const zoneId = privateZone();

    // Act
    await local.client.send(
      new ChangeTagsForResourceCommand({
        ResourceType: 'hostedzone',
        ResourceId: zoneId,
        AddTags: [
          { Key: 'linkdns:created-by', Value: 'platform' },
          { Key: 'team', Value: 'net' },
        ],
      }),
    );
    await local.client.send(
      new ChangeTagsForResourceCommand({ ResourceType: 'hostedzone', ResourceId: zoneId, RemoveTagKeys: ['team'] }),
    );
    const listed = await local.client.send(
      new ListTagsForResourceCommand({ ResourceType: 'hostedzone', ResourceId: zoneId }),
    );

    // Assess
    expect(listed.ResourceTagSet).toEqual({
      ResourceType: 'hostedzone',
      ResourceId: zoneId,
      Tags: [{ Key: 'linkdns:created-by', Value: 'platform' }],
    });
  });

  it('deletes a zone only once it holds nothing but its SOA and NS records', async () => {
    // Prepare
    const zoneId = privateZone();
    await change(zoneId, { Action: 'CREATE', ResourceRecordSet: cname('www.example.com', 'target.example.net') });

    // Act
    const refused = await rejection(local.client.send(new DeleteHostedZoneCommand({ Id: zoneId })));
    await change(zoneId, { Action: 'DELETE', ResourceRecordSet: cname('www.example.com', 'target.example.net') });
    const deleted = await local.client.send(new DeleteHostedZoneCommand({ Id: zoneId }));
    const gone = await rejection(local.client.send(new GetHostedZoneCommand({ Id: zoneId })));

    // Assess
    expect(refused.name).toBe('HostedZoneNotEmpty');
    expect(deleted.ChangeInfo?.Status).toBe('PENDING');
    expect(gone).toMatchObject({ name: 'NoSuchHostedZone', status: 404 });
  });
});

describe('local Route 53: ChangeResourceRecordSets', () => {
  it('returns a wildcard as \\052 with a trailing dot, lowercased', async () => {
    // Prepare
    const zoneId = privateZone();

    // Act
    await change(zoneId, { Action: 'CREATE', ResourceRecordSet: cname('*.Example.COM', 'Target.example.net') });
    const records = await listAll(zoneId);

    // Assess
    expect(records.find((record) => record.Type === 'CNAME')).toEqual({
      Name: '\\052.example.com.',
      Type: 'CNAME',
      TTL: 60,
      ResourceRecords: [{ Value: 'Target.example.net' }],
    });
  });

  it('refuses to CREATE a record set that exists, with Route 53 message', async () => {
    // Prepare
    const zoneId = privateZone();
    await change(zoneId, { Action: 'CREATE', ResourceRecordSet: cname('*.example.com', 'one.example.net') });

    // Act
    const duplicate = await rejection(
      change(zoneId, { Action: 'CREATE', ResourceRecordSet: cname('*.example.com', 'two.example.net') }),
    );

    // Assess
    expect(duplicate).toEqual({
      name: 'InvalidChangeBatch',
      status: 400,
      message: "[Tried to create resource record set [name='\\052.example.com.', type='CNAME'] but it already exists]",
    });
  });

  it('refuses a DELETE whose TTL or values differ from the current ones, and one for a missing set', async () => {
    // Prepare
    const zoneId = privateZone();
    await change(zoneId, { Action: 'CREATE', ResourceRecordSet: cname('*.example.com', 'current.example.net') });

    // Act
    const staleValue = await rejection(
      change(zoneId, { Action: 'DELETE', ResourceRecordSet: cname('*.example.com', 'old.example.net') }),
    );
    const staleTtl = await rejection(
      change(zoneId, { Action: 'DELETE', ResourceRecordSet: cname('*.example.com', 'current.example.net', 300) }),
    );
    const missing = await rejection(
      change(zoneId, { Action: 'DELETE', ResourceRecordSet: cname('nothing.example.com', 'x.example.net') }),
    );

    // Assess
    const mismatch =
      "[Tried to delete resource record set [name='\\052.example.com.', type='CNAME'] but the values provided do not match the current values]";
    expect(staleValue.message).toBe(mismatch);
    expect(staleTtl.message).toBe(mismatch);
    expect(missing.message).toBe(
      "[Tried to delete resource record set [name='nothing.example.com.', type='CNAME'] but it was not found]",
    );
  });

  it('matches a DELETE on record data, not spelling: target case and trailing dot do not matter', async () => {
    // Prepare
    const zoneId = privateZone();
    await change(zoneId, { Action: 'CREATE', ResourceRecordSet: cname('www.example.com', 'Target.Example.net.') });

    // Act
    await change(zoneId, { Action: 'DELETE', ResourceRecordSet: cname('WWW.example.com.', 'target.example.net') });

    // Assess
    expect(local.state.recordSet(zoneId, 'www.example.com', 'CNAME')).toBeUndefined();
  });

  it('applies a batch all or nothing and reports every problem in one message', async () => {
    // Prepare
    const zoneId = privateZone();
    await change(zoneId, { Action: 'CREATE', ResourceRecordSet: cname('a.example.com', 'a.example.net') });
    const before = local.state.recordSets(zoneId);

    // Act
    const failure = await rejection(
      change(
        zoneId,
        { Action: 'CREATE', ResourceRecordSet: cname('new.example.com', 'new.example.net') },
        { Action: 'DELETE', ResourceRecordSet: cname('a.example.com', 'wrong.example.net') },
        { Action: 'CREATE', ResourceRecordSet: cname('a.example.com', 'again.example.net') },
      ),
    );

    // Assess
    expect(failure.message).toBe(
      "[Tried to delete resource record set [name='a.example.com.', type='CNAME'] but the values provided do not match the current values, " +
        "Tried to create resource record set [name='a.example.com.', type='CNAME'] but it already exists]",
    );
    expect(local.state.recordSets(zoneId)).toEqual(before);
  });

  it('replaces a record in one batch (DELETE exact old, CREATE new): the compare-and-swap linkdns relies on', async () => {
    // Prepare
    const zoneId = privateZone();
    await change(zoneId, { Action: 'CREATE', ResourceRecordSet: cname('*.example.com', 'old.example.net') });

    // Act
    await change(
      zoneId,
      { Action: 'DELETE', ResourceRecordSet: cname('*.example.com', 'old.example.net') },
      { Action: 'CREATE', ResourceRecordSet: cname('*.example.com', 'new.example.net') },
    );

    // Assess
    expect(local.state.recordSet(zoneId, '*.example.com', 'CNAME')?.values).toEqual(['new.example.net']);
  });

  it('keeps a CNAME from sharing its name, in either direction, unless the other record goes in the same batch', async () => {
    // Prepare
    const zoneId = privateZone();
    const a: ResourceRecordSet = {
      Name: 'x.example.com',
      Type: 'A',
      TTL: 60,
      ResourceRecords: [{ Value: '10.0.0.1' }],
    };
    const txt: ResourceRecordSet = {
      Name: 'y.example.com',
      Type: 'TXT',
      TTL: 60,
      ResourceRecords: [{ Value: '"hi"' }],
    };
    await change(zoneId, { Action: 'CREATE', ResourceRecordSet: a });
    await change(zoneId, { Action: 'CREATE', ResourceRecordSet: cname('y.example.com', 'y.example.net') });

    // Act
    const cnameBesideA = await rejection(
      change(zoneId, { Action: 'CREATE', ResourceRecordSet: cname('x.example.com', 'x.example.net') }),
    );
    const txtBesideCname = await rejection(change(zoneId, { Action: 'CREATE', ResourceRecordSet: txt }));
    const apex = await rejection(
      change(zoneId, { Action: 'CREATE', ResourceRecordSet: cname('example.com', 'x.example.net') }),
    );
    await change(
      zoneId,
      { Action: 'DELETE', ResourceRecordSet: a },
      { Action: 'CREATE', ResourceRecordSet: cname('x.example.com', 'x.example.net') },
    );

    // Assess
    expect(cnameBesideA.message).toBe(
      '[RRSet of type CNAME with DNS name x.example.com. is not permitted as it conflicts with other records with the same DNS name in zone example.com.]',
    );
    expect(txtBesideCname.message).toBe(
      '[RRSet of type TXT with DNS name y.example.com. is not permitted because a conflicting RRSet of type  CNAME with the same DNS name already exists in zone example.com.]',
    );
    expect(apex.message).toBe(
      '[RRSet of type CNAME with DNS name example.com. is not permitted at apex in zone example.com.]',
    );
    expect(local.state.recordSet(zoneId, 'x.example.com', 'CNAME')).toBeDefined();
    expect(local.state.recordSet(zoneId, 'x.example.com', 'A')).toBeUndefined();
  });

  it('UPSERTs: creates when missing, replaces when present', async () => {
    // Prepare
    const zoneId = privateZone();

    // Act
    await change(zoneId, { Action: 'UPSERT', ResourceRecordSet: cname('u.example.com', 'one.example.net') });
    await change(zoneId, { Action: 'UPSERT', ResourceRecordSet: cname('u.example.com', 'two.example.net', 120) });

    // Assess
    expect(local.state.recordSet(zoneId, 'u.example.com', 'CNAME')).toMatchObject({
      ttl: 120,
      values: ['two.example.net'],
    });
  });

  it('refuses names outside the zone, unquoted TXT values and a set missing TTL', async () => {
    // Prepare
    const zoneId = privateZone();

    // Act
    const outside = await rejection(
      change(zoneId, { Action: 'CREATE', ResourceRecordSet: cname('www.other.org', 'x.example.net') }),
    );
    const unquoted = await rejection(
      change(zoneId, {
        Action: 'CREATE',
        ResourceRecordSet: { Name: 't.example.com', Type: 'TXT', TTL: 60, ResourceRecords: [{ Value: 'plain' }] },
      }),
    );
    const noTtl = await rejection(
      change(zoneId, {
        Action: 'CREATE',
        ResourceRecordSet: { Name: 't.example.com', Type: 'A', ResourceRecords: [{ Value: '10.0.0.1' }] },
      }),
    );

    // Assess
    expect(outside.message).toBe('[RRSet with DNS name www.other.org. is not permitted in zone example.com.]');
    expect(unquoted).toMatchObject({ name: 'InvalidChangeBatch' });
    expect(unquoted.message).toContain('Value should be enclosed in quotation marks');
    expect(noTtl.name).toBe('InvalidInput');
    expect(noTtl.message).toContain('Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords]');
  });

  it('enforces 1,000 ResourceRecord elements per request, counting UPSERT twice', async () => {
    // Prepare
    const zoneId = privateZone();
    const aSet = (index: number, count: number): ResourceRecordSet => ({
      Name: `r${index}.example.com`,
      Type: 'A',
      TTL: 60,
      ResourceRecords: Array.from({ length: count }, (_, value) => ({
        Value: `10.0.${Math.floor(value / 250)}.${value % 250}`,
      })),
    });

    // Act
    const atLimit = await change(
      zoneId,
      ...[0, 1, 2, 3].map((index) => ({ Action: 'CREATE' as const, ResourceRecordSet: aSet(index, 250) })),
    );
    const overLimit = await rejection(
      change(
        zoneId,
        ...[4, 5, 6, 7].map((index) => ({ Action: 'CREATE' as const, ResourceRecordSet: aSet(index, 250) })),
        { Action: 'CREATE', ResourceRecordSet: aSet(8, 1) },
      ),
    );
    const upsertTwice = await rejection(change(zoneId, { Action: 'UPSERT', ResourceRecordSet: aSet(9, 501) }));

    // Assess
    expect(atLimit.ChangeInfo?.Status).toBe('PENDING');
    expect(overLimit).toEqual({
      name: 'InvalidChangeBatch',
      status: 400,
      message: '[Number of records limit of 1000 exceeded.]',
    });
    expect(upsertTwice.message).toBe('[Number of records limit of 1000 exceeded.]');
  });

  it('enforces 32,000 characters of values per request', async () => {
    // Prepare
    const zoneId = privateZone();
    const longTxt = (index: number): ResourceRecordSet => ({
      Name: `t${index}.example.com`,
      Type: 'TXT',
      TTL: 60,
      ResourceRecords: Array.from({ length: 40 }, (_, value) => ({ Value: `"${String(value).padEnd(200, 'x')}"` })),
    });

    // Act: 4 sets × 40 values × 202 characters = 32,320 characters.
    const failure = await rejection(
      change(
        zoneId,
        ...[0, 1, 2, 3].map((index) => ({ Action: 'CREATE' as const, ResourceRecordSet: longTxt(index) })),
      ),
    );

    // Assess
    expect(failure.message).toBe('[RDATA character limit of 32000 exceeded.]');
    expect(local.state.recordSet(zoneId, 't0.example.com', 'TXT')).toBeUndefined();
  });

  it('reports a change PENDING, then INSYNC after the configured number of polls', async () => {
    // Prepare
    const zoneId = privateZone();
    local.state.sync = { pendingPolls: 2 };
    const { ChangeInfo } = await change(zoneId, {
      Action: 'CREATE',
      ResourceRecordSet: cname('w.example.com', 'w.example.net'),
    });

    // Act
    const statuses: (string | undefined)[] = [];
    for (let poll = 0; poll < 3; poll += 1) {
      statuses.push((await local.client.send(new GetChangeCommand({ Id: ChangeInfo?.Id }))).ChangeInfo?.Status);
    }

    // Assess
    expect(ChangeInfo?.Status).toBe('PENDING');
    expect(ChangeInfo?.Id).toMatch(/^\/change\/C/);
    expect(statuses).toEqual(['PENDING', 'PENDING', 'INSYNC']);
  });
});

describe('local Route 53: ListResourceRecordSets', () => {
  it('sorts by name with labels reversed, then type; so a-b comes before a, and a before b.a', async () => {
    // Prepare
    const zoneId = privateZone();
    for (const name of ['b.a.example.com', 'a.example.com', 'a-b.example.com']) {
      local.state.putRecordSet(zoneId, { name, type: 'A', ttl: 60, values: ['10.0.0.1'] });
    }
    local.state.putRecordSet(zoneId, { name: 'a.example.com', type: 'AAAA', ttl: 60, values: ['fd00::1'] });

    // Act
    const records = await listAll(zoneId);

    // Assess
    expect(records.map((record) => `${record.Name} ${record.Type}`)).toEqual([
      'example.com. NS',
      'example.com. SOA',
      'a-b.example.com. A',
      'a.example.com. A',
      'a.example.com. AAAA',
      'b.a.example.com. A',
    ]);
  });

  it('pages 350 record sets by StartRecordName/StartRecordType without losing or repeating one', async () => {
    // Prepare
    const zoneId = privateZone();
    for (let index = 0; index < 350; index += 1) {
      local.state.putRecordSet(zoneId, {
        name: `*.h${index}.example.com`,
        type: 'CNAME',
        ttl: 60,
        values: ['t.example.net'],
      });
    }

    // Act
    const first = await local.client.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
    const second = await local.client.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        StartRecordName: first.NextRecordName,
        StartRecordType: first.NextRecordType,
      }),
    );
    const typeWithoutName = await rejection(
      local.client.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordType: 'A' })),
    );

    // Assess
    expect(first.ResourceRecordSets).toHaveLength(300);
    expect(first.IsTruncated).toBe(true);
    expect(first.MaxItems).toBe(300);
    expect(first.NextRecordName).toMatch(/^\\052\.h\d+\.example\.com\.$/);
    expect(second.IsTruncated).toBe(false);
    const names = [...(first.ResourceRecordSets ?? []), ...(second.ResourceRecordSets ?? [])].map(
      (record) => `${record.Name} ${record.Type}`,
    );
    expect(names).toHaveLength(352);
    expect(new Set(names).size).toBe(352);
    expect(typeWithoutName.name).toBe('InvalidInput');
  });

  it('returns routing-policy and alias record sets with their fields, paging by identifier too', async () => {
    // Prepare
    const zoneId = privateZone();
    for (const id of ['blue', 'green']) {
      local.state.putRecordSet(zoneId, {
        name: 'w.example.com',
        type: 'CNAME',
        ttl: 60,
        values: [`${id}.example.net`],
        setIdentifier: id,
        weight: 50,
      });
    }
    local.state.putRecordSet(zoneId, {
      name: 'alias.example.com',
      type: 'A',
      aliasTarget: { hostedZoneId: 'Z35SXDOTRQ7X7K', dnsName: 'lb.example.net', evaluateTargetHealth: false },
    });

    // Act
    const first = await local.client.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, MaxItems: 4 }));
    const rest = await local.client.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        StartRecordName: first.NextRecordName,
        StartRecordType: first.NextRecordType,
        StartRecordIdentifier: first.NextRecordIdentifier,
      }),
    );

    // Assess
    expect(first.ResourceRecordSets?.map((record) => record.SetIdentifier ?? record.Type)).toEqual([
      'NS',
      'SOA',
      'A',
      'blue',
    ]);
    expect(first.ResourceRecordSets?.[2]?.AliasTarget).toEqual({
      HostedZoneId: 'Z35SXDOTRQ7X7K',
      DNSName: 'lb.example.net.',
      EvaluateTargetHealth: false,
    });
    expect(first.NextRecordIdentifier).toBe('green');
    expect(rest.ResourceRecordSets).toMatchObject([{ SetIdentifier: 'green', Weight: 50 }]);
  });
});

describe('local Route 53: fault injection and request log', () => {
  it('answers an injected Throttling as Route 53 does (HTTP 400) and logs every request', async () => {
    // Prepare
    const zoneId = privateZone();
    local.aws.faults.add({
      operation: 'ListResourceRecordSets',
      code: 'Throttling',
      message: 'Rate exceeded',
      times: 1,
    });

    // Act
    const throttled = await rejection(listAll(zoneId));
    await listAll(zoneId);

    // Assess
    expect(throttled).toEqual({ name: 'Throttling', status: 400, message: 'Rate exceeded' });
    expect(local.aws.requests.byOperation()).toEqual({ ListResourceRecordSets: 2 });
  });
});
