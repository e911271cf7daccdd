import { NetworkManagementClient } from '@azure/arm-network';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { armNextLinkSegments } from '../../functions/azure/arm-next-link.ts';
import { AzurePrivateEndpoints } from '../../functions/azure/private-endpoint-source.ts';
import { InvalidInputError } from '../../functions/core/errors.ts';
import type { ObservedEndpoint } from '../../functions/core/model.ts';
import type { EndpointPage } from '../../functions/core/ports.ts';
import { type LocalAzure, startLocalAzure } from '../../local/azure/arm-server.ts';
import { localAzureClientOptions, localAzureCredential } from '../../local/azure/client-options.ts';
import { seedPrivateEndpoint } from '../../local/azure/seed.ts';
import { SUBSCRIPTION } from './azure-harness.ts';

/** ARM's list pages hold 2 endpoints here, so a handful of endpoints spans several pages. */
const PAGE_SIZE = 2;
const ARM = 'https://management.azure.com';
const vnetOf = (group: string) =>
  `/subscriptions/${SUBSCRIPTION}/resourceGroups/${group}/providers/Microsoft.Network/virtualNetworks/vnet-${group}`;
/**
 * "Private Endpoints - List" as Microsoft's REST reference spells the request
 * (https://learn.microsoft.com/rest/api/virtualnetwork/private-endpoints/list); ARM's `nextLink` is the same URL with
 * a `$skipToken`, which is what the local ARM hands out.
 */
const listingOf = (group: string) =>
  `${ARM}/subscriptions/${SUBSCRIPTION}/resourceGroups/${group}/providers/Microsoft.Network/privateEndpoints?api-version=2026-01-01&$skipToken=2`;

let azure: LocalAzure;

/** `count` Confluent endpoints in `group`, on the group's own VNet, IPs 10.<octet>.0.10 and up. */
function seedEndpoints(group: string, count: number, octet: number): void {
  for (let index = 0; index < count; index += 1) {
    seedPrivateEndpoint(azure.state, {
      subscriptionId: SUBSCRIPTION,
      resourceGroup: group,
      name: `pe-${group}-${index}`,
      subnetId: `${vnetOf(group)}/subnets/snet-private-endpoints`,
      service: `s-${group}${index}-privatelink.5f2c1e0a-7b3d-4c8e-9a6f-1d2e3b4c5a6f.centralus.azure.privatelinkservice`,
      ip: `10.${octet}.0.${10 + index}`,
    });
  }
}

/** The adapter as the app builds it, on the real `@azure/arm-network` client against the local ARM. */
function source(resourceGroups?: readonly string[]): AzurePrivateEndpoints {
  return new AzurePrivateEndpoints({
    client: new NetworkManagementClient(localAzureCredential, SUBSCRIPTION, localAzureClientOptions(azure.baseUrl)),
    subscriptionId: SUBSCRIPTION,
    ...(resourceGroups ? { resourceGroups } : {}),
  });
}

async function pagesOf(endpoints: AzurePrivateEndpoints, from?: string, scope?: string): Promise<EndpointPage[]> {
  const pages: EndpointPage[] = [];
  for await (const page of endpoints.listEndpointPages(scope, undefined, from)) pages.push(page);
  return pages;
}

const ids = (endpoints: readonly ObservedEndpoint[]) => endpoints.map((endpoint) => endpoint.id.split('/').at(-1));
const listRequests = () =>
  azure.requests.entries.filter((entry) => entry.operation.startsWith('privateEndpoints.list')).length;

beforeEach(async () => {
  azure = await startLocalAzure({ pageSize: PAGE_SIZE });
});
afterEach(async () => {
  await azure.close();
});

describe('the Azure endpoint listing, one ARM page at a time', () => {
  it('reads several VNets through their subnets’ endpoint references, as one listing per VNet would return them', async () => {
    // Prepare: 3 + 2 endpoints on two VNets, and 2 on a third that is not asked for; pages of 2
    seedEndpoints('rg-a', 3, 31);
    seedEndpoints('rg-b', 2, 32);
    seedEndpoints('rg-c', 2, 33);
    const endpoints = source();
    const one = await endpoints.listEndpoints(vnetOf('rg-a'));
    const other = await endpoints.listEndpoints(vnetOf('rg-b'));
    azure.requests.clear();

    // Act
    const together = await endpoints.listEndpointsInScopes([vnetOf('rg-a'), vnetOf('rg-b')]);

    // Assess: the same endpoints per VNet; no listing of the subscription, one GET per VNet and per endpoint, and no
    // request about rg-c's endpoints
    expect(ids(together.get(vnetOf('rg-a')) ?? [])).toEqual(ids(one));
    expect(ids(together.get(vnetOf('rg-b')) ?? [])).toEqual(ids(other));
    const operations = azure.requests.entries.map((entry) => entry.operation);
    expect(listRequests()).toBe(0);
    expect(operations.filter((operation) => operation === 'virtualNetworks.get')).toHaveLength(2);
    expect(operations.filter((operation) => operation === 'privateEndpoints.get')).toHaveLength(5);
    expect(
      azure.requests.entries.filter((entry) => entry.path.toLowerCase().includes('/resourcegroups/rg-c/')),
    ).toEqual([]);
  });

  it('leaves out endpoints outside the configured resource groups, and a VNet that is gone has none', async () => {
    // Prepare: rg-a's VNet also holds an endpoint of rg-other, which the configuration does not list
    seedEndpoints('rg-a', 2, 31);
    seedPrivateEndpoint(azure.state, {
      subscriptionId: SUBSCRIPTION,
      resourceGroup: 'rg-other',
      name: 'pe-other',
      subnetId: `${vnetOf('rg-a')}/subnets/snet-private-endpoints`,
      service: 's-other-privatelink.5f2c1e0a-7b3d-4c8e-9a6f-1d2e3b4c5a6f.centralus.azure.privatelinkservice',
      ip: '10.31.0.99',
    });
    const endpoints = source(['rg-a']);

    // Act
    const together = await endpoints.listEndpointsInScopes([vnetOf('rg-a'), vnetOf('rg-gone')]);

    // Assess
    expect(ids(together.get(vnetOf('rg-a')) ?? [])).toEqual(ids(await endpoints.listEndpoints(vnetOf('rg-a'))));
    expect(ids(together.get(vnetOf('rg-a')) ?? [])).not.toContain('pe-other');
    expect(together.get(vnetOf('rg-gone'))).toEqual([]);
  });

  it('falls back to one pass over the listing for VNets it may not read (403)', async () => {
    // Prepare: reading rg-b's VNet is denied
    seedEndpoints('rg-a', 3, 31);
    seedEndpoints('rg-b', 2, 32);
    const endpoints = source();
    const other = await endpoints.listEndpoints(vnetOf('rg-b'));
    azure.faults.add({ operation: 'virtualNetworks.get', path: /rg-b/i, status: 403, code: 'AuthorizationFailed' });
    azure.requests.clear();

    // Act
    const together = await endpoints.listEndpointsInScopes([vnetOf('rg-a'), vnetOf('rg-b')]);

    // Assess: rg-a through its VNet; rg-b from one pass over the subscription listing (3 pages of 2)
    expect(ids(together.get(vnetOf('rg-a')) ?? [])).toHaveLength(3);
    expect(ids(together.get(vnetOf('rg-b')) ?? [])).toEqual(ids(other));
    expect(listRequests()).toBe(3);
  });

  it('pages the subscription listing; the pages are what listEndpoints returns, and the first page’s next gives the rest', async () => {
    // Prepare: 5 endpoints over two resource groups, pages of 2
    seedEndpoints('rg-a', 3, 31);
    seedEndpoints('rg-b', 2, 32);
    const endpoints = source();
    const all = await endpoints.listEndpoints();
    azure.requests.clear();

    // Act
    const pages = await pagesOf(endpoints);
    const listedPages = listRequests();
    azure.requests.clear();
    const rest = await pagesOf(endpoints, pages[0]?.next);

    // Assess: 3 ARM pages, each a request; the cursor names the subscription listing and ARM's next link
    expect(all).toHaveLength(5);
    expect(all.every((endpoint) => endpoint.regional.length === 1)).toBe(true);
    expect(pages.map((page) => page.endpoints.length)).toEqual([2, 2, 1]);
    expect(pages.flatMap((page) => page.endpoints)).toEqual(all);
    expect(listedPages).toBe(3);
    expect(pages[0]?.next).toBe(
      `sub.${ARM}/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Network/privateEndpoints?api-version=2026-01-01&%24skipToken=2`,
    );
    expect(pages[2]?.next).toBeUndefined();
    expect(rest.flatMap((page) => page.endpoints)).toEqual(all.slice(2));
    expect(listRequests()).toBe(2);
  });

  it('crosses from one configured resource group to the next, an empty group included', async () => {
    // Prepare: rg-a spans two pages, rg-empty has none, rg-b one
    seedEndpoints('rg-a', 3, 31);
    seedEndpoints('rg-b', 2, 32);
    seedEndpoints('rg-other', 2, 33);
    const endpoints = source(['rg-a', 'rg-empty', 'rg-b']);

    // Act
    const pages = await pagesOf(endpoints);
    const all = await endpoints.listEndpoints();
    azure.requests.clear();
    const fromSecondPage = await pagesOf(endpoints, pages[0]?.next);
    const requestsFromSecondPage = listRequests();
    azure.requests.clear();
    const fromGroupB = await pagesOf(endpoints, pages[2]?.next);

    // Assess: every ARM page is a page, the empty group's too, so the cursor moves on through it
    expect(pages.map((page) => ids(page.endpoints))).toEqual([
      ['pe-rg-a-0', 'pe-rg-a-1'],
      ['pe-rg-a-2'],
      [],
      ['pe-rg-b-0', 'pe-rg-b-1'],
    ]);
    expect(pages.map((page) => page.next?.replace(/\..*/s, ''))).toEqual(['rg0', 'rg1', 'rg2', undefined]);
    expect(pages[1]?.next).toBe('rg1.');
    expect(pages[2]?.next).toBe('rg2.');
    expect(pages.flatMap((page) => page.endpoints)).toEqual(all);
    expect(ids(fromSecondPage.flatMap((page) => page.endpoints))).toEqual(['pe-rg-a-2', 'pe-rg-b-0', 'pe-rg-b-1']);
    expect(requestsFromSecondPage).toBe(3);
    expect(ids(fromGroupB.flatMap((page) => page.endpoints))).toEqual(['pe-rg-b-0', 'pe-rg-b-1']);
    expect(azure.requests.entries.map((entry) => entry.path.toLowerCase())).toEqual([
      `/subscriptions/${SUBSCRIPTION}/resourcegroups/rg-b/providers/microsoft.network/privateendpoints`,
      expect.stringContaining('/networkinterfaces/'),
      expect.stringContaining('/networkinterfaces/'),
    ]);
  });

  it('reads each page as listEndpoints does: a scoped listing keeps only the scope’s endpoints', async () => {
    // Prepare
    seedEndpoints('rg-a', 3, 31);
    seedEndpoints('rg-b', 2, 32);

    // Act
    const pages = await pagesOf(source(), undefined, vnetOf('rg-b'));

    // Assess: the pages are ARM's (the filter is the subnet's, after listing), and only rg-b's NICs were read
    expect(pages.map((page) => ids(page.endpoints))).toEqual([[], ['pe-rg-b-0'], ['pe-rg-b-1']]);
    expect(azure.requests.entries.filter((entry) => entry.operation === 'networkInterfaces.get')).toHaveLength(2);
  });

  it('stops between pages once aborted, though the SDK sends next links without the abort signal', async () => {
    // Prepare
    seedEndpoints('rg-a', 5, 31);
    const abort = new AbortController();
    const pages: EndpointPage[] = [];

    // Act: the caller aborts while it holds the first page
    const stopped = await (async () => {
      for await (const page of source().listEndpointPages(undefined, abort.signal)) {
        pages.push(page);
        abort.abort();
      }
    })().then(
      () => undefined,
      (error: unknown) => error,
    );

    // Assess: no second page was asked for
    expect(pages).toHaveLength(1);
    expect((stopped as Error | undefined)?.name).toBe('AbortError');
    expect(listRequests()).toBe(1);
  });

  it.each([
    [
      'a documented next link in ARM’s own casing',
      `rg0.${listingOf('rg-a').replace('/resourceGroups/rg-a/', '/resourcegroups/RG-A/')}`,
    ],
    ['the start of a later group', 'rg1.'],
  ])('goes on from %s', async (_, cursor) => {
    // Prepare
    seedEndpoints('rg-a', 3, 31);
    seedEndpoints('rg-b', 2, 32);

    // Act
    const pages = await pagesOf(source(['rg-a', 'rg-b']), cursor);

    // Assess
    expect(ids(pages.flatMap((page) => page.endpoints))).toEqual(
      cursor === 'rg1.' ? ['pe-rg-b-0', 'pe-rg-b-1'] : ['pe-rg-a-2', 'pe-rg-b-0', 'pe-rg-b-1'],
    );
  });

  describe('refuses a cursor it could not have handed out, before any request', () => {
    const LINK = 'its next link is not the private endpoint listing of';
    const LISTING = 'which this source has not';
    const inGroups = (cursor: string, reason = LINK) => ({ cursor, reason, groups: ['rg-a', 'rg-b'] as const });
    const bySubscription = (cursor: string, reason = LINK) => ({ cursor, reason, groups: undefined });
    const subscriptionListing = `${ARM}/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Network/privateEndpoints?$skipToken=2`;
    it.each([
      ['another host', inGroups(`rg0.${listingOf('rg-a').replace('management.azure.com', 'attacker.example')}`)],
      [
        'a host that only starts like ARM',
        inGroups(`rg0.${listingOf('rg-a').replace('management.azure.com', 'management.azure.com.attacker.example')}`),
      ],
      ['an ARM host on another port', inGroups(`rg0.${listingOf('rg-a').replace('.com/', '.com:8443/')}`)],
      ['plain http', inGroups(`rg0.${listingOf('rg-a').replace('https:', 'http:')}`)],
      ['another resource group’s listing', inGroups(`rg0.${listingOf('rg-b')}`)],
      ['a resource group this source does not list', inGroups(`rg1.${listingOf('rg-other')}`)],
      ['another collection', inGroups(`rg0.${listingOf('rg-a').replace('privateEndpoints', 'networkInterfaces')}`)],
      [
        'one endpoint’s sub-resources',
        inGroups(
          `rg0.${listingOf('rg-a').replace('privateEndpoints?', 'privateEndpoints/pe-1/privateDnsZoneGroups?')}`,
        ),
      ],
      ['a listing index out of range', inGroups('rg2.', LISTING)],
      ['an index with a leading zero', inGroups('rg01.', LISTING)],
      [
        'the first group without a link (a listing starts without a cursor)',
        inGroups('rg0.', 'a listing starts without a cursor'),
      ],
      ['the subscription listing when resource groups are configured', inGroups(`sub.${subscriptionListing}`, LISTING)],
      ['a resource group listing when the subscription is listed', bySubscription(`rg0.${listingOf('rg-a')}`, LISTING)],
      [
        'another subscription',
        bySubscription(`sub.${subscriptionListing.replace(SUBSCRIPTION, '00000000-0000-0000-0000-000000000001')}`),
      ],
      ['a bare next link', bySubscription(subscriptionListing, 'not rg<index> or sub')],
      ['garbage', bySubscription('eyJuZXh0IjoxMDB9', 'not rg<index> or sub')],
    ])('%s', async (_, { cursor, reason, groups }) => {
      // Prepare
      seedEndpoints('rg-a', 3, 31);
      const endpoints = source(groups);

      // Act
      const refused = await pagesOf(endpoints, cursor).then(
        () => undefined,
        (error: unknown) => error,
      );

      // Assess: refused for this case's own reason, the cursor named; nothing reached the local ARM
      expect(refused).toBeInstanceOf(InvalidInputError);
      expect((refused as Error).message).toContain(`Endpoint listing cursor "${cursor}"`);
      expect((refused as Error).message).toContain(reason);
      expect(azure.requests.entries).toEqual([]);
    });
  });
});

describe('an ARM next link, checked before the SDK calls it with the bearer token', () => {
  const path = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-a/providers/Microsoft.Network/privateEndpoints`;
  const segments = [
    'subscriptions',
    SUBSCRIPTION,
    'resourcegroups',
    'rg-a',
    'providers',
    'microsoft.network',
    'privateendpoints',
  ];

  it.each([
    ['the public cloud', `${ARM}${path}?$skipToken=2`],
    ['ARM’s casing, host included', `https://MANAGEMENT.Azure.com${path.toUpperCase()}?$skipToken=2`],
    ['a trailing slash', `${ARM}${path}/?$skipToken=2`],
    ['the US Government cloud', `https://management.usgovcloudapi.net${path}`],
    ['the China cloud', `https://management.chinacloudapi.cn${path}`],
  ])('reads the path of %s', (_, link) => {
    expect(armNextLinkSegments(link)).toEqual(segments);
  });

  it('decodes a segment after splitting, so an encoded slash cannot invent a path', () => {
    expect(armNextLinkSegments(`${ARM}/subscriptions/x/resourceGroups/rg%2Fproviders/p`)).toEqual([
      'subscriptions',
      'x',
      'resourcegroups',
      'rg/providers',
      'p',
    ]);
  });

  it.each([
    ['another host', `https://attacker.example${path}`],
    ['plain http', `http://management.azure.com${path}`],
    ['another port', `https://management.azure.com:444${path}`],
    ['user info', `https://user:secret@management.azure.com${path}`],
    ['a host with a trailing dot', `https://management.azure.com.${path}`],
    ['a malformed escape', `${ARM}/subscriptions/%E0%A4%A`],
    ['no URL', 'eyJuZXh0IjoxMDB9'],
  ])('has none for %s', (_, link) => {
    expect(armNextLinkSegments(link)).toBeUndefined();
  });
});
