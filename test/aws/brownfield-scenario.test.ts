import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { handleEndpointEvent } from '../../functions/aws/handlers/endpoint-events.ts';
import { handleRepairCoordinator } from '../../functions/aws/handlers/repair-coordinator.ts';
import { handleRepairWorker } from '../../functions/aws/handlers/repair-worker.ts';
import { handleScheduledRepair } from '../../functions/aws/handlers/scheduled-repair.ts';
import { handleZoneEvent } from '../../functions/aws/handlers/zone-events.ts';
import type { AwsRuntime } from '../../functions/aws/runtime.ts';
import type { RunReport } from '../../functions/core/report.ts';
import { AWS_BROWNFIELD_IDS } from '../../local/aws/brownfield.ts';
import { LOCAL_CREDENTIALS } from '../../local/aws/index.ts';
import {
  type AwsScenario,
  awsZoneLines,
  createEndpointThroughApi,
  createScenarioRuntime,
  sampleAwsEvent,
  startAwsScenario,
} from '../../local/demo-scenario.ts';
import { CapturingNotifier } from '../support/aws-harness.ts';
import { planApplyRepair } from '../support/cli-pass.ts';

/**
 * The AWS brownfield (local/aws/brownfield.ts: Gateway, S3-wildcard, SSM, execute-api, GWLB, Lattice Resource and
 * ServiceNetwork endpoints, other partners' endpoints in every state, two more VPCs, the company's own private zone)
 * around one Confluent endpoint, through every handler and the CLI, with the real SDK clients over HTTP.
 */

let scenario: AwsScenario | undefined;

afterEach(async () => {
  await scenario?.aws.close();
  scenario = undefined;
});

/** Every Interface endpoint's service matches no glob but Confluent's own. */
const GLOB_MAPPING = 'com.amazonaws.vpce.us-east-2.vpce-svc-0123456789*';

async function brownfield(
  service: 'exact' | 'glob',
): Promise<{ s: AwsScenario; runtime: AwsRuntime; config: Record<string, unknown> }> {
  const s = await startAwsScenario({ brownfield: true });
  scenario = s;
  const config = {
    owner: 'platform-test',
    mappings: [{ service: service === 'exact' ? s.service : GLOB_MAPPING, domain: s.domain }],
  };
  const runtime = await createScenarioRuntime(s, config, {
    logger: new Logger({ logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'linkdns', serviceName: 'linkdns-test' }),
    notifier: new CapturingNotifier(),
    route53Options: { requestsPerSecond: 1_000, retry: { baseDelayMs: 1, maxDelayMs: 5 } },
  });
  return { s, runtime, config };
}

function params(body: string | undefined): URLSearchParams {
  return new URLSearchParams(body ?? '');
}

/** Subnets DescribeSubnets was asked about: the deep reads of the endpoints that own them. */
function subnetsRead(s: AwsScenario): string[] {
  return s.aws.requests.entries
    .filter((entry) => entry.operation === 'DescribeSubnets')
    .flatMap((entry) =>
      [...params(entry.requestBody).entries()].filter(([key]) => /^Filter\.\d+\.Value\.\d+$/.test(key)),
    )
    .map(([, value]) => value);
}

/** Endpoints DescribeVpcEndpoints was asked about by id. */
function endpointsReadById(s: AwsScenario): string[] {
  return s.aws.requests.entries
    .filter((entry) => entry.operation === 'DescribeVpcEndpoints')
    .flatMap((entry) => [...params(entry.requestBody).entries()].filter(([key]) => /^VpcEndpointId\.\d+$/.test(key)))
    .map(([, value]) => value);
}

/** Every zone but the Confluent one, record for record: what linkdns must never write. */
function otherZones(s: AwsScenario): string {
  const zones = [s.publicZoneId, s.brownfield?.corporateZoneId ?? ''];
  return JSON.stringify(zones.map((id) => s.aws.route53.recordSets(id)));
}

/** Hosted zones the request log shows written (any Route 53 call but Get/List), by bare id, from the REST path. */
function zonesWritten(s: AwsScenario): string[] {
  const written = s.aws.requests.entries
    .filter((entry) => entry.service === 'route53' && !/^(Get|List)/.test(entry.operation))
    .map((entry) => /\/hostedzone\/([^/]+)/.exec(entry.path)?.[1] ?? `${entry.operation} ${entry.path}`);
  return [...new Set(written)].sort();
}

function confluentLines(s: AwsScenario, endpointId: string): string[] {
  const names = s.aws.ec2.endpoint(endpointId)?.DnsEntries.map((entry) => entry.DnsName) ?? [];
  const regional = names.find((name) => /^vpce-[0-9a-f]+-[a-z0-9]+\./.test(name));
  const zonal = (az: string) => names.find((name) => name.split('.')[0]?.endsWith(`-${az}`));
  const zones = s.subnetIds.map((id) => s.aws.ec2.subnet(id));
  return [
    `*.${s.domain} CNAME ${regional}`,
    ...zones.map((zone) => `*.${zone?.availabilityZoneId}.${s.domain} CNAME ${zonal(zone?.availabilityZone ?? '')}`),
  ].sort();
}

function asReport(result: unknown): RunReport {
  if (!result || typeof result !== 'object' || !('zones' in result)) throw new Error(JSON.stringify(result));
  return result as RunReport;
}

describe('AWS brownfield: every handler and the CLI', () => {
  it('endpoint event, unrelated endpoint events, zone event and scheduled repair: the Confluent zone exactly, nothing else written', async () => {
    const { s, runtime } = await brownfield('glob');
    const before = otherZones(s);
    const confluent = await createEndpointThroughApi(s);
    s.aws.requests.reset();

    // The Confluent endpoint's event: records written; only that endpoint read, only its subnets resolved.
    const created = asReport(
      await handleEndpointEvent(sampleAwsEvent('create-vpc-endpoint.json', { endpointId: confluent }), runtime),
    );
    expect(created.zones).toMatchObject([{ domain: s.domain, outcome: 'changed' }]);
    expect(awsZoneLines(s)).toEqual(confluentLines(s, confluent));
    // Found in its VPC's listing (the VPC comes from the event) or read by id: no other endpoint is asked for by id.
    expect(endpointsReadById(s).filter((id) => id !== confluent)).toEqual([]);
    expect(new Set(subnetsRead(s))).toEqual(new Set(s.aws.ec2.endpoint(confluent)?.SubnetIds));

    // Events for the S3 Interface endpoint (wildcard names), SSM, a partner's failed endpoint, and the endpoints without
    // DNS names (S3 Gateway, Gateway Load Balancer, VPC Lattice Resource and ServiceNetwork): one read each, counted as
    // skipped, no zone read (no registry searched), no failure.
    for (const id of [
      AWS_BROWNFIELD_IDS.s3Interface,
      AWS_BROWNFIELD_IDS.ssm,
      AWS_BROWNFIELD_IDS.partnerFailed,
      AWS_BROWNFIELD_IDS.gatewayS3,
      AWS_BROWNFIELD_IDS.gatewayLoadBalancer,
      AWS_BROWNFIELD_IDS.resource,
      AWS_BROWNFIELD_IDS.serviceNetwork,
    ]) {
      s.aws.requests.reset();
      const report = asReport(
        await handleEndpointEvent(sampleAwsEvent('modify-vpc-endpoint.json', { endpointId: id }), runtime),
      );
      expect(report).toMatchObject({ zones: [], endpointsSkipped: 1 });
      expect(s.aws.requests.byOperation()).toEqual({ DescribeVpcEndpoints: 1 });
    }

    // Someone edits the Confluent zone: the zone event puts it back.
    const good = awsZoneLines(s);
    const wildcard = s.aws.route53.recordSet(s.zoneId, `*.${s.domain}.`, 'CNAME');
    expect(wildcard).toBeDefined();
    s.aws.route53.putRecordSet(s.zoneId, {
      ...(wildcard as NonNullable<typeof wildcard>),
      values: ['elsewhere.example.com'],
    });
    const zoneEvent = asReport(
      await handleZoneEvent(sampleAwsEvent('change-resource-record-sets.json', { hostedZoneId: s.zoneId }), runtime),
    );
    expect(zoneEvent.zones).toMatchObject([{ outcome: 'changed' }]);
    expect(awsZoneLines(s)).toEqual(good);

    // The scheduled repair lists every Interface endpoint of the account (the glob cannot be filtered by EC2): the
    // others are skipped and counted, none is read deeply, nothing fails, nothing changes.
    s.aws.requests.reset();
    const repair = await handleScheduledRepair({ id: 'schedule-1' }, runtime);
    expect(repair.zones.map((zone) => [zone.domain, zone.outcome])).toEqual([[s.domain, 'unchanged']]);
    expect(repair.endpointsSkipped).toBeGreaterThanOrEqual(8);
    // The AZ cache is warm by now: no subnet is read at all, and above all none of another endpoint (the shared
    // services and inspection VPCs' subnets are unknown to it, so reading those endpoints deeply would show here).
    const confluentSubnets = s.aws.ec2.endpoint(confluent)?.SubnetIds ?? [];
    expect(subnetsRead(s).filter((subnet) => !confluentSubnets.includes(subnet))).toEqual([]);
    expect(awsZoneLines(s)).toEqual(confluentLines(s, confluent));
    expect(otherZones(s)).toEqual(before);
  });

  it('the repair fan-out (coordinator → SQS → workers) on the brownfield: the Confluent zone exactly, nothing else written', async () => {
    const { s, config } = await brownfield('glob');
    const queue = s.aws.sqs.createQueue('linkdns-sweep');
    const runtime = await createScenarioRuntime(
      s,
      config,
      {
        logger: new Logger({ logLevel: 'SILENT' }),
        metrics: new Metrics({ namespace: 'linkdns', serviceName: 'linkdns-test' }),
        notifier: new CapturingNotifier(),
        route53Options: { requestsPerSecond: 1_000, retry: { baseDelayMs: 1, maxDelayMs: 5 } },
      },
      { LINKDNS_SWEEP_QUEUE_URL: queue },
    );
    const before = otherZones(s);
    const confluent = await createEndpointThroughApi(s);
    s.aws.requests.reset();

    const started = await handleRepairCoordinator(runtime);
    const reports: RunReport[] = [];
    while (
      (await s.aws.sqs.deliver(queue, async (event) => {
        const result = await handleRepairWorker(event as unknown as SQSEvent, runtime);
        reports.push(...result.reports);
        return { batchItemFailures: [...result.batchItemFailures] };
      })) > 0
    ) {
      // the event source mapping polls until the queue is empty
    }

    expect(started).toMatchObject({ messages: 1 });
    expect(reports.flatMap((report) => report.zones.map((zone) => [zone.domain, zone.outcome]))).toEqual([
      [s.domain, 'changed'],
    ]);
    expect(awsZoneLines(s)).toEqual(confluentLines(s, confluent));
    expect(zonesWritten(s)).toEqual([s.zoneId.replace(/^\/hostedzone\//, '')]);
    const confluentSubnets = s.aws.ec2.endpoint(confluent)?.SubnetIds ?? [];
    expect(subnetsRead(s).filter((subnet) => !confluentSubnets.includes(subnet))).toEqual([]);
    expect(otherZones(s)).toEqual(before);
  });

  it('lists only the mapped service when its name is exact (EC2 service-name filter), and the CLI plans and repairs', async () => {
    const { s, config } = await brownfield('exact');
    const before = otherZones(s);
    const confluent = await createEndpointThroughApi(s);
    s.aws.requests.reset();
    const { plan, afterPlan, apply, repair, again } = await planApplyRepair({
      config,
      env: {
        LINKDNS_AWS_ENDPOINT: s.aws.endpoint,
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      },
      args: (file) => ['--config', file, '--region', s.region],
      afterPlan: () => ({
        writes: s.aws.requests.count('ChangeResourceRecordSets'),
        listings: s.aws.requests.entries.filter((entry) => entry.operation === 'DescribeVpcEndpoints'),
      }),
      drift: () => s.aws.route53.removeRecordSet(s.zoneId, `*.${s.domain}`, 'CNAME'),
    });
    const { writes: writesAfterPlan, listings } = afterPlan;

    expect(plan.exitCode).toBe(2);
    expect(writesAfterPlan).toBe(0);
    expect(listings.every((entry) => params(entry.requestBody).get('Filter.2.Value.1') === s.service)).toBe(true);
    expect(new Set(subnetsRead(s))).toEqual(new Set(s.aws.ec2.endpoint(confluent)?.SubnetIds));
    expect(apply.exitCode).toBe(0);
    expect(apply.stdout).toContain('applied (5 create)');
    expect(repair.exitCode).toBe(0);
    expect(repair.stdout).toContain('1 create');
    expect(zonesWritten(s)).toEqual([s.zoneId.replace(/^\/hostedzone\//, '')]);
    expect(again.exitCode).toBe(0);
    expect(awsZoneLines(s)).toEqual(confluentLines(s, confluent));
    expect(otherZones(s)).toEqual(before);
  });

  it('fails only the (domain, VPC) of a mapped endpoint it cannot read (S3 wildcard names), naming it; the rest goes on', async () => {
    // Someone maps the S3 Interface service to a domain of their own: its wildcard DnsEntries are no shape a layout
    // can write (PRODUCT.md §8), so that zone fails; the Confluent zone is repaired in the same run.
    const { s } = await brownfield('exact');
    const s3Domain = 's3.internal.example.com';
    const config = {
      owner: 'platform-test',
      mappings: [
        { service: s.service, domain: s.domain },
        { service: 'com.amazonaws.us-east-2.s3', domain: s3Domain },
      ],
    };
    const runtime = await createScenarioRuntime(s, config, {
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'linkdns', serviceName: 'linkdns-test' }),
      notifier: new CapturingNotifier(),
      route53Options: { requestsPerSecond: 1_000, retry: { baseDelayMs: 1, maxDelayMs: 5 } },
    });
    const s3Zone = s.aws.route53.createZone({
      name: s3Domain,
      private: true,
      vpcs: [{ region: s.region, id: s.vpcId }],
    });
    const before = otherZones(s);
    const s3Before = JSON.stringify(s.aws.route53.recordSets(s3Zone.id));
    const confluent = await createEndpointThroughApi(s);

    const repair = await handleScheduledRepair({ id: 'schedule-2' }, runtime);

    const byDomain = Object.fromEntries(repair.zones.map((zone) => [zone.domain, zone]));
    expect(byDomain[s.domain]?.outcome).toBe('changed');
    expect(byDomain[s3Domain]).toMatchObject({ outcome: 'failed', error: { name: 'UnreadableEndpointError' } });
    expect(byDomain[s3Domain]?.error?.message).toContain(AWS_BROWNFIELD_IDS.s3Interface);
    expect(awsZoneLines(s)).toEqual(confluentLines(s, confluent));
    expect(JSON.stringify(s.aws.route53.recordSets(s3Zone.id))).toBe(s3Before);
    expect(otherZones(s)).toEqual(before);
  });
});
