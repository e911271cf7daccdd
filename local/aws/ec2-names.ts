import type { AvailabilityZoneRecord } from './ec2-state.ts';

/**
 * Names and identifiers AWS hands out for VPC endpoints and availability zones, as the local EC2 reproduces them.
 */

/**
 * Hosted zone of `<region>.vpce.amazonaws.com`, as AWS returns it in `DnsEntries[].HostedZoneId` (values as listed by
 * kubernetes-sigs/external-dns's canonical hosted zones, and in the AWS CLI's describe-vpc-endpoints example).
 */
const VPCE_HOSTED_ZONES: Readonly<Record<string, string>> = {
  'us-east-1': 'Z7HUB22UULQXV',
  'us-east-2': 'ZC8PG0KIFKBRI',
  'us-west-1': 'Z12I86A8N7VCZO',
  'us-west-2': 'Z1YSA3EXCYUU9Z',
  'eu-west-1': 'Z38GZ743OKFT7T',
  'eu-west-2': 'Z7K1066E3PUKB',
  'eu-central-1': 'Z273ZU8SZ5RJPC',
  'ap-southeast-1': 'Z18LLCSTV4NVNL',
  'ap-southeast-2': 'ZDK2GCRPAFKGO',
  'ap-northeast-1': 'Z2E726K9Y6RL4W',
  'ca-central-1': 'ZRCXCF510Y6P9',
};

/** One fixed, deliberately non-identity AZ shuffle per region (the letters never line up with the id numbers). */
const DEFAULT_ZONE_SHUFFLES: Readonly<Record<string, readonly number[]>> = {
  'us-east-1': [4, 6, 1, 2, 3, 5],
  'us-east-2': [2, 3, 1],
  'us-west-2': [2, 3, 4, 1],
};

/**
 * The label(s) a service puts between the endpoint's own label and `<region>.vpce.amazonaws.com`:
 * `com.amazonaws.vpce.<region>.vpce-svc-…` → `vpce-svc-…` (a partner's endpoint service);
 * `com.amazonaws.<region>.ssm` → `ssm`; `com.amazonaws.<region>.ecr.api` → `api.ecr` (AWS services name their
 * endpoints with the service's DNS labels, most specific first, e.g. `vpce-…-….api.ecr.us-east-1.vpce.amazonaws.com`).
 */
export function serviceDnsLabel(serviceName: string, region: string): string {
  const endpointService = serviceName.match(/\.(vpce-svc-[0-9a-f]+)$/);
  if (endpointService?.[1]) return endpointService[1];
  return serviceName.replace(`com.amazonaws.${region}.`, '').split('.').reverse().join('.');
}

/** True for an AWS service's own name (`com.amazonaws.<region>.<service>`), false for partners' endpoint services. */
export function isAwsServiceName(serviceName: string, region: string): boolean {
  return serviceName.startsWith(`com.amazonaws.${region}.`);
}

/**
 * The private DNS name AWS answers for an AWS service's Interface endpoint when private DNS is enabled: the service's
 * own public name (`ssm.us-east-2.amazonaws.com`; `*.execute-api.us-east-2.amazonaws.com` for API Gateway, whose
 * names are per API). Partners' services have no default; theirs is registered by the provider.
 * https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html#interface-endpoint-private-dns
 */
export function defaultPrivateDnsName(serviceName: string, region: string): string | undefined {
  if (!isAwsServiceName(serviceName, region)) return undefined;
  const label = serviceDnsLabel(serviceName, region);
  if (label === 's3') return undefined; // S3's private DNS needs extra settings; the local EC2 leaves it off
  return label === 'execute-api' ? `*.execute-api.${region}.amazonaws.com` : `${label}.${region}.amazonaws.com`;
}

/**
 * The `DnsEntries` names of an Interface endpoint: one regional name and one per AZ of its subnets, the AZ name
 * appended to the first label.
 * - Most services: `vpce-<id>-<rand>.<service labels>.<region>.vpce.amazonaws.com`
 *   (https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html#interface-endpoint-dns-hostnames).
 * - Amazon S3: wildcards, `*.vpce-<id>-<rand>.s3.<region>.vpce.amazonaws.com` and
 *   `*.vpce-<id>-<rand>-<az>.s3.<region>.vpce.amazonaws.com`, because buckets, access points and the control API are
 *   addressed as `bucket.vpce-…`, `accesspoint.vpce-…`, `control.vpce-…`
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/privatelink-interface-endpoints.html).
 */
export function interfaceEndpointDnsNames(input: {
  serviceName: string;
  region: string;
  endpointId: string;
  randomLabel: string;
  availabilityZones: readonly string[];
}): { regional: string; zonal: string[] } {
  const label = serviceDnsLabel(input.serviceName, input.region);
  const base = `${label}.${input.region}.vpce.amazonaws.com`;
  const wildcard = isAwsServiceName(input.serviceName, input.region) && label === 's3' ? '*.' : '';
  const first = `${input.endpointId}-${input.randomLabel}`;
  return {
    regional: `${wildcard}${first}.${base}`,
    zonal: input.availabilityZones.map((zone) => `${wildcard}${first}-${zone}.${base}`),
  };
}

/**
 * The DNS name of a resource endpoint (VPC Lattice resource configuration), as the AWS Networking blog "Managing DNS
 * resolution with Amazon VPC Lattice and VPC resources" shows it:
 * `vpce-<id>-snra-<17 hex>.rcfg-<17 hex>.<7 hex>.vpc-lattice-rsc.<region>.on.aws`.
 */
export function resourceEndpointDnsName(input: {
  endpointId: string;
  association: string;
  resourceConfigurationId: string;
  region: string;
}): string {
  return `${input.endpointId}-${input.association}.${input.resourceConfigurationId}.${hashLabel(input.resourceConfigurationId).slice(0, 7)}.vpc-lattice-rsc.${input.region}.on.aws`;
}

export function privateZoneId(seed: string): string {
  return `Z${hashLabel(seed).toUpperCase()}PRIVATE`;
}

function hashLabel(value: string): string {
  let hash = 2_166_136_261;
  for (const char of value) hash = Math.imul(hash ^ char.charCodeAt(0), 16_777_619) >>> 0;
  return hash.toString(36);
}

/** The default AZs of a region for the local account: letters a, b, c… shuffled against ids az1, az2, az3… */
export function defaultAvailabilityZones(region: string): AvailabilityZoneRecord[] {
  const order = DEFAULT_ZONE_SHUFFLES[region] ?? [2, 3, 1];
  const prefix = availabilityZoneIdPrefix(region);
  return order.map((number, index) => ({
    name: `${region}${String.fromCharCode(97 + index)}`,
    id: `${prefix}-az${number}`,
  }));
}

/** `us-east-2` → `use2`, `eu-central-1` → `euc1`, `ap-southeast-2` → `apse2`, `us-gov-west-1` → `usgw1`. */
export function availabilityZoneIdPrefix(region: string): string {
  const parts = region.split('-');
  const number = parts.pop() ?? '';
  const [area, ...directions] = parts;
  const short: Record<string, string> = {
    gov: 'g',
    east: 'e',
    west: 'w',
    north: 'n',
    south: 's',
    central: 'c',
    northeast: 'ne',
    northwest: 'nw',
    southeast: 'se',
    southwest: 'sw',
  };
  return `${area ?? ''}${directions.map((direction) => short[direction] ?? direction[0] ?? '').join('')}${number}`;
}

/** `DnsEntries[].HostedZoneId` of the endpoint names in `region` (a stable made-up id for regions not listed). */
export function vpceHostedZoneId(region: string): string {
  return VPCE_HOSTED_ZONES[region] ?? `Z${hashLabel(region).toUpperCase()}`;
}
