import { InvalidInputError } from '../core/errors.ts';

/**
 * The configured form of "zones a VPC sees through a Route 53 Profile" (`LINKDNS_PROFILE_ZONE_IDS`, the CDK
 * construct's `profileZoneIds`), for accounts whose functions may not call the Profiles API. No SDK here: the CDK
 * library checks the value at synthesis with the same parser the functions use.
 */
/**
 * Parses `LINKDNS_PROFILE_ZONE_IDS`: comma-separated `<vpc>=<zone id>|<zone id>…` entries.
 * @throws InvalidInputError naming the entry that is not of that form
 */
export function parseProfileZoneIds(value: string): Map<string, string[]> {
  const zonesByVpc = new Map<string, string[]>();
  for (const entry of value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)) {
    const [vpc, zones, ...rest] = entry.split('=');
    const ids = (zones ?? '').split('|').map((zone) => zone.trim().replace(/^\/hostedzone\//, ''));
    if (
      rest.length > 0 ||
      !/^(?:[a-z]{2}(?:-[a-z]+)+-\d:)?vpc-[0-9a-z]+$/.test(vpc?.trim() ?? '') ||
      ids.some((id) => !/^Z[0-9A-Z]{1,31}$/.test(id))
    ) {
      throw new InvalidInputError(
        `LINKDNS_PROFILE_ZONE_IDS entry "${entry}" is not <vpc-id>=<hosted zone id>[|<hosted zone id>…]`,
      );
    }
    const key = (vpc as string).trim();
    zonesByVpc.set(key, [...(zonesByVpc.get(key) ?? []), ...ids]);
  }
  return zonesByVpc;
}
