import { describe, expect, it } from 'vitest';
import { type RecordSet, recordSet } from '../../functions/core/model.ts';
import { ownershipProblems } from '../../functions/core/ownership.ts';
import { type Changes, NO_CHANGES } from '../../functions/core/plan.ts';
import type { OwnershipGuard } from '../../functions/core/ports.ts';
import { type Registry, registryRecord } from '../../functions/core/registry.ts';
import { fromCloudDnsRecordSet, isCloudDnsOnlyRecord } from '../../functions/gcp/cloud-dns-wire.ts';
import { BUILT_IN_PRODUCIBLE } from '../support/producible.ts';

const DOMAIN = '6ky22p.us-central1.gcp.confluent.cloud';
const zone = { id: 'confluent-6ky22p', domain: DOMAIN };
const star = recordSet(`*.${DOMAIN}`, 'A', 60, ['10.2.0.11']);
const registryOf = (owner: string, records: RecordSet[]): Registry => ({
  owner,
  scope: 'net',
  endpoints: [],
  records: records.map(({ name, type }) => ({ name, type })),
});
const registrySet = (registry: Registry) => registryRecord(registry, DOMAIN, 300) as RecordSet;
const guard = (registry: Registry | undefined, adoptExisting = false): OwnershipGuard => ({
  owner: 'prod',
  registry,
  adoptExisting,
  producible: BUILT_IN_PRODUCIBLE,
});
const routed = fromCloudDnsRecordSet({ name: `*.${DOMAIN}.`, type: 'A', ttl: 60, routingPolicy: { wrr: {} } });

describe('ownershipProblems', () => {
  it.each<[string, Changes, OwnershipGuard, string]>([
    [
      'a record outside the zone',
      { ...NO_CHANGES, create: [recordSet('*.example.com', 'A', 60, ['1.1.1.1'])] },
      guard(undefined),
      'outside zone',
    ],
    [
      'the apex NS',
      { ...NO_CHANGES, delete: [recordSet(DOMAIN, 'NS', 21600, ['ns.'])] },
      guard(registryOf('prod', [])),
      "zone's own NS",
    ],
    ['a routing-policy set', { ...NO_CHANGES, delete: [routed] }, guard(registryOf('prod', [star])), 'routing-policy'],
    [
      'a record not listed as ours',
      { ...NO_CHANGES, delete: [star] },
      guard(registryOf('prod', [])),
      'not listed as owned',
    ],
    [
      'another owner’s registry',
      { ...NO_CHANGES, delete: [registrySet(registryOf('staging', [star]))] },
      guard(registryOf('staging', [star])),
      'registry is not owned',
    ],
    [
      'a write the registry will not list',
      { ...NO_CHANGES, create: [star] },
      guard(registryOf('prod', [])),
      'would be written but not listed',
    ],
  ])('refuses %s', (_name, changes, ownership, problem) => {
    // Act
    const problems = ownershipProblems(zone, changes, ownership, isCloudDnsOnlyRecord);

    // Assess
    expect(problems.join('\n')).toContain(problem);
  });

  it('allows an update of our own record with the registry rewritten in the same change', () => {
    // Prepare
    const before = registryOf('prod', [star]);
    const next = recordSet(star.name, 'A', 60, ['10.2.0.11', '10.2.0.12']);

    // Act
    const problems = ownershipProblems(
      zone,
      {
        ...NO_CHANGES,
        update: [
          { old: star, new: next },
          { old: registrySet(before), new: registrySet(before) },
        ],
      },
      guard(before),
      isCloudDnsOnlyRecord,
    );

    // Assess
    expect(problems).toEqual([]);
  });

  it('allows adopting a foreign record of the same name and type when adoptExisting is on', () => {
    // Prepare
    const after = registrySet(registryOf('prod', [star]));

    // Act
    const problems = ownershipProblems(
      zone,
      { ...NO_CHANGES, update: [{ old: recordSet(star.name, 'A', 300, ['10.9.9.9']), new: star }], create: [after] },
      guard(undefined, true),
    );

    // Assess
    expect(problems).toEqual([]);
  });
});
