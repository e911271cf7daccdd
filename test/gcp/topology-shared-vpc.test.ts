import { afterEach, describe, expect, it } from 'vitest';
import { seedForwardingRules, seedZone, zoneSnapshot } from '../../local/gcp/seed.ts';
import {
  aRecords,
  baseConfig,
  DOMAIN,
  fixtureRules,
  type GcpHarness,
  readJson,
  reportOf,
  startGcpHarness,
} from './gcp-harness.ts';

/**
 * Topology scenario, Google (issue 12, finding 1): Shared VPC. The Cloud DNS zone lives in the host project, bound to
 * the shared network (the source) and to other networks that resolve through it (consumers); the PSC endpoints are
 * forwarding rules in service projects on the shared network. Driven through the Cloud Functions handlers with the real
 * HTTP client against the local Google Cloud.
 */

const HOST = 'acme-net-host';
const TEAM_A = 'acme-team-a';
const TEAM_B = 'acme-team-b';
const COMPUTE = 'https://www.googleapis.com/compute/v1';
const SHARED = `${COMPUTE}/projects/${HOST}/global/networks/shared-vpc`;
const TEAM_B_LOCAL = `${COMPUTE}/projects/${TEAM_B}/global/networks/team-b-local`;
const ANALYTICS = `${COMPUTE}/projects/${HOST}/global/networks/analytics`;
const ZONE = 'confluent-6ky22p';

let harness: GcpHarness;
afterEach(async () => {
  await harness.close();
});

/** The fixture's PSC rule for zone `letter`, moved to `project` and `network`. */
function rule(letter: 'a' | 'b' | 'c', project: string, network: string, ip: string): Record<string, unknown> {
  const fixture = fixtureRules().find((candidate) => String(candidate.name).endsWith(`-${letter}`));
  const name = `confluent-psc-us-central1-${letter}`;
  return {
    ...fixture,
    name,
    IPAddress: ip,
    network,
    region: `${COMPUTE}/projects/${project}/regions/us-central1`,
    selfLink: `${COMPUTE}/projects/${project}/regions/us-central1/forwardingRules/${name}`,
  };
}

async function sharedVpc(config: Record<string, unknown> = baseConfig): Promise<void> {
  harness = await startGcpHarness({
    rules: false,
    privateZone: false,
    publicZone: false,
    config,
    env: { LINKDNS_GCP_PROJECT: TEAM_A, LINKDNS_GCP_ENDPOINT_PROJECTS: TEAM_B, LINKDNS_GCP_DNS_PROJECT: HOST },
  });
  seedZone(harness.gcp.state, {
    project: HOST,
    name: ZONE,
    dnsName: DOMAIN,
    visibility: 'private',
    networks: [SHARED, TEAM_B_LOCAL, ANALYTICS],
  });
  seedForwardingRules(harness.gcp.state, [
    rule('a', TEAM_A, SHARED, '10.8.0.11'),
    rule('b', TEAM_B, SHARED, '10.8.0.12'),
  ]);
}

const hostZone = () => zoneSnapshot(harness.gcp.state, HOST, ZONE);

describe('Google Shared VPC: zone in the host project, PSC endpoints in service projects', () => {
  it('writes the endpoints of both service projects on the shared network into the host project’s zone', async () => {
    // Prepare
    await sharedVpc();

    // Act
    const report = reportOf(await harness.handlers.scheduledRepair(readJson('events/gcp/scheduled-repair.json')));

    // Assess
    expect(report.zones).toMatchObject([{ domain: DOMAIN, scope: SHARED, outcome: 'changed', zoneId: ZONE }]);
    expect(aRecords(hostZone())).toEqual({
      'A *': ['10.8.0.11', '10.8.0.12'],
      'A *.us-central1-a': ['10.8.0.11'],
      'A *.us-central1-b': ['10.8.0.12'],
    });
    expect(hostZone()['TXT _linkdns']?.join(' ')).toContain(`scope=${SHARED}`);
  });

  it('reports a PSC endpoint on a consumer network as one conflict and never rewrites the zone', async () => {
    // Prepare: converged; then team B adds an endpoint on its own network, which also resolves through the zone.
    await sharedVpc({ ...baseConfig, zones: { sources: { [DOMAIN]: SHARED } } });
    await harness.handlers.scheduledRepair(readJson('events/gcp/scheduled-repair.json'));
    const before = hostZone();
    seedForwardingRules(harness.gcp.state, [rule('c', TEAM_B, TEAM_B_LOCAL, '10.9.0.13')]);
    harness.notified.length = 0;
    const insert = structuredClone(readJson('events/gcp/forwarding-rule-insert.json')) as {
      id: string;
      resourcename: string;
      data: { protoPayload: { resourceName: string; request: Record<string, unknown> } };
    };
    const resourceName = `projects/${TEAM_B}/regions/us-central1/forwardingRules/confluent-psc-us-central1-c`;
    insert.id = 'insert-team-b-c';
    insert.resourcename = resourceName;
    insert.data.protoPayload.resourceName = resourceName;
    if (insert.data.protoPayload.request.name) insert.data.protoPayload.request.name = 'confluent-psc-us-central1-c';
    harness.gcp.requests.clear();

    // Act
    const event = reportOf(await harness.handlers.forwardingRuleEvents(insert));
    const repair = reportOf(await harness.handlers.scheduledRepair(readJson('events/gcp/scheduled-repair.json')));

    // Assess
    expect(event.zones).toMatchObject([{ scope: TEAM_B_LOCAL, outcome: 'conflict', zoneId: ZONE }]);
    expect(event.zones[0]?.conflicts).toHaveLength(1);
    expect(repair.zones.map((zone) => `${zone.scope} ${zone.outcome}`).sort()).toEqual([
      `${SHARED} unchanged`,
      `${TEAM_B_LOCAL} conflict`,
    ]);
    expect(hostZone()).toEqual(before);
    expect(harness.gcp.requests.writes()).toEqual([]);
    expect(harness.notified).toHaveLength(2);
  });
});
