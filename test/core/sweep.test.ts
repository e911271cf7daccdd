import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/core/config.ts';
import type { ObservedEndpoint } from '../../functions/core/model.ts';
import type { EndpointSource } from '../../functions/core/ports.ts';
import { planSweep } from '../../functions/core/sweep.ts';
import { InMemoryDns, InMemoryEndpoints } from '../support/in-memory-cloud.ts';

const SERVICE = 'com.amazonaws.vpce.us-east-2.vpce-svc-0abc';
const DOMAINS = ['aaa.us-east-2.aws.confluent.cloud', 'bbb.us-east-2.aws.confluent.cloud'];
const config = parseConfig({
  owner: 'platform',
  mappings: DOMAINS.map((domain, index) => ({ service: `${SERVICE}${index}`, domain })),
});

function vpce(id: string, scope: string, service: string): ObservedEndpoint {
  return {
    cloud: 'aws',
    id,
    state: 'available',
    scope,
    service,
    targetKind: 'name',
    regional: [`${id}-x.vpce-svc-0abc.us-east-2.vpce.amazonaws.com`],
    zonal: {},
    tags: {},
  };
}

/** A source that only lists page by page, counting the endpoints handed over at once. */
class PagedOnly implements EndpointSource {
  largestPage = 0;

  constructor(private readonly pages: readonly ObservedEndpoint[][]) {}

  async getEndpoint(): Promise<ObservedEndpoint | undefined> {
    return undefined;
  }

  async listEndpoints(): Promise<ObservedEndpoint[]> {
    throw new Error('the coordinator must not ask for the whole listing when pages are offered');
  }

  async *listEndpointPages(): AsyncGenerator<ObservedEndpoint[]> {
    for (const page of this.pages) {
      this.largestPage = Math.max(this.largestPage, page.length);
      yield page;
    }
  }
}

describe('planSweep', () => {
  it('takes the endpoint listing page by page when the source offers pages, with the same items', async () => {
    // Prepare: 2 domains x 3 VPCs, endpoints over three pages (one of another service), one zone per pair, and a
    // zone whose endpoint is gone (a zone item)
    const endpoints = [0, 1, 2].flatMap((vpc) =>
      DOMAINS.map((_, index) => vpce(`vpce-${vpc}${index}`, `vpc-${vpc}`, `${SERVICE}${index}`)),
    );
    const unrelated = vpce('vpce-other', 'vpc-0', 'com.amazonaws.us-east-2.ssm');
    const dns = new InMemoryDns();
    for (const vpc of [0, 1, 2]) {
      DOMAINS.forEach((domain, index) => {
        dns.addZone(`Z${vpc}${index}`, domain, [`vpc-${vpc}`]);
      });
    }
    dns.addZone('Zorphan', DOMAINS[0] as string, ['vpc-9']);
    const paged = new PagedOnly([endpoints.slice(0, 3), [unrelated, ...endpoints.slice(3, 5)], endpoints.slice(5)]);
    const now = () => new Date('2026-11-30T09:00:00Z');

    // Act
    const fromPages = await planSweep({ dns, endpoints: paged, config, now });
    const whole = await planSweep({ dns, endpoints: new InMemoryEndpoints([...endpoints, unrelated]), config, now });

    // Assess: six endpoint targets and every zone as a zone item (this directory cannot list zones by VPC), whichever
    // way the endpoints were listed; never more than a page of endpoints handed over at once
    expect(fromPages).toEqual(whole);
    expect(fromPages).toMatchObject({ targets: 6, zoneItems: 7 });
    expect(fromPages.items).toContainEqual({ domain: DOMAINS[0], zoneId: 'Zorphan' });
    expect(paged.largestPage).toBe(3);
  });
});
