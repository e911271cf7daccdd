import { canonicalName, type ObservedEndpoint, type RecordSet } from './model.ts';
import type { Conflict } from './plan.ts';

/**
 * Zone labels that come from the service provider rather than from names: a mapping may say which zone its service
 * serves (Confluent's `zonal_subdomains` per Private Link service alias or PSC attachment) and which zonal labels the
 * provider advertises for the domain. Pure.
 */

/**
 * An IP-reached endpoint (Azure, GCP) serves the zone of the service it connects to: with a mapping zone, that zone
 * replaces the one guessed from the alias or attachment name. Name-reached endpoints (AWS) carry their zones
 * themselves (the endpoint's AZ ids) and are returned unchanged.
 */
export function withMappedZone(endpoint: ObservedEndpoint, zone: string | undefined): ObservedEndpoint {
  if (!zone || endpoint.targetKind !== 'ip' || endpoint.regional.length === 0) return endpoint;
  return { ...endpoint, zonal: { [zone]: endpoint.regional } };
}

/**
 * The cross-check: the zonal labels linkdns is about to write must be exactly the ones the provider advertises. A
 * label written but not advertised, or advertised while other zones are written but not it, is a conflict (reported
 * and notified; the records are still written as the endpoints ask). A single-zone layout that collapsed to one `*`
 * record counts as writing that zone.
 */
export function crossCheckZonalLabels(
  domain: string,
  desired: readonly RecordSet[],
  endpoints: readonly ObservedEndpoint[],
  advertised: readonly string[] | undefined,
): Conflict[] {
  if (!advertised || desired.length === 0) return [];
  const zone = canonicalName(domain);
  const type = desired[0]?.type ?? 'A';
  const written = new Set<string>();
  for (const record of desired) {
    const match = /^\*\.([^.]+)\.(.+)$/.exec(record.name);
    if (match?.[2] === zone && match[1]) written.add(match[1]);
  }
  if (written.size === 0) {
    const zones = new Set(endpoints.flatMap((endpoint) => Object.keys(endpoint.zonal)));
    if (zones.size === 1) for (const only of zones) written.add(only);
  }
  if (written.size === 0) return [];
  const expected = new Set(advertised);
  const conflicts: Conflict[] = [];
  for (const label of [...written].sort()) {
    if (!expected.has(label)) {
      conflicts.push({
        name: `*.${label}.${zone}`,
        type,
        reason: `zone ${label} is not one the provider advertises for ${zone} (${[...expected].sort().join(', ')})`,
      });
    }
  }
  for (const label of [...expected].sort()) {
    if (!written.has(label)) {
      conflicts.push({
        name: `*.${label}.${zone}`,
        type,
        reason: `the provider advertises zone ${label} for ${zone} but no endpoint serves it`,
      });
    }
  }
  return conflicts;
}
