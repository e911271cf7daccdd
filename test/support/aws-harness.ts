import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { CreateVpcEndpointCommand, DeleteVpcEndpointsCommand, ModifyVpcEndpointCommand } from '@aws-sdk/client-ec2';
import { type AwsRuntime, createAwsRuntime } from '../../functions/aws/runtime.ts';
import { readAwsSettings } from '../../functions/aws/settings.ts';
import type { Notifier } from '../../functions/core/ports.ts';
import type { RunReport } from '../../functions/core/report.ts';
import { LOCAL_CREDENTIALS, type LocalAwsCloud, startLocalAws } from '../../local/aws/index.ts';

export const DOMAIN = 'pr1jy6.us-east-2.aws.confluent.cloud';
export const REGION = 'us-east-2';

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
  close(): Promise<void>;
}

/**
 * A local AWS with a Confluent-like endpoint service, a VPC with one subnet per AZ, the private zone for the domain
 * (and a same-named public zone, which must never be touched), and the AWS runtime pointed at it: the handlers run
 * exactly as in Lambda, with the real SDK clients over HTTP.
 */
export async function startAwsHarness(config: Record<string, unknown> = {}): Promise<AwsHarness> {
  const aws = await startLocalAws({ region: REGION });
  const service = aws.ec2.addEndpointService({ acceptanceRequired: false });
  const { vpcId, subnets } = aws.ec2.addVpcWithSubnets();
  const zone = aws.route53.createZone({ name: DOMAIN, private: true, vpcs: [{ region: REGION, id: vpcId }] });
  aws.route53.createZone({ name: DOMAIN, private: false });
  const notifier = new CapturingNotifier();
  const runtime = await createAwsRuntime(
    readAwsSettings({
      AWS_REGION: REGION,
      LINKDNS_AWS_ENDPOINT: aws.endpoint,
      // The limiter is tested on its own (route53-zones.test.ts); here it would only slow the scenarios down.
      LINKDNS_ROUTE53_RATE: '50',
      LINKDNS_CONFIG: JSON.stringify({ owner: 'platform-test', mappings: [{ service, domain: DOMAIN }], ...config }),
    }),
    {
      credentials: LOCAL_CREDENTIALS,
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'linkdns', serviceName: 'linkdns-test' }),
      notifier,
      route53Options: { retry: { baseDelayMs: 1, maxDelayMs: 5 } },
    },
  );
  const ec2 = aws.clients.ec2;
  return {
    aws,
    runtime,
    notifier,
    service,
    vpcId,
    subnetIds: subnets.map((subnet) => subnet.subnetId),
    zoneId: zone.id,
    async createEndpoint(subnetIds, tags) {
      const { VpcEndpoint } = await ec2.send(
        new CreateVpcEndpointCommand({
          VpcId: vpcId,
          ServiceName: service,
          VpcEndpointType: 'Interface',
          SubnetIds: [...subnetIds],
          ...(tags
            ? {
                TagSpecifications: [
                  { ResourceType: 'vpc-endpoint', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
                ],
              }
            : {}),
        }),
      );
      return VpcEndpoint?.VpcEndpointId as string;
    },
    async modifyEndpoint(id, change) {
      await ec2.send(
        new ModifyVpcEndpointCommand({
          VpcEndpointId: id,
          AddSubnetIds: [...(change.add ?? [])],
          RemoveSubnetIds: [...(change.remove ?? [])],
        }),
      );
    },
    async deleteEndpoint(id) {
      await ec2.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: [id] }));
    },
    zoneLines() {
      return aws.route53
        .recordSets(zone.id)
        .filter((set) => set.type !== 'SOA' && set.type !== 'NS' && !set.name.startsWith('_linkdns.'))
        .map((set) => `${set.name} ${set.type} ${(set.values ?? []).join(',')}`)
        .sort();
    },
    close: () => aws.close(),
  };
}

/** An EventBridge CloudTrail event from events/aws/, rewritten to name another endpoint. */
export function cloudTrailEvent(file: string, endpointId: string): unknown {
  const text = readFileSync(`events/aws/${file}`, 'utf8');
  return JSON.parse(text.replaceAll('vpce-0f1e2d3c4b5a69788', endpointId));
}
