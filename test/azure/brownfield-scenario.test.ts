import { InvocationContext } from '@azure/functions';
import { afterEach, describe, expect, it } from 'vitest';
import { readAzureSettings, SWEEP_QUEUE } from '../../functions/azure/settings.ts';
import type { RunReport } from '../../functions/core/report.ts';
import { type AzureBrownfield, seedAzureBrownfield } from '../../local/azure/brownfield.ts';
import { aRecords as armARecords, putRecordSet } from '../../local/azure/seed.ts';
import { LocalStorageQueues } from '../../local/azure/storage-queue.ts';
import { planApplyRepair } from '../support/cli-pass.ts';
import {
  ATTACHMENT,
  type AzureHarness,
  aRecordSets,
  baseConfig,
  DEDICATED,
  DEDICATED_RECORDS,
  DNS_RG,
  ENDPOINT_RG,
  endpointEvent,
  endpointId,
  readJson,
  reportOf,
  SUBSCRIPTION,
  startAzureHarness,
  zoneId,
} from './azure-harness.ts';

/**
 * The Azure brownfield (local/azure/brownfield.ts: private endpoints to a storage account, a Key Vault and a SQL
 * server whose zone groups keep A records in the Azure-managed `privatelink.*` zones — in the very resource group
 * linkdns manages zones in — a manual connection awaiting approval, a rejected one, endpoints in other resource groups
 * and another VNet) around the Confluent endpoints, through the three Azure Functions and the CLI, with the real
 * `@azure/arm-network` / `@azure/arm-privatedns` clients over HTTP.
 */

let h: AzureHarness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ATTACHMENT_RECORDS = { 'A *': ['10.30.2.4'] };

async function brownfield(
  config: Record<string, unknown> = baseConfig,
): Promise<{ harness: AzureHarness; seeded: AzureBrownfield }> {
  const harness = await startAzureHarness({ config });
  h = harness;
  const seeded = seedAzureBrownfield(harness.azure.state, {
    subscriptionId: SUBSCRIPTION,
    networkResourceGroup: ENDPOINT_RG,
    dnsResourceGroup: DNS_RG,
    vnetName: 'vnet-kafka-clients',
  });
  return { harness, seeded };
}

/** The `privatelink.*` zones, every record set and link as stored: what linkdns must never write. */
function privatelinkZones(harness: AzureHarness, seeded: AzureBrownfield): string {
  const store = harness.azure.state;
  return JSON.stringify(
    seeded.privatelinkZoneIds.map((id) => ({
      zone: store.get(id),
      children: store.children(id, ''),
    })),
  );
}

/** Private DNS zones the request log shows written (PUT, PATCH, DELETE), by name; any other write by its path. */
function zonesWritten(harness: AzureHarness): string[] {
  const zones = harness.azure.requests
    .writes()
    .map(
      (entry) => /\/privateDnsZones\/([^/]+)/i.exec(entry.path)?.[1]?.toLowerCase() ?? `${entry.method} ${entry.path}`,
    );
  return [...new Set(zones)].sort();
}

/** Endpoints read deeply (their NIC read for the IPs), by endpoint name: NIC names start with it. */
function endpointsReadDeeply(harness: AzureHarness): string[] {
  const names = harness.azure.requests.entries
    .filter((entry) => entry.operation === 'networkInterfaces.get')
    .map((entry) => decodeURIComponent(entry.path.split('/').at(-1) ?? '').split('.nic.')[0] ?? '');
  return [...new Set(names)].sort();
}

const nameOf = (id: string) => id.split('/').at(-1) ?? id;

/** An Event Grid record-set event of the sample, re-pointed at `relativeName` in zone `zone`. */
function recordSetEvent(zone: string, relativeName: string): unknown {
  const sample = structuredClone(readJson('events/azure/record-set-write-by-someone-else.json')) as {
    id: string;
    subject: string;
    data: { resourceUri: string; authorization: { scope: string } };
  };
  const uri = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${DNS_RG}/providers/Microsoft.Network/privateDnsZones/${zone}/A/${relativeName}`;
  sample.id = `record-${zone}-${relativeName}`;
  sample.subject = uri;
  sample.data.resourceUri = uri;
  sample.data.authorization.scope = uri;
  return sample;
}

const CONFLUENT_ENDPOINTS = ['confluent-n-p8xo76-1', 'confluent-n-p8xo76-2', 'confluent-n-p8xo76-3'];

describe('Azure brownfield: every Azure Function and the CLI', () => {
  it('endpoint events, record-set events and the scheduled repair: the Confluent zones exactly, nothing else written', async () => {
    const { harness, seeded } = await brownfield();
    const before = privatelinkZones(harness, seeded);
    expect(seeded.privatelinkZoneIds).toHaveLength(3);
    expect(seeded.endpoints.map((endpoint) => endpoint.kind).sort()).toEqual([
      'key-vault',
      'partner-pending',
      'partner-rejected',
      'sql-server',
      'storage-blob',
      'storage-blob-other-vnet',
    ]);

    // A Confluent endpoint's write event: the zone is created, every endpoint of the VNet contributes; only the three
    // Confluent endpoints are read deeply, the VNet's PaaS and partner endpoints are counted as skipped.
    const created = reportOf(
      await harness.handlers.privateEndpointEvents(endpointEvent('write', 'confluent-n-p8xo76-1'), harness.context()),
    );
    expect(created.zones).toMatchObject([{ domain: DEDICATED, outcome: 'changed' }]);
    expect(aRecordSets(harness.zone(DEDICATED))).toEqual(DEDICATED_RECORDS);
    expect(endpointsReadDeeply(harness)).toEqual(CONFLUENT_ENDPOINTS);
    expect(created.endpointsSkipped).toBe(5); // storage, Key Vault, SQL, pending and rejected partners in this VNet
    expect(zonesWritten(harness)).toEqual([DEDICATED]);

    // Write events for each unrelated endpoint: one GET each, nothing else read, nothing written, never a failure.
    for (const endpoint of seeded.endpoints) {
      harness.azure.requests.clear();
      const report = reportOf(
        await harness.handlers.privateEndpointEvents(
          { ...(endpointEvent('write', 'x') as object), ...eventFor(endpoint.id) },
          harness.context(),
        ),
      );
      expect([nameOf(endpoint.id), report.zones, report.endpointsSkipped]).toEqual([nameOf(endpoint.id), [], 1]);
      expect(harness.azure.requests.counts()).toEqual({ 'privateEndpoints.get': 1 });
    }

    // Azure's own zone-group write into privatelink.blob.core.windows.net: not a managed domain, ignored unread.
    harness.azure.requests.clear();
    const zoneGroupWrite = await harness.handlers.privateDnsRecordEvents(
      recordSetEvent('privatelink.blob.core.windows.net', 'stacmeprod'),
      harness.context(),
    );
    expect(zoneGroupWrite.outcome).toBe('ignored');
    expect(harness.azure.requests.entries).toEqual([]);

    // Someone edits *.az1 of the Confluent zone: the record-set event repairs it.
    putRecordSet(
      harness.azure.state,
      zoneId(DEDICATED),
      'A',
      '*.az1',
      armARecords(['10.99.0.1'], 60, { linkdns_owner: 'linkdns-azure-prod' }),
    );
    harness.azure.requests.clear();
    const edited = reportOf(
      await harness.handlers.privateDnsRecordEvents(
        readJson('events/azure/record-set-write-by-someone-else.json'),
        harness.context(),
      ),
    );
    expect(edited.zones.map((zone) => [zone.domain, zone.outcome])).toEqual([[DEDICATED, 'changed']]);
    expect(aRecordSets(harness.zone(DEDICATED))).toEqual(DEDICATED_RECORDS);
    expect(zonesWritten(harness)).toEqual([DEDICATED]);
    expect(endpointsReadDeeply(harness).filter((name) => !CONFLUENT_ENDPOINTS.includes(name))).toEqual([]);

    // The scheduled repair lists the subscription: the attachment's zone is created too; the six unrelated endpoints
    // are counted, none is read deeply, nothing else is written.
    harness.azure.requests.clear();
    const repair = reportOf(await harness.handlers.scheduledRepair(harness.timer(), harness.context()));
    expect(repair.zones.map((zone) => [zone.domain, zone.outcome]).sort()).toEqual([
      [ATTACHMENT, 'changed'],
      [DEDICATED, 'unchanged'],
    ]);
    expect(repair.endpointsSkipped).toBe(seeded.endpoints.length);
    expect(endpointsReadDeeply(harness)).toEqual([...CONFLUENT_ENDPOINTS, 'confluent-platt-q2w9r7'].sort());
    expect(zonesWritten(harness)).toEqual([ATTACHMENT]);
    expect(aRecordSets(harness.zone(DEDICATED))).toEqual(DEDICATED_RECORDS);
    expect(aRecordSets(harness.zone(ATTACHMENT))).toEqual(ATTACHMENT_RECORDS);
    expect(privatelinkZones(harness, seeded)).toEqual(before);
  });

  it('the repair fan-out (timer coordinator → sweep queue → workers): the Confluent zones exactly, the rest skipped', async () => {
    const { harness, seeded } = await brownfield();
    const before = privatelinkZones(harness, seeded);
    const queues = new LocalStorageQueues({ maxDequeueCount: 5 });
    const coordinator = harness.context('repairCoordinator');

    const started = await harness.handlers.repairCoordinator(harness.timer(), coordinator);
    queues.writeOutput(SWEEP_QUEUE.name, coordinator.extraOutputs.get(harness.sweepQueue));
    const worked: RunReport[] = [];
    while (
      (await queues.deliver(SWEEP_QUEUE.name, async (message, triggerMetadata) => {
        const result = await harness.handlers.repairWorker(
          message,
          new InvocationContext({
            invocationId: `worker-${worked.length}`,
            functionName: 'repairWorker',
            triggerMetadata,
          }),
        );
        worked.push(reportOf(result));
      })) > 0
    );

    expect(started).toMatchObject({ outcome: 'sweep-started' });
    expect(worked.flatMap((report) => report.zones.map((zone) => [zone.domain, zone.outcome])).sort()).toEqual([
      [ATTACHMENT, 'changed'],
      [DEDICATED, 'changed'],
    ]);
    expect(worked.some((report) => report.zones.some((zone) => zone.outcome === 'failed'))).toBe(false);
    expect(queues.messages(SWEEP_QUEUE.poison)).toEqual([]);
    expect(aRecordSets(harness.zone(DEDICATED))).toEqual(DEDICATED_RECORDS);
    expect(aRecordSets(harness.zone(ATTACHMENT))).toEqual(ATTACHMENT_RECORDS);
    expect(zonesWritten(harness)).toEqual([ATTACHMENT, DEDICATED].sort());
    expect(endpointsReadDeeply(harness)).toEqual([...CONFLUENT_ENDPOINTS, 'confluent-platt-q2w9r7'].sort());
    expect(privatelinkZones(harness, seeded)).toEqual(before);
  });

  it('reconciles at once on a write event whose authorization.evidence is an array (it used to wait for the schedule)', async () => {
    const { harness } = await brownfield();

    const result = await harness.handlers.privateEndpointEvents(
      readJson('events/azure/private-endpoint-write.evidence-array.json'),
      harness.context(),
    );

    expect(reportOf(result).zones).toMatchObject([{ domain: DEDICATED, outcome: 'changed' }]);
    expect(aRecordSets(harness.zone(DEDICATED))).toEqual(DEDICATED_RECORDS);
    expect(harness.logs.filter((line) => line.startsWith('error'))).toEqual([]);
  });

  it('fails only the (domain, VNet) of a mapped endpoint it cannot read (a zone tag that names no zone); the rest goes on', async () => {
    const { harness, seeded } = await brownfield();
    const before = privatelinkZones(harness, seeded);
    // Someone tags the attachment's endpoint with a zone linkdns cannot read (it expects az<N> or <N>).
    const attachmentEndpoint = harness.azure.state.get(endpointId('confluent-platt-q2w9r7'));
    if (!attachmentEndpoint) throw new Error('the fixture endpoint is missing');
    harness.azure.state.put({
      ...attachmentEndpoint,
      tags: { ...attachmentEndpoint.tags, 'linkdns-zone': 'eastus-1' },
    });

    const repair = reportOf(await harness.handlers.scheduledRepair(harness.timer(), harness.context()));

    const byDomain = Object.fromEntries(repair.zones.map((zone) => [zone.domain, zone]));
    expect(byDomain[DEDICATED]?.outcome).toBe('changed');
    expect(byDomain[ATTACHMENT]).toMatchObject({ outcome: 'failed', error: { name: 'UnreadableEndpointError' } });
    expect(byDomain[ATTACHMENT]?.error?.message).toContain('confluent-platt-q2w9r7');
    expect(byDomain[ATTACHMENT]?.error?.message).toContain('eastus-1');
    expect(repair.endpointsSkipped).toBe(seeded.endpoints.length);
    expect(aRecordSets(harness.zone(DEDICATED))).toEqual(DEDICATED_RECORDS);
    expect(zonesWritten(harness)).toEqual([DEDICATED]);
    expect(privatelinkZones(harness, seeded)).toEqual(before);
    // The failure is named in the notification too.
    const notified = harness.notified.at(-1)?.zones.find((zone) => zone.domain === ATTACHMENT);
    expect(notified?.error?.message).toContain('confluent-platt-q2w9r7');
  });

  it('linkdns plan / apply / repair --cloud azure: the Confluent zones exactly, nothing else written', async () => {
    const { harness, seeded } = await brownfield();
    const before = privatelinkZones(harness, seeded);
    const {
      plan,
      afterPlan: writesAfterPlan,
      apply,
      repair,
      again,
    } = await planApplyRepair({
      config: baseConfig,
      env: { LINKDNS_AZURE_API_ROOT: harness.azure.baseUrl },
      args: (file) => [
        '--cloud',
        'azure',
        '--config',
        file,
        '--subscription',
        SUBSCRIPTION,
        '--resource-group',
        DNS_RG,
        '--json',
      ],
      // The zones do not exist yet (zones.create): the plan shows what apply would write into them, writing nothing.
      afterPlan: () => harness.azure.requests.writes().length,
      drift: () => harness.azure.state.delete(`${zoneId(DEDICATED)}/A/*.az2`),
    });

    expect(plan.exitCode).toBe(2);
    const planned = JSON.parse(plan.stdout) as RunReport;
    expect(planned.zones.map((zone) => [zone.domain, zone.outcome, zone.changes.create.length]).sort()).toEqual([
      [ATTACHMENT, 'drift', 2],
      [DEDICATED, 'drift', 5],
    ]);
    expect(planned.endpointsSkipped).toBe(seeded.endpoints.length);
    expect(writesAfterPlan).toBe(0);
    expect(apply.exitCode).toBe(0);
    expect((JSON.parse(apply.stdout) as RunReport).zones.map((zone) => zone.outcome)).toEqual(['changed', 'changed']);
    expect(repair.exitCode).toBe(0);
    expect((JSON.parse(repair.stdout) as RunReport).zones.map((zone) => [zone.domain, zone.outcome]).sort()).toEqual([
      [ATTACHMENT, 'unchanged'],
      [DEDICATED, 'changed'],
    ]);
    expect(again.exitCode).toBe(0);
    expect(aRecordSets(harness.zone(DEDICATED))).toEqual(DEDICATED_RECORDS);
    expect(aRecordSets(harness.zone(ATTACHMENT))).toEqual(ATTACHMENT_RECORDS);
    expect(zonesWritten(harness)).toEqual([ATTACHMENT, DEDICATED].sort());
    expect(endpointsReadDeeply(harness)).toEqual([...CONFLUENT_ENDPOINTS, 'confluent-platt-q2w9r7'].sort());
    expect(privatelinkZones(harness, seeded)).toEqual(before);
  });
});

describe('LINKDNS_AZURE_API_ROOT', () => {
  it('names only a local Azure: a loopback http URL, nothing that would carry the placeholder token elsewhere', () => {
    const settings = (root: string) => () =>
      readAzureSettings({
        LINKDNS_CONFIG: JSON.stringify(baseConfig),
        AZURE_SUBSCRIPTION_ID: SUBSCRIPTION,
        LINKDNS_DNS_RESOURCE_GROUP: DNS_RG,
        LINKDNS_AZURE_API_ROOT: root,
      });

    expect(settings('http://127.0.0.1:4100')().apiRoot).toBe('http://127.0.0.1:4100');
    expect(settings('http://10.0.0.5:8080')).toThrow(/LINKDNS_AZURE_API_ROOT: must be a loopback http/);
    expect(settings('https://management.azure.com')).toThrow(/LINKDNS_AZURE_API_ROOT/);
  });
});

/** The fields of an Event Grid write event that name resource `id`. */
function eventFor(id: string): Record<string, unknown> {
  const sample = endpointEvent('write', nameOf(id)) as { subject: string; data: Record<string, unknown> };
  return {
    id: `write-${nameOf(id)}`,
    subject: id,
    data: { ...sample.data, resourceUri: id, authorization: { ...(sample.data.authorization as object), scope: id } },
  };
}
