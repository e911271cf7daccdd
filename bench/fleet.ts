import type { RRType } from '@aws-sdk/client-route-53';
import { fromRoute53RecordSets, toRoute53RecordSet } from '../functions/aws/route53-records.ts';
import { azIdsByName, observeVpcEndpoint } from '../functions/aws/vpc-endpoint-mapping.ts';
import { type LinkdnsConfig, parseConfig } from '../functions/core/config.ts';
import { desiredRecords, ZONAL_LAYOUT } from '../functions/core/layout.ts';
import type { ObservedEndpoint, RecordSet } from '../functions/core/model.ts';
import { planZoneChanges } from '../functions/core/plan.ts';
import type { LocalAwsCloud } from '../local/aws/index.ts';

/**
 * The fleet the benchmark repairs, seeded straight into the local AWS's state (no API calls, so seeding does not show
 * in the request log).
 *
 * Shape, and why: a private zone is one (dns_domain, VPC) pair, and the zonal layout's `*.<zone>` CNAME holds one
 * target, so one zone serves exactly one Confluent endpoint (two would be a LayoutError). "1,000 endpoints in 100
 * zones" is therefore modelled as 10 Confluent networks (domains) reached from 10 VPCs each = 100 zones and 100
 * Confluent endpoints (3 AZs, 4 CNAMEs + the registry each), plus 900 interface endpoints to other PrivateLink
 * services (AWS services, other SaaS) in the same VPCs that no mapping matches: the repair must list and skip them.
 */
export interface FleetShape {
  readonly zones: number;
  readonly vpcs: number;
  /** Interface endpoints in all, the Confluent ones included. */
  readonly endpoints: number;
}

export type DriftKind = 'tampered' | 'deleted' | 'orphaned';

export interface FleetZone {
  readonly zoneId: string;
  readonly domain: string;
  readonly vpcId: string;
  /** The Confluent endpoint whose records the zone holds (deleted from EC2 for an `orphaned` zone). */
  readonly endpointId: string;
  /** A record someone else owns, which the repair must leave as it is. */
  readonly foreign: RecordSet;
  drift?: DriftKind;
}

export interface Fleet {
  readonly config: LinkdnsConfig;
  readonly zones: readonly FleetZone[];
  readonly otherEndpoints: number;
  readonly domains: number;
}

const OWNER = 'bench';
const CONFLUENT_AZS = ['use2-az1', 'use2-az2', 'use2-az3'];

/** Seeds VPCs, endpoint services, endpoints, zones and the records linkdns would have written for them. */
export function seedFleet(aws: LocalAwsCloud, shape: FleetShape): Fleet {
  if (shape.zones % shape.vpcs !== 0) throw new RangeError(`--zones (${shape.zones}) must be a multiple of --vpcs`);
  if (shape.endpoints < shape.zones) throw new RangeError('--endpoints must be at least --zones');
  const domains = shape.zones / shape.vpcs;
  const networks = Array.from({ length: domains }, (_, index) => ({
    domain: `n${String(index).padStart(3, '0')}x.us-east-2.aws.confluent.cloud`,
    service: aws.ec2.addEndpointService({ availabilityZones: CONFLUENT_AZS }),
  }));
  const config = parseConfig({
    owner: OWNER,
    mappings: networks.map((network) => ({ service: network.service, domain: network.domain })),
  });
  const otherCount = shape.endpoints - shape.zones;
  const otherServices = unrelatedServices(aws, Math.ceil(otherCount / shape.vpcs));
  const azIds = azIdsByName(
    aws.ec2.availabilityZones.map((zone) => ({ AvailabilityZone: zone.name, AvailabilityZoneId: zone.id })),
  );

  const zones: FleetZone[] = [];
  let others = 0;
  for (let v = 0; v < shape.vpcs; v += 1) {
    const { vpcId, subnets } = aws.ec2.addVpcWithSubnets(CONFLUENT_AZS);
    const subnetIds = subnets.map((subnet) => subnet.subnetId);
    for (const network of networks) {
      const created = aws.ec2.createEndpoint({
        vpcId,
        serviceName: network.service,
        type: 'Interface',
        subnetIds,
      });
      const endpoint = observeVpcEndpoint(aws.ec2.endpoint(created.VpcEndpointId) ?? created, azIds);
      const zoneId = aws.route53.createZone({ name: network.domain, vpcs: [{ region: aws.ec2.region, id: vpcId }] }).id;
      for (const record of ownedRecords(network.domain, vpcId, [endpoint], config)) putRecord(aws, zoneId, record);
      const foreign: RecordSet = {
        name: `monitoring.${network.domain}`,
        type: 'A',
        ttl: 300,
        values: [`10.${v % 256}.200.${zones.length % 250}`],
      };
      putRecord(aws, zoneId, foreign);
      zones.push({ zoneId, domain: network.domain, vpcId, endpointId: endpoint.id, foreign });
    }
    for (const service of otherServices) {
      if (others >= otherCount) break;
      aws.ec2.createEndpoint({
        vpcId,
        serviceName: service.serviceName,
        type: service.type,
        ...(service.type === 'Gateway'
          ? {}
          : { subnetIds: service.type === 'Interface' ? subnetIds : [subnetIds[0] as string] }),
      });
      others += 1;
    }
  }
  return { config, zones, otherEndpoints: others, domains };
}

/**
 * What a real account's VPC holds beside Confluent, one endpoint per service per VPC (`perVpc` in all): Interface
 * endpoints to AWS services with private DNS (names as AWS gives them, see `local/aws/ec2-names.ts`), Gateway endpoints
 * to S3 and DynamoDB, a GatewayLoadBalancer endpoint, and Interface endpoints to other SaaS, every fifth awaiting the
 * provider's acceptance. The S3 *Interface* endpoint (wildcard names) is left out until linkdns skips what it cannot
 * read without failing the run (issue 11, part 2); `local/aws/brownfield.ts` has it.
 */
function unrelatedServices(
  aws: LocalAwsCloud,
  perVpc: number,
): { serviceName: string; type: 'Interface' | 'Gateway' | 'GatewayLoadBalancer' }[] {
  const region = aws.ec2.region;
  const awsServices = ['ssm', 'ssmmessages', 'ec2messages', 'ecr.api', 'ecr.dkr', 'logs', 'sts', 'kms'];
  const catalogue: { serviceName: string; type: 'Interface' | 'Gateway' | 'GatewayLoadBalancer' }[] = [
    ...awsServices.map((name) => ({
      serviceName: aws.ec2.addEndpointService({ serviceName: `com.amazonaws.${region}.${name}` }),
      type: 'Interface' as const,
    })),
    { serviceName: `com.amazonaws.${region}.s3`, type: 'Gateway' },
    { serviceName: `com.amazonaws.${region}.dynamodb`, type: 'Gateway' },
    { serviceName: aws.ec2.addEndpointService({ type: 'GatewayLoadBalancer' }), type: 'GatewayLoadBalancer' },
  ];
  while (catalogue.length < perVpc) {
    const acceptanceRequired = catalogue.length % 5 === 0;
    catalogue.push({ serviceName: aws.ec2.addEndpointService({ acceptanceRequired }), type: 'Interface' });
  }
  return catalogue.slice(0, perVpc);
}

/**
 * Injects drift into every tenth zone (at least three), cycling through the kinds: a CNAME value changed by hand,
 * an owned record deleted by hand, an endpoint deleted while no event arrived (its records are orphans).
 */
export function injectDrift(aws: LocalAwsCloud, fleet: Fleet): FleetZone[] {
  const kinds: DriftKind[] = ['tampered', 'deleted', 'orphaned'];
  const count = Math.min(fleet.zones.length, Math.max(3, Math.round(fleet.zones.length / 10)));
  const step = Math.floor(fleet.zones.length / count);
  const drifted: FleetZone[] = [];
  for (let index = 0; index < count; index += 1) {
    const zone = fleet.zones[index * step] as FleetZone;
    zone.drift = kinds[index % kinds.length] as DriftKind;
    if (zone.drift === 'tampered') {
      const wildcard = aws.route53.recordSet(zone.zoneId, `*.${zone.domain}`, 'CNAME');
      if (!wildcard) throw new Error(`seeded zone ${zone.zoneId} lacks *.${zone.domain}`);
      aws.route53.putRecordSet(zone.zoneId, { ...wildcard, values: ['typo.example.com'] });
    } else if (zone.drift === 'deleted') {
      aws.route53.removeRecordSet(zone.zoneId, `*.use2-az2.${zone.domain}`, 'CNAME');
    } else {
      aws.ec2.deleteEndpoints([zone.endpointId]);
    }
    drifted.push(zone);
  }
  return drifted;
}

/**
 * Zones that differ from what their endpoints ask for right now, planned by the core against the local state (no API
 * calls), plus zones whose foreign record was touched. Empty when the repair converged.
 */
export function divergentZones(aws: LocalAwsCloud, fleet: Fleet): string[] {
  const azIds = azIdsByName(
    aws.ec2.availabilityZones.map((zone) => ({ AvailabilityZone: zone.name, AvailabilityZoneId: zone.id })),
  );
  const problems: string[] = [];
  for (const zone of fleet.zones) {
    const view = aws.ec2.endpoint(zone.endpointId);
    const endpoints = view ? [observeVpcEndpoint(view, azIds)] : [];
    const current = fromRoute53RecordSets(
      aws.route53
        .recordSets(zone.zoneId)
        .filter((set) => set.type !== 'SOA' && set.type !== 'NS')
        .map((set) => ({
          Name: set.name,
          Type: set.type as RRType,
          TTL: set.ttl,
          ResourceRecords: (set.values ?? []).map((Value) => ({ Value })),
        })),
    );
    const plan = planZoneChanges({
      domain: zone.domain,
      scope: zone.vpcId,
      owner: fleet.config.owner,
      desired: desiredRecords({ domain: zone.domain, layout: ZONAL_LAYOUT, endpoints, ttl: fleet.config.ttl }),
      current,
      endpoints: endpoints.map((endpoint) => endpoint.id),
      policy: fleet.config.policy,
    });
    const left = plan.changes.create.length + plan.changes.update.length + plan.changes.delete.length;
    if (left > 0) problems.push(`${zone.zoneId} (${zone.domain}, ${zone.vpcId}): ${left} change(s) still needed`);
    const foreign = aws.route53.recordSet(zone.zoneId, zone.foreign.name, zone.foreign.type);
    if (!foreign || foreign.values?.[0] !== zone.foreign.values[0] || foreign.ttl !== zone.foreign.ttl) {
      problems.push(`${zone.zoneId}: the foreign record ${zone.foreign.name} was changed`);
    }
  }
  return problems;
}

/** What linkdns writes for these endpoints into an empty zone: the records and the registry. */
function ownedRecords(
  domain: string,
  scope: string,
  endpoints: readonly ObservedEndpoint[],
  config: LinkdnsConfig,
): readonly RecordSet[] {
  return planZoneChanges({
    domain,
    scope,
    owner: config.owner,
    desired: desiredRecords({ domain, layout: ZONAL_LAYOUT, endpoints, ttl: config.ttl }),
    current: [],
    endpoints: endpoints.map((endpoint) => endpoint.id),
    policy: config.policy,
  }).changes.create;
}

/** Stores a record set as linkdns would have sent it (TXT values quoted, as Route 53 keeps them). */
function putRecord(aws: LocalAwsCloud, zoneId: string, record: RecordSet): void {
  const wire = toRoute53RecordSet(record);
  aws.route53.putRecordSet(zoneId, {
    name: record.name,
    type: record.type,
    ttl: record.ttl,
    values: (wire.ResourceRecords ?? []).map((value) => value.Value ?? ''),
  });
}
