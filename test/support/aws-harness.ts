import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { AwsRuntime } from '../../functions/aws/runtime.ts';
import type { Notifier } from '../../functions/core/ports.ts';
import type { RunReport } from '../../functions/core/report.ts';
import type { LocalAwsCloud } from '../../local/aws/index.ts';
import {
  AWS_SCENARIO,
  awsZoneLines,
  createEndpointThroughApi,
  createScenarioRuntime,
  deleteEndpointThroughApi,
  modifyEndpointThroughApi,
  sampleAwsEvent,
  startAwsScenario,
} from '../../local/demo-scenario.ts';

export const DOMAIN = AWS_SCENARIO.domain;
export const REGION = AWS_SCENARIO.region;

/** A notifier that keeps what it was told. */
export class CapturingNotifier implements Notifier {
  readonly reports: RunReport[] = [];

  async notify(report: RunReport): Promise<void> {
    this.reports.push(report);
  }
}

export interface AwsHarness {
  readonly aws: LocalAwsCloud;
  readonly runtime: AwsRuntime;
  readonly notifier: CapturingNotifier;
  readonly service: string;
  readonly vpcId: string;
  readonly subnetIds: readonly string[];
  readonly zoneId: string;
  /** CreateVpcEndpoint through the real EC2 API, as Terraform would. */
  createEndpoint(subnetIds: readonly string[], tags?: Record<string, string>): Promise<string>;
  modifyEndpoint(id: string, change: { add?: readonly string[]; remove?: readonly string[] }): Promise<void>;
  deleteEndpoint(id: string): Promise<void>;
  /** Record sets of the private zone as `name TYPE values` lines, registry excluded. */
  zoneLines(): string[];
  /**
   * The local EC2's clock (real time until stopped). `stop()`: every endpoint keeps the state it is in (`deleting`
   * stays `deleting`, as AWS shows it for minutes) however slowly a loaded machine gets to the next call, which a test
   * asserting what EC2 still describes needs; `advance(ms)` then moves it on, e.g. past the lifecycle to make a deleted
   * endpoint gone.
   */
  readonly ec2Clock: { stop(): void; advance(ms: number): void };
  close(): Promise<void>;
}

/**
 * The demo scenario's local AWS (local/demo-scenario.ts: a Confluent-like endpoint service, a VPC with one subnet per
 * AZ, the private zone for the domain and a same-named public zone, which must never be touched) and the AWS runtime
 * pointed at it: the handlers run exactly as in Lambda, with the real SDK clients over HTTP.
 */
export async function startAwsHarness(config: Record<string, unknown> = {}): Promise<AwsHarness> {
  let stoppedAt: number | undefined;
  const scenario = await startAwsScenario({ now: () => stoppedAt ?? Date.now() });
  const ec2Clock = {
    stop: () => {
      stoppedAt ??= Date.now();
    },
    advance: (ms: number) => {
      stoppedAt = (stoppedAt ?? Date.now()) + ms;
    },
  };
  const notifier = new CapturingNotifier();
  const runtime = await createScenarioRuntime(
    scenario,
    { owner: 'platform-test', mappings: [{ service: scenario.service, domain: DOMAIN }], ...config },
    {
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'linkdns', serviceName: 'linkdns-test' }),
      notifier,
      // The limiter is tested on its own (route53-zones.test.ts); here it would only slow the scenarios down.
      route53Options: { requestsPerSecond: 1_000, retry: { baseDelayMs: 1, maxDelayMs: 5 } },
    },
  );
  return {
    aws: scenario.aws,
    runtime,
    notifier,
    service: scenario.service,
    vpcId: scenario.vpcId,
    subnetIds: scenario.subnetIds,
    zoneId: scenario.zoneId,
    createEndpoint: (subnetIds, tags) => createEndpointThroughApi(scenario, subnetIds, tags),
    modifyEndpoint: (id, change) => modifyEndpointThroughApi(scenario, id, change),
    deleteEndpoint: (id) => deleteEndpointThroughApi(scenario, id),
    zoneLines: () => awsZoneLines(scenario),
    ec2Clock,
    close: () => scenario.aws.close(),
  };
}

/** An EventBridge CloudTrail event from events/aws/, rewritten to name another endpoint. */
export function cloudTrailEvent(file: string, endpointId: string): unknown {
  return sampleAwsEvent(file, { endpointId });
}
