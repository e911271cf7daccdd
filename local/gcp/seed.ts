import type { LocalGcpState } from './server.ts';

/**
 * Puts the world of a test or demo into the local Google Cloud: forwarding rules as `gcloud compute forwarding-rules
 * list --format=json` prints them, private and public managed zones, record sets a person wrote.
 */

/** Stores each rule of a `gcloud compute forwarding-rules list --format=json` listing. */
export function seedForwardingRules(state: LocalGcpState, rules: readonly Record<string, unknown>[]): void {
  for (const rule of rules) state.compute.putForwardingRule(rule);
}

export interface SeedZone {
  readonly project: string;
  readonly name: string;
  /** With or without the trailing dot. */
  readonly dnsName: string;
  readonly visibility: 'private' | 'public';
  /** Network URLs for a private zone. */
  readonly networks?: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
}

/** Creates a managed zone as a person would (with its SOA and NS record sets). */
export function seedZone(state: LocalGcpState, zone: SeedZone): void {
  state.dns.createZone(zone.project, {
    name: zone.name,
    dnsName: zone.dnsName.endsWith('.') ? zone.dnsName : `${zone.dnsName}.`,
    visibility: zone.visibility,
    networks: zone.networks ?? [],
    labels: zone.labels ?? {},
  });
}

/**
 * The zone's record sets as `{ 'A *': [rrdatas], 'A *.us-central1-a': […], 'TXT _linkdns': […] }`: relative names
 * (`@` for the apex), rrdatas sorted as stored.
 */
export function zoneSnapshot(state: LocalGcpState, project: string, zoneName: string): Record<string, string[]> {
  const zone = state.dns.zone(project, zoneName);
  const snapshot: Record<string, string[]> = {};
  for (const record of state.dns.recordSets(project, zoneName)) {
    const relative = record.name === zone.dnsName ? '@' : record.name.slice(0, -(zone.dnsName.length + 1));
    snapshot[`${record.type} ${relative}`] = [...record.rrdatas].sort();
  }
  return snapshot;
}
