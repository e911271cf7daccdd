import { describe, expect, it } from 'vitest';
import { type RecordSet, recordSet } from '../../functions/core/model.ts';
import {
  isRegistryRecord,
  ownsRecord,
  parseRegistry,
  readRegistry,
  registryName,
  registryRecord,
  registryUnion,
} from '../../functions/core/registry.ts';

const DOMAIN = 'p8xo76.centralus.azure.confluent.cloud';
const ENDPOINT =
  '/subscriptions/8f3c2a7e-4b1d-4e6a-9c3f-2d5e7a1b9c04/resourceGroups/rg-net/providers/Microsoft.Network/privateEndpoints/pe-confluent-1';

describe('the ownership registry', () => {
  it('writes _linkdns.<zone> listing owner, scope, endpoints and records relative to the zone, and reads it back', () => {
    // Act
    const record = registryRecord(
      {
        owner: 'platform-prod',
        scope: 'vnet-hub',
        endpoints: [ENDPOINT],
        records: [
          { name: `*.${DOMAIN}`, type: 'A' },
          { name: `*.az1.${DOMAIN}`, type: 'A' },
          { name: DOMAIN, type: 'TXT' },
        ],
      },
      `${DOMAIN}.`,
      300,
    );

    // Assess
    expect(record).toEqual(
      recordSet(`_linkdns.${DOMAIN}`, 'TXT', 300, [
        'heritage=linkdns,owner=platform-prod,scope=vnet-hub',
        `endpoint=${ENDPOINT}`,
        'record=A:*',
        'record=A:*.az1',
        'record=TXT:@',
      ]),
    );
    expect(readRegistry([record as RecordSet], DOMAIN)).toEqual({
      owner: 'platform-prod',
      scope: 'vnet-hub',
      endpoints: [ENDPOINT],
      records: [
        { name: `*.${DOMAIN}`, type: 'A' },
        { name: `*.az1.${DOMAIN}`, type: 'A' },
        { name: DOMAIN, type: 'TXT' },
      ],
    });
  });

  it('writes no registry when linkdns owns nothing in the zone', () => {
    expect(registryRecord({ owner: 'p', scope: 's', endpoints: [], records: [] }, DOMAIN, 300)).toBeUndefined();
  });

  it('takes a TXT at _linkdns without the heritage header for someone else’s', () => {
    // Prepare
    const handMade = recordSet(registryName(DOMAIN), 'TXT', 300, ['owner=platform-prod', 'record=A:*']);

    // Act / Assess
    expect(isRegistryRecord(handMade, DOMAIN)).toBe(true);
    expect(parseRegistry(handMade, DOMAIN)).toBeUndefined();
    expect(isRegistryRecord({ ...handMade, type: 'CNAME' }, DOMAIN)).toBe(false);
    expect(isRegistryRecord({ ...handMade, name: `_linkdns.other.${DOMAIN}` }, DOMAIN)).toBe(false);
  });

  it('reads a header missing owner or scope as empty rather than guessing', () => {
    // Prepare
    const record = recordSet(registryName(DOMAIN), 'TXT', 300, ['heritage=linkdns,scope=', 'record=A:*']);

    // Act / Assess
    expect(parseRegistry(record, DOMAIN)).toMatchObject({ owner: '', scope: '' });
  });

  it('owns a record only for the deployment named in the registry, by name and type', () => {
    // Prepare
    const registry = {
      owner: 'platform-prod',
      scope: 'vnet-hub',
      endpoints: [],
      records: [{ name: `*.${DOMAIN}`, type: 'A' as const }],
    };

    // Act / Assess
    expect(ownsRecord(registry, 'platform-prod', { name: `*.${DOMAIN}`, type: 'A' })).toBe(true);
    expect(ownsRecord(registry, 'platform-dev', { name: `*.${DOMAIN}`, type: 'A' })).toBe(false);
    expect(ownsRecord(registry, 'platform-prod', { name: `*.${DOMAIN}`, type: 'TXT' })).toBe(false);
    expect(ownsRecord(registry, 'platform-prod', { name: `*.az1.${DOMAIN}`, type: 'A' })).toBe(false);
    expect(ownsRecord(undefined, 'platform-prod', { name: `*.${DOMAIN}`, type: 'A' })).toBe(false);
  });

  it('widens to everything either version lists while a change is half applied, with the new owner, scope and TTL', () => {
    // Prepare
    const before = registryRecord(
      {
        owner: 'platform-prod-renamed',
        scope: 'vnet-old',
        endpoints: ['pe-1', 'pe-2'],
        records: [
          { name: `*.${DOMAIN}`, type: 'A' },
          { name: `*.az1.${DOMAIN}`, type: 'A' },
        ],
      },
      DOMAIN,
      300,
    ) as RecordSet;
    const after = registryRecord(
      {
        owner: 'platform-prod',
        scope: 'vnet-hub',
        endpoints: ['pe-2', 'pe-3'],
        records: [
          { name: `*.${DOMAIN}`, type: 'A' },
          { name: `*.az2.${DOMAIN}`, type: 'A' },
        ],
      },
      DOMAIN,
      60,
    ) as RecordSet;

    // Act
    const union = registryUnion(before, after, `${DOMAIN}.`);

    // Assess
    expect(union).toEqual(
      registryRecord(
        {
          owner: 'platform-prod',
          scope: 'vnet-hub',
          endpoints: ['pe-1', 'pe-2', 'pe-3'],
          records: [
            { name: `*.${DOMAIN}`, type: 'A' },
            { name: `*.az1.${DOMAIN}`, type: 'A' },
            { name: `*.az2.${DOMAIN}`, type: 'A' },
          ],
        },
        DOMAIN,
        60,
      ),
    );
    expect(union?.values.filter((value) => value === 'record=A:*')).toHaveLength(1);
    expect(union?.values.filter((value) => value === 'endpoint=pe-2')).toHaveLength(1);
  });

  it('widens nothing when either version is not a linkdns registry', () => {
    // Prepare
    const ours = registryRecord(
      { owner: 'p', scope: 's', endpoints: [], records: [{ name: `*.${DOMAIN}`, type: 'A' }] },
      DOMAIN,
      300,
    ) as RecordSet;
    const handMade = recordSet(registryName(DOMAIN), 'TXT', 300, ['owner=p', 'record=A:*']);

    // Act / Assess
    expect(registryUnion(handMade, ours, DOMAIN)).toBeUndefined();
    expect(registryUnion(ours, handMade, DOMAIN)).toBeUndefined();
  });
});
