import { afterEach, describe, expect, it } from 'vitest';
import { recordSet } from '../../functions/core/model.ts';
import { NO_CHANGES } from '../../functions/core/plan.ts';
import type { ChangeLog } from '../../functions/core/ports.ts';
import { readRegistry, registryRecord } from '../../functions/core/registry.ts';
import { CloudDnsZones, managedZoneName } from '../../functions/gcp/cloud-dns-zones.ts';
import {
  fetchTransport,
  GoogleApiClient,
  type GoogleRetryPolicy,
  staticToken,
} from '../../functions/gcp/google-api.ts';
import { seedZone } from '../../local/gcp/seed.ts';
import { type LocalGcp, startLocalGcp } from '../../local/gcp/server.ts';
import { abortOnFirstRetry } from '../support/abort-on-retry.ts';
import { BUILT_IN_PRODUCIBLE } from '../support/producible.ts';
import { DOMAIN, NETWORK, OTHER_NETWORK, PROJECT } from './gcp-harness.ts';

let gcp: LocalGcp;
let running = false;

afterEach(async () => {
  if (running) await gcp.close();
  running = false;
});

const OWNER = 'linkdns-gcp-prod';

async function start(
  options: { pageSize?: number; retry?: Partial<GoogleRetryPolicy>; log?: ChangeLog } = {},
): Promise<CloudDnsZones> {
  gcp = await startLocalGcp({ pageSize: options.pageSize ?? 100 });
  running = true;
  const client = new GoogleApiClient({
    transport: fetchTransport(staticToken('local')),
    roots: { dns: gcp.baseUrl, compute: gcp.baseUrl },
    retry: { baseDelayMs: 1, maxDelayMs: 5, ...options.retry },
    ...(options.log ? { log: options.log } : {}),
  });
  return new CloudDnsZones({ client, project: PROJECT, owner: OWNER, pollIntervalMs: 1 });
}

function seedPrivate(name: string, networks: string[] = [NETWORK], dnsName = DOMAIN): void {
  seedZone(gcp.state, { project: PROJECT, name, dnsName, visibility: 'private', networks });
}

describe('findZone', () => {
  it('finds the private zone bound to the network, never the public one of the same name', async () => {
    // Prepare
    const dns = await start();
    seedZone(gcp.state, { project: PROJECT, name: 'a-public', dnsName: DOMAIN, visibility: 'public' });
    seedPrivate('for-analytics', [OTHER_NETWORK]);
    seedPrivate('for-kafka', [OTHER_NETWORK, 'projects/acme-prod/global/networks/kafka-consumers']);

    // Act
    const found = await dns.findZone(DOMAIN, NETWORK, { create: false });

    // Assess
    expect(found).toEqual({ id: 'for-kafka', domain: DOMAIN });
    expect(gcp.requests.counts()).toEqual({ 'managedZones.list': 1 });
    expect(gcp.requests.entries[0]?.query).toBe(`?dnsName=${encodeURIComponent(`${DOMAIN}.`)}`);
  });

  it('finds nothing, and creates nothing, for a network no zone of that name is bound to', async () => {
    // Prepare
    const dns = await start();
    seedPrivate('for-analytics', [OTHER_NETWORK]);

    // Act
    const found = await dns.findZone(DOMAIN, NETWORK, { create: false });

    // Assess
    expect(found).toBeUndefined();
    expect(gcp.requests.writes()).toEqual([]);
  });

  it('refuses to choose between two private zones of one name bound to the same network', async () => {
    // Prepare
    const dns = await start();
    seedPrivate('one');
    seedPrivate('two');

    // Act
    const found = dns.findZone(DOMAIN, NETWORK, { create: false });

    // Assess
    await expect(found).rejects.toMatchObject({ name: 'AmbiguousZoneError' });
  });

  it('creates a new zone beside a same-named private zone of another network instead of rebinding it', async () => {
    // Prepare
    const dns = await start();
    seedPrivate('for-analytics', [OTHER_NETWORK]);

    // Act
    const created = await dns.findZone(DOMAIN, NETWORK, { create: true });

    // Assess
    expect(created).toEqual({ id: managedZoneName(DOMAIN, NETWORK), domain: DOMAIN });
    expect(gcp.state.dns.zone(PROJECT, 'for-analytics').networks).toEqual([OTHER_NETWORK]);
    expect(gcp.state.dns.zone(PROJECT, created?.id ?? '').networks).toEqual([NETWORK]);
  });

  it('uses the zone a concurrent run created first (409 on create)', async () => {
    // Prepare
    const dns = await start();
    gcp.faults.add({
      operation: 'managedZones.create',
      before: (state) =>
        state.dns.createZone(PROJECT, {
          name: managedZoneName(DOMAIN, NETWORK),
          dnsName: `${DOMAIN}.`,
          visibility: 'private',
          networks: [NETWORK],
        }),
    });

    // Act
    const created = await dns.findZone(DOMAIN, NETWORK, { create: true });

    // Assess
    expect(created?.id).toBe(managedZoneName(DOMAIN, NETWORK));
    expect(gcp.requests.entries.map((entry) => `${entry.operation} ${entry.status}`)).toEqual([
      'managedZones.list 200',
      'managedZones.create 409',
      'managedZones.list 200',
    ]);
  });
});

describe('managedZoneName', () => {
  it.each([
    [DOMAIN, NETWORK],
    [`${'very-long-label.'.repeat(10)}example.com`, NETWORK],
  ])('makes a valid managed-zone name for %s', (domain, network) => {
    // Act
    const name = managedZoneName(domain, network);

    // Assess
    expect(name).toMatch(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
    expect(name).not.toBe(managedZoneName(domain, OTHER_NETWORK));
  });
});

describe('listZones and readRecords', () => {
  it('lists the private zones of the managed domains across pages, public ones left out', async () => {
    // Prepare
    const dns = await start({ pageSize: 1 });
    seedPrivate('confluent');
    seedPrivate('nested', [NETWORK], `lkc-1.${DOMAIN}`);
    seedPrivate('unrelated', [NETWORK], 'example.internal');
    seedZone(gcp.state, { project: PROJECT, name: 'public', dnsName: DOMAIN, visibility: 'public' });

    // Act
    const zones = await dns.listZones([DOMAIN]);

    // Assess
    expect(zones).toEqual([
      { id: 'confluent', domain: DOMAIN },
      { id: 'nested', domain: `lkc-1.${DOMAIN}` },
    ]);
    expect(gcp.requests.counts()).toEqual({ 'managedZones.list': 4 });
  });

  it('reads every record set across pages', async () => {
    // Prepare
    const dns = await start({ pageSize: 2 });
    seedPrivate('confluent');
    for (const zone of ['a', 'b', 'c']) {
      gcp.state.dns.putRecordSet(PROJECT, 'confluent', {
        name: `*.us-central1-${zone}.${DOMAIN}`,
        type: 'A',
        ttl: 60,
        rrdatas: ['10.0.0.1'],
      });
    }

    // Act
    const records = await dns.readRecords({ id: 'confluent', domain: DOMAIN });

    // Assess
    expect(records.map((record) => `${record.type} ${record.name}`)).toHaveLength(5);
    expect(gcp.requests.counts()).toEqual({ 'resourceRecordSets.list': 3 });
  });

  it('reports a zone deleted meanwhile as ZoneNotFoundError', async () => {
    // Prepare
    const dns = await start();

    // Act
    const read = dns.readRecords({ id: 'gone', domain: DOMAIN });

    // Assess
    await expect(read).rejects.toMatchObject({ name: 'ZoneNotFoundError', retryable: false });
  });
});

describe('applyChanges', () => {
  const zone = { id: 'confluent', domain: DOMAIN };
  const star = recordSet(`*.${DOMAIN}`, 'A', 60, ['10.2.0.11']);

  it('refuses to delete a record the registry does not list as ours, and sends nothing', async () => {
    // Prepare
    const dns = await start();
    seedPrivate('confluent');
    gcp.state.dns.putRecordSet(PROJECT, 'confluent', {
      name: `*.${DOMAIN}`,
      type: 'A',
      ttl: 60,
      rrdatas: ['10.2.0.11'],
    });
    await dns.readRecords(zone);
    gcp.requests.clear();

    // Act
    const apply = dns.applyChanges(
      zone,
      { ...NO_CHANGES, delete: [star] },
      { owner: OWNER, registry: undefined, adoptExisting: false, producible: BUILT_IN_PRODUCIBLE },
    );

    // Assess
    await expect(apply).rejects.toMatchObject({ name: 'OwnershipError' });
    expect(gcp.requests.entries).toEqual([]);
  });

  it('turns a stale deletion into ConcurrentChangeError (412 conditionNotMet)', async () => {
    // Prepare
    const dns = await start();
    seedPrivate('confluent');
    gcp.state.dns.putRecordSet(PROJECT, 'confluent', {
      name: `*.${DOMAIN}`,
      type: 'A',
      ttl: 60,
      rrdatas: ['10.2.0.11'],
    });
    const registry = registryRecord(
      { owner: OWNER, scope: NETWORK, endpoints: [], records: [{ name: star.name, type: 'A' }] },
      DOMAIN,
      300,
    );
    if (!registry) throw new Error('no registry');
    gcp.state.dns.putRecordSet(PROJECT, 'confluent', {
      name: `_linkdns.${DOMAIN}`,
      type: 'TXT',
      ttl: 300,
      rrdatas: registry.values.map((value) => `"${value}"`),
    });
    const read = await dns.readRecords(zone);
    gcp.state.dns.removeRecordSet(PROJECT, 'confluent', `*.${DOMAIN}`, 'A');
    gcp.state.dns.putRecordSet(PROJECT, 'confluent', {
      name: `*.${DOMAIN}`,
      type: 'A',
      ttl: 60,
      rrdatas: ['10.2.0.99'],
    });

    // Act
    const apply = dns.applyChanges(
      zone,
      { ...NO_CHANGES, delete: [star] },
      { owner: OWNER, registry: readRegistry(read, DOMAIN), adoptExisting: false, producible: BUILT_IN_PRODUCIBLE },
    );

    // Assess
    await expect(apply).rejects.toMatchObject({ name: 'ConcurrentChangeError', retryable: true });
    expect(gcp.requests.writes().map((entry) => entry.status)).toEqual([412]);
  });

  it('polls changes.get until a pending change is done', async () => {
    // Prepare
    gcp = await startLocalGcp({ changeDoneAfterMs: 30 });
    running = true;
    const client = new GoogleApiClient({
      transport: fetchTransport(staticToken('local')),
      roots: { dns: gcp.baseUrl, compute: gcp.baseUrl },
    });
    const dns = new CloudDnsZones({ client, project: PROJECT, owner: OWNER, pollIntervalMs: 10 });
    seedPrivate('confluent');
    const registry = registryRecord(
      { owner: OWNER, scope: NETWORK, endpoints: [], records: [{ name: star.name, type: 'A' }] },
      DOMAIN,
      300,
    );

    // Act
    await dns.applyChanges(
      zone,
      { ...NO_CHANGES, create: [star, ...(registry ? [registry] : [])] },
      { owner: OWNER, registry: undefined, adoptExisting: false, producible: BUILT_IN_PRODUCIBLE },
    );

    // Assess
    expect(gcp.requests.counts()['changes.get']).toBeGreaterThanOrEqual(2);
    expect(gcp.requests.entries.at(-1)?.operation).toBe('changes.get');
  });
});

describe('throttling and errors', () => {
  it('gives up at once, retryable, when Retry-After is longer than linkdns waits', async () => {
    // Prepare
    const dns = await start({ retry: { maxRetryAfterMs: 1_000 } });
    seedPrivate('confluent');
    gcp.faults.add({ operation: 'managedZones.list', status: 429, headers: { 'retry-after': '120' } });

    // Act
    const found = dns.findZone(DOMAIN, NETWORK, { create: false });

    // Assess
    await expect(found).rejects.toMatchObject({ name: 'TransientCloudError', retryable: true });
    expect(gcp.requests.counts()).toEqual({ 'managedZones.list': 1 });
  });

  it('stops waiting as soon as the invocation is cancelled', async () => {
    // Prepare
    // The invocation runs out of time once the 503 is in and the 30 s Retry-After wait has begun (the client logs the
    // retry just before it waits): a timer racing the request could abort the request itself on a loaded machine.
    const controller = new AbortController();
    const { log, retries } = abortOnFirstRetry(controller, new Error('invocation timed out'));
    const dns = await start({ log });
    seedPrivate('confluent');
    gcp.faults.add({ operation: 'managedZones.list', status: 503, headers: { 'retry-after': '30' } });

    // Act
    const started = Date.now();
    const found = dns.findZone(DOMAIN, NETWORK, { create: false, signal: controller.signal });

    // Assess
    await expect(found).rejects.toThrow('invocation timed out');
    expect(retries).toMatchObject([{ attempt: 1, delayMs: 30_000, status: 503 }]);
    // Just below the 30 s wait it proves was cut short.
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(gcp.requests.counts()).toEqual({ 'managedZones.list': 1 });
  });

  it('retries a 403 rateLimitExceeded but not a 403 forbidden, which names the roles needed', async () => {
    // Prepare
    const dns = await start();
    seedPrivate('confluent');
    gcp.faults.add({ operation: 'managedZones.list', status: 403, reason: 'rateLimitExceeded' });
    gcp.faults.add({ operation: 'resourceRecordSets.list', status: 403, reason: 'forbidden', message: 'Forbidden' });

    // Act
    const found = await dns.findZone(DOMAIN, NETWORK, { create: false });
    const read = dns.readRecords({ id: 'confluent', domain: DOMAIN });

    // Assess
    expect(found?.id).toBe('confluent');
    await expect(read).rejects.toMatchObject({ name: 'GoogleApiError', status: 403, retryable: false });
    await expect(dns.readRecords({ id: 'confluent', domain: DOMAIN })).resolves.toHaveLength(2);
    expect(gcp.requests.entries.map((entry) => `${entry.operation} ${entry.status}`)).toEqual([
      'managedZones.list 403',
      'managedZones.list 200',
      'resourceRecordSets.list 403',
      'resourceRecordSets.list 200',
    ]);
  });
});
