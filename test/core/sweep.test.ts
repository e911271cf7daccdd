import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/core/config.ts';
import { ConfigError, InvalidInputError } from '../../functions/core/errors.ts';
import type { ObservedEndpoint } from '../../functions/core/model.ts';
import type { EndpointPage, EndpointSource, ZonePage } from '../../functions/core/ports.ts';
import {
  continueZoneListing,
  decodeSweepBody,
  encodeListingContinuation,
  encodeSweepBatch,
  planSweep,
  runSweepBatch,
  runSweepMessage,
  startSweep,
} from '../../functions/core/sweep.ts';
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

  async *listEndpointPages(): AsyncGenerator<EndpointPage> {
    for (const page of this.pages) {
      this.largestPage = Math.max(this.largestPage, page.length);
      yield { endpoints: page };
    }
  }
}

/**
 * A zone directory that lists `pageSize` zones a page, with the index of the next page's first zone as its cursor, and
 * a clock that moves `msPerPage` on for every page listed (a page's round trip).
 */
class PagedZones extends InMemoryDns {
  readonly froms: (string | undefined)[] = [];
  pagesListed = 0;
  clock = Date.parse('2026-11-30T09:00:00Z');

  constructor(
    private readonly pageSize: number,
    private readonly msPerPage: number,
  ) {
    super();
  }

  readonly now = () => new Date(this.clock);

  async *listZonePages(domains: readonly string[], _signal?: AbortSignal, from?: string): AsyncGenerator<ZonePage> {
    this.froms.push(from);
    if (from !== undefined && !/^[0-9]+$/.test(from)) throw new InvalidInputError(`cursor "${from}" refused`);
    const zones = await super.listZones(domains);
    for (let start = Number(from ?? 0); start < zones.length; start += this.pageSize) {
      this.pagesListed += 1;
      this.clock += this.msPerPage;
      const next = start + this.pageSize < zones.length ? String(start + this.pageSize) : undefined;
      yield { zones: zones.slice(start, start + this.pageSize), ...(next ? { next } : {}) };
    }
  }
}

/** 25 zones for the two domains, none of them reachable from an endpoint (so all are zone items). */
function pagedZones(pageSize: number, msPerPage: number): PagedZones {
  const dns = new PagedZones(pageSize, msPerPage);
  for (let index = 0; index < 25; index += 1) {
    dns.addZone(`Z${String(index).padStart(2, '0')}`, DOMAINS[index % 2] as string, [`vpc-${index}`]);
  }
  return dns;
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

describe('a zone listing carried on across invocations', () => {
  it('stops listing after the page that reaches the deadline; workers carry it on until every zone is queued once', async () => {
    // Prepare: 25 zones in pages of 10, each page 40 ms; the coordinator and each worker may list for 50 ms
    const dns = pagedZones(10, 40);
    const deps = { dns, endpoints: new InMemoryEndpoints([]), config, now: dns.now };
    const sent: string[] = [];
    const queue = { batchSize: 4, send: async (bodies: string[]) => sent.push(...bodies) };
    const deadline = () => new Date(dns.clock + 50);

    // Act: the coordinator, then a worker for every continuation it or another worker queued
    const { queued, plan } = await startSweep(deps, queue, { before: deadline() });
    const continued = [];
    for (let index = 0; index < sent.length; index += 1) {
      const message = decodeSweepBody(sent[index] as string);
      if ('listZonesFrom' in message) {
        continued.push(
          await runSweepMessage(sent[index], { id: `m${index}`, attempt: '1' }, deps, queue, {
            startZonesBefore: deadline(),
          }),
        );
      }
    }

    // Assess: the coordinator listed 2 pages (the second ended past its deadline), the worker the last one; every zone
    // is in exactly one batch, and the listing was never started over
    expect(plan).toMatchObject({ zoneItems: 20, listZonesFrom: '20' });
    expect(queued).toEqual({ outcome: 'sweep-started', items: 20, batches: 5, batchSize: 4, continuations: 1 });
    expect(continued).toEqual([{ outcome: 'sweep-continued', items: 5, batches: 2, batchSize: 4, continuations: 0 }]);
    expect(dns.froms).toEqual([undefined, '20']);
    const batches = sent.map(decodeSweepBody).flatMap((message) => ('batch' in message ? [message.batch] : []));
    const zoneIds = batches.flatMap((batch) => batch.map((item) => item.zoneId)).sort();
    expect(zoneIds).toEqual([...dns.zones.keys()].sort());
    expect(Math.max(...batches.map((batch) => batch.length))).toBeLessThanOrEqual(4);
  });

  it('lists one page even when the deadline has passed, so every continuation moves the listing on', async () => {
    // Prepare: a worker whose share is already spent
    const dns = pagedZones(10, 40);
    const deps = { dns, endpoints: new InMemoryEndpoints([]), config, now: dns.now };

    // Act
    const first = await continueZoneListing(deps, '0', new Date(dns.clock - 1));
    const second = await continueZoneListing(deps, first.next as string, new Date(dns.clock - 1));
    const last = await continueZoneListing(deps, second.next as string, new Date(dns.clock - 1));

    // Assess
    expect([first.items.length, second.items.length, last.items.length]).toEqual([10, 10, 5]);
    expect([first.next, second.next, last.next]).toEqual(['10', '20', undefined]);
    expect(first.items[0]).toEqual({ domain: DOMAINS[0], zoneId: 'Z00' });
  });

  it('lists every page in one invocation without a deadline, and queues no continuation', async () => {
    const dns = pagedZones(10, 40);
    const deps = { dns, endpoints: new InMemoryEndpoints([]), config, now: dns.now };

    const plan = await planSweep(deps);

    expect(plan.zoneItems).toBe(25);
    expect(plan).not.toHaveProperty('listZonesFrom');
    expect(dns.pagesListed).toBe(3);
  });

  it('refuses a continuation without a queue to send to, and one the provider cannot page, before listing anything', async () => {
    const dns = pagedZones(10, 40);
    const deps = { dns, endpoints: new InMemoryEndpoints([]), config, now: dns.now };
    const unpaged = { ...deps, dns: new InMemoryDns() };
    const continuation = encodeListingContinuation({ listZonesFrom: '10' });

    await expect(runSweepMessage(continuation, { id: 'm', attempt: '1' }, deps, undefined)).rejects.toThrow(
      ConfigError,
    );
    await expect(continueZoneListing(unpaged, '10', undefined)).rejects.toThrow(InvalidInputError);
    await expect(continueZoneListing(deps, 'not-ours', undefined)).rejects.toThrow('cursor "not-ours" refused');
    expect(dns.pagesListed).toBe(0);
  });
});

describe('sweep messages', () => {
  it('reads back a batch and a listing continuation as written', () => {
    const batch = [
      { domain: DOMAINS[0] as string, scope: 'vpc-1', zoneId: 'Z1' },
      { domain: DOMAINS[1] as string, zoneId: 'Z2' },
    ];

    expect(decodeSweepBody(encodeSweepBatch(batch))).toEqual({ batch });
    expect(decodeSweepBody(encodeListingContinuation({ listZonesFrom: 'Z0042' }))).toEqual({ listZonesFrom: 'Z0042' });
    expect(decodeSweepBody(encodeListingContinuation({ listEndpointsFrom: '0.0.tok' }))).toEqual({
      listEndpointsFrom: '0.0.tok',
    });
  });

  it.each([
    [
      'an empty cursor',
      { linkdnsSweep: 1, listZonesFrom: '' },
      'listZonesFrom must be a cursor of 1 to 4096 characters',
    ],
    ['a number for a cursor', { linkdnsSweep: 1, listZonesFrom: 42 }, 'listZonesFrom must be a cursor'],
    ['a cursor too long', { linkdnsSweep: 1, listZonesFrom: 'x'.repeat(4097) }, 'listZonesFrom must be a cursor'],
    [
      'both items and a cursor',
      { linkdnsSweep: 1, items: [], listZonesFrom: 'Z1' },
      'exactly one of items, listZonesFrom, listEndpointsFrom',
    ],
    [
      'another version',
      { linkdnsSweep: 2, listZonesFrom: 'Z1' },
      'exactly one of items, listZonesFrom, listEndpointsFrom',
    ],
    [
      'an item without zone or scope',
      { linkdnsSweep: 1, items: [{ domain: 'a.example' }] },
      'Sweep item 0 has neither',
    ],
  ])('rejects %s, naming what is wrong', (_, body, message) => {
    expect(() => decodeSweepBody(JSON.stringify(body))).toThrow(InvalidInputError);
    expect(() => decodeSweepBody(JSON.stringify(body))).toThrow(message);
  });
});

describe('runSweepBatch', () => {
  it('starts the first zone even when the batch reaches its zones after the cut-off, so a batch always moves on', async () => {
    // Prepare: three targets in three VPCs; every zone read takes a minute of the clock; the cut-off is already past
    const endpoints = [0, 1, 2].map((vpc) => vpce(`vpce-${vpc}`, `vpc-${vpc}`, `${SERVICE}0`));
    let clock = Date.parse('2026-11-30T09:00:00Z');
    const dns = new (class extends InMemoryDns {
      override async readRecords(zone: Parameters<InMemoryDns['readRecords']>[0]) {
        clock += 60_000;
        return super.readRecords(zone);
      }
    })();
    for (const vpc of [0, 1, 2]) dns.addZone(`Z${vpc}`, DOMAINS[0] as string, [`vpc-${vpc}`]);
    const deps = { dns, endpoints: new InMemoryEndpoints(endpoints), config, now: () => new Date(clock) };
    const trigger = { kind: 'schedule' as const, id: 'sweep-1', description: 'batch of 3' };
    const items = [0, 1, 2].map((vpc) => ({ domain: DOMAINS[0] as string, scope: `vpc-${vpc}` }));

    // Act
    const report = await runSweepBatch(trigger, items, deps, { startZonesBefore: new Date(clock - 1) });

    // Assess: the first zone was checked (and written); the other two are left for the next invocation
    expect(report.zones.map((zone) => zone.outcome)).toEqual(['changed', 'not-checked', 'not-checked']);
  });

  it('lists the endpoints of a batch’s scopes in one call when the source offers it', async () => {
    // Prepare: a source that can list several scopes in one pass, and refuses the per-scope listing
    const endpoints = [0, 1, 2].map((vpc) => vpce(`vpce-${vpc}`, `vpc-${vpc}`, `${SERVICE}0`));
    const calls: (readonly string[])[] = [];
    const source = new (class extends InMemoryEndpoints {
      override async listEndpoints(): Promise<ObservedEndpoint[]> {
        throw new Error('listed scope by scope');
      }
      async listEndpointsInScopes(scopes: readonly string[]) {
        calls.push(scopes);
        return new Map(scopes.map((scope) => [scope, endpoints.filter((endpoint) => endpoint.scope === scope)]));
      }
    })(endpoints);
    const dns = new InMemoryDns();
    for (const vpc of [0, 1, 2]) dns.addZone(`Z${vpc}`, DOMAINS[0] as string, [`vpc-${vpc}`]);
    const deps = { dns, endpoints: source, config, now: () => new Date('2026-11-30T09:00:00Z') };
    const items = [0, 1, 2].map((vpc) => ({ domain: DOMAINS[0] as string, scope: `vpc-${vpc}` }));

    // Act
    const report = await runSweepBatch({ kind: 'schedule', id: 'sweep-2', description: 'batch of 3' }, items, deps);

    // Assess
    expect(calls).toEqual([['vpc-0', 'vpc-1', 'vpc-2']]);
    expect(report.zones.map((zone) => zone.outcome)).toEqual(['changed', 'changed', 'changed']);
  });
});
