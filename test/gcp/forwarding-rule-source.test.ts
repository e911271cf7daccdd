import { afterEach, describe, expect, it } from 'vitest';
import type { EndpointPage } from '../../functions/core/ports.ts';
import { ForwardingRuleSource } from '../../functions/gcp/forwarding-rule-source.ts';
import { networkPath } from '../../functions/gcp/gcp-resource-names.ts';
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
  options: { regions?: string[]; pageSize?: number; projects?: string[] } = {},
): Promise<{ local: LocalGcp; source: ForwardingRuleSource }> {
  const local = await startLocalGcp({ pageSize: options.pageSize ?? 100 });
  gcp = local;
  seedForwardingRules(local.state, [...fixtureRules(), LB_RULE]);
  const client = new GoogleApiClient({
    transport: fetchTransport(staticToken('local')),
    roots: { dns: local.baseUrl, compute: local.baseUrl },
  });
  const projects = options.projects ?? [PROJECT];
  return { local, source: new ForwardingRuleSource({ client, projects, regions: options.regions ?? [] }) };
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
    // Compute filters by network: the four rules of the scope's network fill two pages of us-central1, one of us-east4.
    expect(local.requests.counts()).toEqual({ 'forwardingRules.list': 3 });
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

/** A PSC endpoint of the scenario's producer in `project` and `region`, as Compute lists it. */
function pscRule(project: string, region: string, name: string, ip: string): Record<string, unknown> {
  const regionUrl = `https://www.googleapis.com/compute/v1/projects/${project}/regions/${region}`;
  return {
    ...fixtureRules()[0],
    name,
    id: String(9_000_000_000 + Number(ip.split('.').at(-1))),
    IPAddress: ip,
    region: regionUrl,
    selfLink: `${regionUrl}/forwardingRules/${name}`,
  };
}

async function pagesOf(pages: AsyncIterable<EndpointPage>): Promise<EndpointPage[]> {
  const collected: EndpointPage[] = [];
  for await (const page of pages) collected.push(page);
  return collected;
}

const idsOf = (pages: readonly EndpointPage[]) =>
  pages.flatMap((page) => page.endpoints.map((endpoint) => endpoint.id));

describe('listEndpointPages (issue 14: a listing a worker carries on)', () => {
  it('yields one Compute page at a time, every page (one without an endpoint too), concatenating to listEndpoints', async () => {
    // Prepare: one rule per page; us-central1 holds the three PSC endpoints and the load balancer, us-east4 one more
    const { source, local } = await start({ regions: ['us-central1', 'us-east4'], pageSize: 1 });
    local.state.compute.putForwardingRule(pscRule(PROJECT, 'us-east4', 'psc-east', '10.4.0.9'));

    // Act
    const pages = await pagesOf(source.listEndpointPages());
    const listRequests = local.requests.counts()['forwardingRules.list'];
    const endpoints = await source.listEndpoints();

    // Assess: five pages, five requests; the load balancer's page is there, empty, and moves the cursor on
    expect(pages).toHaveLength(5);
    expect(listRequests).toBe(5);
    expect(pages.filter((page) => page.endpoints.length === 0)).toHaveLength(1);
    expect(idsOf(pages)).toEqual(endpoints.map((endpoint) => endpoint.id));
    expect(idsOf(pages)).toHaveLength(4);
    expect(pages.slice(0, -1).every((page) => page.next !== undefined)).toBe(true);
    expect(pages.at(-1)?.next).toBeUndefined();
    // The last page of us-central1 hands out the start of us-east4, the others the part and Compute's page token
    expect(pages.map((page) => page.next?.replace(/\.[^.]+$/, '.<token>'))).toEqual([
      '0.0.<token>',
      '0.0.<token>',
      '0.0.<token>',
      '0.1.',
      undefined,
    ]);
  });

  it('lists from a page’s cursor exactly the pages after it, each once', async () => {
    // Prepare
    const { source, local } = await start({ regions: ['us-central1', 'us-east4'], pageSize: 1 });
    local.state.compute.putForwardingRule(pscRule(PROJECT, 'us-east4', 'psc-east', '10.4.0.9'));
    const pages = await pagesOf(source.listEndpointPages());
    local.requests.clear();

    // Act
    const rest = await pagesOf(source.listEndpointPages(undefined, undefined, pages[0]?.next));

    // Assess: the same pages as the whole listing from the second on, in four requests
    expect(rest).toEqual(pages.slice(1));
    expect(local.requests.counts()).toEqual({ 'forwardingRules.list': 4 });
    const tokens = local.requests.entries.map((entry) => new URLSearchParams(entry.query).get('pageToken'));
    expect(tokens[0]).not.toBeNull();
  });

  it('crosses from one region to the next: from the start of us-east4 only us-east4 is listed', async () => {
    // Prepare
    const { source, local } = await start({ regions: ['us-central1', 'us-east4'], pageSize: 2 });
    local.state.compute.putForwardingRule(pscRule(PROJECT, 'us-east4', 'psc-east', '10.4.0.9'));
    const pages = await pagesOf(source.listEndpointPages());
    const startOfEast = pages.find((page) => page.next === '0.1.')?.next;
    local.requests.clear();

    // Act
    const rest = await pagesOf(source.listEndpointPages(undefined, undefined, startOfEast));

    // Assess
    expect(startOfEast).toBe('0.1.');
    expect(idsOf(rest)).toEqual([
      'https://www.googleapis.com/compute/v1/projects/acme-prod/regions/us-east4/forwardingRules/psc-east',
    ]);
    expect(local.requests.entries.map((entry) => entry.path)).toEqual([
      '/compute/v1/projects/acme-prod/regions/us-east4/forwardingRules',
    ]);
  });

  it('crosses from one project to the next through the aggregated lists', async () => {
    // Prepare: a second project with two PSC endpoints, two rules per page
    const { source, local } = await start({ projects: [PROJECT, 'acme-data'], pageSize: 2 });
    local.state.compute.putForwardingRule(pscRule('acme-data', 'us-east4', 'psc-data-1', '10.5.0.1'));
    local.state.compute.putForwardingRule(pscRule('acme-data', 'europe-west1', 'psc-data-2', '10.5.0.2'));

    // Act
    const pages = await pagesOf(source.listEndpointPages());
    const startOfData = pages.find((page) => page.next === '1.a.')?.next;
    local.requests.clear();
    const rest = await pagesOf(source.listEndpointPages(undefined, undefined, startOfData));

    // Assess: acme-prod's four rules on two pages, then acme-data's page; from `1.a.` only acme-data's
    expect(pages.map((page) => page.next?.replace(/\.[^.]+$/, '.<token>'))).toEqual(['0.a.<token>', '1.a.', undefined]);
    expect(
      idsOf(rest)
        .map((id) => id.split('/').at(-1))
        .sort(),
    ).toEqual(['psc-data-1', 'psc-data-2']);
    expect(idsOf(pages)).toHaveLength(5);
    expect(local.requests.entries.map((entry) => entry.path)).toEqual([
      '/compute/v1/projects/acme-data/aggregated/forwardingRules',
    ]);
  });

  it.each([
    ['a project out of range', '1.0.'],
    ['a region out of range', '0.2.'],
    ['the aggregated list where regions are configured', '0.a.'],
    ['characters no page token has', '0.0.x&filter=name%3Devil'],
    ['a token longer than any page token', `0.0.${'A'.repeat(2049)}`],
    ['a padded index', '00.1.'],
    ['garbage', 'not-a-cursor'],
  ])('refuses a cursor with %s before sending anything', async (_, cursor) => {
    // Prepare
    const { source, local } = await start({ regions: ['us-central1', 'us-east4'] });

    // Act
    const listing = pagesOf(source.listEndpointPages(undefined, undefined, cursor));

    // Assess
    await expect(listing).rejects.toMatchObject({
      name: 'InvalidInputError',
      message: expect.stringContaining(`Endpoint listing cursor "${cursor}"`),
    });
    expect(local.requests.entries).toEqual([]);
  });

  it('refuses a region cursor when it lists the aggregated list, so no index is read as another part', async () => {
    // Prepare
    const { source, local } = await start();

    // Act
    const listing = pagesOf(source.listEndpointPages(undefined, undefined, '0.0.'));

    // Assess
    await expect(listing).rejects.toMatchObject({ name: 'InvalidInputError' });
    expect(local.requests.entries).toEqual([]);
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

describe('a scoped listing filtered by Compute (a repair batch costs its networks, not the project)', () => {
  const SHORT_NETWORK = networkPath(NETWORK);
  const OTHER_LB_RULES = 40;

  /**
   * The scenario's rules, a PSC endpoint in us-east4, and on another network many load balancers and a PSC endpoint;
   * the client records the network of every rule Compute sends back.
   */
  async function startCrowded(regions: string[]) {
    const local = await startLocalGcp({ pageSize: 10 });
    gcp = local;
    seedForwardingRules(local.state, [
      ...fixtureRules(),
      LB_RULE,
      pscRule(PROJECT, 'us-east4', 'psc-east', '10.2.0.40'),
      { ...fixtureRules()[0], name: 'psc-analytics', selfLink: ruleSelfLink('psc-analytics'), network: OTHER_NETWORK },
      ...Array.from({ length: OTHER_LB_RULES }, (_, index) => ({
        ...LB_RULE,
        name: `analytics-lb-${index}`,
        selfLink: ruleSelfLink(`analytics-lb-${index}`),
        network: OTHER_NETWORK,
      })),
    ]);
    const received: string[] = [];
    const fetching = fetchTransport(staticToken('local'));
    const transport: GoogleApiTransport = {
      request: async (method, url, body, signal) => {
        const response = await fetching.request(method, url, body, signal);
        received.push(...receivedNetworks(response.body));
        return response;
      },
    };
    const client = new GoogleApiClient({ transport, roots: { dns: local.baseUrl, compute: local.baseUrl } });
    return { local, received, source: new ForwardingRuleSource({ client, projects: [PROJECT], regions }) };
  }

  const filtersSent = (local: LocalGcp) =>
    local.requests.entries.map((entry) => new URLSearchParams(entry.query).get('filter'));

  it.each([
    { listing: 'regional lists', regions: ['us-central1', 'us-east4'], scope: SHORT_NETWORK },
    { listing: 'regional lists', regions: ['us-central1', 'us-east4'], scope: NETWORK },
    { listing: 'the aggregated list', regions: [], scope: SHORT_NETWORK },
    { listing: 'the aggregated list', regions: [], scope: NETWORK },
  ])(
    '$listing, scope $scope: sends the network filter, receives only that network’s rules, finds what the unfiltered listing found',
    async ({ regions, scope }) => {
      // Prepare: the unfiltered listing (listEndpointPages, unchanged) filtered here, as every scoped listing was.
      const { local, received, source } = await startCrowded(regions);
      const unfiltered = idsOf(await pagesOf(source.listEndpointPages(scope)));
      expect(filtersSent(local).every((filter) => filter === null)).toBe(true);
      expect(received.filter((network) => network === OTHER_NETWORK)).toHaveLength(OTHER_LB_RULES + 1);
      local.requests.clear();
      received.length = 0;

      // Act
      const endpoints = await source.listEndpoints(scope);

      // Assess
      expect(unfiltered).toHaveLength(4);
      expect(endpoints.map((endpoint) => endpoint.id)).toEqual(unfiltered);
      expect(filtersSent(local)).toEqual(
        regions.length === 0 ? [`network = "${NETWORK}"`] : regions.map(() => `network = "${NETWORK}"`),
      );
      // The scope's network holds five rules (four PSC endpoints and a load balancer): nothing of the other network came.
      expect(received).toEqual(Array(5).fill(NETWORK));
    },
  );

  it('lists several networks as one filtered listing per network, as listEndpoints lists each, keyed as given', async () => {
    // Prepare
    const { local, source } = await startCrowded(['us-central1', 'us-east4']);
    const scopes = [SHORT_NETWORK, OTHER_NETWORK];
    const oneByOne = new Map([
      [SHORT_NETWORK, await source.listEndpoints(SHORT_NETWORK)],
      [OTHER_NETWORK, await source.listEndpoints(OTHER_NETWORK)],
    ]);
    local.requests.clear();

    // Act
    const byScope = await source.listEndpointsInScopes(scopes);

    // Assess
    expect(byScope).toEqual(oneByOne);
    expect([...byScope.keys()]).toEqual(scopes);
    expect(byScope.get(SHORT_NETWORK)).toHaveLength(4);
    expect(byScope.get(OTHER_NETWORK)?.map((endpoint) => endpoint.id)).toEqual([ruleSelfLink('psc-analytics')]);
    // Each network costs its own pages: the other network's 41 rules take five of us-central1, the scope's one.
    expect(filtersSent(local)).toEqual([
      `network = "${NETWORK}"`,
      `network = "${NETWORK}"`,
      ...Array(5).fill(`network = "${OTHER_NETWORK}"`),
      `network = "${OTHER_NETWORK}"`,
    ]);
  });

  it('keeps a rule of another network out even when Compute lets it through the filter', async () => {
    // Prepare: a narrow fake, a Compute that ignores `filter` (the local cloud applies it).
    const transport: GoogleApiTransport = {
      request: async () => ({
        status: 200,
        headers: new Headers(),
        body: {
          items: [
            fixtureRules()[0],
            {
              ...fixtureRules()[0],
              name: 'psc-analytics',
              selfLink: ruleSelfLink('psc-analytics'),
              network: OTHER_NETWORK,
            },
          ],
        },
      }),
    };
    const client = new GoogleApiClient({ transport });
    const source = new ForwardingRuleSource({ client, projects: [PROJECT], regions: ['us-central1'] });

    // Act
    const endpoints = await source.listEndpoints(SHORT_NETWORK);

    // Assess
    expect(endpoints.map((endpoint) => endpoint.scope)).toEqual([NETWORK]);
  });

  it('refuses a scope that is no VPC network before sending anything', async () => {
    // Prepare
    const { local, source } = await startCrowded([]);

    // Act
    const listing = source.listEndpoints('projects/acme-prod/regions/us-central1/subnetworks/default');

    // Assess
    await expect(listing).rejects.toMatchObject({ name: 'InvalidInputError' });
    expect(local.requests.entries).toHaveLength(0);
  });
});

/** The `network` of every rule in a Compute list or aggregated list response. */
function receivedNetworks(body: unknown): string[] {
  const items = (body as { items?: unknown } | undefined)?.items;
  const rules = Array.isArray(items)
    ? items
    : Object.values((items ?? {}) as Record<string, { forwardingRules?: unknown[] }>).flatMap(
        (scoped) => scoped.forwardingRules ?? [],
      );
  return rules.map((rule) => String((rule as { network?: unknown }).network));
}
