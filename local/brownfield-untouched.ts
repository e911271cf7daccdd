import type { AwsScenario, AzureScenario } from './demo-scenario.ts';
import { GCP_SCENARIO, type GcpScenario } from './gcp/scenario.ts';

/**
 * The zones of a seeded world that are not linkdns's — other teams' private zones, Azure-managed `privatelink.*`
 * zones, same-named public zones — as stored right now (record sets, VPC associations or VNet links, tags, ETags,
 * change history), so a later look can tell whether anything in them changed, and whether any write request (from the
 * local cloud's request log) addressed them at all.
 */
export interface UntouchedZones {
  readonly cloud: string;
  /** The zones watched, by name. */
  readonly names: readonly string[];
  /** Zones whose stored state differs from when this was taken, or that a write request named, with what happened. */
  changed(): string[];
}

interface Watched {
  readonly name: string;
  state(): string;
  /** True when a write request in the log names this zone. */
  written(): boolean;
}

function watch(cloud: string, zones: readonly Watched[]): UntouchedZones {
  const before = new Map(zones.map((zone) => [zone.name, zone.state()]));
  return {
    cloud,
    names: zones.map((zone) => zone.name),
    changed: () =>
      zones.flatMap((zone) => [
        ...(zone.state() === before.get(zone.name) ? [] : [`${zone.name}: its records or settings changed`]),
        ...(zone.written() ? [`${zone.name}: a write request addressed it`] : []),
      ]),
  };
}

/** The same-named public zone and the company's `corp.internal` (brownfield) of the AWS scenario. */
export function awsUntouchedZones(scenario: AwsScenario): UntouchedZones {
  const { route53 } = scenario.aws;
  const ids = [scenario.publicZoneId, ...(scenario.brownfield ? [scenario.brownfield.corporateZoneId] : [])];
  return watch(
    'AWS',
    ids.map((id) => {
      const bare = id.replace(/^\/hostedzone\//, '');
      const zone = route53.zone(id);
      return {
        name: `${zone.name} (${bare}${zone.private ? '' : ', public'})`,
        state: () => {
          const now = route53.zone(id);
          return JSON.stringify({ ...now, tags: [...now.tags], records: route53.recordSets(id) });
        },
        // Route 53's REST paths name the zone: /2013-04-01/hostedzone/Z…/rrset, /2013-04-01/tags/hostedzone/Z….
        written: () =>
          scenario.aws.requests.entries.some(
            (entry) => !/^(Get|List)/.test(entry.operation) && new RegExp(`/hostedzone/${bare}(/|$)`).test(entry.path),
          ),
      };
    }),
  );
}

/** The Azure-managed `privatelink.*` zones the PaaS endpoints' zone groups write into (brownfield). */
export function azureUntouchedZones(scenario: AzureScenario): UntouchedZones {
  const store = scenario.azure.state;
  const ids = scenario.brownfield?.privatelinkZoneIds ?? [];
  return watch(
    'Azure',
    ids.map((id) => ({
      name: id.split('/').at(-1) ?? id,
      state: () => JSON.stringify({ zone: store.get(id), children: store.children(id, '') }),
      written: () =>
        scenario.azure.requests
          .writes()
          .some((entry) => `${decodeURIComponent(entry.path).toLowerCase()}/`.startsWith(`${id.toLowerCase()}/`)),
    })),
  );
}

/** Every managed zone of the Google scenario's project but the Confluent one: the public twin, `corp.internal`. */
export function gcpUntouchedZones(scenario: GcpScenario): UntouchedZones {
  const { dns } = scenario.gcp.state;
  const { project, privateZone } = GCP_SCENARIO;
  const names = dns
    .zones(project)
    .map((zone) => zone.name)
    .filter((name) => name !== privateZone);
  return watch(
    'Google',
    names.map((name) => ({
      name,
      state: () =>
        JSON.stringify({
          zone: dns.zone(project, name),
          records: dns.recordSets(project, name),
          changes: dns.changes(project, name),
        }),
      written: () =>
        scenario.gcp.requests.writes().some((entry) => new RegExp(`/managedZones/${name}(/|$)`).test(entry.path)),
    })),
  );
}
