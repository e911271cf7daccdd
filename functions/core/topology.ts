import { canonicalName } from './model.ts';
import type { Registry } from './registry.ts';

/**
 * Topologies as a model. A private zone serves one domain to a set of networks: Route 53 VPC associations (also of
 * other accounts, and through Route 53 Profiles), Azure virtual network links (also from another subscription), Cloud
 * DNS private visibility networks (a Shared VPC network of the host project). One of them is the **source**: its
 * endpoints decide the records. The others are **consumers**: they resolve through the zone and never rewrite it.
 *
 * Who is the source, in order:
 * 1. `zones.sources[domain]` in the configuration — for hub-and-spoke set-ups where several associated networks may
 *    hold endpoints of the same service (the source is ambiguous);
 * 2. the network the zone's ownership registry names (`scope=`), i.e. the network that wrote the zone first;
 * 3. nobody yet (a zone linkdns never wrote): the reconciling network becomes the source by writing the registry, as a
 *    compare-and-swap, so two networks racing for a fresh zone cannot both win.
 *
 * A reconcile from a consumer network changes nothing: with endpoints of its own that would want records it is one
 * conflict, reported (and notified) once per run; without (a spoke that only resolves) it is simply unchanged.
 */
export interface ZoneSource {
  /** The source network, when one is known. */
  readonly network: string | undefined;
  /** Where that answer came from, for reports. */
  readonly from: 'configuration' | 'registry' | 'none';
}

export function zoneSource(
  config: { readonly owner: string; readonly zones: { readonly sources: Readonly<Record<string, string>> } },
  domain: string,
  registry: Registry | undefined,
): ZoneSource {
  const configured = config.zones.sources[canonicalName(domain)];
  if (configured) return { network: configured, from: 'configuration' };
  if (registry && registry.owner === config.owner && registry.scope)
    return { network: registry.scope, from: 'registry' };
  return { network: undefined, from: 'none' };
}

/**
 * True when two network references name the same network. Each cloud has several spellings of one network:
 * AWS `vpc-1`, `us-east-2:vpc-1` and `arn:aws:ec2:us-east-2:111122223333:vpc/vpc-1` (VPC ids are unique, the region
 * and account add nothing); Google `https://www.googleapis.com/compute/v1/projects/p/global/networks/n` and
 * `projects/p/global/networks/n`; Azure resource ids, which are case-insensitive.
 */
export function sameNetwork(a: string, b: string): boolean {
  return networkKey(a) === networkKey(b);
}

export function networkKey(network: string): string {
  const lower = network.trim().toLowerCase();
  const vpc = /(?:^|[:/])(vpc-[0-9a-z]+)$/.exec(lower);
  if (vpc?.[1]) return vpc[1];
  const google = /(?:^|\/)(projects\/[^/]+\/global\/networks\/[^/]+)$/.exec(lower);
  if (google?.[1]) return google[1];
  return lower;
}
