import type { Change, ResourceRecordSet } from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import {
  batchSize,
  changeBatches,
  decodeRoute53Name,
  decodeTxtValue,
  encodeTxtValue,
  fromRoute53RecordSets,
  isRoute53OnlyRecord,
  ROUTE53_BATCH_LIMITS,
  toRoute53RecordSet,
} from '../../functions/aws/route53-records.ts';
import { InvalidInputError } from '../../functions/core/errors.ts';
import { type RecordSet, recordSet } from '../../functions/core/model.ts';
import { NO_CHANGES } from '../../functions/core/plan.ts';
import { parseRegistry, registryRecord } from '../../functions/core/registry.ts';

const ZONE = 'pr1jy6.us-east-2.aws.confluent.cloud';

function cname(name: string, target: string): RecordSet {
  return recordSet(`${name}.${ZONE}`, 'CNAME', 60, [target]);
}

function registry(records: readonly RecordSet[], endpoints = ['vpce-1']): RecordSet {
  return registryRecord(
    { owner: 'platform', scope: 'vpc-1', endpoints, records: records.map(({ name, type }) => ({ name, type })) },
    ZONE,
    300,
  ) as RecordSet;
}

function describeBatch(batch: readonly Change[]): string[] {
  return batch.map((change) => `${change.Action} ${change.ResourceRecordSet?.Name} ${change.ResourceRecordSet?.Type}`);
}

describe('Route 53 names and values', () => {
  it.each([
    ['\\052.pr1jy6.example.com.', '*.pr1jy6.example.com'],
    ['\\052.Use1-AZ1.Example.com.', '*.use1-az1.example.com'],
    ['\\100home.example.com.', '@home.example.com'],
    ['\\052.a\\100b.example.com.', '*.a@b.example.com'],
    ['_linkdns.example.com.', '_linkdns.example.com'],
    ['example.com', 'example.com'],
  ])('decodes %s as %s', (wire, expected) => {
    expect(decodeRoute53Name(wire)).toBe(expected);
  });

  it.each([
    ['plain text', '"plain text"'],
    ['say "hi" \\o/', '"say \\"hi\\" \\\\o/"'],
    ['tab\there', '"tab\\011here"'],
    ['', '""'],
  ])('encodes the TXT text %j as %s', (text, wire) => {
    expect(encodeTxtValue(text)).toBe(wire);
    expect(decodeTxtValue(wire)).toBe(text);
  });

  it('splits TXT text longer than 255 octets into several strings, and joins them when reading', () => {
    // Prepare: a multi-byte character straddles the 255-octet boundary.
    const text = `${'a'.repeat(254)}é${'b'.repeat(300)}`;

    // Act
    const wire = encodeTxtValue(text);

    // Assess
    const strings = wire.match(/"(?:[^"\\]|\\.)*"/g) ?? [];
    expect(strings).toHaveLength(3);
    expect(decodeTxtValue(wire)).toBe(text);
    expect(decodeTxtValue('"v=spf1 " "include:example.com"')).toBe('v=spf1 include:example.com');
    expect(decodeTxtValue(' "a"  "" "b" ')).toBe('ab');
    expect(decodeTxtValue('unquoted "x"')).toBe('unquoted "x"');
  });
});

describe('Route 53 escapes as the API returns them', () => {
  it.each([
    ['a wildcard below another label', 'kafka.\\052.example.com.', 'kafka.*.example.com'],
    ['an escaped dot inside a label', 'a\\.b.example.com.', 'a.b.example.com'],
    ['a UTF-8 label as octal octets', 'caf\\303\\251.example.com.', 'café.example.com'],
    ['a backslash at the very end', 'odd.example.com\\', 'odd.example.com\\'],
    ['an octal escape cut short', 'a\\05.example.com.', 'a05.example.com'],
  ])('decodes %s', (_case, wire, name) => {
    expect(decodeRoute53Name(wire)).toBe(name);
  });

  it.each([
    ['an escaped quote', '"say \\"hi\\""', 'say "hi"'],
    ['UTF-8 as octal octets', '"caf\\303\\251"', 'café'],
    ['two strings, one with an escape', '"a\\"" "b"', 'a"b'],
    ['an octal escape cut short', '"a\\05"', 'a05'],
  ])('decodes a TXT value with %s', (_case, wire, text) => {
    expect(decodeTxtValue(wire)).toBe(text);
  });

  it.each([
    ['a string never closed', '"abc\\"'],
    ['text after a string', '"abc"x'],
    ['an unquoted value with an escape', 'v=spf1\\040-all'],
  ])('returns a TXT value with %s as it is', (_case, wire) => {
    expect(decodeTxtValue(wire)).toBe(wire);
  });
});

describe('fromRoute53RecordSets', () => {
  it('turns listed sets into canonical record sets: \\052 unescaped, trailing dots dropped, TXT unquoted', () => {
    // Act
    const records = fromRoute53RecordSets([
      { Name: `\\052.${ZONE}.`, Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'Vpce-1.Example.com.' }] },
      { Name: `_linkdns.${ZONE}.`, Type: 'TXT', TTL: 300, ResourceRecords: [{ Value: '"b"' }, { Value: '"a"' }] },
    ]);

    // Assess
    expect(records).toHaveLength(2);
    expect(records).toContainEqual(recordSet(`*.${ZONE}`, 'CNAME', 60, ['vpce-1.example.com']));
    expect(records).toContainEqual(recordSet(`_linkdns.${ZONE}`, 'TXT', 300, ['a', 'b']));
  });

  it('reads SPF text like TXT, and a set without TTL or records as empty', () => {
    // Act
    const records = fromRoute53RecordSets([
      { Name: `${ZONE}.`, Type: 'SPF', TTL: 300, ResourceRecords: [{ Value: '"v=spf1 -all"' }] },
      { Name: `empty.${ZONE}.`, Type: 'A' },
    ]);

    // Assess
    expect(records).toEqual([
      { name: `empty.${ZONE}`, type: 'A', ttl: 0, values: [] },
      { name: ZONE, type: 'SPF', ttl: 300, values: ['v=spf1 -all'] },
    ]);
  });

  it('refuses a listed set without a name or type', () => {
    // The SDK types both as required; a hand-written or truncated listing may still lack them.
    expect(() => fromRoute53RecordSets([{ Type: 'A', TTL: 60 } as ResourceRecordSet])).toThrow(
      new InvalidInputError('Route 53 returned a record set without Name or Type'),
    );
    expect(() => fromRoute53RecordSets([{ Name: `x.${ZONE}.`, TTL: 60 } as ResourceRecordSet])).toThrow(
      InvalidInputError,
    );
  });

  it('reads an alias to another zone’s apex and a routed set with its identifier', () => {
    // Act
    const records = fromRoute53RecordSets([
      {
        Name: `apex.${ZONE}.`,
        Type: 'A',
        AliasTarget: { HostedZoneId: 'Z2', DNSName: undefined, EvaluateTargetHealth: false },
      },
      {
        Name: `geo.${ZONE}.`,
        Type: 'A',
        TTL: 60,
        SetIdentifier: 'eu',
        GeoLocation: { ContinentCode: 'EU' },
        ResourceRecords: [{ Value: '10.0.0.1' }],
      },
    ]);

    // Assess
    expect(records.map((record) => record.values)).toEqual([['route53:alias  zone=Z2'], ['route53:set=eu 10.0.0.1']]);
  });

  it('reads alias and routing-policy sets as placeholders that are never writable', () => {
    // Act
    const records = fromRoute53RecordSets([
      {
        Name: `alias.${ZONE}.`,
        Type: 'A',
        AliasTarget: { HostedZoneId: 'Z35SXDOTRQ7X7K', DNSName: 'LB.example.net.', EvaluateTargetHealth: false },
      },
      {
        Name: `w.${ZONE}.`,
        Type: 'CNAME',
        SetIdentifier: 'blue',
        Weight: 1,
        TTL: 60,
        ResourceRecords: [{ Value: 'b.x' }],
      },
      {
        Name: `w.${ZONE}.`,
        Type: 'CNAME',
        SetIdentifier: 'green',
        Weight: 1,
        TTL: 30,
        ResourceRecords: [{ Value: 'g.x' }],
      },
    ]);

    // Assess
    expect(records).toEqual([
      recordSet(`alias.${ZONE}`, 'A', 0, ['route53:alias lb.example.net zone=Z35SXDOTRQ7X7K']),
      recordSet(`w.${ZONE}`, 'CNAME', 30, ['route53:set=blue b.x', 'route53:set=green g.x']),
    ]);
    expect(records.every(isRoute53OnlyRecord)).toBe(true);
    expect(() => toRoute53RecordSet(records[0] as RecordSet)).toThrow(InvalidInputError);
  });

  it('reads a traffic-policy record set as a placeholder, never as a plain record linkdns could rewrite', () => {
    // Act
    const [record] = fromRoute53RecordSets([
      {
        Name: `tp.${ZONE}.`,
        Type: 'A',
        TTL: 60,
        TrafficPolicyInstanceId: '12345678-abcd-1234-abcd-1234567890ab',
        ResourceRecords: [{ Value: '10.0.0.1' }],
      },
    ]);

    // Assess
    expect(record?.values).toEqual(['route53:10.0.0.1']);
    expect(() => toRoute53RecordSet(record as RecordSet)).toThrow(/alias or routing-policy record set: not writable/);
  });

  it('writes a record set back as it was read, so a DELETE matches', () => {
    // Prepare
    const wire = {
      Name: `_linkdns.${ZONE}`,
      Type: 'TXT' as const,
      TTL: 300,
      ResourceRecords: [{ Value: '"heritage=linkdns,owner=platform,scope=vpc-1"' }, { Value: '"record=CNAME:*"' }],
    };

    // Act
    const [record] = fromRoute53RecordSets([wire]);

    // Assess
    expect(toRoute53RecordSet(record as RecordSet)).toEqual(wire);
  });
});

describe('changeBatches', () => {
  it('sends an update as DELETE of the exact old record and CREATE of the new one, DELETEs first', () => {
    // Prepare
    const old = cname('*', 'old.example.com');
    const next = cname('*', 'new.example.com');
    const created = cname('*.use2-az1', 'zonal.example.com');
    const gone = cname('*.use2-az9', 'gone.example.com');

    // Act
    const batches = changeBatches({ create: [created], update: [{ old, new: next }], delete: [gone] }, ZONE);

    // Assess
    expect(batches).toHaveLength(1);
    expect(describeBatch(batches[0] as Change[])).toEqual([
      `DELETE *.use2-az9.${ZONE} CNAME`,
      `DELETE *.${ZONE} CNAME`,
      `CREATE *.${ZONE} CNAME`,
      `CREATE *.use2-az1.${ZONE} CNAME`,
    ]);
    expect(batches[0]?.[1]?.ResourceRecordSet?.ResourceRecords).toEqual([{ Value: 'old.example.com' }]);
  });

  it('never sends UPSERT', () => {
    const batches = changeBatches(
      { ...NO_CHANGES, update: [{ old: cname('a', 'x.com'), new: cname('a', 'y.com') }] },
      ZONE,
    );
    expect(batches.flat().map((change) => change.Action)).not.toContain('UPSERT');
  });

  it('keeps every change to one name in one batch, so a CNAME never lands beside another type', () => {
    // Prepare: an owned A and AAAA at `x` give way to a CNAME; limits force several batches.
    const a = recordSet(`x.${ZONE}`, 'A', 60, ['10.0.0.1', '10.0.0.2']);
    const aaaa = recordSet(`x.${ZONE}`, 'AAAA', 60, ['fd00::1']);
    const filler = Array.from({ length: 6 }, (_, index) => cname(`f${index}`, 'f.example.com'));

    // Act
    const batches = changeBatches(
      { create: filler, update: [{ old: a, new: cname('x', 'x.example.com') }], delete: [aaaa] },
      ZONE,
      { resourceRecords: 5, valueCharacters: 10_000 },
    );

    // Assess
    const withX = batches.filter((batch) => batch.some((change) => change.ResourceRecordSet?.Name === `x.${ZONE}`));
    expect(withX).toHaveLength(1);
    expect(describeBatch(withX[0] as Change[]).filter((line) => line.includes(` x.${ZONE}`))).toEqual([
      `DELETE x.${ZONE} AAAA`,
      `DELETE x.${ZONE} A`,
      `CREATE x.${ZONE} CNAME`,
    ]);
    for (const batch of batches) expect(batchSize(batch).records).toBeLessThanOrEqual(5);
  });

  it('splits more than 1,000 ResourceRecord elements into batches within the limits, each change exactly once', () => {
    // Prepare: 30 A record sets of 40 addresses each are 1,200 ResourceRecord elements.
    const created = Array.from({ length: 30 }, (_, set) =>
      recordSet(
        `h${set}.${ZONE}`,
        'A',
        60,
        Array.from({ length: 40 }, (_, value) => `10.${set}.0.${value}`),
      ),
    );
    const next = registry(created);

    // Act
    const batches = changeBatches({ ...NO_CHANGES, create: [...created, next] }, ZONE);

    // Assess
    expect(batches).toHaveLength(2);
    for (const batch of batches) {
      expect(batchSize(batch).records).toBeLessThanOrEqual(ROUTE53_BATCH_LIMITS.resourceRecords);
      expect(batchSize(batch).characters).toBeLessThanOrEqual(ROUTE53_BATCH_LIMITS.valueCharacters);
    }
    const lines = batches.flatMap(describeBatch);
    expect(lines).toHaveLength(31);
    expect(new Set(lines).size).toBe(31);
    // The registry is written with the first batch, so every record a later failure leaves behind is listed as ours.
    expect(describeBatch(batches[0] as Change[])).toContain(`CREATE _linkdns.${ZONE} TXT`);
  });

  it('keeps exactly 1,000 ResourceRecord elements in one atomic batch, and splits at 1,001', () => {
    // Prepare: two A sets of 498 addresses and a registry of 4 values: 1,000 elements.
    const sets = (extra: number) =>
      [0, 1].map((set) =>
        recordSet(
          `h${set}.${ZONE}`,
          'A',
          60,
          Array.from({ length: 498 + (set === 1 ? extra : 0) }, (_, value) => `10.${set}.${value >> 8}.${value & 255}`),
        ),
      );
    const batchesFor = (created: RecordSet[]) =>
      changeBatches({ ...NO_CHANGES, create: [...created, registry(created)] }, ZONE);

    // Act
    const exact = batchesFor(sets(0));
    const over = batchesFor(sets(1));

    // Assess
    expect(exact).toHaveLength(1);
    expect(batchSize(exact[0] as Change[]).records).toBe(1_000);
    expect(over).toHaveLength(2);
  });

  it('splits on the 32,000-character limit as well', () => {
    // Prepare: each TXT has 10 values of ~1,000 characters.
    const texts = Array.from({ length: 5 }, (_, index) =>
      recordSet(
        `t${index}.${ZONE}`,
        'TXT',
        60,
        Array.from({ length: 10 }, (_, value) => `${value}`.padEnd(1_000, 'x')),
      ),
    );

    // Act
    const batches = changeBatches({ ...NO_CHANGES, create: texts }, ZONE);

    // Assess
    expect(batches).toHaveLength(2);
    for (const batch of batches) expect(batchSize(batch).characters).toBeLessThanOrEqual(32_000);
  });

  it('widens the registry in the first batch and narrows it in the last when several batches are needed', () => {
    // Prepare
    const removed = Array.from({ length: 4 }, (_, index) => cname(`*.old${index}`, 'o.example.com'));
    const added = Array.from({ length: 4 }, (_, index) => cname(`*.new${index}`, 'n.example.com'));
    const before = registry(removed, ['vpce-old']);
    const after = registry(added, ['vpce-new']);

    // Act
    const batches = changeBatches({ create: added, update: [{ old: before, new: after }], delete: removed }, ZONE, {
      resourceRecords: 19,
      valueCharacters: 100_000,
    });

    // Assess
    expect(batches.length).toBeGreaterThan(1);
    const registryWrites = (batch: readonly Change[]) =>
      batch.filter((change) => change.ResourceRecordSet?.Name === `_linkdns.${ZONE}`);
    const [opening, openingCreate] = registryWrites(batches[0] as Change[]);
    const closing = registryWrites(batches.at(-1) as Change[]);
    expect(opening?.Action).toBe('DELETE');
    const widened = parseRegistry(
      recordSet(
        `_linkdns.${ZONE}`,
        'TXT',
        300,
        (openingCreate?.ResourceRecordSet?.ResourceRecords ?? []).map((record) => decodeTxtValue(record.Value ?? '')),
      ),
      ZONE,
    );
    expect(widened?.records.map((record) => record.name).sort()).toEqual(
      [...removed, ...added].map((record) => record.name).sort(),
    );
    expect(widened?.endpoints).toEqual(['vpce-new', 'vpce-old']);
    expect(closing.map((change) => change.Action)).toEqual(['DELETE', 'CREATE']);
    expect(closing[1]?.ResourceRecordSet).toEqual(toRoute53RecordSet(after));
    for (const batch of batches) expect(batchSize(batch).records).toBeLessThanOrEqual(19);
  });

  it('refuses changes to one name that alone exceed a batch', () => {
    const huge = recordSet(
      `a.${ZONE}`,
      'A',
      60,
      Array.from({ length: 20 }, (_, index) => `10.0.0.${index}`),
    );
    expect(() =>
      changeBatches({ ...NO_CHANGES, create: [huge, cname('b', 'b.com')] }, ZONE, {
        resourceRecords: 10,
        valueCharacters: 10_000,
      }),
    ).toThrow(InvalidInputError);
  });
});

describe('Route 53 listings and batches a user meets', () => {
  it.each([
    ['a UTF-8 label followed by digits', 'caf\\303\\251-2024.example.com.', 'café-2024.example.com'],
    ['an escaped backslash', 'a\\\\b.\\052.example.com.', 'a\\b.*.example.com'],
    ['an escaped backslash before digits', 'a\\\\052.example.com.', 'a\\052.example.com'],
    ['an unescaped name outside the Basic Multilingual Plane', '🚀.example.com.', '🚀.example.com'],
  ])('decodes a name with %s', (_case, wire, name) => {
    expect(decodeRoute53Name(wire)).toBe(name);
  });

  it.each([
    ['an escaped quote and digits', '"heritage=linkdns \\"quoted\\" 2025"', 'heritage=linkdns "quoted" 2025'],
    ['a string cut off right after a backslash', '"abc\\', '"abc\\'],
  ])('reads a TXT value with %s', (_case, wire, text) => {
    expect(decodeTxtValue(wire)).toBe(text);
  });

  it('reads an alias without a hosted zone id and a record without a value as listed (hand-written listings)', () => {
    // Act
    const records = fromRoute53RecordSets([
      {
        Name: `apex.${ZONE}.`,
        Type: 'A',
        AliasTarget: { DNSName: 'dualstack.lb-1.us-east-2.elb.amazonaws.com.', HostedZoneId: undefined } as never,
      },
      { Name: `blank.${ZONE}.`, Type: 'A', TTL: 60, ResourceRecords: [{} as never] },
    ]);

    // Assess
    expect(records.map((record) => record.values)).toEqual([
      ['route53:alias dualstack.lb-1.us-east-2.elb.amazonaws.com zone='],
      [''],
    ]);
  });

  it('refuses to write a name where a routed set and a plain one were listed together', () => {
    // Prepare: an exported listing edited by hand, a weighted set beside a plain one of the same name and type.
    const [mixed] = fromRoute53RecordSets([
      { Name: `mix.${ZONE}.`, Type: 'A', TTL: 60, ResourceRecords: [{ Value: '10.0.0.1' }] },
      {
        Name: `mix.${ZONE}.`,
        Type: 'A',
        TTL: 60,
        SetIdentifier: 'canary',
        Weight: 10,
        ResourceRecords: [{ Value: '10.0.0.2' }],
      },
    ]);

    // Act / Assess
    expect(mixed?.values).toEqual(['10.0.0.1', 'route53:set=canary 10.0.0.2']);
    expect(isRoute53OnlyRecord(mixed as RecordSet)).toBe(true);
    expect(() => toRoute53RecordSet(mixed as RecordSet)).toThrow(/not writable/);
  });

  it('sends a new endpoint’s records and its registry update in one batch, the registry DELETE and CREATE once each', () => {
    // Prepare: a zone with a wildcard; a second endpoint adds a zonal record.
    const wildcard = cname('*', 'vpce-1.example.com');
    const zonal = cname('*.use2-az1', 'vpce-2.example.com');
    const before = registry([wildcard], ['vpce-1']);
    const after = registry([wildcard, zonal], ['vpce-1', 'vpce-2']);

    // Act
    const batches = changeBatches({ ...NO_CHANGES, create: [zonal], update: [{ old: before, new: after }] }, ZONE);

    // Assess
    expect(batches).toHaveLength(1);
    expect(describeBatch(batches[0] as Change[])).toEqual([
      `DELETE _linkdns.${ZONE} TXT`,
      `CREATE *.use2-az1.${ZONE} CNAME`,
      `CREATE _linkdns.${ZONE} TXT`,
    ]);
    expect(batches[0]?.[0]?.ResourceRecordSet).toEqual(toRoute53RecordSet(before));
    expect(batches[0]?.[2]?.ResourceRecordSet).toEqual(toRoute53RecordSet(after));
  });

  it('deletes the registry exactly once when the last endpoint goes', () => {
    // Prepare
    const records = [cname('*', 'vpce-1.example.com'), cname('*.use2-az1', 'vpce-1.example.com')];
    const before = registry(records);

    // Act
    const batches = changeBatches({ ...NO_CHANGES, delete: [...records, before] }, ZONE);

    // Assess
    expect(batches).toHaveLength(1);
    expect(describeBatch(batches[0] as Change[])).toEqual([
      `DELETE *.${ZONE} CNAME`,
      `DELETE *.use2-az1.${ZONE} CNAME`,
      `DELETE _linkdns.${ZONE} TXT`,
    ]);
  });

  it('deletes the registry in the last batch when the records of a removed endpoint need several', () => {
    // Prepare
    const records = Array.from({ length: 6 }, (_, index) => cname(`*.old${index}`, 'o.example.com'));
    const before = registry(records);

    // Act
    // The registry alone holds 8 values (owner, scope, endpoint, records).
    const batches = changeBatches({ ...NO_CHANGES, delete: [...records, before] }, ZONE, {
      resourceRecords: 8,
      valueCharacters: 10_000,
    });

    // Assess
    const lines = batches.flatMap(describeBatch);
    expect(lines.filter((line) => line.includes('_linkdns'))).toEqual([`DELETE _linkdns.${ZONE} TXT`]);
    expect(describeBatch(batches.at(-1) as Change[])).toContain(`DELETE _linkdns.${ZONE} TXT`);
    expect(lines).toHaveLength(7);
  });

  const aSets = (count: number, values: number) =>
    Array.from({ length: count }, (_, set) =>
      recordSet(
        `h${set}.${ZONE}`,
        'A',
        60,
        Array.from({ length: values }, (_, value) => `10.0.${set}.${value}`),
      ),
    );

  it('fills each batch up to exactly the record limit before starting the next', () => {
    // Act: four sets of 5 addresses with room for 10 per batch.
    const batches = changeBatches({ ...NO_CHANGES, create: aSets(4, 5) }, ZONE, {
      resourceRecords: 10,
      valueCharacters: 10_000,
    });

    // Assess
    expect(batches.map((batch) => batchSize(batch).records)).toEqual([10, 10]);
  });

  it('fills each batch up to exactly the character limit before starting the next', () => {
    // Prepare: four sets of 5 addresses of 8 characters (10.0.s.v): 40 characters each.
    const sets = aSets(4, 5);

    // Act
    const batches = changeBatches({ ...NO_CHANGES, create: sets }, ZONE, {
      resourceRecords: 1_000,
      valueCharacters: 80,
    });

    // Assess
    expect(batches.map((batch) => batchSize(batch).characters)).toEqual([80, 80]);
  });

  it.each([
    ['records', { resourceRecords: 10, valueCharacters: 10_000 }, 10],
    ['characters', { resourceRecords: 1_000, valueCharacters: 80 }, 10],
  ])('accepts one name whose changes need exactly the %s limit of a batch', (_case, limits, values) => {
    // Prepare: one name of 10 addresses of 8 characters, and another name besides.
    const [big, small] = [...aSets(1, values), ...aSets(2, 1).slice(1)];

    // Act
    const batches = changeBatches({ ...NO_CHANGES, create: [big as RecordSet, small as RecordSet] }, ZONE, limits);

    // Assess
    expect(batches.map((batch) => batchSize(batch).records)).toEqual([10, 1]);
  });

  it('names the record and the limits when one name’s changes alone exceed a batch', () => {
    // Prepare
    const [huge] = aSets(1, 20);

    // Act / Assess
    expect(() =>
      changeBatches({ ...NO_CHANGES, create: [huge as RecordSet, cname('b', 'b.com')] }, ZONE, {
        resourceRecords: 10,
        valueCharacters: 10_000,
      }),
    ).toThrow(
      new InvalidInputError(
        `Changes to h0.${ZONE} need 20 records and 170 characters, more than one Route 53 batch allows (10 / 10000)`,
      ),
    );
  });
});
