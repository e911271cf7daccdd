import { createHash } from 'node:crypto';
import {
  ConcurrentChangeError,
  InvalidInputError,
  LinkdnsError,
  OwnershipError,
  TransientCloudError,
  ZoneNotFoundError,
} from '../core/errors.ts';
import { canonicalName, isWithinDomain, type RecordKeyMap, type RecordSet } from '../core/model.ts';
import { ownershipProblems } from '../core/ownership.ts';
import { type Changes, countChanges, hasChanges } from '../core/plan.ts';
import type { ChangeLog, DnsProvider, OwnershipGuard, ZonePage, ZoneRef } from '../core/ports.ts';
import { sleep } from '../waiting.ts';
import { type CloudDnsRecordSet, changeBody, isCloudDnsOnlyRecord, readRecordSets } from './cloud-dns-wire.ts';
import { networkPath, networkUrl, sameNetwork } from './gcp-resource-names.ts';
import { type GoogleApiClient, GoogleApiError } from './google-api.ts';
import { isGooglePageToken } from './google-page-token.ts';

/** A ManagedZone as the Cloud DNS v1 API returns it (the fields linkdns reads). */
export interface ManagedZone {
  readonly name: string;
  readonly dnsName: string;
  readonly id?: string;
  readonly description?: string;
  /** `public` or `private`; absent means public. */
  readonly visibility?: string;
  readonly privateVisibilityConfig?: { readonly networks?: readonly { readonly networkUrl?: string }[] };
  readonly labels?: Readonly<Record<string, string>>;
}

interface ManagedZonesPage {
  readonly managedZones?: ManagedZone[];
  readonly nextPageToken?: string;
}

interface RecordSetsPage {
  readonly rrsets?: CloudDnsRecordSet[];
  readonly nextPageToken?: string;
}

interface ChangeResource {
  readonly id?: string;
  readonly status?: string;
}

export interface CloudDnsZonesOptions {
  readonly client: GoogleApiClient;
  /** Project that holds the managed zones (a Shared VPC host project, say). */
  readonly project: string;
  /** The deployment's owner id: the value of the {@link CREATED_LABEL} label on zones linkdns creates. */
  readonly owner: string;
  /** Networks to bind to zones linkdns creates (hub or peered VPCs), besides the endpoint's own network. */
  readonly extraNetworks?: readonly string[];
  /**
   * After `changes.create`, poll `changes.get` until the change is `done` (sent to the authoritative servers) before
   * returning. @default true
   */
  readonly waitForDone?: boolean;
  /** @default 1000 */
  readonly pollIntervalMs?: number;
  /** @default 60000 */
  readonly doneTimeoutMs?: number;
  readonly log?: ChangeLog;
}

/** Label on managed zones linkdns created; the value is the deployment's owner id. */
export const CREATED_LABEL = 'linkdns-created';

/** More than one private zone of one name is bound to one network. */
export class AmbiguousZoneError extends LinkdnsError {}

/** Cloud DNS refused a change for a reason other than a concurrent writer (400: invalid data, a CNAME beside others). */
export class ChangeRejectedError extends LinkdnsError {}

/**
 * The core's {@link DnsProvider} on Cloud DNS private managed zones.
 *
 * - A zone counts as the one a network resolves through when it is `visibility: private` and its
 *   `privateVisibilityConfig.networks` lists that network. Public zones — even of the same name — are never returned,
 *   read or written. Zones are addressed by their managed-zone name, unique in the project.
 * - Creating a missing zone is opt-in; a created zone is bound to the network and the configured extra networks and
 *   labelled `linkdns-created=<owner>`. An existing zone of the same name that is not bound to the network is left
 *   alone (Cloud DNS allows private zones of one name for different networks): linkdns never rebinds someone's zone.
 * - Every plan goes out as ONE `changes.create`, applied atomically by Cloud DNS. Deletions carry the record sets as
 *   they were read, so a concurrent writer makes the change fail (412 `conditionNotMet`, 409 `alreadyExists`) and
 *   {@link ConcurrentChangeError} tells the core to re-read and re-plan.
 * - Before sending, ownership is checked again against the registry the plan was made from
 *   ({@link ownershipProblems}); a change to a record this deployment does not own is refused with
 *   {@link OwnershipError} and nothing is sent.
 *
 * @example
 * const dns = new CloudDnsZones({ client, project: 'acme-net', owner: 'linkdns-gcp-prod' });
 * const zone = await dns.findZone('6ky22p.us-central1.gcp.confluent.cloud', networkSelfLink, { create: false });
 */
export class CloudDnsZones implements DnsProvider {
  readonly #client: GoogleApiClient;
  readonly #options: CloudDnsZonesOptions;
  /** Raw record sets as last read, per zone name: what deletions send, byte for byte. */
  readonly #raw = new Map<string, RecordKeyMap<CloudDnsRecordSet>>();

  constructor(options: CloudDnsZonesOptions) {
    this.#client = options.client;
    this.#options = options;
  }

  async findZone(
    domain: string,
    scope: string,
    options: { create: boolean; extraNetworks?: boolean; signal?: AbortSignal },
  ): Promise<ZoneRef | undefined> {
    const name = canonicalName(domain);
    const matches = (await this.#managedZones(name, options.signal)).filter(
      (zone) => canonicalName(zone.dnsName) === name && isPrivateFor(zone, scope),
    );
    if (matches.length > 1) {
      throw new AmbiguousZoneError(
        `${matches.length} private zones named ${name} are bound to ${networkPath(scope)}: ${matches.map((zone) => zone.name).join(', ')}`,
      );
    }
    const [found] = matches;
    if (found) return { id: found.name, domain: name };
    return options.create
      ? this.#createZone(name, scope, options.extraNetworks ? (this.#options.extraNetworks ?? []) : [], options.signal)
      : undefined;
  }

  async listZones(domains: readonly string[], signal?: AbortSignal): Promise<ZoneRef[]> {
    const zones: ZoneRef[] = [];
    for await (const page of this.listZonePages(domains, signal)) zones.push(...page.zones);
    return zones;
  }

  /**
   * {@link listZones} one `managedZones.list` page at a time; `next` is the page's `nextPageToken`, which the API takes
   * back as `pageToken`. The token is opaque and only ever sent as that query parameter to the Cloud DNS API (a token
   * Google did not issue is answered with 400 `invalid`), so it is checked for shape only.
   * @throws InvalidInputError for a `from` with characters no page token has
   */
  async *listZonePages(domains: readonly string[], signal?: AbortSignal, from?: string): AsyncGenerator<ZonePage> {
    if (from !== undefined && !isGooglePageToken(from)) {
      throw new InvalidInputError(`Zone listing cursor "${from}" is not a Cloud DNS page token`);
    }
    let pageToken = from;
    do {
      const page = await this.#managedZonesPage(undefined, pageToken, signal);
      const zones = (page?.managedZones ?? [])
        .filter((zone) => isPrivate(zone) && domains.some((domain) => isWithinDomain(zone.dnsName, domain)))
        .map((zone) => ({ id: zone.name, domain: canonicalName(zone.dnsName) }));
      pageToken = page?.nextPageToken || undefined;
      yield pageToken === undefined ? { zones } : { zones, next: pageToken };
    } while (pageToken);
  }

  async readRecords(zone: ZoneRef, signal?: AbortSignal): Promise<RecordSet[]> {
    const rrsets: CloudDnsRecordSet[] = [];
    let pageToken: string | undefined;
    do {
      const url = this.#url(`managedZones/${encodeURIComponent(zone.id)}/rrsets`, { pageToken });
      const page = await this.#client
        .call<RecordSetsPage>('resourceRecordSets.list', 'GET', url, undefined, signal)
        .catch((error: unknown) => {
          throw translate(error, `list record sets of ${zone.domain} (${zone.id})`, zone);
        });
      rrsets.push(...(page?.rrsets ?? []));
      pageToken = page?.nextPageToken || undefined;
    } while (pageToken);
    const { records, raw } = readRecordSets(rrsets);
    this.#raw.set(zone.id, raw);
    return records;
  }

  async applyChanges(zone: ZoneRef, changes: Changes, guard: OwnershipGuard, signal?: AbortSignal): Promise<void> {
    if (!hasChanges(changes)) return;
    const problems = ownershipProblems(zone, changes, guard, isCloudDnsOnlyRecord);
    if (problems.length > 0) {
      throw new OwnershipError(
        `Refusing to change zone ${zone.domain} (${zone.id}) for owner ${guard.owner}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
      );
    }
    const body = changeBody(changes, this.#raw.get(zone.id));
    const url = this.#url(`managedZones/${encodeURIComponent(zone.id)}/changes`);
    // Whatever happens, the raw sets read before are no longer a safe basis for the next change.
    this.#raw.delete(zone.id);
    const change = await this.#client
      .call<ChangeResource>('changes.create', 'POST', url, body, signal)
      .catch((error: unknown) => {
        throw translate(error, `apply ${countChanges(changes)} change(s) to ${zone.domain} (${zone.id})`, zone);
      });
    this.#options.log?.info(`cloud dns: change ${change?.id ?? '?'} ${change?.status ?? ''}`.trim(), {
      zoneId: zone.id,
      additions: body.additions.length,
      deletions: body.deletions.length,
    });
    if ((this.#options.waitForDone ?? true) && change?.id && change.status !== 'done') {
      await this.#waitForDone(zone, change.id, signal);
    }
  }

  /** Every managed zone of the project, or those named `dnsName` (the API's own filter). */
  async #managedZones(dnsName: string | undefined, signal: AbortSignal | undefined): Promise<ManagedZone[]> {
    const zones: ManagedZone[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.#managedZonesPage(dnsName, pageToken, signal);
      zones.push(...(page?.managedZones ?? []));
      pageToken = page?.nextPageToken || undefined;
    } while (pageToken);
    return zones;
  }

  async #managedZonesPage(
    dnsName: string | undefined,
    pageToken: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<ManagedZonesPage | undefined> {
    const url = this.#url('managedZones', { dnsName: dnsName === undefined ? undefined : `${dnsName}.`, pageToken });
    return this.#client
      .call<ManagedZonesPage>('managedZones.list', 'GET', url, undefined, signal)
      .catch((error: unknown) => {
        throw translate(error, `list managed zones of project ${this.#options.project}`);
      });
  }

  async #createZone(
    domain: string,
    scope: string,
    extraNetworks: readonly string[],
    signal: AbortSignal | undefined,
  ): Promise<ZoneRef> {
    const networks = [...new Set([scope, ...extraNetworks].map(networkUrl))];
    const name = managedZoneName(domain, scope);
    const body = {
      kind: 'dns#managedZone',
      name,
      dnsName: `${domain}.`,
      description: `Private zone for ${domain}, created by linkdns (owner ${this.#options.owner})`,
      visibility: 'private',
      privateVisibilityConfig: {
        kind: 'dns#managedZonePrivateVisibilityConfig',
        networks: networks.map((url) => ({ kind: 'dns#managedZonePrivateVisibilityConfigNetwork', networkUrl: url })),
      },
      labels: { [CREATED_LABEL]: this.#options.owner },
    };
    try {
      await this.#client.call<ManagedZone>('managedZones.create', 'POST', this.#url('managedZones'), body, signal);
    } catch (error) {
      // Another run created it between our look-up and our create: the name is derived from domain and network.
      if (!(error instanceof GoogleApiError && error.status === 409)) {
        throw translate(error, `create private zone ${domain} (${name})`);
      }
      const existing = (await this.#managedZones(domain, signal)).find(
        (zone) => zone.name === name && isPrivateFor(zone, scope),
      );
      if (!existing) throw translate(error, `create private zone ${domain} (${name})`);
    }
    this.#options.log?.info(`cloud dns: created private zone ${domain}`, { zoneId: name, networks });
    return { id: name, domain };
  }

  async #waitForDone(zone: ZoneRef, changeId: string, signal: AbortSignal | undefined): Promise<void> {
    const interval = this.#options.pollIntervalMs ?? 1_000;
    const deadline = Date.now() + (this.#options.doneTimeoutMs ?? 60_000);
    const url = this.#url(`managedZones/${encodeURIComponent(zone.id)}/changes/${encodeURIComponent(changeId)}`);
    for (;;) {
      await sleep(interval, signal);
      const change = await this.#client
        .call<ChangeResource>('changes.get', 'GET', url, undefined, signal)
        .catch((error: unknown) => {
          throw translate(error, `get change ${changeId} of ${zone.domain}`, zone);
        });
      if (change?.status === 'done') return;
      if (Date.now() >= deadline) {
        throw new TransientCloudError(
          `Cloud DNS change ${changeId} to ${zone.domain} still ${change?.status} after the wait timed out`,
        );
      }
    }
  }

  #url(path: string, query: Record<string, string | undefined> = {}): string {
    const url = new URL(
      `${this.#client.roots.dns}/dns/v1/projects/${encodeURIComponent(this.#options.project)}/${path}`,
    );
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, value);
    return url.toString();
  }
}

function isPrivate(zone: ManagedZone): boolean {
  return zone.visibility?.toLowerCase() === 'private';
}

function isPrivateFor(zone: ManagedZone, scope: string): boolean {
  return (
    isPrivate(zone) &&
    (zone.privateVisibilityConfig?.networks ?? []).some(
      (network) => network.networkUrl && sameNetwork(network.networkUrl, scope),
    )
  );
}

/**
 * The name of a zone linkdns creates: `linkdns-<domain with dashes>-<hash of domain and network>`, at most 63
 * characters, starting with a letter (Cloud DNS managed-zone naming). Deterministic, so two runs creating the same zone
 * at once collide on the name (409) instead of creating two zones.
 */
export function managedZoneName(domain: string, network: string): string {
  const hash = createHash('sha256')
    .update(`${canonicalName(domain)} ${networkPath(network)}`)
    .digest('hex')
    .slice(0, 8);
  const slug = canonicalName(domain)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `linkdns-${slug.slice(0, 63 - 'linkdns-'.length - 9).replace(/-+$/, '')}-${hash}`;
}

/**
 * How Cloud DNS failures become linkdns decisions (the client has already retried throttling and 5xx):
 * - `changes.create` 412 `conditionNotMet` (a deletion does not match), 409 `alreadyExists` (an addition exists), and a
 *   404 naming `entity.change` (a deletion of a record set that is gone; status unconfirmed) → {@link ConcurrentChangeError};
 * - any other 404 on a zone → {@link ZoneNotFoundError};
 * - 400 on a change → {@link ChangeRejectedError};
 * - 403 → the same error with a hint at the roles the function needs.
 */
function translate(error: unknown, what: string, zone?: ZoneRef): unknown {
  if (!(error instanceof GoogleApiError)) return error;
  const detail = `${what}: ${error.message}`;
  if (error.status === 412 || error.reason === 'conditionNotMet' || error.status === 409) {
    return new ConcurrentChangeError(`Zone changed since it was read: ${detail}`, { cause: error });
  }
  if (error.status === 404 && /entity\.change/.test(error.message)) {
    return new ConcurrentChangeError(`Zone changed since it was read: ${detail}`, { cause: error });
  }
  if (error.status === 404 && zone) {
    return new ZoneNotFoundError(`Managed zone ${zone.id} (${zone.domain}) no longer exists: ${detail}`, {
      cause: error,
    });
  }
  if (error.status === 400 && zone) return new ChangeRejectedError(`Cloud DNS rejected: ${detail}`, { cause: error });
  const hint =
    error.status === 403
      ? ' (the function’s service account needs roles/dns.reader on the project and a DNS writer role on the zones, see infra/gcp/README.md)'
      : '';
  return new GoogleApiError(`${detail}${hint}`, {
    status: error.status,
    ...(error.reason ? { reason: error.reason } : {}),
    cause: error,
    retryable: error.retryable,
  });
}
