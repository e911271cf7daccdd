import { describe, expect, it } from 'vitest';
import { type RecordSet, recordSet } from '../../functions/core/model.ts';
import { type Changes, countChanges, hasChanges, type PlanInput, planZoneChanges } from '../../functions/core/plan.ts';
import { readRegistry, registryRecord } from '../../functions/core/registry.ts';

const DOMAIN = 'pr1jy6.us-east-2.aws.confluent.cloud';
const OWNER = 'team-a';
const SCOPE = 'vpc-0abc';
const regional = recordSet(`*.${DOMAIN}`, 'CNAME', 60, ['vpce-1-aa.vpce-svc-1.us-east-2.vpce.amazonaws.com']);
const az1 = recordSet(`*.use2-az1.${DOMAIN}`, 'CNAME', 60, [
  'vpce-1-aa-us-east-2a.vpce-svc-1.us-east-2.vpce.amazonaws.com',
]);
const az2 = recordSet(`*.use2-az2.${DOMAIN}`, 'CNAME', 60, [
  'vpce-1-aa-us-east-2b.vpce-svc-1.us-east-2.vpce.amazonaws.com',
]);
const soa = recordSet(DOMAIN, 'SOA', 900, [
  'ns-1.awsdns-00.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400',
]);
const foreign = recordSet(`kafka-ui.${DOMAIN}`, 'A', 300, ['10.0.0.9']);

function registryOf(records: readonly RecordSet[], owner = OWNER, endpoints = ['vpce-1']): RecordSet {
  const registry = registryRecord(
    { owner, scope: SCOPE, endpoints, records: records.map(({ name, type }) => ({ name, type })) },
    DOMAIN,
    300,
  );
  if (!registry) throw new Error('empty registry');
  return registry;
}

function plan(overrides: Partial<PlanInput>) {
  return planZoneChanges({
    domain: DOMAIN,
    scope: SCOPE,
    owner: OWNER,
    desired: [],
    current: [],
    endpoints: ['vpce-1'],
    policy: 'sync',
    ...overrides,
  });
}

/** Applies changes to a record list the way a provider would, for idempotency checks. */
function applyTo(current: readonly RecordSet[], changes: Changes): RecordSet[] {
  const removed = new Set([...changes.delete, ...changes.update.map((change) => change.old)]);
  return [
    ...current.filter((record) => !removed.has(record)),
    ...changes.create,
    ...changes.update.map((change) => change.new),
  ];
}

const names = (records: readonly RecordSet[]) => records.map((record) => `${record.name} ${record.type}`).sort();

describe('planZoneChanges', () => {
  it('creates every desired record and a registry listing them in an empty zone', () => {
    // Act
    const result = plan({ desired: [regional, az1, az2], current: [soa] });

    // Assess
    expect(names(result.changes.create)).toEqual(names([regional, az1, az2, registryOf([regional, az1, az2])]));
    expect(result.changes.update).toEqual([]);
    expect(result.changes.delete).toEqual([]);
    const registry = readRegistry(result.changes.create, DOMAIN);
    expect(registry?.owner).toBe(OWNER);
    expect(registry?.endpoints).toEqual(['vpce-1']);
    expect(registry?.records.map((record) => record.name).sort()).toEqual([regional.name, az1.name, az2.name].sort());
  });

  it('is a no-op on the second run', () => {
    // Prepare
    const first = plan({ desired: [regional, az1, az2], current: [soa, foreign] });

    // Act
    const second = plan({ desired: [regional, az1, az2], current: applyTo([soa, foreign], first.changes) });

    // Assess
    expect(hasChanges(second.changes)).toBe(false);
    expect(second.conflicts).toEqual([]);
  });

  it('updates a TTL-only change as delete-exact-old plus create-new', () => {
    // Prepare
    const stale = recordSet(regional.name, 'CNAME', 300, regional.values);

    // Act
    const result = plan({ desired: [regional], current: [soa, stale, registryOf([regional])] });

    // Assess
    expect(result.changes.update).toEqual([{ old: stale, new: regional }]);
    expect(result.changes.create).toEqual([]);
  });

  it('leaves records owned by someone else untouched and reports them as conflicts', () => {
    // Prepare
    const handMade = recordSet(regional.name, 'CNAME', 60, ['somewhere-else.example.com']);

    // Act
    const result = plan({ desired: [regional, az1], current: [soa, handMade, foreign] });

    // Assess
    expect(result.conflicts).toMatchObject([{ name: regional.name, type: 'CNAME' }]);
    expect(names(result.changes.create)).toEqual(names([az1, registryOf([az1])]));
    expect([...result.changes.update, ...result.changes.delete]).toEqual([]);
  });

  it('never deletes a foreign record in the zone, even under sync', () => {
    // Act
    const result = plan({ desired: [], current: [soa, foreign, regional, registryOf([regional])] });

    // Assess
    expect(result.changes.delete).toContain(regional);
    expect(result.changes.delete).not.toContain(foreign);
    expect(result.changes.delete).not.toContain(soa);
  });

  it('deletes owned records and the registry when the endpoint is gone under sync', () => {
    // Prepare
    const current = [soa, regional, az1, registryOf([regional, az1])];

    // Act
    const result = plan({ desired: [], current, endpoints: [] });

    // Assess
    expect(names(result.changes.delete)).toEqual(names([regional, az1, registryOf([regional])]));
    expect(result.kept).toEqual([]);
    expect(hasChanges(plan({ desired: [], current: applyTo(current, result.changes), endpoints: [] }).changes)).toBe(
      false,
    );
  });

  it('keeps owned records of a vanished endpoint under upsert-only, and still owns them', () => {
    // Prepare
    const current = [soa, regional, az1, registryOf([regional, az1])];

    // Act
    const result = plan({ desired: [], current, endpoints: [], policy: 'upsert-only' });

    // Assess
    expect(result.changes.delete).toEqual([]);
    expect(result.kept).toEqual(expect.arrayContaining([regional, az1]));
    const registry = readRegistry(applyTo(current, result.changes), DOMAIN);
    expect(registry?.records.map((record) => record.name).sort()).toEqual([regional.name, az1.name].sort());
  });

  it('creates but never updates under create-only', () => {
    // Prepare
    const stale = recordSet(regional.name, 'CNAME', 60, ['old-target.example.com']);

    // Act
    const result = plan({
      desired: [regional, az1],
      current: [soa, stale, registryOf([regional])],
      policy: 'create-only',
    });

    // Assess
    expect(result.changes.update.filter((change) => change.new.type !== 'TXT')).toEqual([]);
    expect(result.changes.create.map((record) => record.name)).toContain(az1.name);
    expect(result.kept).toContain(stale);
  });

  it('under create-only, neither updates nor deletes: a vanished endpoint’s record is kept', () => {
    // Act
    const result = plan({
      desired: [regional],
      current: [soa, regional, az1, registryOf([regional, az1])],
      policy: 'create-only',
    });

    // Assess
    expect(result.changes.delete).toEqual([]);
    expect(result.changes.create).toEqual([]);
    expect(result.kept).toEqual([az1]);
  });

  it('under sync, an updated record is replaced, not kept', () => {
    // Prepare
    const stale = recordSet(regional.name, 'CNAME', 300, regional.values);

    // Act
    const result = plan({ desired: [regional], current: [soa, stale, registryOf([regional])] });

    // Assess
    expect(result.changes.update).toEqual([{ old: stale, new: regional }]);
    expect(result.kept).toEqual([]);
  });

  it('puts an A record beside a TXT someone keeps at the same name: only a CNAME must stand alone', () => {
    // Prepare: the Azure layout's * A record, and a verification TXT at *.
    const star = recordSet(`*.${DOMAIN}`, 'A', 60, ['10.20.1.4', '10.20.1.5']);
    const verification = recordSet(star.name, 'TXT', 300, ['ms=ms12345678']);

    // Act
    const result = plan({ desired: [star], current: [soa, verification] });

    // Assess
    expect(result.conflicts).toEqual([]);
    expect(names(result.changes.create)).toEqual([`*.${DOMAIN} A`, `_linkdns.${DOMAIN} TXT`]);
    expect(countChanges(result.changes)).toBe(2);
  });

  it('names every foreign record in the way, with its values, in the conflict', () => {
    // Prepare
    const a = recordSet(regional.name, 'A', 300, ['10.0.0.8', '10.0.0.9']);
    const txt = recordSet(regional.name, 'TXT', 300, ['owner=dba-team']);

    // Act
    const result = plan({ desired: [regional], current: [soa, a, txt] });

    // Assess
    expect(result.conflicts).toEqual([
      {
        name: regional.name,
        type: 'CNAME',
        reason:
          'exists and is not owned by linkdns (A 10.0.0.8 10.0.0.9; TXT owner=dba-team); set adoptExisting to take it over',
        found: [a, txt],
      },
    ]);
  });

  it('has changes when it creates one record and rewrites the registry', () => {
    // Act
    const result = plan({ desired: [regional, az1, az2], current: [soa, regional, az1, registryOf([regional, az1])] });

    // Assess
    expect(result.changes.create).toEqual([az2]);
    expect(result.changes.update).toHaveLength(1);
    expect(hasChanges(result.changes)).toBe(true);
    expect(countChanges(result.changes)).toBe(2);
  });

  it('lists each contributing endpoint once, sorted, in the registry', () => {
    // Act
    const result = plan({ desired: [regional], endpoints: ['vpce-2', 'vpce-1', 'vpce-2'] });

    // Assess
    expect(readRegistry(result.changes.create, DOMAIN)?.endpoints).toEqual(['vpce-1', 'vpce-2']);
  });

  it('refuses to write to a zone whose registry belongs to another linkdns owner', () => {
    // Prepare
    const theirs = registryOf([regional], 'team-b');

    // Act
    const result = plan({ desired: [regional, az1], current: [soa, regional, theirs] });

    // Assess
    expect(hasChanges(result.changes)).toBe(false);
    expect(result.conflicts).toHaveLength(2);
    expect(result.conflicts[0]?.reason).toBe(`zone registry _linkdns.${DOMAIN} belongs to linkdns owner "team-b"`);
    expect(result.kept).toEqual([]);
  });

  it('treats a TXT at the registry name that is not a linkdns registry as foreign', () => {
    // Prepare
    const squatter = recordSet(`_linkdns.${DOMAIN}`, 'TXT', 300, ['hello']);

    // Act
    const result = plan({ desired: [regional], current: [soa, squatter] });

    // Assess
    expect(hasChanges(result.changes)).toBe(false);
    expect(result.conflicts).toHaveLength(1);
    expect(result.conflicts[0]?.reason).toBe(
      `zone registry _linkdns.${DOMAIN} belongs to an unknown writer (not a linkdns registry)`,
    );
  });

  it('does not put a CNAME beside a foreign record of another type at the same name', () => {
    // Prepare
    const foreignTxt = recordSet(regional.name, 'TXT', 300, ['verification']);

    // Act
    const result = plan({ desired: [regional], current: [soa, foreignTxt] });

    // Assess
    expect(result.conflicts).toMatchObject([{ name: regional.name, reason: expect.stringContaining('TXT') }]);
    expect(hasChanges(result.changes)).toBe(false);
  });

  it('replaces its own record when the layout changes the type (CNAME → A)', () => {
    // Prepare
    const asA = recordSet(regional.name, 'A', 60, ['10.0.0.1']);

    // Act
    const result = plan({ desired: [asA], current: [soa, regional, registryOf([regional])] });

    // Assess
    expect(result.changes.update).toContainEqual({ old: regional, new: asA });
    expect(result.changes.delete).toEqual([]);
  });

  it('adopts an unowned record at a desired name only when adoptExisting is set', () => {
    // Prepare
    const handMade = recordSet(regional.name, 'CNAME', 300, regional.values);

    // Act
    const without = plan({ desired: [regional], current: [soa, handMade] });
    const adopted = plan({ desired: [regional], current: [soa, handMade], adoptExisting: true });

    // Assess
    expect(without.conflicts).toHaveLength(1);
    expect(adopted.conflicts).toEqual([]);
    expect(adopted.changes.update).toContainEqual({ old: handMade, new: regional });
    expect(readRegistry(applyTo([soa, handMade], adopted.changes), DOMAIN)?.records).toHaveLength(1);
  });

  it('does not adopt its way into putting a CNAME beside a foreign TXT, even with adoptExisting', () => {
    // Prepare: a domain-verification TXT someone keeps at the wildcard name.
    const verification = recordSet(regional.name, 'TXT', 300, ['google-site-verification=abc']);

    // Act
    const result = plan({ desired: [regional], current: [soa, verification], adoptExisting: true });

    // Assess
    expect(result.conflicts).toMatchObject([{ name: regional.name, type: 'CNAME', found: [verification] }]);
    expect(hasChanges(result.changes)).toBe(false);
  });

  it('adopts an identical unowned record by listing it in the registry, without rewriting it', () => {
    // Act
    const result = plan({ desired: [regional], current: [soa, regional], adoptExisting: true });

    // Assess
    expect(result.changes.update).toEqual([]);
    expect(names(result.changes.create)).toEqual([`_linkdns.${DOMAIN} TXT`]);
  });

  it('rewrites only the registry when the contributing endpoints change but the records do not', () => {
    // Act
    const result = plan({ desired: [regional], current: [soa, regional, registryOf([regional], OWNER, ['vpce-0'])] });

    // Assess
    expect(result.changes.update).toHaveLength(1);
    expect(result.changes.update[0]?.new.type).toBe('TXT');
    expect(readRegistry([result.changes.update[0]?.new as RecordSet], DOMAIN)?.endpoints).toEqual(['vpce-1']);
  });

  it('forgets owned records that someone else already deleted', () => {
    // Act
    const result = plan({ desired: [], current: [soa, registryOf([regional])], endpoints: [] });

    // Assess
    expect(names(result.changes.delete)).toEqual([`_linkdns.${DOMAIN} TXT`]);
  });
});

describe('registry values', () => {
  it('accepts Azure-length ids beyond one 255-octet TXT string (adapters split them)', () => {
    const longId = `/subscriptions/8f3c2a7e-4b1d-4e6a-9c3f-2d5e7a1b9c04/resourcegroups/${'rg-'.repeat(30)}/providers/microsoft.network/privateendpoints/${'pe-'.repeat(30)}`;

    const registry = registryRecord(
      { owner: OWNER, scope: SCOPE, endpoints: [longId], records: [regional] },
      DOMAIN,
      300,
    );

    expect(longId.length).toBeGreaterThan(255);
    expect(readRegistry([registry as RecordSet], DOMAIN)?.endpoints).toEqual([longId]);
  });

  it('refuses a registry entry over 1,000 characters rather than writing a registry adapters cannot split', () => {
    // Prepare: an id of exactly the limit passes, one character more does not.
    const prefix = 'endpoint=';
    const atLimit = 'x'.repeat(1_000 - prefix.length);
    const entry = (id: string) =>
      registryRecord({ owner: OWNER, scope: SCOPE, endpoints: [id], records: [regional] }, DOMAIN, 300);

    // Act / Assess
    expect(readRegistry([entry(atLimit) as RecordSet], DOMAIN)?.endpoints).toEqual([atLimit]);
    expect(() => entry(`${atLimit}x`)).toThrow(/^Registry entry longer than 1000 characters: endpoint=x{71}…$/);
  });
});
