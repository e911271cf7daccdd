import { type RunConfigSource, staticRunConfig } from '../../functions/confluent/run-config.ts';
import type { LinkdnsConfig } from '../../functions/core/config.ts';
import { createGcpAdapters } from '../../functions/gcp/adapters.ts';
import { forwardingRuleOf, parseAuditLogEvent, recordChangeOf } from '../../functions/gcp/audit-log-events.ts';
import type { CloudDnsZones } from '../../functions/gcp/cloud-dns-zones.ts';
import type { ForwardingRuleSource } from '../../functions/gcp/forwarding-rule-source.ts';
import { staticToken } from '../../functions/gcp/google-api.ts';
import type { GcpHandlers } from '../../functions/gcp/handlers.ts';
import { type GcpSettings, readGcpSettings } from '../../functions/gcp/settings.ts';
import { readEventFile } from '../demo-scenario.ts';
import { type GcpBrownfield, seedGcpBrownfield } from './brownfield.ts';
import { seedForwardingRules, seedZone, zoneSnapshot } from './seed.ts';
import { type LocalGcp, type LocalGcpState, startLocalGcp } from './server.ts';

/**
 * The Google PSC world that `npm start`, `linkdns invoke --local` and the GCP tests run in: the project, network and
 * Confluent domain the samples in `events/gcp/` name, three PSC forwarding rules (one per zone of us-central1), the
 * private managed zone bound to the consumers' network, and a same-named public zone linkdns must never touch.
 */
export const GCP_SCENARIO = {
  project: 'acme-prod',
  /** The project's number, as audit-log entries may name it (`projects/318273645091/…`). */
  projectNumber: '318273645091',
  region: 'us-central1',
  /** Confluent's `dns_domain` of the dedicated cluster (PRODUCT.md §2). */
  domain: '6ky22p.us-central1.gcp.confluent.cloud',
  network: 'https://www.googleapis.com/compute/v1/projects/acme-prod/global/networks/kafka-consumers',
  privateZone: 'confluent-6ky22p',
  publicZone: 'public-6ky22p',
  /** The functions' service account; `events/gcp/dns-change-by-linkdns.json` carries it. */
  serviceAccount: 'linkdns@acme-prod.iam.gserviceaccount.com',
} as const;

/** The three PSC forwarding rules of `events/gcp/cli/` as `gcloud compute forwarding-rules list --format=json` prints them. */
export function pscForwardingRules(): Record<string, unknown>[] {
  return readEventFile('gcp/cli/psc-3-zones.forwarding-rules.json') as Record<string, unknown>[];
}

/** The configuration of `events/gcp/cli/linkdns-config.json`: the Confluent service attachments → the domain, zonal. */
export function gcpScenarioConfig(): Record<string, unknown> {
  return readEventFile('gcp/cli/linkdns-config.json') as Record<string, unknown>;
}

export interface GcpWorldOptions {
  /** Seed the three PSC forwarding rules. Default true. */
  readonly rules?: boolean;
  /** Seed the private zone bound to the consumers' network. Default true. */
  readonly privateZone?: boolean;
  /** Seed a public zone of the same name. Default true. */
  readonly publicZone?: boolean;
  /** The functions' per-run configuration (Confluent Cloud discovery), from the typed one; default: the typed one. */
  readonly runConfig?: (config: LinkdnsConfig) => RunConfigSource;
  /** Seed the unrelated rules and zone of a real project (`local/gcp/brownfield.ts`). Default false. */
  readonly brownfield?: boolean;
}

/**
 * Puts the scenario's world into a local Google Cloud, as a person with `gcloud` would have made it.
 * @returns the brownfield's rules and zone when `brownfield` is set
 */
export function seedGcpScenario(state: LocalGcpState, options: GcpWorldOptions = {}): GcpBrownfield | undefined {
  const { project, projectNumber, region, domain, network, privateZone, publicZone } = GCP_SCENARIO;
  state.projects.add({ projectId: project, projectNumber });
  if (options.rules ?? true) seedForwardingRules(state, pscForwardingRules());
  if (options.privateZone ?? true) {
    seedZone(state, { project, name: privateZone, dnsName: domain, visibility: 'private', networks: [network] });
  }
  if (options.publicZone ?? true) seedZone(state, { project, name: publicZone, dnsName: domain, visibility: 'public' });
  return options.brownfield ? seedGcpBrownfield(state, { project, region, network }) : undefined;
}

export interface GcpScenario {
  readonly gcp: LocalGcp;
  readonly settings: GcpSettings;
  /** Adapters over the real HTTP client, pointed at the local Google Cloud. */
  readonly endpoints: ForwardingRuleSource;
  readonly dns: CloudDnsZones;
  /** What the endpoint source selects by, and what the handlers get as `runConfig`. */
  readonly runConfig: RunConfigSource;
  /** The unrelated rules and zone of a real project, when started with `brownfield: true`. */
  readonly brownfield?: GcpBrownfield;
}

/**
 * Starts the local Google Cloud with the scenario's world and the settings the functions would read there (the
 * scenario's project, region and service account; `config` or `events/gcp/cli/linkdns-config.json`).
 */
export async function startGcpScenario(
  config: Record<string, unknown> = gcpScenarioConfig(),
  options: GcpWorldOptions = {},
): Promise<GcpScenario> {
  const gcp = await startLocalGcp();
  const brownfield = seedGcpScenario(gcp.state, options);
  const settings = readGcpSettings({
    LINKDNS_CONFIG: JSON.stringify(config),
    LINKDNS_GCP_PROJECT: GCP_SCENARIO.project,
    LINKDNS_GCP_REGIONS: GCP_SCENARIO.region,
    LINKDNS_SERVICE_ACCOUNT: GCP_SCENARIO.serviceAccount,
    LINKDNS_GCP_API_ROOT: gcp.baseUrl,
  });
  // Local changes are done at once: poll after 1 ms instead of Cloud DNS's usual second.
  const runConfig = options.runConfig?.(settings.config) ?? staticRunConfig(settings.config);
  const { endpoints, dns } = createGcpAdapters(settings, staticToken('local'), {
    pollIntervalMs: 1,
    currentConfig: runConfig.current,
  });
  return { gcp, settings, endpoints, dns, runConfig, ...(brownfield ? { brownfield } : {}) };
}

/** A-record sets of a zone of the scenario as `{ 'A *': [ips], 'A *.us-central1-a': [ip] }`. */
export function gcpARecords(
  state: LocalGcpState,
  zoneName: string = GCP_SCENARIO.privateZone,
): Record<string, string[]> {
  const snapshot = zoneSnapshot(state, GCP_SCENARIO.project, zoneName);
  return Object.fromEntries(Object.entries(snapshot).filter(([key]) => key.startsWith('A ')));
}

/**
 * Makes the local Google Cloud the world a sample event describes, so replaying it shows what the function does in
 * that situation. The three forwarding rules and the zones are always there; then:
 * - a forwarding-rule insert: nothing more — the zone is empty and the function writes the records;
 * - a forwarding-rule delete: the records are in place and the rule the event names is deleted;
 * - a Cloud DNS change by someone else: the records are in place and the event's change is replayed through the
 *   Cloud DNS API; by linkdns itself: the records are left as linkdns wrote them;
 * - the scheduled repair: the zone is empty, as if the insert event had been lost.
 *
 * @param quiet handlers without notifications, used to put the records in place with the real forwarding-rule function
 * @returns notes on what was done
 */
export async function stageGcpEvent(
  scenario: GcpScenario,
  quiet: GcpHandlers,
  handler: keyof GcpHandlers,
  event: unknown,
): Promise<string[]> {
  const { project, region, domain, privateZone, network } = GCP_SCENARIO;
  const notes = [
    `seeded the PSC forwarding rules of events/gcp/cli/ (confluent-psc-us-central1-a..c in ${network.split('/').at(-1)}); ` +
      `private zone ${domain} (${privateZone}) and a same-named public zone`,
  ];
  if (handler === 'scheduledRepair') {
    notes.push('the zone is empty, as if the insert event had been lost');
    return notes;
  }
  let parsed: ReturnType<typeof parseAuditLogEvent>;
  try {
    parsed = parseAuditLogEvent(event);
  } catch {
    return notes; // malformed: the function itself rejects it
  }
  const rule = handler === 'forwardingRuleEvents' ? safely(() => forwardingRuleOf(parsed)) : undefined;
  const ruleDeleted = typeof rule === 'string' && /\.delete$/i.test(parsed.methodName);
  const change = handler === 'cloudDnsRecordEvents' ? safely(() => recordChangeOf(parsed)) : undefined;
  if (!ruleDeleted && !(change && !('ignored' in change))) return notes;

  const result = await quiet.forwardingRuleEvents(readEventFile('gcp/forwarding-rule-insert.json'));
  if (result.outcome !== 'reconciled' || result.report.zones.some((zone) => zone.outcome !== 'changed')) {
    throw new Error(`could not put the scenario's records in place: ${JSON.stringify(result)}`);
  }
  notes.push(`put the records of ${domain} in place (the insert event, handled earlier)`);

  if (ruleDeleted) {
    const name = rule.split('/').at(-1) ?? '';
    scenario.gcp.state.compute.deleteForwardingRule(project, region, name);
    notes.push(`deleted forwarding rule ${name}`);
  } else if (change && !('ignored' in change)) {
    if (parsed.principalEmail?.toLowerCase() === scenario.settings.serviceAccount) {
      notes.push(`the change to ${change.zoneName} was made by linkdns itself; records left as linkdns wrote them`);
    } else {
      notes.push(...(await replayRecordChange(scenario, change.zoneName, parsed.request)));
    }
  }
  return notes;
}

function safely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined; // the function rejects it itself
  }
}

/**
 * Sends the change a `dns.changes.create` audit-log entry records (`request.change`) to the zone through the Cloud DNS
 * API, as the person did. A change that no longer applies (its deletions do not match) is noted, not thrown.
 */
async function replayRecordChange(
  scenario: GcpScenario,
  zoneName: string,
  request: Readonly<Record<string, unknown>> | undefined,
): Promise<string[]> {
  const change = request?.change as { additions?: unknown[]; deletions?: unknown[] } | undefined;
  if (!change || (!change.additions?.length && !change.deletions?.length)) {
    return ['the event records no change to replay; zone left as it is'];
  }
  const url = `${scenario.gcp.baseUrl}/dns/v1/projects/${GCP_SCENARIO.project}/managedZones/${encodeURIComponent(zoneName)}/changes`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: 'Bearer local', 'content-type': 'application/json' },
    body: JSON.stringify({ additions: change.additions ?? [], deletions: change.deletions ?? [] }),
  });
  if (!response.ok) {
    return [
      `the event's change could not be replayed (${response.status} ${await response.text()}); zone left as it is`,
    ];
  }
  const describe = (action: string, sets: unknown[] | undefined) =>
    (sets ?? []).map((set) => {
      const { name, type, rrdatas } = set as { name?: string; type?: string; rrdatas?: string[] };
      return `someone else: ${action} ${name} ${type} ${(rrdatas ?? []).join(',')}`;
    });
  return [...describe('delete', change.deletions), ...describe('add', change.additions)];
}
