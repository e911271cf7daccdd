import { resolveMapping } from '../core/config.ts';
import { InvalidInputError } from '../core/errors.ts';
import { desiredRecords } from '../core/layout.ts';
import { canonicalName, type RecordSet } from '../core/model.ts';
import { endpointsForDomain } from '../core/reconcile.ts';
import { type CloudFlags, openCloud, stderrLog } from './cloud.ts';

/**
 * The records every managed (domain, scope) should hold, computed from the live endpoints: what `verify --config`
 * expects the resolver to answer.
 */
export async function liveDesiredRecords(flags: CloudFlags): Promise<RecordSet[]> {
  const { deps } = await openCloud(flags, stderrLog());
  const endpoints = await deps.endpoints.listEndpoints();
  const targets = new Map<string, { domain: string; scope: string }>();
  for (const endpoint of endpoints) {
    const decision = resolveMapping(endpoint, deps.config);
    if (decision.managed)
      targets.set(`${decision.domain} ${endpoint.scope}`, { domain: decision.domain, scope: endpoint.scope });
  }
  return [...targets.values()].flatMap((target) => {
    const mine = endpointsForDomain(endpoints, target, deps.config);
    return mine.layout
      ? desiredRecords({ domain: target.domain, layout: mine.layout, endpoints: mine.endpoints, ttl: deps.config.ttl })
      : [];
  });
}

/** The records a managed private zone holds now, for `export --config`. */
export async function liveZoneRecords(
  flags: CloudFlags,
  domain: string,
  zoneId: string | undefined,
): Promise<RecordSet[]> {
  const { deps } = await openCloud(flags, stderrLog());
  const wanted = canonicalName(domain);
  const zones = (await deps.dns.listZones([wanted])).filter((zone) => zone.domain === wanted);
  const chosen = zoneId ? zones.filter((zone) => zone.id === zoneId) : zones;
  if (chosen.length !== 1) {
    throw new InvalidInputError(
      chosen.length === 0
        ? `no private zone ${wanted}${zoneId ? ` with id ${zoneId}` : ''} is visible with these credentials`
        : `${chosen.length} private zones are named ${wanted} (${chosen.map((zone) => zone.id).join(', ')}): choose one with --zone-id`,
    );
  }
  return deps.dns.readRecords(chosen[0] as NonNullable<(typeof chosen)[0]>);
}
