import { afterEach, describe, expect, it } from 'vitest';
import { seedZone, zoneSnapshot } from '../../local/gcp/seed.ts';
import { type LocalGcp, startLocalGcp } from '../../local/gcp/server.ts';
import { DOMAIN, NETWORK, PROJECT } from './gcp-harness.ts';

/**
 * The Cloud DNS v1 methods `gcloud dns record-sets create/update/delete` and zone management use, and the record-set
 * rules Cloud DNS enforces, over HTTP in Google's error envelope `{ error: { code, message, errors: [{ domain,
 * reason, message }] } }` (https://cloud.google.com/dns/docs/reference/rest/v1, https://cloud.google.com/dns/docs/error-messages).
 */

let gcp: LocalGcp;

afterEach(async () => {
  await gcp.close();
});

// biome-ignore lint/suspicious/noExplicitAny: JSON answers of the API under test, asserted field by field
type Json = any;

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${gcp.baseUrl}${path}`, {
    method,
    headers: { authorization: 'Bearer local', ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

const zonePath = `/dns/v1/projects/${PROJECT}/managedZones/confluent-6ky22p`;
const apex = `${DOMAIN}.`;

async function startWithZone(): Promise<void> {
  gcp = await startLocalGcp();
  seedZone(gcp.state, {
    project: PROJECT,
    name: 'confluent-6ky22p',
    dnsName: DOMAIN,
    visibility: 'private',
    networks: [NETWORK],
  });
}

/** The reason of a Google error answer, checking the envelope on the way. */
function reasonOf(answer: { status: number; body: Json }): string {
  expect(answer.body.error).toMatchObject({ code: answer.status, message: expect.any(String) });
  expect(answer.body.error.errors[0]).toMatchObject({ domain: 'global', message: expect.any(String) });
  return answer.body.error.errors[0].reason;
}

describe('Cloud DNS v1 resourceRecordSets methods', () => {
  it('creates, gets, patches and deletes a record set, each as one change in the history', async () => {
    // Prepare
    await startWithZone();
    const path = `${zonePath}/rrsets/${encodeURIComponent(`app.${apex}`)}/A`;

    // Act
    const created = await call('POST', `${zonePath}/rrsets`, {
      name: `app.${apex}`,
      type: 'A',
      ttl: 60,
      rrdatas: ['10.0.0.1'],
    });
    const fetched = await call('GET', path);
    const patched = await call('PATCH', path, { ttl: 300, rrdatas: ['10.0.0.2', '10.0.0.3'] });
    const afterPatch = zoneSnapshot(gcp.state, PROJECT, 'confluent-6ky22p')['A app'];
    const deleted = await call('DELETE', path);
    const gone = await call('GET', path);
    const history = await call('GET', `${zonePath}/changes`);

    // Assess
    expect(created).toMatchObject({
      status: 200,
      body: { kind: 'dns#resourceRecordSet', name: `app.${apex}`, rrdatas: ['10.0.0.1'] },
    });
    expect(fetched.body).toMatchObject({ ttl: 60, rrdatas: ['10.0.0.1'] });
    expect(patched.body).toMatchObject({ ttl: 300, rrdatas: ['10.0.0.2', '10.0.0.3'] });
    expect(afterPatch).toEqual(['10.0.0.2', '10.0.0.3']);
    expect(deleted.status).toBe(200);
    expect(gone.status).toBe(404);
    expect(reasonOf(gone)).toBe('notFound');
    expect(history.body.kind).toBe('dns#changesListResponse');
    expect(
      history.body.changes.map((change: Json) => [change.id, change.additions.length, change.deletions.length]),
    ).toEqual([
      ['0', 2, 0],
      ['1', 1, 0],
      ['2', 1, 1],
      ['3', 0, 1],
    ]);
  });

  it('refuses to create a record set that exists (409 alreadyExists)', async () => {
    // Prepare
    await startWithZone();
    const body = { name: `app.${apex}`, type: 'A', ttl: 60, rrdatas: ['10.0.0.1'] };
    await call('POST', `${zonePath}/rrsets`, body);

    // Act
    const again = await call('POST', `${zonePath}/rrsets`, body);

    // Assess
    expect(again.status).toBe(409);
    expect(reasonOf(again)).toBe('alreadyExists');
  });
});

describe('Cloud DNS v1 record-set rules', () => {
  it('refuses to delete the apex NS (invalidZoneApex) and leaves the zone as it was', async () => {
    // Prepare
    await startWithZone();
    const before = zoneSnapshot(gcp.state, PROJECT, 'confluent-6ky22p');
    const ns = before['NS @'] ?? [];

    // Act
    const answer = await call('POST', `${zonePath}/changes`, {
      deletions: [{ name: apex, type: 'NS', ttl: 21600, rrdatas: ns }],
    });
    const direct = await call('DELETE', `${zonePath}/rrsets/${encodeURIComponent(apex)}/NS`);

    // Assess
    expect(answer.status).toBe(400);
    expect(reasonOf(answer)).toBe('invalidZoneApex');
    expect(reasonOf(direct)).toBe('invalidZoneApex');
    expect(zoneSnapshot(gcp.state, PROJECT, 'confluent-6ky22p')).toEqual(before);
  });

  it('refuses a wildcard NS (wildcardNotAllowed)', async () => {
    // Prepare
    await startWithZone();

    // Act
    const answer = await call('POST', `${zonePath}/changes`, {
      additions: [{ name: `*.${apex}`, type: 'NS', ttl: 300, rrdatas: ['ns1.example.com.'] }],
    });

    // Assess
    expect(answer.status).toBe(400);
    expect(reasonOf(answer)).toBe('wildcardNotAllowed');
  });

  it('refuses a CNAME beside another type (cnameResourceRecordSetConflict) and a CNAME with two rrdatas (invalidRecordCount)', async () => {
    // Prepare
    await startWithZone();
    await call('POST', `${zonePath}/rrsets`, { name: `*.${apex}`, type: 'A', ttl: 60, rrdatas: ['10.2.0.11'] });

    // Act
    const beside = await call('POST', `${zonePath}/changes`, {
      additions: [{ name: `*.${apex}`, type: 'CNAME', ttl: 60, rrdatas: ['elsewhere.example.com.'] }],
    });
    const two = await call('POST', `${zonePath}/changes`, {
      additions: [{ name: `x.${apex}`, type: 'CNAME', ttl: 60, rrdatas: ['a.example.com.', 'b.example.com.'] }],
    });

    // Assess
    expect(reasonOf(beside)).toBe('cnameResourceRecordSetConflict');
    expect(reasonOf(two)).toBe('invalidRecordCount');
    expect(zoneSnapshot(gcp.state, PROJECT, 'confluent-6ky22p')['CNAME *']).toBeUndefined();
  });
});

describe('Cloud DNS v1 managedZones.patch and delete', () => {
  it('patches the description and labels, answering with a done operation', async () => {
    // Prepare
    await startWithZone();

    // Act
    const answer = await call('PATCH', zonePath, { description: 'Confluent 6ky22p', labels: { team: 'platform' } });
    const zone = await call('GET', zonePath);

    // Assess
    expect(answer.body).toMatchObject({ kind: 'dns#operation', type: 'UPDATE', status: 'DONE' });
    expect(zone.body).toMatchObject({ description: 'Confluent 6ky22p', labels: { team: 'platform' } });
  });

  it('deletes only an empty zone (containerNotEmpty otherwise)', async () => {
    // Prepare
    await startWithZone();
    await call('POST', `${zonePath}/rrsets`, { name: `app.${apex}`, type: 'A', ttl: 60, rrdatas: ['10.0.0.1'] });

    // Act
    const refused = await call('DELETE', zonePath);
    await call('DELETE', `${zonePath}/rrsets/${encodeURIComponent(`app.${apex}`)}/A`);
    const deleted = await call('DELETE', zonePath);
    const gone = await call('GET', zonePath);

    // Assess
    expect(refused.status).toBe(400);
    expect(reasonOf(refused)).toBe('containerNotEmpty');
    expect(deleted.status).toBe(204);
    expect(gone.status).toBe(404);
  });
});

describe('Cloud DNS v1 changes.list', () => {
  it("lists the zone's changes oldest first, newest first with sortOrder=descending, paged with maxResults", async () => {
    // Prepare: https://cloud.google.com/dns/docs/reference/rest/v1/changes/list (what `gcloud dns record-sets
    // changes list` calls)
    await startWithZone();
    for (const ip of ['10.0.0.1', '10.0.0.2']) {
      await call('POST', `${zonePath}/changes`, {
        additions: [{ name: `app${ip.at(-1)}.${apex}`, type: 'A', ttl: 60, rrdatas: [ip] }],
      });
    }

    // Act
    const ascending = await call('GET', `${zonePath}/changes`);
    const descending = await call('GET', `${zonePath}/changes?sortOrder=descending&maxResults=1`);
    const next = await call(
      'GET',
      `${zonePath}/changes?sortOrder=descending&maxResults=1&pageToken=${descending.body.nextPageToken}`,
    );

    // Assess
    expect(ascending.status).toBe(200);
    expect(ascending.body.kind).toBe('dns#changesListResponse');
    const names = (body: Json) => body.changes.map((change: Json) => change.additions[0].name);
    // Change 0 is the zone's creation (its SOA and NS), as Cloud DNS lists it.
    expect(names(ascending.body)).toEqual([apex, `app1.${apex}`, `app2.${apex}`]);
    expect(names(descending.body)).toEqual([`app2.${apex}`]);
    expect(names(next.body)).toEqual([`app1.${apex}`]);
    expect(next.body.nextPageToken).toBeDefined();
    expect(ascending.body.changes[0]).toMatchObject({
      kind: 'dns#change',
      status: expect.stringMatching(/^(pending|done)$/),
    });
  });
});
