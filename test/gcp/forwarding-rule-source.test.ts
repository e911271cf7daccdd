import { afterEach, describe, expect, it } from 'vitest';
import { ForwardingRuleSource } from '../../functions/gcp/forwarding-rule-source.ts';
import {
  fetchTransport,
  GoogleApiClient,
  type GoogleApiTransport,
  staticToken,
} from '../../functions/gcp/google-api.ts';
import { seedForwardingRules } from '../../local/gcp/seed.ts';
import { type LocalGcp, startLocalGcp } from '../../local/gcp/server.ts';
import { fixtureRules, NETWORK, OTHER_NETWORK, PROJECT, ruleSelfLink } from './gcp-harness.ts';

let gcp: LocalGcp | undefined;

afterEach(async () => {
  await gcp?.close();
  gcp = undefined;
});

const LB_RULE = {
  name: 'web-lb',
  selfLink: ruleSelfLink('web-lb'),
  IPAddress: '10.2.0.50',
  network: NETWORK,
  target: 'https://www.googleapis.com/compute/v1/projects/acme-prod/regions/us-central1/targetHttpProxies/web',
};

async function start(
  options: { regions?: string[]; pageSize?: number } = {},
): Promise<{ local: LocalGcp; source: ForwardingRuleSource }> {
  const local = await startLocalGcp({ pageSize: options.pageSize ?? 100 });
  gcp = local;
  seedForwardingRules(local.state, [...fixtureRules(), LB_RULE]);
  const client = new GoogleApiClient({
    transport: fetchTransport(staticToken('local')),
    roots: { dns: local.baseUrl, compute: local.baseUrl },
  });
  return { local, source: new ForwardingRuleSource({ client, projects: [PROJECT], regions: options.regions ?? [] }) };
}

describe('getEndpoint', () => {
  it('reads a rule named as audit logs name it and observes it as a PSC endpoint', async () => {
    // Prepare
    const { source } = await start();

    // Act
    const endpoint = await source.getEndpoint(
      `projects/${PROJECT}/regions/us-central1/forwardingRules/confluent-psc-us-central1-b`,
    );

    // Assess
    expect(endpoint).toMatchObject({
      cloud: 'gcp',
      id: ruleSelfLink('confluent-psc-us-central1-b'),
      scope: NETWORK,
      state: 'available',
      regional: ['10.2.0.12'],
      zonal: { 'us-central1-b': ['10.2.0.12'] },
    });
  });

  it('is undefined for a rule that is gone; one that is no PSC endpoint comes back as listed, without an IP', async () => {
    // Prepare
    const { source, local } = await start();

    // Act
    const gone = await source.getEndpoint(ruleSelfLink('gone'));
    const loadBalancer = await source.getEndpoint(ruleSelfLink('web-lb'));

    // Assess
    expect(gone).toBeUndefined();
    expect(loadBalancer).toMatchObject({ id: ruleSelfLink('web-lb'), state: 'unknown', regional: [], zonal: {} });
    expect(loadBalancer?.service).not.toContain('/serviceAttachments/');
    expect(local.requests.counts()).toEqual({ 'forwardingRules.get': 2 });
  });
});

describe('listEndpoints', () => {
  it('lists the configured regions, page by page, keeping the PSC endpoints of the scope’s network', async () => {
    // Prepare
    const { source, local } = await start({ regions: ['us-central1', 'us-east4'], pageSize: 2 });
    local.state.compute.putForwardingRule({
      ...fixtureRules()[0],
      name: 'psc-analytics',
      selfLink: ruleSelfLink('psc-analytics'),
      network: OTHER_NETWORK,
    });

    // Act
    const endpoints = await source.listEndpoints('projects/acme-prod/global/networks/kafka-consumers');

    // Assess
    expect(endpoints.map((endpoint) => endpoint.id)).toEqual([
      ruleSelfLink('confluent-psc-us-central1-a'),
      ruleSelfLink('confluent-psc-us-central1-b'),
      ruleSelfLink('confluent-psc-us-central1-c'),
    ]);
    expect(local.requests.counts()).toEqual({ 'forwardingRules.list': 4 });
  });

  it('uses the aggregated list when no region is configured', async () => {
    // Prepare
    const { source, local } = await start();

    // Act
    const endpoints = await source.listEndpoints();

    // Assess
    expect(endpoints).toHaveLength(3);
    expect(local.requests.counts()).toEqual({ 'forwardingRules.aggregatedList': 1 });
  });

  it('refuses an aggregated list that could not reach every region, so no endpoint is taken for deleted', async () => {
    // Prepare: Compute answers with `unreachables` (a narrow fake: the local cloud has no unreachable regions).
    const transport: GoogleApiTransport = {
      request: async () => ({
        status: 200,
        headers: new Headers(),
        body: {
          items: { 'regions/us-central1': { forwardingRules: fixtureRules() } },
          unreachables: ['regions/us-east4'],
        },
      }),
    };
    const source = new ForwardingRuleSource({ client: new GoogleApiClient({ transport }), projects: [PROJECT] });

    // Act
    const listing = source.listEndpoints();

    // Assess
    await expect(listing).rejects.toMatchObject({ name: 'TransientCloudError', retryable: true });
  });
});

describe('a project with load balancers, Google-APIs PSC and other producers beside Confluent (issue 11)', () => {
  const OTHER_PRODUCER = {
    name: 'psc-to-mongodb',
    selfLink: ruleSelfLink('psc-to-mongodb'),
    IPAddress: '10.2.0.60',
    network: NETWORK,
    pscConnectionStatus: 'ACCEPTED',
    target: 'https://www.googleapis.com/compute/v1/projects/p-mongo/regions/us-central1/serviceAttachments/sa-mongo-1',
  };
  const BROKEN_CONFLUENT = {
    name: 'confluent-psc-broken',
    selfLink: ruleSelfLink('confluent-psc-broken'),
    IPAddress: 'fd20:1::5',
    network: NETWORK,
    target:
      'https://www.googleapis.com/compute/v1/projects/cc-sa-6ky22p/regions/us-central1/serviceAttachments/s-6ky22p-service-attachment-us-central1-c',
  };

  it('lists the load balancer as no endpoint, another producer as listed, and a mapped rule it cannot read as unreadable', async () => {
    const local = await startLocalGcp({ pageSize: 100 });
    gcp = local;
    seedForwardingRules(local.state, [...fixtureRules(), LB_RULE, OTHER_PRODUCER, BROKEN_CONFLUENT]);
    const client = new GoogleApiClient({
      transport: fetchTransport(staticToken('local')),
      roots: { dns: local.baseUrl, compute: local.baseUrl },
    });
    const source = new ForwardingRuleSource({
      client,
      projects: [PROJECT],
      select: (endpoint) => endpoint.service.includes('/cc-sa-6ky22p/'),
    });

    const endpoints = await source.listEndpoints(NETWORK);

    const byName = Object.fromEntries(endpoints.map((endpoint) => [endpoint.id.split('/').at(-1), endpoint]));
    expect(Object.keys(byName).sort()).toEqual([
      'confluent-psc-broken',
      'confluent-psc-us-central1-a',
      'confluent-psc-us-central1-b',
      'confluent-psc-us-central1-c',
      'psc-to-mongodb',
    ]);
    expect(byName['confluent-psc-broken']?.unreadable).toContain('is not an IPv4 address');
    expect(byName['psc-to-mongodb']?.unreadable).toBeUndefined();
  });
});
