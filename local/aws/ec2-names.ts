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

/** `com.amazonaws.vpce.<region>.vpce-svc-…` → `vpce-svc-…`; `com.amazonaws.<region>.s3` → `s3`. */
export function serviceDnsLabel(serviceName: string, region: string): string {
  const endpointService = serviceName.match(/\.(vpce-svc-[0-9a-f]+)$/);
  if (endpointService?.[1]) return endpointService[1];
  return serviceName.replace(`com.amazonaws.${region}.`, '').replace(/\./g, '-');
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
