import { afterEach, describe, expect, it } from 'vitest';
import {
  aRecords,
  DOMAIN,
  type GcpHarness,
  LINKDNS_SA,
  NETWORK,
  PRIVATE_ZONE,
  PROJECT,
  PUBLIC_ZONE,
  readJson,
  reportOf,
  ruleEvent,
  startGcpHarness,
} from './gcp-harness.ts';

const THREE_ZONES = {
  'A *': ['10.2.0.11', '10.2.0.12', '10.2.0.13'],
  'A *.us-central1-a': ['10.2.0.11'],
  'A *.us-central1-b': ['10.2.0.12'],
  'A *.us-central1-c': ['10.2.0.13'],
};

let harness: GcpHarness;

afterEach(async () => {
  await harness.close();
});

/** What each write did: `changes.create -*.us-central1-b +_linkdns 200`. */
function writeLog(harness: GcpHarness): string[] {
  const relative = (name: string) => name.replace(`.${DOMAIN}.`, '').replace(`${DOMAIN}.`, '@');
  return harness.gcp.requests.writes().map((entry) => {
    const body = entry.body as { deletions?: { name: string }[]; additions?: { name: string }[]; name?: string };
    const parts = [
      ...(body.deletions ?? []).map((record) => `-${relative(record.name)}`),
      ...(body.additions ?? []).map((record) => `+${relative(record.name)}`),
      ...(body.name ? [body.name] : []),
    ];
    return `${entry.operation} ${parts.join(' ')} ${entry.status}`;
  });
}

async function provision(): Promise<void> {
  const result = await harness.handlers.forwardingRuleEvents(ruleEvent('insert', 'confluent-psc-us-central1-a'));
  expect(reportOf(result).zones.map((zone) => zone.outcome)).toEqual(['changed']);
  harness.gcp.requests.clear();
  harness.notified.length = 0;
}

describe('forwardingRuleEvents', () => {
  it('writes * with the three IPs and *.us-central1-a..c for three PSC endpoints, in one atomic change', async () => {
    // Prepare
    harness = await startGcpHarness();

    // Act
    const result = await harness.handlers.forwardingRuleEvents(readJson('events/gcp/forwarding-rule-insert.json'));

    // Assess
    const [zone] = reportOf(result).zones;
    expect(zone).toMatchObject({
      domain: DOMAIN,
      scope: NETWORK,
      zoneId: PRIVATE_ZONE,
      outcome: 'changed',
      attempts: 1,
    });
    expect(aRecords(harness.zone())).toEqual(THREE_ZONES);
    expect(harness.zone()['TXT _linkdns']?.join(' ')).toContain(
      `heritage=linkdns,owner=linkdns-gcp-prod,scope=${NETWORK}`,
    );
    expect(writeLog(harness)).toEqual([
      'changes.create +* +*.us-central1-a +*.us-central1-b +*.us-central1-c +_linkdns 200',
    ]);
    expect(harness.gcp.requests.counts()).toEqual({
      'forwardingRules.get': 1,
      'forwardingRules.list': 1,
      'managedZones.list': 1,
      'resourceRecordSets.list': 2,
      'changes.create': 1,
      'changes.get': 2, // pending, then done: the local Cloud DNS makes the wait loop run
    });
    expect(harness.notified).toHaveLength(1);
  });

  it('takes its IP out of * and removes its zonal record when an endpoint is deleted', async () => {
    // Prepare
    harness = await startGcpHarness();
    await provision();
    harness.gcp.state.compute.deleteForwardingRule(PROJECT, 'us-central1', 'confluent-psc-us-central1-b');

    // Act
    const result = await harness.handlers.forwardingRuleEvents(readJson('events/gcp/forwarding-rule-delete.json'));

    // Assess
    expect(reportOf(result).zones.map((zone) => zone.outcome)).toEqual(['changed']);
    expect(aRecords(harness.zone())).toEqual({
      'A *': ['10.2.0.11', '10.2.0.13'],
      'A *.us-central1-a': ['10.2.0.11'],
      'A *.us-central1-c': ['10.2.0.13'],
    });
    expect(harness.zone()['TXT _linkdns']?.join(' ')).not.toContain('us-central1-b');
    expect(writeLog(harness)).toEqual(['changes.create -* -*.us-central1-b -_linkdns +* +_linkdns 200']);
    expect(harness.gcp.requests.counts()).toEqual({
      'forwardingRules.get': 1,
      'managedZones.list': 2,
      'resourceRecordSets.list': 2,
      'forwardingRules.list': 1,
      'changes.create': 1,
      'changes.get': 2, // pending, then done: the local Cloud DNS makes the wait loop run
    });
  });

  it('makes no write when the same event arrives twice', async () => {
    // Prepare
    harness = await startGcpHarness();
    const event = ruleEvent('insert', 'confluent-psc-us-central1-c', 'same-event');
    await harness.handlers.forwardingRuleEvents(event);
    harness.gcp.requests.clear();

    // Act
    const result = await harness.handlers.forwardingRuleEvents(event);

    // Assess
    expect(reportOf(result).zones.map((zone) => zone.outcome)).toEqual(['unchanged']);
    expect(harness.gcp.requests.writes()).toEqual([]);
    expect(harness.gcp.requests.counts()).toEqual({
      'forwardingRules.get': 1,
      'forwardingRules.list': 1,
      'managedZones.list': 1,
      'resourceRecordSets.list': 1,
    });
  });

  it('converges when the delete event arrives before the create event', async () => {
    // Prepare: the rule was created and deleted again; the events arrive reversed.
    harness = await startGcpHarness();
    await provision();
    harness.gcp.state.compute.deleteForwardingRule(PROJECT, 'us-central1', 'confluent-psc-us-central1-b');

    // Act
    const afterDelete = await harness.handlers.forwardingRuleEvents(ruleEvent('delete', 'confluent-psc-us-central1-b'));
    const afterInsert = await harness.handlers.forwardingRuleEvents(ruleEvent('insert', 'confluent-psc-us-central1-b'));

    // Assess: the late insert re-reads the truth (gone, and no registry lists it any more): nothing to reconcile.
    expect(reportOf(afterDelete).zones.map((zone) => zone.outcome)).toEqual(['changed']);
    expect(reportOf(afterInsert).zones).toEqual([]);
    expect(harness.gcp.requests.writes()).toHaveLength(1);
    expect(aRecords(harness.zone())).toEqual({
      'A *': ['10.2.0.11', '10.2.0.13'],
      'A *.us-central1-a': ['10.2.0.11'],
      'A *.us-central1-c': ['10.2.0.13'],
    });
  });

  it('re-reads and re-plans when another writer changes the zone between read and write', async () => {
    // Prepare: provisioned with two endpoints; the third arrives while someone edits a foreign record.
    harness = await startGcpHarness();
    harness.gcp.state.compute.deleteForwardingRule(PROJECT, 'us-central1', 'confluent-psc-us-central1-c');
    await provision();
    harness.gcp.state.compute.putForwardingRule(
      (readJson('events/gcp/cli/psc-3-zones.forwarding-rules.json') as Record<string, unknown>[])[2] as Record<
        string,
        unknown
      >,
    );
    harness.gcp.faults.add({
      operation: 'changes.create',
      // A concurrent linkdns run widened * first: the deletion of the old * no longer matches.
      before: (state) => {
        state.dns.removeRecordSet(PROJECT, PRIVATE_ZONE, `*.${DOMAIN}`, 'A');
        state.dns.putRecordSet(PROJECT, PRIVATE_ZONE, {
          name: `*.${DOMAIN}.`,
          type: 'A',
          ttl: 60,
          rrdatas: ['10.2.0.11', '10.2.0.12', '10.2.0.13'],
        });
      },
    });

    // Act
    const result = await harness.handlers.forwardingRuleEvents(ruleEvent('insert', 'confluent-psc-us-central1-c'));

    // Assess
    const [zone] = reportOf(result).zones;
    expect(zone).toMatchObject({ outcome: 'changed', attempts: 2 });
    expect(aRecords(harness.zone())).toEqual(THREE_ZONES);
    expect(harness.gcp.requests.writes().map((entry) => entry.status)).toEqual([412, 200]);
  });

  it('waits out a 429 with Retry-After and then writes', async () => {
    // Prepare
    harness = await startGcpHarness();
    harness.gcp.faults.add({ operation: 'changes.create', status: 429, headers: { 'retry-after': '1' } });

    // Act
    const started = Date.now();
    const result = await harness.handlers.forwardingRuleEvents(ruleEvent('insert', 'confluent-psc-us-central1-a'));

    // Assess
    expect(reportOf(result).zones.map((zone) => zone.outcome)).toEqual(['changed']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(harness.gcp.requests.writes().map((entry) => entry.status)).toEqual([429, 200]);
    expect(aRecords(harness.zone())).toEqual(THREE_ZONES);
  });

  it('rethrows when throttling outlasts the retries, so Eventarc redelivers', async () => {
    // Prepare
    harness = await startGcpHarness();
    harness.gcp.faults.add({ operation: 'changes.create', status: 503, times: 100 });

    // Act
    const run = harness.handlers.forwardingRuleEvents(ruleEvent('insert', 'confluent-psc-us-central1-a'));

    // Assess
    await expect(run).rejects.toMatchObject({ name: 'RetryableRunError', retryable: true });
    expect(harness.gcp.requests.counts()['changes.create']).toBe(6);
    expect(aRecords(harness.zone())).toEqual({});
  });

  it('leaves a foreign record at a wanted name untouched and reports the conflict', async () => {
    // Prepare: someone wrote *.us-central1-a by hand.
    harness = await startGcpHarness();
    harness.gcp.state.dns.putRecordSet(PROJECT, PRIVATE_ZONE, {
      name: `*.us-central1-a.${DOMAIN}.`,
      type: 'A',
      ttl: 300,
      rrdatas: ['10.9.9.9'],
    });

    // Act
    const result = await harness.handlers.forwardingRuleEvents(ruleEvent('insert', 'confluent-psc-us-central1-a'));

    // Assess
    const [zone] = reportOf(result).zones;
    expect(zone?.outcome).toBe('changed');
    expect(zone?.conflicts.map((conflict) => conflict.name)).toEqual([`*.us-central1-a.${DOMAIN}`]);
    expect(harness.zone()['A *.us-central1-a']).toEqual(['10.9.9.9']);
    expect(harness.zone()['TXT _linkdns']?.join(' ')).not.toContain('record=A:*.us-central1-a');
    expect(aRecords(harness.zone())['A *']).toEqual(['10.2.0.11', '10.2.0.12', '10.2.0.13']);
  });

  it('never touches the public zone of the same name', async () => {
    // Prepare
    harness = await startGcpHarness();

    // Act
    await harness.handlers.forwardingRuleEvents(ruleEvent('insert', 'confluent-psc-us-central1-a'));

    // Assess
    expect(harness.zone(PUBLIC_ZONE)).toEqual({
      'NS @': ['ns-gcp-private.googledomains.com.'],
      'SOA @': ['ns-gcp-private.googledomains.com. cloud-dns-hostmaster.google.com. 1 21600 3600 259200 300'],
    });
    expect(harness.gcp.requests.entries.filter((entry) => entry.path.includes(PUBLIC_ZONE))).toEqual([]);
  });

  it('creates the private zone bound to the network when creation is opted in, labelled as linkdns’s', async () => {
    // Prepare
    harness = await startGcpHarness({
      privateZone: false,
      config: {
        ...(readJson('events/gcp/cli/linkdns-config.json') as object),
        zones: { create: true, extraNetworks: ['projects/acme-hub/global/networks/hub'] },
      },
    });

    // Act
    const result = await harness.handlers.forwardingRuleEvents(ruleEvent('insert', 'confluent-psc-us-central1-a'));

    // Assess
    const [zone] = reportOf(result).zones;
    expect(zone?.outcome).toBe('changed');
    const created = harness.gcp.state.dns.zone(PROJECT, zone?.zoneId ?? '');
    expect(created).toMatchObject({
      dnsName: `${DOMAIN}.`,
      visibility: 'private',
      labels: { 'linkdns-created': 'linkdns-gcp-prod' },
      networks: [NETWORK, 'https://www.googleapis.com/compute/v1/projects/acme-hub/global/networks/hub'],
    });
    expect(aRecords(harness.zone(created.name))).toEqual(THREE_ZONES);
  });

  it('reports a missing zone without creating one when creation is not opted in', async () => {
    // Prepare
    harness = await startGcpHarness({ privateZone: false });

    // Act
    const result = await harness.handlers.forwardingRuleEvents(ruleEvent('insert', 'confluent-psc-us-central1-a'));

    // Assess
    const [zone] = reportOf(result).zones;
    expect(zone).toMatchObject({ outcome: 'failed', error: { name: 'ZoneNotFoundError', retryable: false } });
    expect(harness.gcp.requests.writes()).toEqual([]);
  });

  it('ignores a load-balancer forwarding rule named in the event without a call', async () => {
    // Prepare
    harness = await startGcpHarness();
    const event = ruleEvent('insert', 'web-lb');
    (event.data as { protoPayload: { request: Record<string, unknown> } }).protoPayload.request.target =
      'https://www.googleapis.com/compute/v1/projects/acme-prod/regions/us-central1/targetHttpProxies/web';

    // Act
    const result = await harness.handlers.forwardingRuleEvents(event);

    // Assess
    expect(result).toMatchObject({ outcome: 'ignored' });
    expect(harness.gcp.requests.entries).toEqual([]);
  });

  it.each([
    ['no data', { id: 'x', type: 'google.cloud.audit.log.v1.written' }],
    [
      'no methodName',
      {
        id: 'x',
        type: 'google.cloud.audit.log.v1.written',
        data: { protoPayload: { serviceName: 'compute.googleapis.com' } },
      },
    ],
    [
      'a resource name that is no forwarding rule',
      (() => {
        const event = ruleEvent('insert', 'x');
        (event.data as { protoPayload: { resourceName: string } }).protoPayload.resourceName =
          'projects/acme-prod/global/networks/x';
        return event;
      })(),
    ],
    ['not an object', 'forwardingRules.insert'],
  ])('rejects a malformed event (%s) with zero requests', async (_name, event) => {
    // Prepare
    harness = await startGcpHarness();

    // Act
    const result = await harness.handlers.forwardingRuleEvents(event);

    // Assess
    expect(result).toMatchObject({ outcome: 'rejected', error: { name: 'InvalidInputError', retryable: false } });
    expect(harness.gcp.requests.entries).toEqual([]);
  });
});

describe('cloudDnsRecordEvents', () => {
  it('repairs a zone a person edited: the records linkdns owns are put back, in one change', async () => {
    // Prepare
    harness = await startGcpHarness();
    await provision();
    harness.gcp.state.dns.removeRecordSet(PROJECT, PRIVATE_ZONE, `*.${DOMAIN}`, 'A');
    harness.gcp.state.dns.putRecordSet(PROJECT, PRIVATE_ZONE, {
      name: `*.${DOMAIN}.`,
      type: 'A',
      ttl: 300,
      rrdatas: ['10.2.0.99'],
    });

    // Act
    const result = await harness.handlers.cloudDnsRecordEvents(readJson('events/gcp/dns-change-by-person.json'));

    // Assess
    expect(reportOf(result).zones).toMatchObject([{ outcome: 'changed', zoneId: PRIVATE_ZONE, scope: NETWORK }]);
    expect(reportOf(result).trigger.kind).toBe('zone-event');
    expect(aRecords(harness.zone())).toEqual(THREE_ZONES);
    expect(harness.gcp.requests.counts()).toEqual({
      'managedZones.list': 2,
      'resourceRecordSets.list': 2,
      'forwardingRules.list': 1,
      'changes.create': 1,
      'changes.get': 2, // pending, then done: the local Cloud DNS makes the wait loop run
    });
  });

  it('ignores linkdns’s own writes by the service account, with zero requests', async () => {
    // Prepare
    harness = await startGcpHarness();

    // Act
    const result = await harness.handlers.cloudDnsRecordEvents(readJson('events/gcp/dns-change-by-linkdns.json'));

    // Assess
    expect(result).toMatchObject({ outcome: 'ignored' });
    expect((result as { reason: string }).reason).toContain(LINKDNS_SA);
    expect(harness.gcp.requests.entries).toEqual([]);
  });

  it('ignores a change in the public zone of the same name', async () => {
    // Prepare
    harness = await startGcpHarness();
    const event = structuredClone(readJson('events/gcp/dns-change-by-person.json')) as {
      data: { protoPayload: { resourceName: string }; resource: { labels: Record<string, string> } };
    };
    event.data.protoPayload.resourceName = `projects/${PROJECT}/managedZones/${PUBLIC_ZONE}`;
    event.data.resource.labels.zone_name = PUBLIC_ZONE;

    // Act
    const result = await harness.handlers.cloudDnsRecordEvents(event);

    // Assess
    expect(result).toMatchObject({ outcome: 'ignored' });
    expect(harness.gcp.requests.counts()).toEqual({ 'managedZones.list': 1 });
  });

  it('rejects a malformed zone event with zero requests', async () => {
    // Prepare
    harness = await startGcpHarness();

    // Act
    const result = await harness.handlers.cloudDnsRecordEvents({
      id: 'e',
      type: 'google.cloud.audit.log.v1.written',
      data: {},
    });

    // Assess
    expect(result).toMatchObject({ outcome: 'rejected', error: { name: 'InvalidInputError' } });
    expect(harness.gcp.requests.entries).toEqual([]);
  });
});

describe('scheduledRepair', () => {
  it('repairs a tampered record and removes the records of an endpoint that vanished without an event', async () => {
    // Prepare
    harness = await startGcpHarness();
    await provision();
    harness.gcp.state.compute.deleteForwardingRule(PROJECT, 'us-central1', 'confluent-psc-us-central1-c');
    harness.gcp.state.dns.removeRecordSet(PROJECT, PRIVATE_ZONE, `*.us-central1-a.${DOMAIN}`, 'A');
    harness.gcp.state.dns.putRecordSet(PROJECT, PRIVATE_ZONE, {
      name: `*.us-central1-a.${DOMAIN}.`,
      type: 'A',
      ttl: 60,
      rrdatas: ['10.2.0.66'],
    });

    // Act
    const result = await harness.handlers.scheduledRepair(readJson('events/gcp/scheduled-repair.json'));

    // Assess
    expect(reportOf(result).trigger).toMatchObject({ kind: 'schedule', id: '12817743291508126' });
    expect(reportOf(result).zones.map((zone) => zone.outcome)).toEqual(['changed']);
    expect(aRecords(harness.zone())).toEqual({
      'A *': ['10.2.0.11', '10.2.0.12'],
      'A *.us-central1-a': ['10.2.0.11'],
      'A *.us-central1-b': ['10.2.0.12'],
    });
    expect(harness.gcp.requests.counts()).toEqual({
      'forwardingRules.list': 1,
      'managedZones.list': 2,
      'resourceRecordSets.list': 2,
      'changes.create': 1,
      'changes.get': 2, // pending, then done: the local Cloud DNS makes the wait loop run
    });
  });

  it('only reports drift when detect-only', async () => {
    // Prepare
    harness = await startGcpHarness({ detectOnly: true });

    // Act
    const result = await harness.handlers.scheduledRepair(readJson('events/gcp/scheduled-repair.json'));

    // Assess
    expect(reportOf(result)).toMatchObject({ dryRun: true, zones: [{ outcome: 'drift' }] });
    expect(harness.gcp.requests.writes()).toEqual([]);
  });
});

describe('audit-log entries that name the project by number (issue 11)', () => {
  it('matches a forwarding-rule delete naming projects/<number> to the registry keyed by project id', async () => {
    harness = await startGcpHarness();
    await provision();
    harness.gcp.state.compute.deleteForwardingRule(PROJECT, 'us-central1', 'confluent-psc-us-central1-b');
    const byNumber = JSON.parse(
      JSON.stringify(readJson('events/gcp/forwarding-rule-delete.json')).replaceAll(
        `projects/${PROJECT}/regions/`,
        'projects/123456789012/regions/',
      ),
    );
    expect(byNumber.data.protoPayload.resourceName).toMatch(/^projects\/123456789012\//);

    const result = await harness.handlers.forwardingRuleEvents(byNumber);

    expect(reportOf(result).zones.map((zone) => zone.outcome)).toEqual(['changed']);
    expect(aRecords(harness.zone())['A *']).toEqual(['10.2.0.11', '10.2.0.13']);
  });
});
