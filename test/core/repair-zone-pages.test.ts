import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/core/config.ts';
import { type ObservedEndpoint, recordSet } from '../../functions/core/model.ts';
import type { ZonePage, ZoneRef } from '../../functions/core/ports.ts';
import { reconcileDomain, repairAll } from '../../functions/core/reconcile.ts';
import { InMemoryDns, InMemoryEndpoints } from '../support/in-memory-cloud.ts';

const SERVICE = 'com.amazonaws.vpce.us-east-2.vpce-svc-0abc';
const DOMAINS = ['aaa.us-east-2.aws.confluent.cloud', 'bbb.us-east-2.aws.confluent.cloud'];
const config = parseConfig({
  owner: 'platform',
  mappings: DOMAINS.map((domain, index) => ({ service: `${SERVICE}${index}`, domain })),
});

function vpce(id: string, service: string): ObservedEndpoint {
  return {
    cloud: 'aws',
    id,
    state: 'available',
    scope: 'vpc-1',
    service,
    targetKind: 'name',
    regional: [`${id}-x.vpce-svc-0abc.us-east-2.vpce.amazonaws.com`],
    zonal: { 'use2-az1': [`${id}-x-us-east-2a.vpce-svc-0abc.us-east-2.vpce.amazonaws.com`] },
    tags: {},
  };
}

/** A zone directory that lists one zone per page, and refuses the whole-listing call. */
class OneZonePerPage extends InMemoryDns {
  pagesListed = 0;
  readsBeforeLastPage = 0;

  override async listZones(): Promise<ZoneRef[]> {
    throw new Error('the repair must take the listing page by page when pages are offered');
  }

  async *listZonePages(domains: readonly string[]): AsyncGenerator<ZonePage> {
    const zones = await super.listZones(domains);
    for (const [index, zone] of zones.entries()) {
      this.pagesListed += 1;
      yield index < zones.length - 1 ? { zones: [zone], next: String(index + 1) } : { zones: [zone] };
      // Give the repair a turn to start on the page before the next is listed, as a network round trip would.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  override async readRecords(zone: ZoneRef) {
    if (this.pagesListed < this.zones.size) this.readsBeforeLastPage += 1;
    return super.readRecords(zone);
  }
}

describe('repairAll over a zone listing in pages', () => {
  it('reads zones as their page arrives and repairs every one, an orphan included', async () => {
    // Prepare: two zones written for two endpoints; then one endpoint vanishes without an event
    const dns = new OneZonePerPage();
    DOMAINS.forEach((domain, index) => {
      dns.addZone(`Z${index}`, domain, ['vpc-1'], [recordSet(`monitoring.${domain}`, 'A', 300, ['10.0.0.9'])]);
    });
    const source = new InMemoryEndpoints(DOMAINS.map((_, index) => vpce(`vpce-${index}`, `${SERVICE}${index}`)));
    const deps = { dns, endpoints: source, config, now: () => new Date('2026-11-30T09:00:00Z') };
    for (const domain of DOMAINS) await reconcileDomain({ domain, scope: 'vpc-1' }, deps);
    source.endpoints.delete('vpce-1');

    // Act
    const report = await repairAll({ kind: 'schedule', id: 'pages', description: 'test' }, deps, { concurrency: 2 });

    // Assess: the first zone was read before the second was listed; the orphan's records are gone, the rest kept
    expect(dns.readsBeforeLastPage).toBeGreaterThan(0);
    expect(report.zones.map((zone) => [zone.domain, zone.outcome]).sort()).toEqual([
      [DOMAINS[0], 'unchanged'],
      [DOMAINS[1], 'changed'],
    ]);
    expect(dns.records('Z1')).toEqual([recordSet(`monitoring.${DOMAINS[1]}`, 'A', 300, ['10.0.0.9'])]);
  });
});
