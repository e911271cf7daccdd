import { getTestServer } from '@google-cloud/functions-framework/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GCP_FUNCTION_NAMES } from '../../functions/gcp/settings.ts';
import { seedForwardingRules, seedZone } from '../../local/gcp/seed.ts';
import { type LocalGcp, startLocalGcp } from '../../local/gcp/server.ts';
import {
  baseConfig,
  DOMAIN,
  fixtureRules,
  NETWORK,
  PRIVATE_ZONE,
  PROJECT,
  postCloudEvent,
  readJson,
} from './gcp-harness.ts';

/**
 * The entry points as Cloud Functions runs them: functions.ts loaded with its configuration from the environment, the
 * functions registered with the Functions Framework, CloudEvents posted over HTTP in structured mode.
 */
let gcp: LocalGcp;
const servers: { close(): void }[] = [];

beforeAll(async () => {
  gcp = await startLocalGcp();
  seedForwardingRules(gcp.state, fixtureRules());
  seedZone(gcp.state, {
    project: PROJECT,
    name: PRIVATE_ZONE,
    dnsName: DOMAIN,
    visibility: 'private',
    networks: [NETWORK],
  });
  Object.assign(process.env, {
    LINKDNS_CONFIG: JSON.stringify(baseConfig),
    LINKDNS_GCP_PROJECT: PROJECT,
    LINKDNS_GCP_REGIONS: 'us-central1',
    LINKDNS_SERVICE_ACCOUNT: 'linkdns@acme-prod.iam.gserviceaccount.com',
    LINKDNS_GCP_API_ROOT: gcp.baseUrl,
  });
  await import('../../functions/gcp/functions.ts');
});

afterAll(async () => {
  for (const server of servers) server.close();
  await gcp.close();
});

const post = (functionName: string, event: unknown) => postCloudEvent(functionName, event, servers);

describe('functions.ts', () => {
  it('registers the four functions under the names the deployment uses', () => {
    // Act
    const servers = Object.values(GCP_FUNCTION_NAMES).map((name) => getTestServer(name));

    // Assess
    expect(servers).toHaveLength(4);
  });

  it('handles a forwarding-rule audit-log CloudEvent end to end', async () => {
    // Act
    const status = await post(GCP_FUNCTION_NAMES.endpointEvents, readJson('events/gcp/forwarding-rule-insert.json'));

    // Assess
    expect(status).toBeLessThan(300);
    const zone = gcp.state.dns.recordSets(PROJECT, PRIVATE_ZONE).filter((record) => record.type === 'A');
    expect(zone.map((record) => record.name).sort()).toEqual(
      ['*', '*.us-central1-a', '*.us-central1-b', '*.us-central1-c'].map((name) => `${name}.${DOMAIN}.`).sort(),
    );
  });

  it('acknowledges a malformed event (no redelivery would fix it) without a call', async () => {
    // Prepare
    gcp.requests.clear();

    // Act
    const status = await post(GCP_FUNCTION_NAMES.zoneEvents, {
      specversion: '1.0',
      id: 'broken',
      source: '//cloudaudit.googleapis.com/projects/acme-prod/logs/activity',
      type: 'google.cloud.audit.log.v1.written',
      data: { protoPayload: {} },
    });

    // Assess
    expect(status).toBeLessThan(300);
    expect(gcp.requests.entries).toEqual([]);
  });

  it('fails the invocation on a retryable error, so Eventarc redelivers', async () => {
    // Prepare
    gcp.faults.add({ operation: 'forwardingRules.list', status: 503, headers: { 'retry-after': '0' }, times: 100 });

    // Act
    const status = await post(GCP_FUNCTION_NAMES.scheduledRepair, readJson('events/gcp/scheduled-repair.json'));

    // Assess
    expect(status).toBe(500);
    gcp.faults.clear();
  });
});
