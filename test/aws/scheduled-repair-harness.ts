import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { toRoute53RecordSet } from '../../functions/aws/route53-records.ts';
import { type AwsRuntime, createAwsRuntime } from '../../functions/aws/runtime.ts';
import { readAwsSettings } from '../../functions/aws/settings.ts';
import { azIdsByName, observeVpcEndpoint } from '../../functions/aws/vpc-endpoint-mapping.ts';
import { type LinkdnsConfig, parseConfig } from '../../functions/core/config.ts';
import { desiredRecords, ZONAL_LAYOUT } from '../../functions/core/layout.ts';
import type { ObservedEndpoint, RecordSet } from '../../functions/core/model.ts';
import { planZoneChanges } from '../../functions/core/plan.ts';
import type { ChangeLog } from '../../functions/core/ports.ts';
import { envSecretResolver } from '../../functions/notify/secrets.ts';
import type { LocalEc2Options } from '../../local/aws/ec2.ts';
import { LOCAL_CREDENTIALS, type LocalAwsCloud, startLocalAws } from '../../local/aws/index.ts';
import { type Receiver, startReceiver } from '../notify/receiver.ts';

/**
 * The local AWS (Route 53 + EC2 over HTTP), a Slack-shaped receiver on 127.0.0.1 for notifications, and the AWS
 * runtime the Lambda handlers use, built from settings as in a deployment (real SDK clients, real notifier), with a
 * silent logger and a Metrics instance the tests read the EMF document from.
 */
export interface RepairHarness {
  readonly aws: LocalAwsCloud;
  /** Where the `oncall` Slack destination posts. */
  readonly slack: Receiver;
  close(): Promise<void>;
}

export interface RepairRuntime {
  readonly runtime: AwsRuntime;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

export const OWNER = 'platform';
export const AZS = ['use2-az1', 'use2-az2', 'use2-az3'] as const;
const SLACK_URL_VARIABLE = 'LINKDNS_TEST_SLACK_URL';

/** @param ec2 options of the local EC2, e.g. `IMMEDIATE_LIFECYCLE` for a test that needs a deleted endpoint gone at once */
export async function startRepairHarness(
  ec2: LocalEc2Options = {},
  slackAnswer?: Parameters<typeof startReceiver>[0],
): Promise<RepairHarness> {
  const aws = await startLocalAws(ec2);
  const slack = await startReceiver(slackAnswer);
  return {
    aws,
    slack,
    close: async () => {
      await Promise.all([aws.close(), slack.close()]);
    },
  };
}

/** A Confluent network (dns_domain) whose endpoint service the local EC2 offers. */
export interface Network {
  readonly domain: string;
  readonly service: string;
}

export function addNetwork(harness: RepairHarness, domain: string): Network {
  return { domain, service: harness.aws.ec2.addEndpointService({ availabilityZones: [...AZS] }) };
}

/** One VPC with an endpoint to `network` in three AZs and, unless `zone: false`, the private zone associated with it. */
export interface Site {
  readonly domain: string;
  readonly vpcId: string;
  readonly endpointId: string;
  readonly zoneId: string;
}

export function addSite(
  harness: RepairHarness,
  network: Network,
  options: { vpcId?: string; subnetIds?: readonly string[] } = {},
): Site {
  const { aws } = harness;
  const vpc = options.vpcId
    ? { vpcId: options.vpcId, subnetIds: options.subnetIds ?? [] }
    : (({ vpcId, subnets }) => ({ vpcId, subnetIds: subnets.map((subnet) => subnet.subnetId) }))(
        aws.ec2.addVpcWithSubnets([...AZS]),
      );
  const endpoint = aws.ec2.createEndpoint({
    vpcId: vpc.vpcId,
    serviceName: network.service,
    type: 'Interface',
    subnetIds: vpc.subnetIds,
  });
  const zoneId = aws.route53.createZone({
    name: network.domain,
    vpcs: [{ region: aws.ec2.region, id: vpc.vpcId }],
  }).id;
  return { domain: network.domain, vpcId: vpc.vpcId, endpointId: endpoint.VpcEndpointId, zoneId };
}

export interface RuntimeOptions {
  readonly mode?: 'repair' | 'detect-only';
  readonly createZones?: boolean;
  /** `zones.sources`: domain → the network whose endpoints decide the zone's records. */
  readonly sources?: Readonly<Record<string, string>>;
  readonly writerRoleArns?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Where the run's log lines go (the notifier's included); default: the silent Powertools logger. */
  readonly changeLog?: ChangeLog;
  /** The `oncall` destination's URL instead of the harness's Slack receiver, and how its host resolves. */
  readonly slackUrl?: string;
  readonly lookup?: NonNullable<Parameters<typeof createAwsRuntime>[1]>['lookup'];
}

/** The runtime the handlers get in Lambda, from settings, for the given networks. */
export async function createRepairRuntime(
  harness: RepairHarness,
  networks: readonly Network[],
  options: RuntimeOptions = {},
): Promise<RepairRuntime> {
  const logger = new Logger({ serviceName: 'linkdns', logLevel: 'SILENT' });
  const metrics = new Metrics({ namespace: 'linkdns', serviceName: 'linkdns' });
  const config = repairConfig(networks, options);
  const runtime = await createAwsRuntime(
    readAwsSettings({
      AWS_REGION: harness.aws.ec2.region,
      LINKDNS_CONFIG: JSON.stringify(config),
      LINKDNS_AWS_ENDPOINT: harness.aws.endpoint,
      LINKDNS_REPAIR_MODE: options.mode ?? 'repair',
      LINKDNS_WRITER_ROLE_ARNS: (options.writerRoleArns ?? []).join(','),
      ...options.env,
    }),
    {
      credentials: LOCAL_CREDENTIALS,
      logger,
      metrics,
      secrets: envSecretResolver({
        [SLACK_URL_VARIABLE]: options.slackUrl ?? `${harness.slack.origin}/services/T0/B0/oncall`,
      }),
      ...(options.changeLog ? { changeLog: options.changeLog } : {}),
      ...(options.lookup ? { lookup: options.lookup } : {}),
      delivery: {
        timeoutMs: 2_000,
        retry: { retries: 1, baseDelayMs: 10, maxDelayMs: 20, maxRetryAfterMs: 100 },
        rateLimits: {
          slack: { burst: 10, intervalMs: 10 },
          teams: { burst: 10, intervalMs: 10 },
          webhook: { burst: 10, intervalMs: 10 },
        },
      },
      // No client-side wait in tests (the bench runs the limiter at 10/s); short backoffs on injected faults.
      route53Options: { burst: 100_000, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } },
    },
  );
  return { runtime, metrics, logger };
}

function repairConfig(networks: readonly Network[], options: RuntimeOptions): LinkdnsConfig {
  return parseConfig({
    owner: OWNER,
    mappings: networks.map((network) => ({ service: network.service, domain: network.domain })),
    zones: { create: options.createZones ?? false, extraNetworks: [], sources: options.sources ?? {} },
    notifications: [
      {
        name: 'oncall',
        type: 'slack',
        url: { env: SLACK_URL_VARIABLE },
        allowHttp: true,
        allowPrivateHosts: ['127.0.0.1'],
      },
    ],
  });
}

/**
 * The metrics of the EMF document Powertools would print at the end of the invocation (`name → value`), then clears
 * them, as publishing does.
 */
export function takeMetrics(metrics: Metrics): Record<string, unknown> {
  const emf = metrics.serializeMetrics() as unknown as Record<string, unknown> & {
    _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] };
  };
  const names = emf._aws.CloudWatchMetrics.flatMap((directive) => directive.Metrics.map((metric) => metric.Name));
  metrics.clearMetrics();
  return Object.fromEntries(names.map((name) => [name, emf[name]]));
}

/** Forgets what earlier runs did: request log, received notifications, stored metrics, faults. */
export function resetObservations(harness: RepairHarness, metrics: Metrics): void {
  harness.aws.requests.reset();
  harness.aws.faults.clear();
  harness.slack.requests.length = 0;
  metrics.clearMetrics();
}

/** Record sets other than SOA and NS, as `name type → values`. */
export function zoneRecords(harness: RepairHarness, zoneId: string): Record<string, readonly string[]> {
  return Object.fromEntries(
    harness.aws.route53
      .recordSets(zoneId)
      .filter((set) => set.type !== 'SOA' && set.type !== 'NS')
      .map((set) => [`${set.name} ${set.type}`, set.values ?? []]),
  );
}

/** The endpoint as the core sees it, read from the local EC2's state (no API call). */
export function observedEndpoint(harness: RepairHarness, endpointId: string): ObservedEndpoint {
  const view = harness.aws.ec2.endpoint(endpointId);
  if (!view) throw new Error(`no endpoint ${endpointId}`);
  const zones = harness.aws.ec2.availabilityZones;
  return observeVpcEndpoint(
    view,
    azIdsByName(zones.map((zone) => ({ AvailabilityZone: zone.name, AvailabilityZoneId: zone.id }))),
  );
}

/**
 * Writes straight into the zone what linkdns would have written for `endpoints` in `scope`: the records and the
 * registry. For states the handlers cannot produce themselves, e.g. a registry naming a VPC of another account.
 */
export function seedOwnedRecords(
  harness: RepairHarness,
  zoneId: string,
  domain: string,
  scope: string,
  endpoints: readonly ObservedEndpoint[],
): readonly RecordSet[] {
  const created = planZoneChanges({
    domain,
    scope,
    owner: OWNER,
    desired: desiredRecords({ domain, layout: ZONAL_LAYOUT, endpoints, ttl: 60 }),
    current: [],
    endpoints: endpoints.map((endpoint) => endpoint.id),
    policy: 'sync',
  }).changes.create;
  for (const record of created) {
    const wire = toRoute53RecordSet(record);
    harness.aws.route53.putRecordSet(zoneId, {
      name: record.name,
      type: record.type,
      ttl: record.ttl,
      values: (wire.ResourceRecords ?? []).map((value) => value.Value ?? ''),
    });
  }
  return created;
}

/** Parsed Slack message bodies the receiver got. */
export function slackMessages(harness: RepairHarness): { text: string; blocks: unknown[] }[] {
  return harness.slack.requests.map((request) => JSON.parse(request.body) as { text: string; blocks: unknown[] });
}
