import { describe, expect, it } from 'vitest';
import { recordSet } from '../../functions/core/model.ts';
import { NO_CHANGES } from '../../functions/core/plan.ts';
import {
  changeBody,
  decodeTxtData,
  encodeTxtData,
  fromCloudDnsRecordSet,
  isCloudDnsOnlyRecord,
  readRecordSets,
  toCloudDnsName,
  toCloudDnsRecordSet,
} from '../../functions/gcp/cloud-dns-wire.ts';

const ZONE = '6ky22p.us-central1.gcp.confluent.cloud';

describe('names', () => {
  it.each([
    ['*.6KY22P.us-central1.gcp.confluent.cloud', '*.6ky22p.us-central1.gcp.confluent.cloud.'],
    [
      '*.us-central1-a.6ky22p.us-central1.gcp.confluent.cloud.',
      '*.us-central1-a.6ky22p.us-central1.gcp.confluent.cloud.',
    ],
  ])('writes %s as %s (absolute, * literal)', (name, wire) => {
    // Act
    const result = toCloudDnsName(name);

    // Assess
    expect(result).toBe(wire);
  });

  it('reads a wildcard record set with its trailing dot as the canonical name', () => {
    // Act
    const record = fromCloudDnsRecordSet({
      name: `*.${ZONE}.`,
      type: 'A',
      ttl: 60,
      rrdatas: ['10.2.0.13', '10.2.0.11'],
    });

    // Assess
    expect(record).toEqual({ name: `*.${ZONE}`, type: 'A', ttl: 60, values: ['10.2.0.11', '10.2.0.13'] });
  });
});

describe('TXT data', () => {
  it('quotes and escapes, and splits text longer than 255 octets into character-strings', () => {
    // Prepare
    const long = `endpoint=${'x'.repeat(300)}`;

    // Act
    const short = encodeTxtData('say "hi" \\ there');
    const split = encodeTxtData(long);

    // Assess
    expect(short).toBe('"say \\"hi\\" \\\\ there"');
    expect(split).toBe(`"${long.slice(0, 255)}" "${long.slice(255)}"`);
    expect(decodeTxtData(split)).toBe(long);
  });

  it.each([
    ['"heritage=linkdns,owner=a"', 'heritage=linkdns,owner=a'],
    ['"abc" "def"', 'abcdef'],
    ['unquoted', 'unquoted'],
    ['"caf\\195\\169"', 'café'],
    ['""', ''],
    ['\t"a"\t "" "b" ', 'ab'],
    ['"a" bare "b"', 'abareb'],
  ])('reads %s as %s', (data, text) => {
    // Act
    const result = decodeTxtData(data);

    // Assess
    expect(result).toBe(text);
  });

  it('round-trips non-ASCII text through decimal escapes', () => {
    // Act
    const wire = encodeTxtData('zone=zürich');

    // Assess
    expect(wire).toBe('"zone=z\\195\\188rich"');
    expect(decodeTxtData(wire)).toBe('zone=zürich');
  });
});

describe('record sets', () => {
  it('writes CNAME targets with a trailing dot and reads them back canonical', () => {
    // Prepare
    const record = recordSet(`*.${ZONE}`, 'CNAME', 60, ['Target.Example.com']);

    // Act
    const wire = toCloudDnsRecordSet(record);

    // Assess
    expect(wire).toEqual({
      kind: 'dns#resourceRecordSet',
      name: `*.${ZONE}.`,
      type: 'CNAME',
      ttl: 60,
      rrdatas: ['target.example.com.'],
    });
    expect(fromCloudDnsRecordSet(wire)).toEqual(record);
  });

  it('reads a routing-policy record set as a placeholder linkdns refuses to write', () => {
    // Act
    const record = fromCloudDnsRecordSet({
      name: `*.${ZONE}.`,
      type: 'A',
      ttl: 30,
      routingPolicy: { geo: { items: [{ location: 'us-central1', rrdatas: ['10.0.0.1'] }] } },
    });

    // Assess
    expect(isCloudDnsOnlyRecord(record)).toBe(true);
    expect(() => toCloudDnsRecordSet(record)).toThrow(/routing-policy/);
  });

  it('keeps types outside the core list, so the planner sees them as foreign', () => {
    // Act
    const { records } = readRecordSets([{ name: `${ZONE}.`, type: 'HTTPS', ttl: 300, rrdatas: ['1 . alpn=h2'] }]);

    // Assess
    expect(records).toEqual([{ name: ZONE, type: 'HTTPS', ttl: 300, values: ['1 . alpn=h2'] }]);
  });
});

describe('changeBody', () => {
  const oldStar = recordSet(`*.${ZONE}`, 'A', 60, ['10.2.0.11', '10.2.0.12']);
  const newStar = recordSet(`*.${ZONE}`, 'A', 60, ['10.2.0.11']);
  const zonal = recordSet(`*.us-central1-b.${ZONE}`, 'A', 60, ['10.2.0.12']);

  it('turns an update into the deletion of the old set plus the addition of the new one, in one change', () => {
    // Act
    const body = changeBody({ create: [], update: [{ old: oldStar, new: newStar }], delete: [zonal] });

    // Assess
    expect(body).toEqual({
      kind: 'dns#change',
      deletions: [
        { kind: 'dns#resourceRecordSet', name: `*.${ZONE}.`, type: 'A', ttl: 60, rrdatas: ['10.2.0.11', '10.2.0.12'] },
        { kind: 'dns#resourceRecordSet', name: `*.us-central1-b.${ZONE}.`, type: 'A', ttl: 60, rrdatas: ['10.2.0.12'] },
      ],
      additions: [{ kind: 'dns#resourceRecordSet', name: `*.${ZONE}.`, type: 'A', ttl: 60, rrdatas: ['10.2.0.11'] }],
    });
  });

  it('deletes the record set exactly as it was read (its own order and quoting), not a re-encoding', () => {
    // Prepare: Cloud DNS returned the TXT data unquoted-split and the IPs in its own order.
    const raw = [
      { kind: 'dns#resourceRecordSet', name: `*.${ZONE}.`, type: 'A', ttl: 60, rrdatas: ['10.2.0.12', '10.2.0.11'] },
      {
        kind: 'dns#resourceRecordSet',
        name: `_linkdns.${ZONE}.`,
        type: 'TXT',
        ttl: 300,
        rrdatas: ['"heritage=linkdns," "owner=a"'],
      },
    ];
    const read = readRecordSets(raw);
    const registry = read.records.find((record) => record.type === 'TXT');

    // Act
    const body = changeBody({ ...NO_CHANGES, delete: read.records }, read.raw);

    // Assess
    expect(registry?.values).toEqual(['heritage=linkdns,owner=a']);
    expect(body.deletions).toEqual(expect.arrayContaining(raw));
    expect(body.deletions).toHaveLength(2);
  });

  it('encodes a deletion afresh when the raw set read no longer matches the record planned against', () => {
    // Prepare
    const read = readRecordSets([{ name: `*.${ZONE}.`, type: 'A', ttl: 300, rrdatas: ['10.9.9.9'] }]);

    // Act
    const body = changeBody({ ...NO_CHANGES, delete: [oldStar] }, read.raw);

    // Assess
    expect(body.deletions[0]?.rrdatas).toEqual(['10.2.0.11', '10.2.0.12']);
    expect(body.deletions[0]?.ttl).toBe(60);
  });
});
