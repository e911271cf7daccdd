import { InvalidInputError } from '../core/errors.ts';
import { globMatches } from '../core/glob.ts';
import type { ObservedEndpoint } from '../core/model.ts';

/**
 * What people paste into `linkdns records`: the list or single-object output of each cloud CLI, with unrelated
 * resources in it. Pure: JSON in, the endpoints to compute records from out.
 */

/**
 * The items of a cloud CLI output, list or single object: `{ "VpcEndpoints": [...] }` (describe), `{ "VpcEndpoint":
 * {...} }` (create), `[...]` (az/gcloud list), `{ "value": [...] }` (ARM list), or one object (az show, ARM GET,
 * gcloud describe).
 *
 * @param listField the field of the list output (`VpcEndpoints`), `singleField` of the single-object one (`VpcEndpoint`)
 */
export function pastedItems(json: unknown, file: string, listField?: string, singleField?: string): unknown[] {
  if (Array.isArray(json)) return json;
  if (typeof json !== 'object' || json === null) {
    throw new InvalidInputError(`${file}: expected the JSON a cloud CLI prints (an object or an array)`);
  }
  const object = json as Record<string, unknown>;
  if (listField && Array.isArray(object[listField])) return object[listField] as unknown[];
  const single = singleField ? object[singleField] : undefined;
  if (typeof single === 'object' && single !== null) return [single];
  if (Array.isArray(object.value)) return object.value;
  return [object];
}

/**
 * {@link pastedItems}, each of which must be an object: a hand-edited file with `null` or a string where a resource
 * belongs is refused naming the entry, before anything reads its fields.
 *
 * @param kind what one entry is, for the message (`VPC endpoint`, `forwarding rule`)
 */
export function pastedObjects(
  json: unknown,
  file: string,
  kind: string,
  listField?: string,
  singleField?: string,
): Record<string, unknown>[] {
  const items = pastedItems(json, file, listField, singleField);
  items.forEach((item, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      const found =
        item === null ? 'null' : Array.isArray(item) ? 'an array' : `${typeof item} ${JSON.stringify(item)}`;
      throw new InvalidInputError(`${file}: [${index}]: expected a ${kind} object, found ${found}`);
    }
  });
  return items as Record<string, unknown>[];
}

/**
 * What an endpoint connects to, with the zone of a multi-zone producer taken out: Confluent publishes one Azure alias
 * per zone (`s-nk99e-privatelink-1.…`, `-2.…`) and one GCP attachment per zone (`…-service-attachment-us-central1-a`);
 * those are one service. An AWS endpoint service spans its AZs already.
 */
export function producerOf(endpoint: Pick<ObservedEndpoint, 'cloud' | 'service'>): string {
  if (endpoint.cloud === 'azure')
    return endpoint.service.toLowerCase().replace(/-privatelink-\d+(?=\.|$)/, '-privatelink');
  if (endpoint.cloud === 'gcp') return endpoint.service.replace(/-[a-z]+-[a-z]+\d+-[a-z]$/, '');
  return endpoint.service;
}

/**
 * Keeps the endpoints `--service` picks (a glob over what they connect to). Without `--service`, endpoints of several
 * producers would be merged into one domain's records (a storage account's IP answering for Kafka brokers): refused,
 * naming them.
 *
 * @throws InvalidInputError naming the services when the choice is ambiguous or `--service` matches nothing
 */
export function pickService<T extends Pick<ObservedEndpoint, 'cloud' | 'service' | 'id'>>(
  endpoints: readonly T[],
  service: string | undefined,
): T[] {
  if (service) {
    const picked = endpoints.filter((endpoint) => globMatches(service, endpoint.service));
    if (picked.length === 0) {
      throw new InvalidInputError(
        `--service ${service} matches none of the endpoints' services: ${describeServices(endpoints)}`,
      );
    }
    return picked;
  }
  const producers = new Set(endpoints.map(producerOf));
  if (producers.size > 1) {
    throw new InvalidInputError(
      `the endpoints connect to ${producers.size} different services, whose records must not be merged into one ` +
        `domain: ${describeServices(endpoints)}; choose one with --service GLOB`,
    );
  }
  return [...endpoints];
}

function describeServices(endpoints: readonly Pick<ObservedEndpoint, 'service' | 'id'>[]): string {
  const byService = new Map<string, string[]>();
  for (const endpoint of endpoints)
    byService.set(endpoint.service, [...(byService.get(endpoint.service) ?? []), endpoint.id]);
  return [...byService.entries()].map(([service, ids]) => `${service} (${ids.join(', ')})`).join('; ');
}

/**
 * A domain as `--domain` must name it: a DNS name of two or more LDH labels (punycode for other scripts), no wildcard,
 * no spaces. Returned lowercase without a trailing dot.
 *
 * @throws InvalidInputError saying what is wrong
 */
export function checkedDomain(value: string): string {
  const domain = value.trim().toLowerCase().replace(/\.$/, '');
  const problem = /[^\x20-\x7e]/.test(domain)
    ? 'has non-ASCII characters (write it in punycode, xn--…)'
    : domain.includes('*')
      ? 'is a wildcard; give the zone, e.g. pr1jy6.us-east-2.aws.confluent.cloud'
      : /\s/.test(value.trim())
        ? 'has spaces'
        : !domain.includes('.')
          ? 'is a single label; a private zone needs two or more'
          : !/^(?=.{1,253}$)([a-z0-9_]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9_]([a-z0-9-]{0,61}[a-z0-9])?)+$/.test(domain)
            ? 'is not a DNS name (letters, digits and hyphens, labels of 1–63 characters)'
            : undefined;
  if (problem) throw new InvalidInputError(`--domain "${value}" ${problem}`);
  return domain;
}

/** `aws ec2 describe-availability-zones` output as the AZ name → id map. */
export function availabilityZoneMap(
  json: unknown,
  file: string,
): { AvailabilityZone: string; AvailabilityZoneId: string }[] {
  const zones = (json as { AvailabilityZones?: unknown } | null)?.AvailabilityZones;
  if (!Array.isArray(zones)) {
    throw new InvalidInputError(
      `${file}: expected aws ec2 describe-availability-zones output (an "AvailabilityZones" array)`,
    );
  }
  return zones.flatMap((zone: { ZoneName?: unknown; ZoneId?: unknown }) =>
    typeof zone?.ZoneName === 'string' && typeof zone.ZoneId === 'string'
      ? [{ AvailabilityZone: zone.ZoneName, AvailabilityZoneId: zone.ZoneId }]
      : [],
  );
}
