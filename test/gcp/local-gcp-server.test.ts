import { afterEach, describe, expect, it } from 'vitest';
import { seedForwardingRules, seedZone, zoneSnapshot } from '../../local/gcp/seed.ts';
import { type LocalGcp, startLocalGcp } from '../../local/gcp/server.ts';
import { DOMAIN, fixtureRules, NETWORK, PROJECT } from './gcp-harness.ts';

let gcp: LocalGcp;

afterEach(async () => {
  await gcp.close();
});

const auth = { authorization: 'Bearer local' };

// biome-ignore lint/suspicious/noExplicitAny: JSON answers of the API under test, asserted field by field
type Json = any;

async function call(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json; headers: Headers }> {
  const response = await fetch(`${gcp.baseUrl}${path}`, {
    method,
    headers: { ...auth, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

const zonePath = `/dns/v1/projects/${PROJECT}/managedZones/confluent-6ky22p`;
const star = (rrdatas: string[], ttl = 60) => ({ name: `*.${DOMAIN}.`, type: 'A', ttl, rrdatas });

async function startWithZone(options: { pageSize?: number } = {}): Promise<void> {
  gcp = await startLocalGcp(options);
  seedZone(gcp.state, {
    project: PROJECT,
    name: 'confluent-6ky22p',
    dnsName: DOMAIN,
    visibility: 'private',
    networks: [NETWORK],
  });
}

describe('Cloud DNS v1', () => {
  it('refuses requests without a bearer token', async () => {
    // Prepare
    await startWithZone();

    // Act
    const response = await fetch(`${gcp.baseUrl}/dns/v1/projects/${PROJECT}/managedZones`);

    // Assess
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 401, errors: [{ reason: 'required' }] } });
  });

  it('lists zones by dnsName, page by page', async () => {
    // Prepare
    await startWithZone({ pageSize: 1 });
    seedZone(gcp.state, { project: PROJECT, name: 'public-6ky22p', dnsName: DOMAIN, visibility: 'public' });
    seedZone(gcp.state, {
      project: PROJECT,
      name: 'other',
      dnsName: 'example.internal',
      visibility: 'private',
      networks: [NETWORK],
    });

    // Act
    const first = await call('GET', `/dns/v1/projects/${PROJECT}/managedZones?dnsName=${DOMAIN}.`);
    const second = await call(
      'GET',
      `/dns/v1/projects/${PROJECT}/managedZones?dnsName=${DOMAIN}.&pageToken=${first.body.nextPageToken}`,
    );

    // Assess
    expect(first.body.managedZones).toMatchObject([
      {
        name: 'confluent-6ky22p',
        visibility: 'private',
        privateVisibilityConfig: { networks: [{ networkUrl: NETWORK }] },
      },
    ]);
    expect(second.body.managedZones).toMatchObject([{ name: 'public-6ky22p', visibility: 'public' }]);
    expect(second.body.nextPageToken).toBeUndefined();
  });

  it('applies a change atomically: pending when created and on the first read, done when read again', async () => {
    // Prepare
    await startWithZone();

    // Act
    const created = await call('POST', `${zonePath}/changes`, { additions: [star(['10.2.0.11'])] });
    const first = await call('GET', `${zonePath}/changes/${created.body.id}`);
    const second = await call('GET', `${zonePath}/changes/${created.body.id}`);

    // Assess
    expect(created.body).toMatchObject({ kind: 'dns#change', id: '1', status: 'pending' });
    expect(first.body.status).toBe('pending');
    expect(second.body.status).toBe('done');
    expect(zoneSnapshot(gcp.state, PROJECT, 'confluent-6ky22p')['A *']).toEqual(['10.2.0.11']);
  });

  it('answers 412 conditionNotMet when a deletion does not match exactly, and applies nothing of the change', async () => {
    // Prepare
    await startWithZone();
    await call('POST', `${zonePath}/changes`, { additions: [star(['10.2.0.11', '10.2.0.12'])] });

    // Act
    const stale = await call('POST', `${zonePath}/changes`, {
      deletions: [star(['10.2.0.11', '10.2.0.12'], 300)],
      additions: [
        star(['10.2.0.11']),
        { name: `*.us-central1-a.${DOMAIN}.`, type: 'A', ttl: 60, rrdatas: ['10.2.0.11'] },
      ],
    });

    // Assess
    expect(stale.status).toBe(412);
    expect(stale.body.error).toMatchObject({
      message: "Precondition not met for 'entity.change.deletions[0]'",
      errors: [{ reason: 'conditionNotMet' }],
    });
    expect(zoneSnapshot(gcp.state, PROJECT, 'confluent-6ky22p')).not.toHaveProperty(['A *.us-central1-a']);
    expect(zoneSnapshot(gcp.state, PROJECT, 'confluent-6ky22p')['A *']).toEqual(['10.2.0.11', '10.2.0.12']);
  });

  it('matches deletions whatever the order of their rrdatas', async () => {
    // Prepare
    await startWithZone();
    await call('POST', `${zonePath}/changes`, { additions: [star(['10.2.0.11', '10.2.0.12'])] });

    // Act
    const response = await call('POST', `${zonePath}/changes`, { deletions: [star(['10.2.0.12', '10.2.0.11'])] });

    // Assess
    expect(response.status).toBe(200);
  });

  it('answers 409 alreadyExists for an addition of an existing name and type, 404 for a deletion of a missing one', async () => {
    // Prepare
    await startWithZone();
    await call('POST', `${zonePath}/changes`, { additions: [star(['10.2.0.11'])] });

    // Act
    const duplicate = await call('POST', `${zonePath}/changes`, { additions: [star(['10.2.0.12'])] });
    const missing = await call('POST', `${zonePath}/changes`, {
      deletions: [{ name: `*.us-central1-b.${DOMAIN}.`, type: 'A', ttl: 60, rrdatas: ['10.2.0.12'] }],
    });

    // Assess
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.message).toBe(
      `The resource 'entity.change.additions[0]' named '*.${DOMAIN}. (A)' already exists`,
    );
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain("'entity.change.deletions[0]' resource named");
  });

  it('lists record sets page by page, filtered by name and type, the apex SOA and NS included', async () => {
    // Prepare
    await startWithZone({ pageSize: 2 });
    await call('POST', `${zonePath}/changes`, { additions: [star(['10.2.0.11'])] });

    // Act
    const first = await call('GET', `${zonePath}/rrsets`);
    const second = await call('GET', `${zonePath}/rrsets?pageToken=${first.body.nextPageToken}`);
    const filtered = await call('GET', `${zonePath}/rrsets?name=*.${DOMAIN}.&type=A`);
    const typeOnly = await call('GET', `${zonePath}/rrsets?type=A`);

    // Assess
    expect([...first.body.rrsets, ...second.body.rrsets].map((rrset: { type: string }) => rrset.type).sort()).toEqual([
      'A',
      'NS',
      'SOA',
    ]);
    expect(filtered.body.rrsets).toEqual([{ kind: 'dns#resourceRecordSet', ...star(['10.2.0.11']) }]);
    expect(typeOnly.status).toBe(400);
  });

  it('creates a private zone bound to the networks given, with its SOA and NS', async () => {
    // Prepare
    gcp = await startLocalGcp();

    // Act
    const created = await call('POST', `/dns/v1/projects/${PROJECT}/managedZones`, {
      name: 'linkdns-zone',
      dnsName: `${DOMAIN}.`,
      visibility: 'private',
      privateVisibilityConfig: { networks: [{ networkUrl: NETWORK }] },
      labels: { 'linkdns-created': 'prod' },
    });
    const again = await call('POST', `/dns/v1/projects/${PROJECT}/managedZones`, {
      name: 'linkdns-zone',
      dnsName: `${DOMAIN}.`,
    });

    // Assess
    expect(created.body).toMatchObject({
      name: 'linkdns-zone',
      visibility: 'private',
      labels: { 'linkdns-created': 'prod' },
    });
    expect(Object.keys(zoneSnapshot(gcp.state, PROJECT, 'linkdns-zone')).sort()).toEqual(['NS @', 'SOA @']);
    expect(again.status).toBe(409);
  });

  it('injects 429 with Retry-After and logs the faulted request', async () => {
    // Prepare
    await startWithZone();
    gcp.faults.add({ operation: 'resourceRecordSets.list', status: 429, headers: { 'retry-after': '7' } });

    // Act
    const throttled = await call('GET', `${zonePath}/rrsets`);
    const next = await call('GET', `${zonePath}/rrsets`);

    // Assess
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('7');
    expect(throttled.body.error.errors[0].reason).toBe('rateLimitExceeded');
    expect(next.status).toBe(200);
    expect(gcp.requests.entries.map((entry) => [entry.operation, entry.status, entry.faulted ?? false])).toEqual([
      ['resourceRecordSets.list', 429, true],
      ['resourceRecordSets.list', 200, false],
    ]);
  });
  it('adds injected latency and then answers normally', async () => {
    // Prepare
    await startWithZone();
    gcp.faults.add({ operation: 'managedZones.get', latencyMs: 150 });

    // Act
    const started = Date.now();
    const response = await call('GET', zonePath);

    // Assess
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(response.body).toMatchObject({ name: 'confluent-6ky22p', dnsName: `${DOMAIN}.` });
    expect(gcp.faults.pending()).toBe(0);
  });
});

describe('Compute v1 forwarding rules', () => {
  const rules = `/compute/v1/projects/${PROJECT}/regions/us-central1/forwardingRules`;

  it('gets a rule, and answers 404 notFound for one that does not exist', async () => {
    // Prepare
    gcp = await startLocalGcp();
    seedForwardingRules(gcp.state, fixtureRules());

    // Act
    const found = await call('GET', `${rules}/confluent-psc-us-central1-a`);
    const missing = await call('GET', `${rules}/gone`);

    // Assess
    expect(found.body).toMatchObject({
      name: 'confluent-psc-us-central1-a',
      IPAddress: '10.2.0.11',
      pscConnectionStatus: 'ACCEPTED',
    });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({
      message: `The resource 'projects/${PROJECT}/regions/us-central1/forwardingRules/gone' was not found`,
      errors: [{ reason: 'notFound' }],
    });
  });

  it('lists a region page by page and applies a filter', async () => {
    // Prepare
    gcp = await startLocalGcp({ pageSize: 2 });
    seedForwardingRules(gcp.state, fixtureRules());

    // Act
    const first = await call('GET', rules);
    const second = await call('GET', `${rules}?pageToken=${first.body.nextPageToken}`);
    const filtered = await call(
      'GET',
      `${rules}?filter=${encodeURIComponent('(IPAddress = "10.2.0.12") (pscConnectionStatus = "ACCEPTED")')}`,
    );
    const regex = await call('GET', `${rules}?filter=${encodeURIComponent('name eq .*-c')}`);

    // Assess
    expect(first.body.items).toHaveLength(2);
    expect(second.body.items).toHaveLength(1);
    expect(filtered.body.items.map((rule: { name: string }) => rule.name)).toEqual(['confluent-psc-us-central1-b']);
    expect(regex.body.items.map((rule: { name: string }) => rule.name)).toEqual(['confluent-psc-us-central1-c']);
  });

  it('lists every region in the aggregated list, keyed by region', async () => {
    // Prepare
    gcp = await startLocalGcp();
    seedForwardingRules(gcp.state, fixtureRules());
    gcp.state.compute.putForwardingRule({
      name: 'psc-east',
      selfLink: `https://www.googleapis.com/compute/v1/projects/${PROJECT}/regions/us-east4/forwardingRules/psc-east`,
      IPAddress: '10.3.0.5',
    });

    // Act
    const response = await call('GET', `/compute/v1/projects/${PROJECT}/aggregated/forwardingRules`);

    // Assess
    expect(Object.keys(response.body.items)).toEqual(['regions/us-central1', 'regions/us-east4']);
    expect(response.body.items['regions/us-central1'].forwardingRules).toHaveLength(3);
  });
});
