import { afterEach, describe, expect, it } from 'vitest';
import {
  ConfluentAuthError,
  ConfluentCloudClient,
  ConfluentUnavailableError,
} from '../../functions/confluent/cloud-api.ts';
import {
  cachedDiscovery,
  discoverMappings,
  servicePattern,
  withDiscoveredMappings,
} from '../../functions/confluent/discovery.ts';
import { globMatches, parseConfig } from '../../functions/core/config.ts';
import { ConfigError, isRetryable } from '../../functions/core/errors.ts';
import { CONFLUENT_SCENARIO, seedConfluentScenario } from '../../local/confluent/seed.ts';
import { type LocalConfluent, startLocalConfluent } from '../../local/confluent/server.ts';

let local: LocalConfluent | undefined;

afterEach(async () => {
  await local?.close();
  local = undefined;
});

const now = () => new Date('2026-11-30T06:00:00Z');

async function start(options: { pageSize?: number; secret?: string } = {}) {
  local = await startLocalConfluent();
  seedConfluentScenario(local.state);
  const client = new ConfluentCloudClient({
    baseUrl: local.baseUrl,
    credentials: { apiKey: CONFLUENT_SCENARIO.apiKey, apiSecret: options.secret ?? CONFLUENT_SCENARIO.apiSecret },
    pageSize: options.pageSize ?? 100,
    baseDelayMs: 1,
  });
  return { local, client };
}

describe('discovery against the local Confluent Cloud', () => {
  it('pages through networks and attachments and derives every mapping, skipping what is not ready', async () => {
    const { local, client } = await start({ pageSize: 2 });
    const discovery = await discoverMappings(client, [CONFLUENT_SCENARIO.environment], now);

    expect(discovery.mappings.map((m) => `${m.cloud} ${m.source} ${m.layout} ${m.zone ?? '-'} ${m.domain}`)).toEqual([
      'aws n-pr1jy6 zonal - pr1jy6.us-east-2.aws.confluent.cloud',
      'gcp n-6ky22p zonal us-central1-a 6ky22p.us-central1.gcp.confluent.cloud',
      'gcp n-6ky22p zonal us-central1-b 6ky22p.us-central1.gcp.confluent.cloud',
      'gcp n-6ky22p zonal us-central1-c 6ky22p.us-central1.gcp.confluent.cloud',
      'azure n-p8xo76 zonal az1 p8xo76.centralus.azure.confluent.cloud',
      'azure n-p8xo76 zonal az2 p8xo76.centralus.azure.confluent.cloud',
      'azure n-p8xo76 zonal az3 p8xo76.centralus.azure.confluent.cloud',
      'azure platt-r4t8k regional - centralus.azure.private.confluent.cloud',
    ]);
    expect(discovery.skipped.map((s) => `${s.id}: ${s.reason}`)).toEqual([
      'n-w9q3e1: phase PROVISIONING: contributes once READY',
      'platt-x0expd: phase EXPIRED: contributes while WAITING_FOR_CONNECTIONS or READY',
    ]);
    // 4 networks at 2 per page: 2 pages; 2 attachments: 1 page.
    expect(local.requests.counts()).toEqual({ 'networks.list': 2, 'private-link-attachments.list': 1 });
    expect(discovery.apiCalls).toBe(3);
    expect(local.requests.entries.every((entry) => entry.status === 200)).toBe(true);
  });

  it('stops at 401 with a message naming the credentials, and does not retry', async () => {
    const { local, client } = await start({ secret: 'wrong' });
    const failure = discoverMappings(client, [CONFLUENT_SCENARIO.environment], now);
    await expect(failure).rejects.toThrow(ConfluentAuthError);
    await expect(failure).rejects.toThrow(
      /rejected the Cloud API key \(401: Valid authentication credentials must be provided\).*CONFLUENT_CLOUD_API_KEY/,
    );
    expect(local.requests.entries.filter((entry) => entry.status === 401)).toHaveLength(1); // the first list, not retried
  });

  it('names an environment the key may not read (403)', async () => {
    const { client } = await start();
    await expect(discoverMappings(client, ['env-nope1'], now)).rejects.toThrow(
      /refused GET \/networking\/v1\/networks\?environment=env-nope1 \(403: Forbidden Access to environment 'env-nope1'\): the environment does not exist/,
    );
  });

  it('waits as 429 Retry-After says, then goes on', async () => {
    const { local, client } = await start();
    local.faults.add({ operation: 'networks.list', status: 429, headers: { 'retry-after': '1' } });
    const started = Date.now();
    const discovery = await discoverMappings(client, [CONFLUENT_SCENARIO.environment], now);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(discovery.mappings).toHaveLength(8);
    expect(local.requests.entries.filter((entry) => entry.operation === 'networks.list').map((e) => e.status)).toEqual([
      429, 200,
    ]);
    expect(discovery.apiCalls).toBe(3);
  });

  it('gives up at once on a Retry-After longer than it waits, as retryable', async () => {
    const { local, client } = await start();
    local.faults.add({ operation: 'networks.list', status: 429, headers: { 'retry-after': '600' } });
    const error = await discoverMappings(client, [CONFLUENT_SCENARIO.environment], now).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfluentUnavailableError);
    expect(isRetryable(error)).toBe(true);
    expect((error as Error).message).toMatch(/Retry-After 600 s is longer than linkdns waits/);
  });

  it('reports an outage (503 on every attempt) as retryable after its attempts', async () => {
    const { local, client } = await start();
    local.faults.add({ status: 503, times: 20 });
    const error = await discoverMappings(client, [CONFLUENT_SCENARIO.environment], now).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfluentUnavailableError);
    expect((error as Error).message).toMatch(/503 .* \(still failing after 4 attempts\)/);
  });

  it('never sends the credentials to a host a next link names', async () => {
    const seen: string[] = [];
    const client = new ConfluentCloudClient({
      baseUrl: 'http://127.0.0.1:9',
      credentials: { apiKey: 'k', apiSecret: 's' },
      fetch: async (url) => {
        seen.push(String(url));
        const page =
          seen.length === 1 ? { data: [], metadata: { next: 'https://evil.example/x?page_token=p2' } } : { data: [] };
        return new Response(JSON.stringify(page), { status: 200 });
      },
    });
    await client.listAll('/networking/v1/networks', 'env-1');
    expect(seen[1]).toMatch(
      /^http:\/\/127\.0\.0\.1:9\/networking\/v1\/networks\?environment=env-1&page_size=100&page_token=p2$/,
    );
  });
});

describe('cachedDiscovery', () => {
  it('discovers once per max age, then reports what vanished', async () => {
    const { local, client } = await start();
    let clock = Date.parse('2026-11-30T06:00:00Z');
    const tick = () => new Date(clock);
    const discover = cachedDiscovery(
      (signal) => discoverMappings(client, [CONFLUENT_SCENARIO.environment], tick, signal),
      {
        maxAgeMs: 300_000,
        now: tick,
      },
    );
    expect((await discover()).apiCalls).toBe(2);
    clock += 60_000;
    const cached = await discover();
    expect([cached.cached, cached.apiCalls, cached.mappings.length]).toEqual([true, 0, 8]);
    local.state.remove(CONFLUENT_SCENARIO.environment, CONFLUENT_SCENARIO.networks.gcp);
    clock += 300_000;
    const fresh = await discover();
    expect([fresh.cached, fresh.apiCalls, fresh.mappings.length, fresh.vanished]).toEqual([false, 2, 5, ['n-6ky22p']]);
  });
});

describe('withDiscoveredMappings', () => {
  const found = {
    cloud: 'aws' as const,
    service: 'com.amazonaws.vpce.us-east-2.vpce-svc-0089db43e25590123',
    domain: 'pr1jy6.us-east-2.aws.confluent.cloud',
    layout: 'zonal' as const,
    source: 'n-pr1jy6',
    environment: 'env-gz903',
    advertisedZones: ['use2-az1', 'use2-az2', 'use2-az3'],
  };

  it('puts discovered mappings first, with their zone facts and where they came from', () => {
    const config = withDiscoveredMappings(parseConfig({ owner: 'o' }), [found]);
    expect(config.mappings).toEqual([
      {
        service: found.service,
        domain: found.domain,
        layout: 'zonal',
        cloud: 'aws',
        advertisedZones: ['use2-az1', 'use2-az2', 'use2-az3'],
        origin: 'confluent n-pr1jy6 env-gz903',
      },
    ]);
  });

  it('accepts a typed mapping that agrees', () => {
    const typed = parseConfig({ owner: 'o', mappings: [{ service: found.service, domain: found.domain }] });
    expect(withDiscoveredMappings(typed, [found]).mappings).toHaveLength(2);
  });

  it('refuses a typed mapping that disagrees, naming both', () => {
    const typed = parseConfig({
      owner: 'o',
      mappings: [{ service: 'com.amazonaws.vpce.us-east-2.*', domain: 'other.example.com' }],
    });
    const error = (() => {
      try {
        withDiscoveredMappings(typed, [found]);
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'mappings.0 (com.amazonaws.vpce.us-east-2.* → other.example.com, zonal) conflicts with Confluent n-pr1jy6 in ' +
        'env-gz903 (com.amazonaws.vpce.us-east-2.vpce-svc-0089db43e25590123 → pr1jy6.us-east-2.aws.confluent.cloud, zonal)',
    ]);
  });

  it('matches a PSC attachment path against the forwarding rule target URL', () => {
    const pattern = servicePattern({ cloud: 'gcp', service: 'projects/p/regions/r/serviceAttachments/s-a' });
    expect(
      globMatches(pattern, 'https://www.googleapis.com/compute/v1/projects/p/regions/r/serviceAttachments/s-a'),
    ).toBe(true);
    expect(
      globMatches(pattern, 'https://compute.googleapis.com/compute/v1/projects/p/regions/r/serviceAttachments/s-a'),
    ).toBe(true);
    expect(
      globMatches(pattern, 'https://www.googleapis.com/compute/v1/projects/p/regions/r/serviceAttachments/s-b'),
    ).toBe(false);
  });
});
