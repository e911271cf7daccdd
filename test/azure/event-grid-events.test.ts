import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  endpointEventMismatch,
  isCaller,
  parseResourceEvent,
  recordSetChange,
} from '../../functions/azure/event-grid-events.ts';
import { InvalidInputError } from '../../functions/core/errors.ts';

const sample = (name: string) =>
  JSON.parse(readFileSync(`events/azure/${name}.json`, 'utf8')) as Record<string, unknown> & {
    data: Record<string, unknown>;
  };
const LINKDNS = '6b0c4f1e-2a3d-4c5b-9e8f-7a1b2c3d4e5f';

describe('parseResourceEvent', () => {
  it('reads the endpoint write sample', () => {
    // Act
    const event = parseResourceEvent(sample('private-endpoint-write'));

    // Assess
    expect(event).toEqual({
      id: '5b1e8a2c-7d3f-4e9a-b6c1-0f2d3e4a5b6c',
      eventType: 'Microsoft.Resources.ResourceWriteSuccess',
      operationName: 'Microsoft.Network/privateEndpoints/write',
      resourceUri:
        '/subscriptions/8f3c2a7e-4b1d-4e6a-9c3f-2d5e7a1b9c04/resourcegroups/rg-confluent-network/providers/Microsoft.Network/privateEndpoints/confluent-n-p8xo76-1',
      callerObjectId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    });
    expect(endpointEventMismatch(event)).toBeUndefined();
  });

  it('reads CloudEvents (type instead of eventType) the same way', () => {
    // Act
    const event = parseResourceEvent(sample('private-endpoint-write.cloudevent'));

    // Assess
    expect(event.eventType).toBe('Microsoft.Resources.ResourceWriteSuccess');
    expect(endpointEventMismatch(event)).toBeUndefined();
  });

  it('accepts claims encoded as a JSON string and falls back to the subject for the resource', () => {
    // Prepare
    const raw = sample('record-set-write-by-linkdns');
    const data = { ...raw.data, claims: JSON.stringify(raw.data.claims), resourceUri: undefined };

    // Act
    const event = parseResourceEvent({ ...raw, data });

    // Assess
    expect(event.resourceUri).toBe(raw.subject);
    expect(isCaller(event, LINKDNS)).toBe(true);
  });

  it('recognises linkdns by the role-assignment evidence when the claim is missing (no dashes there)', () => {
    // Prepare
    const raw = sample('record-set-write-by-linkdns');

    // Act
    const event = parseResourceEvent({ ...raw, data: { ...raw.data, claims: {} } });

    // Assess
    expect(event.callerObjectId).toBe(LINKDNS.replaceAll('-', ''));
    expect(isCaller(event, LINKDNS)).toBe(true);
    expect(isCaller(event, undefined)).toBe(false);
  });

  it('does not take someone else for linkdns', () => {
    // Act
    const event = parseResourceEvent(sample('record-set-write-by-someone-else'));

    // Assess
    expect(isCaller(event, LINKDNS)).toBe(false);
  });
});

describe('recordSetChange', () => {
  it('names the zone, type and relative name of a record-set event', () => {
    // Act
    const change = recordSetChange(parseResourceEvent(sample('record-set-delete-by-someone-else')));

    // Assess
    expect(change).toEqual({
      resourceGroup: 'rg-private-dns',
      zone: 'p8xo76.centralus.azure.confluent.cloud',
      type: 'A',
      relativeName: '*.az3',
    });
  });

  it('says why a zone-level write is not a record-set change', () => {
    // Prepare
    const raw = sample('record-set-write-by-someone-else');
    const event = parseResourceEvent({
      ...raw,
      data: { ...raw.data, operationName: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks/write' },
    });

    // Act
    const change = recordSetChange(event);

    // Assess
    expect(change).toBe(
      'operation Microsoft.Network/privateDnsZones/virtualNetworkLinks/write is not a Private DNS record-set write or delete',
    );
  });

  it('rejects a record-set operation on a resource that is no record set', () => {
    // Prepare
    const raw = sample('record-set-write-by-someone-else');
    const event = parseResourceEvent({
      ...raw,
      data: { ...raw.data, resourceUri: '/subscriptions/x/resourceGroups/y' },
    });

    // Act
    const act = () => recordSetChange(event);

    // Assess
    expect(act).toThrow(InvalidInputError);
  });
});

describe('parseResourceEvent on fields linkdns does not use (issue 11)', () => {
  it('accepts authorization.evidence as an array, extra fields and no claims or status; the caller comes from the evidence', () => {
    const event = parseResourceEvent(sample('private-endpoint-write.evidence-array'));

    expect(event.operationName).toBe('Microsoft.Network/privateEndpoints/write');
    expect(event.callerObjectId).toBe('9a8b7c6d5e4f4a3b8c2d1e0f9a8b7c6d');
    expect(endpointEventMismatch(event)).toBeUndefined();
  });

  it('accepts claims that are neither an object nor JSON, and reads no caller from them', () => {
    const raw = sample('private-endpoint-write');
    const event = parseResourceEvent({ ...raw, data: { ...raw.data, claims: 'not json', authorization: 'odd' } });

    expect(event.callerObjectId).toBeUndefined();
  });

  it('stays strict on what it uses: a missing operationName or a resourceUri that is no resource id is refused', () => {
    const raw = sample('private-endpoint-write');
    const { operationName: _dropped, ...withoutOperation } = raw.data;

    expect(() => parseResourceEvent({ ...raw, data: withoutOperation })).toThrow(/data\.operationName/);
    expect(() => parseResourceEvent({ ...raw, data: { ...raw.data, resourceUri: 'privateEndpoints/x' } })).toThrow(
      InvalidInputError,
    );
  });
});
