import { describe, expect, it } from 'vitest';
import { AzurePrivateDnsZones, type PrivateDnsClient } from '../../functions/azure/private-dns-zones.ts';
import { InvalidInputError } from '../../functions/core/errors.ts';

const SUBSCRIPTION = '00000000-0000-0000-0000-000000000001';
/**
 * "Private Zones - List By Resource Group" as Microsoft's REST reference spells the request; ARM's `nextLink` is the
 * same URL with a `$skipToken` (the SDK calls it as is, with the bearer token).
 */
const DOCUMENTED = `https://management.azure.com/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones?api-version=2018-09-01`;

/** Only the paging call: which continuation token the SDK was asked to start from. */
function pagingClient(tokens: (string | undefined)[]): PrivateDnsClient {
  return {
    privateZones: {
      listByResourceGroup: () => ({
        byPage: (settings?: { continuationToken?: string }) =>
          (async function* () {
            tokens.push(settings?.continuationToken);
            yield Object.assign([{ id: '/z/1', name: 'aaa.example.com' }], { continuationToken: undefined });
          })(),
      }),
    },
  } as unknown as PrivateDnsClient;
}

async function listFrom(from: string, tokens: (string | undefined)[]) {
  const dns = new AzurePrivateDnsZones({ client: pagingClient(tokens), resourceGroup: 'rg-dns', owner: 'o' });
  const pages = [];
  for await (const page of dns.listZonePages(['example.com'], undefined, from)) pages.push(page);
  return pages;
}

describe('a zone listing carried on from an ARM next link', () => {
  it.each([
    ['the documented request with a skip token', `${DOCUMENTED}&$skipToken=eyJuZXh0IjoxMDB9`],
    [
      'ARM’s own casing',
      `https://MANAGEMENT.azure.com/SUBSCRIPTIONS/${SUBSCRIPTION}/resourcegroups/RG-DNS/providers/microsoft.network/privatednszones?$skiptoken=1`,
    ],
    ['the US Government cloud', DOCUMENTED.replace('management.azure.com', 'management.usgovcloudapi.net')],
  ])('goes on from %s', async (_, link) => {
    const tokens: (string | undefined)[] = [];

    const pages = await listFrom(link, tokens);

    expect(tokens).toEqual([link]);
    expect(pages).toEqual([{ zones: [{ id: '/z/1', domain: 'aaa.example.com' }] }]);
  });

  it.each([
    ['another host', DOCUMENTED.replace('management.azure.com', 'attacker.example')],
    ['plain http', DOCUMENTED.replace('https:', 'http:')],
    ['another resource group', DOCUMENTED.replace('rg-dns', 'rg-other')],
    ['another listing', DOCUMENTED.replace('privateDnsZones', 'privateDnsZones/aaa.example.com/virtualNetworkLinks')],
    [
      'a host that only starts like ARM',
      DOCUMENTED.replace('management.azure.com', 'management.azure.com.attacker.example'),
    ],
    ['no URL at all', 'eyJuZXh0IjoxMDB9'],
  ])('refuses %s before the SDK sends anything', async (_, link) => {
    const tokens: (string | undefined)[] = [];

    await expect(listFrom(link, tokens)).rejects.toThrow(InvalidInputError);
    await expect(listFrom(link, tokens)).rejects.toThrow('is not a next link of the Private DNS zones in rg-dns');
    expect(tokens).toEqual([]);
  });
});
