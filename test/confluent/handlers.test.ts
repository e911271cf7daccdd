import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { InvocationContext } from '@azure/functions';
import { afterEach, describe, expect, it } from 'vitest';
import { handleEndpointEvent } from '../../functions/aws/handlers/endpoint-events.ts';
import { handleScheduledRepair } from '../../functions/aws/handlers/scheduled-repair.ts';
import { createAzureHandlers } from '../../functions/azure/handlers.ts';
import { confluentRunConfig } from '../../functions/confluent/run-config.ts';
import type { RunReport } from '../../functions/core/report.ts';
import { createGcpHandlers } from '../../functions/gcp/handlers.ts';
import type { InvocationResult } from '../../functions/invocation.ts';
import { envSecretResolver } from '../../functions/notify/secrets.ts';
import { zoneSnapshot as azureZone } from '../../local/azure/seed.ts';
import { CONFLUENT_SCENARIO, networkBody, seedConfluentScenario } from '../../local/confluent/seed.ts';
import { type LocalConfluent, startLocalConfluent } from '../../local/confluent/server.ts';
import {
  AWS_SCENARIO,
  AZURE_SCENARIO,
  awsZoneLines,
  azureZoneId,
  createEndpointThroughApi,
  createScenarioRuntime,
  readEventFile,
  sampleAwsEvent,
  startAwsScenario,
  startAzureScenario,
} from '../../local/demo-scenario.ts';
import { GCP_SCENARIO, startGcpScenario } from '../../local/gcp/scenario.ts';
import { zoneSnapshot as gcpZone } from '../../local/gcp/seed.ts';
import { CapturingNotifier } from '../support/aws-harness.ts';

/**
 * One handler per cloud with zero typed mappings: the endpoint is created, the event arrives, and the records are
 * written from what the local Confluent Cloud says (domain, endpoint service / alias / attachment, zone labels).
 */
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const CREDENTIALS = {
  CONFLUENT_CLOUD_API_KEY: CONFLUENT_SCENARIO.apiKey,
  CONFLUENT_CLOUD_API_SECRET: CONFLUENT_SCENARIO.apiSecret,
};
const discoveryOnly = (owner: string, cacheSeconds = 300) => ({
  owner,
  mappings: [],
  confluent: { environments: [CONFLUENT_SCENARIO.environment], cacheSeconds },
});
const silent = { info() {}, warn() {}, error() {} };

async function startConfluent(): Promise<LocalConfluent> {
  const confluent = await startLocalConfluent();
  seedConfluentScenario(confluent.state);
  closers.push(() => confluent.close());
  return confluent;
}

function reportOf(result: InvocationResult): RunReport {
  if (result.outcome !== 'reconciled') throw new Error(`expected a reconciled run, got ${JSON.stringify(result)}`);
  return result.report;
}

describe('AWS: the endpoint-events Lambda with discovered mappings', () => {
  async function start(secrets: Record<string, string> = CREDENTIALS, cacheSeconds = 300) {
    const confluent = await startConfluent();
    const scenario = await startAwsScenario();
    closers.push(() => scenario.aws.close());
    const notifier = new CapturingNotifier();
    const runtime = await createScenarioRuntime(
      scenario,
      discoveryOnly('linkdns-aws-test', cacheSeconds),
      {
        logger: new Logger({ logLevel: 'SILENT' }),
        metrics: new Metrics({ namespace: 'linkdns', serviceName: 'test' }),
        notifier,
        secrets: envSecretResolver(secrets),
        route53Options: { requestsPerSecond: 1_000, retry: { baseDelayMs: 1, maxDelayMs: 5 } },
      },
      { LINKDNS_CONFLUENT_ENDPOINT: confluent.baseUrl },
    );
    return { confluent, scenario, runtime, notifier };
  }

  it('writes *.<zone> and *.<az-id> from the discovered network, paging through 150 other networks', async () => {
    const { confluent, scenario, runtime } = await start();
    // Other networks of the environment (another team's, in other regions): the list takes two pages of 100.
    for (let index = 0; index < 150; index += 1) {
      const id = `n-f${String(index).padStart(4, '0')}`;
      confluent.state.putNetwork(
        CONFLUENT_SCENARIO.environment,
        networkBody({
          id,
          environment: CONFLUENT_SCENARIO.environment,
          cloud: 'AWS',
          region: 'eu-west-1',
          dnsDomain: `${id.slice(2)}.eu-west-1.aws.confluent.cloud`,
          zones: { 'euw1-az1': 'euw1-az1', 'euw1-az2': 'euw1-az2', 'euw1-az3': 'euw1-az3' },
          services: `com.amazonaws.vpce.eu-west-1.vpce-svc-0${id.slice(2)}00000000000`,
        }),
      );
    }
    const endpointId = await createEndpointThroughApi(scenario);

    const report = (await handleEndpointEvent(
      sampleAwsEvent('create-vpc-endpoint.json', { endpointId }),
      runtime,
    )) as RunReport;

    expect(report.zones.map((zone) => [zone.domain, zone.outcome, zone.conflicts])).toEqual([
      [AWS_SCENARIO.domain, 'changed', []],
    ]);
    expect(awsZoneLines(scenario).map((line) => line.split(' ')[0])).toEqual([
      `*.${AWS_SCENARIO.domain}`,
      `*.use2-az1.${AWS_SCENARIO.domain}`,
      `*.use2-az2.${AWS_SCENARIO.domain}`,
      `*.use2-az3.${AWS_SCENARIO.domain}`,
    ]);
    expect(confluent.requests.counts()).toEqual({ 'networks.list': 2, 'private-link-attachments.list': 1 });
    expect(report.discovery).toMatchObject({ apiCalls: 3, cached: false, mappings: 158 });
  });

  it('a network not READY yet contributes nothing; once READY, the next run writes its records', async () => {
    // No reuse of a discovery here, so the second run sees the network's new phase at once.
    const { confluent, scenario, runtime } = await start(CREDENTIALS, 0);
    const seed = {
      id: CONFLUENT_SCENARIO.networks.aws,
      environment: CONFLUENT_SCENARIO.environment,
      cloud: 'AWS' as const,
      region: AWS_SCENARIO.region,
      dnsDomain: AWS_SCENARIO.domain,
      zones: { 'use2-az1': 'use2-az1', 'use2-az2': 'use2-az2', 'use2-az3': 'use2-az3' },
      services: AWS_SCENARIO.sample.serviceName,
    };
    confluent.state.putNetwork(CONFLUENT_SCENARIO.environment, networkBody({ ...seed, phase: 'PROVISIONING' }));
    const endpointId = await createEndpointThroughApi(scenario);

    const before = (await handleEndpointEvent(
      sampleAwsEvent('create-vpc-endpoint.json', { endpointId }),
      runtime,
    )) as RunReport;
    expect(before.zones).toEqual([]);
    expect(before.discovery?.skipped).toContainEqual({
      id: 'n-pr1jy6',
      reason: 'phase PROVISIONING: contributes once READY',
    });
    expect(awsZoneLines(scenario)).toEqual([]);

    confluent.state.putNetwork(CONFLUENT_SCENARIO.environment, networkBody(seed));
    const after = (await handleScheduledRepair({ id: 'schedule-1' }, runtime)) as RunReport;

    expect(after.zones.map((zone) => zone.outcome)).toEqual(['changed']);
    expect(awsZoneLines(scenario)).toHaveLength(4);
  });

  it('waits out a 429 with Retry-After and goes on', async () => {
    const { confluent, scenario, runtime } = await start();
    confluent.faults.add({ operation: 'networks.list', status: 429, headers: { 'retry-after': '1' } });
    const endpointId = await createEndpointThroughApi(scenario);

    const report = (await handleEndpointEvent(
      sampleAwsEvent('create-vpc-endpoint.json', { endpointId }),
      runtime,
    )) as RunReport;

    expect(report.zones.map((zone) => zone.outcome)).toEqual(['changed']);
    expect(report.discovery?.apiCalls).toBe(3);
    expect(confluent.requests.entries.map((entry) => entry.status)).toEqual([429, 200, 200]);
  });

  it('401: writes nothing, notifies once, and the invocation is not retried', async () => {
    const { scenario, runtime, notifier } = await start({ ...CREDENTIALS, CONFLUENT_CLOUD_API_SECRET: 'wrong' });
    const endpointId = await createEndpointThroughApi(scenario);

    const report = (await handleEndpointEvent(
      sampleAwsEvent('create-vpc-endpoint.json', { endpointId }),
      runtime,
    )) as RunReport;

    expect(report.zones).toMatchObject([
      {
        domain: 'Confluent Cloud discovery',
        outcome: 'failed',
        error: { name: 'ConfluentAuthError', retryable: false },
      },
    ]);
    expect(report.zones[0]?.error?.message).toMatch(/rejected the Cloud API key \(401/);
    expect(scenario.aws.requests.count('ChangeResourceRecordSets')).toBe(0);
    expect(notifier.reports).toHaveLength(1);
  });

  it('an outage: notifies once, then fails the invocation so Lambda retries', async () => {
    const { confluent, scenario, runtime, notifier } = await start();
    confluent.faults.add({ status: 503, times: 10 });
    const endpointId = await createEndpointThroughApi(scenario);

    await expect(
      handleEndpointEvent(sampleAwsEvent('create-vpc-endpoint.json', { endpointId }), runtime),
    ).rejects.toThrow(/Confluent Cloud answered 503/);
    expect(notifier.reports).toHaveLength(1);
    expect(scenario.aws.requests.count('ChangeResourceRecordSets')).toBe(0);
  });

  it('a warm instance discovers once: the next run reuses it (0 API calls)', async () => {
    const { confluent, scenario, runtime } = await start();
    const endpointId = await createEndpointThroughApi(scenario);
    await handleEndpointEvent(sampleAwsEvent('create-vpc-endpoint.json', { endpointId }), runtime);

    const warm = (await handleScheduledRepair({ id: 'schedule-2' }, runtime)) as RunReport;

    expect(warm.discovery).toMatchObject({ apiCalls: 0, cached: true });
    expect(confluent.requests.entries).toHaveLength(2);
  });
});

describe('Azure: privateEndpointEvents with discovered mappings', () => {
  it('writes * and *.az<N> with the zones from Confluent, even where alias names would say otherwise', async () => {
    const confluent = await startConfluent();
    // Confluent's own map wins over the `-privatelink-<N>` naming pattern: swap zones 1 and 2 in the API's answer.
    const alias = (zone: number) =>
      `s-nk99e-privatelink-${zone}.5f2c1e0a-7b3d-4c8e-9a6f-1d2e3b4c5a6f.centralus.azure.privatelinkservice`;
    confluent.state.putNetwork(
      CONFLUENT_SCENARIO.environment,
      networkBody({
        id: CONFLUENT_SCENARIO.networks.azure,
        environment: CONFLUENT_SCENARIO.environment,
        cloud: 'AZURE',
        region: 'centralus',
        dnsDomain: AZURE_SCENARIO.domain,
        zones: { '1': 'az1', '2': 'az2', '3': 'az3' },
        services: { '1': alias(2), '2': alias(1), '3': alias(3) },
      }),
    );
    const scenario = await startAzureScenario(
      { ...discoveryOnly('linkdns-azure-test'), zones: { create: true } },
      {
        runConfig: (config) =>
          confluentRunConfig(config, { secrets: envSecretResolver(CREDENTIALS), endpoint: confluent.baseUrl }),
      },
    );
    closers.push(() => scenario.azure.close());
    const handlers = createAzureHandlers({
      endpoints: scenario.endpoints,
      dns: scenario.dns,
      settings: scenario.settings,
      runConfig: scenario.runConfig,
    });
    const context = new InvocationContext({
      invocationId: 'i-1',
      functionName: 'privateEndpointEvents',
      logHandler() {},
    });

    const report = reportOf(
      await handlers.privateEndpointEvents(readEventFile('azure/private-endpoint-write.json'), context),
    );

    expect(report.zones.map((zone) => [zone.domain, zone.outcome])).toEqual([[AZURE_SCENARIO.domain, 'changed']]);
    const zone = azureZone(scenario.azure.state, azureZoneId());
    // events/azure/cli/: confluent-n-p8xo76-1 (alias …-1, 10.20.1.4), -2 (alias …-2, 10.20.1.5), -3 (10.20.1.6).
    expect([zone['A *'], zone['A *.az1'], zone['A *.az2'], zone['A *.az3']]).toEqual([
      ['10.20.1.4', '10.20.1.5', '10.20.1.6'],
      ['10.20.1.5'],
      ['10.20.1.4'],
      ['10.20.1.6'],
    ]);
    expect(report.discovery).toMatchObject({ source: 'confluent', apiCalls: 2, mappings: 8 });
  });
});

describe('Google: forwardingRuleEvents with discovered mappings', () => {
  it('writes * and *.<gcp-zone> for the PSC endpoints from the discovered network', async () => {
    const confluent = await startConfluent();
    const scenario = await startGcpScenario(discoveryOnly('linkdns-gcp-test'), {
      runConfig: (config) =>
        confluentRunConfig(config, { secrets: envSecretResolver(CREDENTIALS), endpoint: confluent.baseUrl }),
    });
    closers.push(() => scenario.gcp.close());
    const handlers = createGcpHandlers({
      endpoints: scenario.endpoints,
      dns: scenario.dns,
      settings: scenario.settings,
      log: silent,
      runConfig: scenario.runConfig,
    });

    const report = reportOf(await handlers.forwardingRuleEvents(readEventFile('gcp/forwarding-rule-insert.json')));

    expect(report.zones.map((zone) => [zone.domain, zone.outcome, zone.conflicts])).toEqual([
      [GCP_SCENARIO.domain, 'changed', []],
    ]);
    const zone = gcpZone(scenario.gcp.state, GCP_SCENARIO.project, GCP_SCENARIO.privateZone);
    expect(
      Object.keys(zone)
        .filter((key) => key.startsWith('A '))
        .sort(),
    ).toEqual(['A *', 'A *.us-central1-a', 'A *.us-central1-b', 'A *.us-central1-c']);
    expect(report.discovery?.apiCalls).toBe(2);
  });
});
