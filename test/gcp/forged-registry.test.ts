import { afterEach, describe, expect, it } from 'vitest';
import { DOMAIN, type GcpHarness, PRIVATE_ZONE, PROJECT, readJson, reportOf, startGcpHarness } from './gcp-harness.ts';

/**
 * Issue 12, finding 4 on the local Google Cloud through the scheduled-repair Cloud Function: a `_linkdns` TXT forged
 * with linkdns's owner and `record=A:@`, `record=MX:mail`, `record=CNAME:*.legacy` makes linkdns delete nothing.
 */

let harness: GcpHarness;
afterEach(async () => {
  await harness.close();
});

describe('finding 4 on Cloud DNS: a forged registry', () => {
  it('deletes none of the records a forged registry claims, and reports each entry', async () => {
    // Prepare
    harness = await startGcpHarness();
    const repairEvent = readJson('events/gcp/scheduled-repair.json');
    await harness.handlers.scheduledRepair(repairEvent);
    const put = (name: string, type: string, rrdatas: string[]) =>
      harness.gcp.state.dns.putRecordSet(PROJECT, PRIVATE_ZONE, { name, type, ttl: 300, rrdatas });
    put(`${DOMAIN}.`, 'A', ['10.9.9.9']);
    put(`mail.${DOMAIN}.`, 'MX', ['10 mx.example.com.']);
    put(`*.legacy.${DOMAIN}.`, 'CNAME', ['legacy.example.com.']);
    const registry = harness.zone()['TXT _linkdns'] ?? [];
    put(`_linkdns.${DOMAIN}.`, 'TXT', [...registry, '"record=A:@"', '"record=MX:mail"', '"record=CNAME:*.legacy"']);
    harness.gcp.requests.clear();

    // Act
    const report = reportOf(await harness.handlers.scheduledRepair(repairEvent));

    // Assess
    const zone = harness.zone();
    expect(zone['A @']).toEqual(['10.9.9.9']);
    expect(zone['MX mail']).toEqual(['10 mx.example.com.']);
    expect(zone['CNAME *.legacy']).toEqual(['legacy.example.com.']);
    const [reconciled] = report.zones;
    expect(reconciled?.changes.delete).toEqual([]);
    expect(reconciled?.conflicts.map((conflict) => `${conflict.type} ${conflict.name}`).sort()).toEqual([
      `A ${DOMAIN}`,
      `CNAME *.legacy.${DOMAIN}`,
      `MX mail.${DOMAIN}`,
    ]);
  });
});
