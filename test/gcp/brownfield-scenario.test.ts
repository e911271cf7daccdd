import { afterEach, describe, expect, it } from 'vitest';
import type { RunReport } from '../../functions/core/report.ts';
import { GCP_SCENARIO } from '../../local/gcp/scenario.ts';
import { planApplyRepair } from '../support/cli-pass.ts';
import {
  aRecords,
  baseConfig,
  DOMAIN,
  type GcpHarness,
  NETWORK,
  PRIVATE_ZONE,
  PROJECT,
  PUBLIC_ZONE,
  readJson,
  reportOf,
  ruleEvent,
  startGcpHarness,
} from './gcp-harness.ts';

/**
 * The Google brownfield (local/gcp/brownfield.ts: internal and external load balancers, PSC endpoints for Google APIs,
 * PSC endpoints to other producers in every connection state, the company's own private zone, a same-named public
 * zone) around the three Confluent PSC endpoints, through the three Cloud Functions and the CLI, over the real HTTP
 * client. What each path does with each unrelated kind is in the closing note of issue 11.
 */

let h: GcpHarness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

const CONFLUENT_RECORDS = {
  'A *': ['10.2.0.11', '10.2.0.12', '10.2.0.13'],
  'A *.us-central1-a': ['10.2.0.11'],
  'A *.us-central1-b': ['10.2.0.12'],
  'A *.us-central1-c': ['10.2.0.13'],
};

async function brownfield(config: Record<string, unknown> = baseConfig): Promise<GcpHarness> {
  h = await startGcpHarness({ brownfield: true, config });
  return h;
}

/** Every zone of the project but the Confluent one, record set for record set, and the zones' own fields. */
function otherZones(harness: GcpHarness, except: readonly string[] = [PRIVATE_ZONE]): string {
  const { dns } = harness.gcp.state;
  return JSON.stringify(
    dns
      .zones(PROJECT)
      .filter((zone) => !except.includes(zone.name))
      .map((zone) => ({ zone, records: dns.recordSets(PROJECT, zone.name), changes: dns.changes(PROJECT, zone.name) })),
  );
}

/** The zones the request log shows written (any method but GET), by managed-zone name. */
function zonesWritten(harness: GcpHarness): string[] {
  const zones = harness.gcp.requests
    .writes()
    .map((entry) => /\/managedZones\/([^/]+)/.exec(entry.path)?.[1] ?? `not a zone: ${entry.method} ${entry.path}`);
  return [...new Set(zones)].sort();
}

/** Forwarding rules read one by one (`forwardingRules.get` / `globalForwardingRules.get`), by name. */
function rulesReadById(harness: GcpHarness): string[] {
  return harness.gcp.requests.entries
    .filter((entry) => /forwardingRules\.get$/i.test(entry.operation))
    .map((entry) => entry.path.split('/').at(-1) ?? '');
}

/**
 * The insert audit-log entry Compute writes for seeded rule `name`: the request carries the fields the rule was made
 * with (`target` or `backendService`), and a global rule's method is `globalForwardingRules.insert`
 * (https://cloud.google.com/compute/docs/logging/audit-logging: `v1.compute.<collection>.<method>`).
 */
function insertEventFor(harness: GcpHarness, name: string): Record<string, unknown> {
  const rule = [
    ...harness.gcp.state.compute.forwardingRules(PROJECT, GCP_SCENARIO.region),
    ...harness.gcp.state.compute.forwardingRules(PROJECT, 'global'),
  ].find((candidate) => candidate.name === name);
  if (!rule) throw new Error(`no seeded rule ${name}`);
  const event = structuredClone(ruleEvent('insert', name)) as {
    methodname: string;
    resourcename: string;
    data: { protoPayload: { methodName: string; resourceName: string; request: Record<string, unknown> } };
  };
  const global = String(rule.selfLink).includes('/global/');
  const resourceName = `projects/${PROJECT}/${global ? 'global' : `regions/${GCP_SCENARIO.region}`}/forwardingRules/${name}`;
  const methodName = global ? 'v1.compute.globalForwardingRules.insert' : 'v1.compute.forwardingRules.insert';
  event.methodname = methodName;
  event.resourcename = resourceName;
  event.data.protoPayload.methodName = methodName;
  event.data.protoPayload.resourceName = resourceName;
  const { target: _target, ...request } = event.data.protoPayload.request;
  event.data.protoPayload.request = {
    ...request,
    ...Object.fromEntries(
      ['target', 'backendService', 'network', 'loadBalancingScheme'].flatMap((field) =>
        rule[field] === undefined ? [] : [[field, rule[field]]],
      ),
    ),
  };
  return event as unknown as Record<string, unknown>;
}

const ruleNames = (report: RunReport) =>
  report.zones.flatMap((zone) => zone.endpoints.map((endpoint) => endpoint.split('/').at(-1)));

describe('Google brownfield: every Cloud Function and the CLI', () => {
  it('forwarding-rule events, a zone edit and the scheduled repair: the Confluent zone exactly, nothing else written', async () => {
    const harness = await brownfield();
    const before = otherZones(harness);
    expect(harness.gcp.state.dns.zones(PROJECT).map((zone) => zone.name)).toEqual(
      expect.arrayContaining([PRIVATE_ZONE, PUBLIC_ZONE, 'corp-internal']),
    );

    // A Confluent rule's insert: the whole domain is written from one listing of the region; only that rule is read.
    const inserted = reportOf(
      await harness.handlers.forwardingRuleEvents(ruleEvent('insert', 'confluent-psc-us-central1-b')),
    );
    expect(inserted.zones).toMatchObject([{ domain: DOMAIN, scope: NETWORK, outcome: 'changed' }]);
    expect(aRecords(harness.zone())).toEqual(CONFLUENT_RECORDS);
    expect(rulesReadById(harness)).toEqual(['confluent-psc-us-central1-b']);
    expect(ruleNames(inserted).sort()).toEqual([
      'confluent-psc-us-central1-a',
      'confluent-psc-us-central1-b',
      'confluent-psc-us-central1-c',
    ]);
    expect(inserted.endpointsSkipped).toBe(3); // the three other producers' PSC endpoints of the network's listing
    expect(zonesWritten(harness)).toEqual([PRIVATE_ZONE]);

    // Inserts of a PSC endpoint to another producer (also named by project number, as audit logs may), of load
    // balancers and of a PSC endpoint for Google APIs, each with the request Compute logs for it: nothing written;
    // the producer's endpoint is read once and counted; the others are ignored from the event alone, without a call.
    harness.gcp.requests.clear();
    const atlasByNumber = JSON.parse(
      JSON.stringify(insertEventFor(harness, 'psc-mongodb-atlas')).replaceAll(
        `projects/${PROJECT}/`,
        `projects/${GCP_SCENARIO.projectNumber}/`,
      ),
    );
    const producer = reportOf(await harness.handlers.forwardingRuleEvents(atlasByNumber));
    expect(producer).toMatchObject({ zones: [], endpointsSkipped: 1 });
    expect(harness.gcp.requests.counts()).toEqual({ 'forwardingRules.get': 1 });
    harness.gcp.requests.clear();
    for (const name of ['ilb-orders', 'ilb-web-https', 'nlb-legacy-web', 'xlb-api', 'pscapis', 'pscvpcsc']) {
      const result = await harness.handlers.forwardingRuleEvents(insertEventFor(harness, name));
      expect([name, result.outcome]).toEqual([name, 'ignored']);
    }
    expect(harness.gcp.requests.entries).toEqual([]);

    // A setLabels on a load balancer's rule names no target: the rule is read, found to be no PSC endpoint, counted as
    // skipped; no managed zone's registry is searched for it.
    const labelled = structuredClone(ruleEvent('insert', 'ilb-orders')) as {
      data: { protoPayload: { methodName: string; request: Record<string, unknown> } };
    };
    labelled.data.protoPayload.methodName = 'v1.compute.forwardingRules.setLabels';
    labelled.data.protoPayload.request = { labels: { team: 'orders' } };
    const relabelled = reportOf(await harness.handlers.forwardingRuleEvents(labelled));
    expect(relabelled).toMatchObject({ zones: [], endpointsSkipped: 1 });
    expect(harness.gcp.requests.counts()).toEqual({ 'forwardingRules.get': 1 });

    // Someone edits the Confluent zone (the change of events/gcp/dns-change-by-person.json): the zone event repairs it.
    harness.gcp.state.dns.putRecordSet(PROJECT, PRIVATE_ZONE, {
      name: `*.${DOMAIN}.`,
      type: 'A',
      ttl: 300,
      rrdatas: ['10.2.0.99'],
    });
    harness.gcp.requests.clear();
    const edited = reportOf(
      await harness.handlers.cloudDnsRecordEvents(readJson('events/gcp/dns-change-by-person.json')),
    );
    expect(edited.zones).toMatchObject([{ domain: DOMAIN, outcome: 'changed' }]);
    expect(aRecords(harness.zone())).toEqual(CONFLUENT_RECORDS);
    expect(zonesWritten(harness)).toEqual([PRIVATE_ZONE]);

    // A person's change to the company's own zone: not a managed domain, ignored without a write.
    const corporate = JSON.parse(
      JSON.stringify(readJson('events/gcp/dns-change-by-person.json')).replaceAll(PRIVATE_ZONE, 'corp-internal'),
    );
    harness.gcp.requests.clear();
    expect(await harness.handlers.cloudDnsRecordEvents(corporate)).toMatchObject({ outcome: 'ignored' });
    expect(harness.gcp.requests.writes()).toEqual([]);

    // The scheduled repair lists the region: the other producers are counted as skipped, load balancers and the
    // Google-APIs endpoints are no PSC endpoints to a service attachment at all; nothing is read rule by rule.
    harness.gcp.requests.clear();
    const repair = reportOf(await harness.handlers.scheduledRepair(readJson('events/gcp/scheduled-repair.json')));
    expect(repair.zones.map((zone) => [zone.domain, zone.outcome])).toEqual([[DOMAIN, 'unchanged']]);
    expect(repair.endpointsSkipped).toBe(3);
    expect(rulesReadById(harness)).toEqual([]);
    expect(harness.gcp.requests.writes()).toEqual([]);
    expect(aRecords(harness.zone())).toEqual(CONFLUENT_RECORDS);
    expect(otherZones(harness)).toEqual(before);
  });

  it('the repair fan-out (coordinator → Pub/Sub → workers): the Confluent zone exactly, nothing else written', async () => {
    const subscription = `projects/${PROJECT}/subscriptions/eventarc-us-central1-linkdns-repair-worker-sub-1`;
    h = await startGcpHarness({
      brownfield: true,
      env: { LINKDNS_SWEEP_TOPIC: 'linkdns-sweep', LINKDNS_SWEEP_SUBSCRIPTION: subscription },
    });
    const harness = h;
    const topic = `projects/${PROJECT}/topics/linkdns-sweep`;
    harness.gcp.state.pubsub.createTopic(topic);
    harness.gcp.state.pubsub.createSubscription(subscription, topic);
    const before = otherZones(harness);

    const started = await harness.handlers.repairCoordinator(readJson('events/gcp/scheduled-repair.json'));
    const worked: RunReport[] = [];
    while (
      (await harness.gcp.state.pubsub.deliver(subscription, async (event) => {
        worked.push(reportOf(await harness.handlers.repairWorker(event)));
      })) > 0
    );

    expect(started).toMatchObject({ outcome: 'sweep-started' });
    // The coordinator read the worker subscription's backlog (empty) before it planned the sweep
    expect(harness.gcp.requests.entries[0]?.operation).toBe('timeSeries.list');
    expect(worked.flatMap((report) => report.zones.map((zone) => [zone.domain, zone.outcome]))).toEqual([
      [DOMAIN, 'changed'],
    ]);
    expect(aRecords(harness.zone())).toEqual(CONFLUENT_RECORDS);
    // The only writes: the Confluent zone, and the coordinator's one publish of the sweep.
    expect(zonesWritten(harness)).toEqual([
      PRIVATE_ZONE,
      'not a zone: POST /v1/projects/acme-prod/topics/linkdns-sweep:publish',
    ]);
    expect(rulesReadById(harness)).toEqual([]);
    expect(otherZones(harness)).toEqual(before);
  });

  it('fails only the (domain, network) of a mapped PSC endpoint it cannot read (IPv6), naming it; the rest goes on', async () => {
    // A second Confluent network's attachment mapped to its own domain; its PSC endpoint has an IPv6 address
    // (`ipVersion: IPV6`, https://cloud.google.com/vpc/docs/about-accessing-vpc-hosted-services-endpoints), which no
    // Confluent layout has records for.
    const otherDomain = 'q7w2e9.us-central1.gcp.confluent.cloud';
    const attachment = `https://www.googleapis.com/compute/v1/projects/cc-sa-q7w2e9/regions/us-central1/serviceAttachments/s-q7w2e9-service-attachment-us-central1-a`;
    const harness = await brownfield({
      ...baseConfig,
      mappings: [
        ...(baseConfig.mappings as unknown[]),
        { cloud: 'gcp', service: attachment, domain: otherDomain, layout: 'zonal' },
      ],
    });
    harness.gcp.state.dns.createZone(PROJECT, {
      name: 'confluent-q7w2e9',
      dnsName: `${otherDomain}.`,
      visibility: 'private',
      networks: [NETWORK],
    });
    harness.gcp.state.compute.putForwardingRule({
      kind: 'compute#forwardingRule',
      id: '5520113000000000999',
      name: 'confluent-psc-q7w2e9-a',
      IPAddress: 'fd20:a1b:2c3d:4e5f:8000::',
      ipVersion: 'IPV6',
      target: attachment,
      network: NETWORK,
      loadBalancingScheme: '',
      pscConnectionStatus: 'ACCEPTED',
      region: `https://www.googleapis.com/compute/v1/projects/${PROJECT}/regions/us-central1`,
      selfLink: `https://www.googleapis.com/compute/v1/projects/${PROJECT}/regions/us-central1/forwardingRules/confluent-psc-q7w2e9-a`,
    });
    const before = otherZones(harness, [PRIVATE_ZONE, 'confluent-q7w2e9']);
    const brokenBefore = JSON.stringify(harness.gcp.state.dns.recordSets(PROJECT, 'confluent-q7w2e9'));

    const repair = reportOf(await harness.handlers.scheduledRepair(readJson('events/gcp/scheduled-repair.json')));

    const byDomain = Object.fromEntries(repair.zones.map((zone) => [zone.domain, zone]));
    expect(byDomain[DOMAIN]?.outcome).toBe('changed');
    expect(byDomain[otherDomain]).toMatchObject({ outcome: 'failed', error: { name: 'UnreadableEndpointError' } });
    expect(byDomain[otherDomain]?.error?.message).toContain('confluent-psc-q7w2e9-a');
    expect(aRecords(harness.zone())).toEqual(CONFLUENT_RECORDS);
    expect(JSON.stringify(harness.gcp.state.dns.recordSets(PROJECT, 'confluent-q7w2e9'))).toBe(brokenBefore);
    expect(zonesWritten(harness)).toEqual([PRIVATE_ZONE]);
    expect(otherZones(harness, [PRIVATE_ZONE, 'confluent-q7w2e9'])).toEqual(before);
    // The failure is in the notification, named.
    expect(harness.notified.at(-1)?.zones.find((zone) => zone.domain === otherDomain)?.outcome).toBe('failed');
  });

  it('linkdns plan / apply / repair --cloud gcp: the Confluent zone exactly, nothing else written', async () => {
    const harness = await brownfield();
    const before = otherZones(harness);
    const {
      plan,
      afterPlan: writesAfterPlan,
      apply,
      repair,
      again,
    } = await planApplyRepair({
      config: baseConfig,
      env: { LINKDNS_GCP_API_ROOT: harness.gcp.baseUrl },
      args: (file) => [
        '--cloud',
        'gcp',
        '--config',
        file,
        '--project',
        PROJECT,
        '--region',
        GCP_SCENARIO.region,
        '--json',
      ],
      afterPlan: () => harness.gcp.requests.writes().length,
      drift: () => harness.gcp.state.dns.removeRecordSet(PROJECT, PRIVATE_ZONE, `*.us-central1-c.${DOMAIN}.`, 'A'),
    });

    expect(plan.exitCode).toBe(2);
    expect(JSON.parse(plan.stdout)).toMatchObject({
      endpointsSkipped: 3,
      zones: [{ domain: DOMAIN, outcome: 'drift' }],
    });
    expect(writesAfterPlan).toBe(0);
    expect(apply.exitCode).toBe(0);
    expect(JSON.parse(apply.stdout)).toMatchObject({ endpointsSkipped: 3, zones: [{ outcome: 'changed' }] });
    expect(repair.exitCode).toBe(0);
    expect(JSON.parse(repair.stdout).zones).toMatchObject([{ outcome: 'changed' }]);
    expect(again.exitCode).toBe(0);
    expect(aRecords(harness.zone())).toEqual(CONFLUENT_RECORDS);
    expect(zonesWritten(harness)).toEqual([PRIVATE_ZONE]);
    expect(rulesReadById(harness)).toEqual([]);
    expect(otherZones(harness)).toEqual(before);
  });
});
