import type {
  RecordSet as AzureRecordSet,
  RecordType as AzureRecordType,
  PrivateZonesOperations,
  RecordSetsOperations,
  VirtualNetworkLinksOperations,
} from '@azure/arm-privatedns';
import { ConcurrentChangeError, InvalidInputError, OwnershipError } from '../core/errors.ts';
import { canonicalName, isWithinDomain, type RecordSet, recordKey, sameRecord } from '../core/model.ts';
import { unproducibleChanges } from '../core/ownership.ts';
import type { Changes } from '../core/plan.ts';
import type { ChangeLog, DnsProvider, OwnershipGuard, ZonePage, ZoneRef } from '../core/ports.ts';
import { isRegistryRecord, ownsRecord, registryUnion } from '../core/registry.ts';
import { armNextLinkSegments } from './arm-next-link.ts';
import { statusOf, translateAzureError } from './azure-errors.ts';
import {
  fromAzureRecordSet,
  metadataOwner,
  parseZoneId,
  relativeRecordName,
  toAzureRecordSet,
  virtualNetworkLinkName,
} from './private-dns-wire.ts';

/** The slice of `PrivateDnsManagementClient` (`@azure/arm-privatedns` 4) the adapter uses. */
export interface PrivateDnsClient {
  readonly privateZones: Pick<PrivateZonesOperations, 'get' | 'listByResourceGroup' | 'beginCreateOrUpdateAndWait'>;
  readonly recordSets: Pick<RecordSetsOperations, 'list' | 'get' | 'createOrUpdate' | 'delete'>;
  readonly virtualNetworkLinks: Pick<VirtualNetworkLinksOperations, 'list' | 'beginCreateOrUpdateAndWait'>;
}

export interface AzurePrivateDnsOptions {
  readonly client: PrivateDnsClient;
  /** Resource group that holds (or receives) the Private DNS zones. */
  readonly resourceGroup: string;
  /** The deployment's owner id: tag value on zones and links linkdns creates. */
  readonly owner: string;
  /** VNet ids to link to every zone linkdns ensures (hub or peered VNets), besides the endpoint's own VNet. */
  readonly extraNetworks?: readonly string[];
  readonly log?: ChangeLog;
}

/** Tag on zones and virtual network links linkdns created, so they can be told apart from the user's own. */
export const CREATED_TAG = 'linkdns-created';

interface KnownRecordSet {
  readonly record: RecordSet;
  readonly etag: string | undefined;
  readonly owner: string | undefined;
}

/**
 * Azure Private DNS as a {@link DnsProvider}.
 *
 * - Zones live in one configured resource group and are addressed by resource id; a zone counts as the one `scope`
 *   resolves through when it has a virtual network link to the scope's VNet. With `create`, a missing zone is created
 *   (tagged `linkdns-created`) and links to the scope and the extra VNets are added.
 * - Writes are compare-and-swap per record set: `If-None-Match: *` on create, `If-Match` with the ETag read on update
 *   and delete; 412 (and 409) become {@link ConcurrentChangeError}, so the core re-reads and re-plans.
 * - Ownership is checked again before writing: the registry as planned must list the record, and the record set's
 *   metadata must name this owner (unless adopting). A record the guard does not show as ours raises
 *   {@link OwnershipError} and nothing is written.
 * - Order: the registry (`_linkdns` TXT) grows before records are created and shrinks only after records are
 *   deleted, so a crash at any point leaves no record linkdns wrote unlisted.
 */
export class AzurePrivateDnsZones implements DnsProvider {
  readonly #client: PrivateDnsClient;
  readonly #resourceGroup: string;
  readonly #owner: string;
  readonly #extraNetworks: readonly string[];
  readonly #log: ChangeLog | undefined;
  /** Record sets and ETags as last read, per zone id: the compare-and-swap tokens for the next write. */
  readonly #known = new Map<string, Map<string, KnownRecordSet>>();

  constructor(options: AzurePrivateDnsOptions) {
    this.#client = options.client;
    this.#resourceGroup = options.resourceGroup;
    this.#owner = options.owner;
    this.#extraNetworks = options.extraNetworks ?? [];
    this.#log = options.log;
  }

  async findZone(
    domain: string,
    scope: string,
    options: { create: boolean; extraNetworks?: boolean; signal?: AbortSignal },
  ): Promise<ZoneRef | undefined> {
    const name = canonicalName(domain);
    const abortSignal = options.signal;
    let zoneId = await this.#zoneId(name, abortSignal);
    if (!zoneId) {
      if (!options.create) return undefined;
      zoneId = await this.#createZone(name, abortSignal);
    }
    const linked = await this.#linkedNetworks(name, abortSignal);
    const wanted = options.create ? [scope, ...(options.extraNetworks ? this.#extraNetworks : [])] : [scope];
    for (const network of wanted) {
      if (linked.has(network.toLowerCase())) continue;
      if (!options.create) return undefined;
      await this.#link(name, network, abortSignal);
    }
    return { id: zoneId, domain: name };
  }

  async listZones(domains: readonly string[], signal?: AbortSignal): Promise<ZoneRef[]> {
    const zones: ZoneRef[] = [];
    for await (const page of this.listZonePages(domains, signal)) zones.push(...page.zones);
    return zones;
  }

  /**
   * {@link listZones} one ARM page at a time; `next` is the page's `nextLink`, which the SDK takes back as
   * `continuationToken` ("the continuation token for the next page of results", Private Zones - List By Resource Group).
   * A next link is a URL the SDK calls with the function's bearer token, so one that is not this listing on an ARM host
   * is refused before anything is sent.
   * @throws InvalidInputError for a `from` that is not this resource group's zone listing on an ARM host
   */
  async *listZonePages(domains: readonly string[], signal?: AbortSignal, from?: string): AsyncGenerator<ZonePage> {
    if (from !== undefined) this.#checkNextLink(from);
    try {
      const pages = this.#client.privateZones
        .listByResourceGroup(this.#resourceGroup, { abortSignal: signal })
        .byPage(from === undefined ? undefined : { continuationToken: from });
      for await (const page of pages) {
        const zones: ZoneRef[] = [];
        for (const zone of page) {
          const name = canonicalName(zone.name ?? '');
          if (zone.id && domains.some((domain) => isWithinDomain(name, domain)))
            zones.push({ id: zone.id, domain: name });
        }
        yield page.continuationToken ? { zones, next: page.continuationToken } : { zones };
      }
    } catch (error) {
      throw translateAzureError(error, `list Private DNS zones in ${this.#resourceGroup}`);
    }
  }

  #checkNextLink(link: string): void {
    // `/subscriptions/{id}/resourceGroups/{group}/providers/Microsoft.Network/privateDnsZones`, any case (ARM's paths are)
    const [subscriptions, subscription, groups, group, ...rest] = armNextLinkSegments(link) ?? [];
    const listing =
      subscriptions === 'subscriptions' &&
      subscription !== undefined &&
      subscription !== '' &&
      groups === 'resourcegroups' &&
      group === this.#resourceGroup.toLowerCase() &&
      rest.join('/') === 'providers/microsoft.network/privatednszones';
    if (!listing) {
      throw new InvalidInputError(
        `Zone listing cursor "${link}" is not a next link of the Private DNS zones in ${this.#resourceGroup} on an ARM host`,
      );
    }
  }

  async readRecords(zone: ZoneRef, signal?: AbortSignal): Promise<RecordSet[]> {
    const { resourceGroup, zone: name } = parseZoneId(zone.id);
    const known = new Map<string, KnownRecordSet>();
    try {
      for await (const azure of this.#client.recordSets.list(resourceGroup, name, { abortSignal: signal })) {
        const record = fromAzureRecordSet(azure, zone.domain);
        if (record) known.set(recordKey(record), { record, etag: azure.etag, owner: metadataOwner(azure) });
      }
    } catch (error) {
      throw translateAzureError(error, `list record sets of ${zone.domain}`);
    }
    this.#known.set(zone.id, known);
    return [...known.values()].map((entry) => entry.record);
  }

  async applyChanges(zone: ZoneRef, changes: Changes, guard: OwnershipGuard, signal?: AbortSignal): Promise<void> {
    this.#checkGuard(zone, changes, guard);
    const steps = orderWrites(zone.domain, changes);
    for (const step of steps) {
      signal?.throwIfAborted();
      if (step.kind === 'put') await this.#put(zone, step.record, step.replaces, guard, signal);
      else await this.#delete(zone, step.record, guard, signal);
    }
  }

  // ── Ownership, first line: the registry as planned ─────────────────────────────────────────────

  #checkGuard(zone: ZoneRef, changes: Changes, guard: OwnershipGuard): void {
    const unproducible = unproducibleChanges(zone, changes, guard);
    if (unproducible.length > 0) {
      throw new OwnershipError(
        `Refusing to change zone ${zone.domain}:\n${unproducible.map((line) => `  - ${line}`).join('\n')}`,
      );
    }
    const registryIsOurs = guard.registry?.owner === guard.owner;
    const owned = (record: RecordSet) =>
      isRegistryRecord(record, zone.domain) ? registryIsOurs : ownsRecord(guard.registry, guard.owner, record);
    for (const change of changes.update) {
      if (!owned(change.old) && !guard.adoptExisting) {
        throw new OwnershipError(
          `Refusing to update ${describe(change.old)} in ${zone.domain}: linkdns does not own it`,
        );
      }
    }
    for (const record of changes.delete) {
      if (!owned(record)) {
        throw new OwnershipError(`Refusing to delete ${describe(record)} in ${zone.domain}: linkdns does not own it`);
      }
    }
  }

  // ── Writes ─────────────────────────────────────────────────────────────────────────────────────

  async #put(
    zone: ZoneRef,
    record: RecordSet,
    replaces: RecordSet | undefined,
    guard: OwnershipGuard,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const { resourceGroup, zone: name } = parseZoneId(zone.id);
    const relative = relativeRecordName(record.name, zone.domain);
    const precondition = replaces
      ? { ifMatch: await this.#etagOf(zone, replaces, guard, signal) }
      : { ifNoneMatch: '*' };
    const what = `${replaces ? 'update' : 'create'} ${record.type} ${relative} in ${zone.domain}`;
    let written: AzureRecordSet;
    try {
      written = await this.#client.recordSets.createOrUpdate(
        resourceGroup,
        name,
        record.type as AzureRecordType,
        relative,
        toAzureRecordSet(record, guard.owner),
        { ...precondition, abortSignal: signal },
      );
    } catch (error) {
      throw translateAzureError(error, what);
    }
    this.#log?.info(`azure: ${what}`, { zoneId: zone.id, values: record.values });
    this.#remember(zone, { record, etag: written.etag, owner: guard.owner });
  }

  async #delete(
    zone: ZoneRef,
    record: RecordSet,
    guard: OwnershipGuard,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const { resourceGroup, zone: name } = parseZoneId(zone.id);
    const relative = relativeRecordName(record.name, zone.domain);
    const ifMatch = await this.#etagOf(zone, record, guard, signal);
    const what = `delete ${record.type} ${relative} in ${zone.domain}`;
    try {
      await this.#client.recordSets.delete(resourceGroup, name, record.type as AzureRecordType, relative, {
        ifMatch,
        abortSignal: signal,
      });
    } catch (error) {
      throw translateAzureError(error, what);
    }
    this.#log?.info(`azure: ${what}`, { zoneId: zone.id });
    this.#known.get(zone.id)?.delete(recordKey(record));
  }

  /**
   * The ETag of `expected` as linkdns last read it, after the second ownership check: the record set's metadata must
   * name this owner unless adopting. Without a matching read, the record set is fetched; if it is not `expected` any
   * more, someone changed it and the core must re-plan.
   */
  async #etagOf(
    zone: ZoneRef,
    expected: RecordSet,
    guard: OwnershipGuard,
    signal: AbortSignal | undefined,
  ): Promise<string> {
    let known = this.#known.get(zone.id)?.get(recordKey(expected));
    if (!known || !sameRecord(known.record, expected)) known = await this.#fetch(zone, expected, signal);
    if (!known || !sameRecord(known.record, expected)) {
      throw new ConcurrentChangeError(`${describe(expected)} in ${zone.domain} changed since it was read`);
    }
    if (known.owner !== guard.owner && !(guard.adoptExisting && known.owner === undefined)) {
      throw new OwnershipError(
        `Refusing to change ${describe(expected)} in ${zone.domain}: its metadata names ` +
          `${known.owner ? `owner "${known.owner}"` : 'no linkdns owner'}, not "${guard.owner}"`,
      );
    }
    if (!known.etag) throw new ConcurrentChangeError(`${describe(expected)} in ${zone.domain} has no ETag`);
    return known.etag;
  }

  async #fetch(
    zone: ZoneRef,
    expected: RecordSet,
    signal: AbortSignal | undefined,
  ): Promise<KnownRecordSet | undefined> {
    const { resourceGroup, zone: name } = parseZoneId(zone.id);
    const relative = relativeRecordName(expected.name, zone.domain);
    try {
      const azure = await this.#client.recordSets.get(resourceGroup, name, expected.type as AzureRecordType, relative, {
        abortSignal: signal,
      });
      const record = fromAzureRecordSet(azure, zone.domain);
      if (!record) return undefined;
      const known = { record, etag: azure.etag, owner: metadataOwner(azure) };
      this.#remember(zone, known);
      return known;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw translateAzureError(error, `get ${expected.type} ${relative} in ${zone.domain}`);
    }
  }

  #remember(zone: ZoneRef, known: KnownRecordSet): void {
    const records = this.#known.get(zone.id) ?? new Map<string, KnownRecordSet>();
    records.set(recordKey(known.record), known);
    this.#known.set(zone.id, records);
  }

  // ── Zones and virtual network links ────────────────────────────────────────────────────────────

  async #zoneId(name: string, abortSignal: AbortSignal | undefined): Promise<string | undefined> {
    try {
      const zone = await this.#client.privateZones.get(this.#resourceGroup, name, { abortSignal });
      return zone.id;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw translateAzureError(error, `get Private DNS zone ${name} in ${this.#resourceGroup}`);
    }
  }

  async #createZone(name: string, abortSignal: AbortSignal | undefined): Promise<string> {
    try {
      const zone = await this.#client.privateZones.beginCreateOrUpdateAndWait(
        this.#resourceGroup,
        name,
        { location: 'global', tags: { [CREATED_TAG]: this.#owner } },
        { ifNoneMatch: '*', abortSignal },
      );
      this.#log?.info(`azure: created Private DNS zone ${name}`, {
        resourceGroup: this.#resourceGroup,
        zoneId: zone.id,
      });
      if (!zone.id) throw new Error(`ARM returned no id for zone ${name}`);
      return zone.id;
    } catch (error) {
      // Another run created it in the meantime: use theirs.
      const existing = statusOf(error) === 412 ? await this.#zoneId(name, abortSignal) : undefined;
      if (existing) return existing;
      throw translateAzureError(error, `create Private DNS zone ${name} in ${this.#resourceGroup}`);
    }
  }

  async #linkedNetworks(name: string, abortSignal: AbortSignal | undefined): Promise<Set<string>> {
    const linked = new Set<string>();
    try {
      for await (const link of this.#client.virtualNetworkLinks.list(this.#resourceGroup, name, { abortSignal })) {
        if (link.virtualNetwork?.id) linked.add(link.virtualNetwork.id.toLowerCase());
      }
    } catch (error) {
      throw translateAzureError(error, `list virtual network links of ${name}`);
    }
    return linked;
  }

  async #link(name: string, network: string, abortSignal: AbortSignal | undefined): Promise<void> {
    const linkName = virtualNetworkLinkName(network);
    try {
      await this.#client.virtualNetworkLinks.beginCreateOrUpdateAndWait(
        this.#resourceGroup,
        name,
        linkName,
        {
          location: 'global',
          tags: { [CREATED_TAG]: this.#owner },
          virtualNetwork: { id: network },
          registrationEnabled: false,
        },
        { ifNoneMatch: '*', abortSignal },
      );
      this.#log?.info(`azure: linked ${network} to Private DNS zone ${name}`, { link: linkName });
    } catch (error) {
      // 409: the VNet is already linked under another name; 412: a concurrent run created this link. Both are fine.
      const status = statusOf(error);
      if (status === 409 || status === 412) return;
      throw translateAzureError(error, `link ${network} to Private DNS zone ${name}`);
    }
  }
}

/** One write of {@link orderWrites}: put a record set (replacing `replaces` if given) or delete one. */
export type WriteStep =
  | { readonly kind: 'put'; readonly record: RecordSet; readonly replaces?: RecordSet }
  | { readonly kind: 'delete'; readonly record: RecordSet };

/**
 * Orders a plan's changes into single record-set writes so that a crash between any two leaves every record linkdns
 * wrote listed in the registry:
 *
 * 1. registry first when records are created — as the union of old and new listings if records are also deleted;
 * 2. record creates, then updates (an update that changes the type is a create plus a delete: in Azure the type is
 *    part of the record set's identity);
 * 3. record deletes;
 * 4. the registry as planned, if step 1 did not already write it (or its delete when nothing is left).
 */
export function orderWrites(domain: string, changes: Changes): WriteStep[] {
  const isRegistry = (record: RecordSet) => isRegistryRecord(record, domain);
  const registryCreate = changes.create.find(isRegistry);
  const registryUpdate = changes.update.find((change) => isRegistry(change.new));
  const registryDelete = changes.delete.find(isRegistry);
  const current = registryUpdate?.old ?? registryDelete;
  const next = registryCreate ?? registryUpdate?.new;

  const creates: WriteStep[] = changes.create.filter((record) => !isRegistry(record)).map((record) => put(record));
  const updates: WriteStep[] = [];
  const deletes: WriteStep[] = changes.delete.filter((record) => !isRegistry(record)).map((record) => remove(record));
  for (const change of changes.update.filter((candidate) => !isRegistry(candidate.new))) {
    if (change.old.type === change.new.type) updates.push(put(change.new, change.old));
    else {
      creates.push(put(change.new));
      deletes.push(remove(change.old));
    }
  }

  const steps: WriteStep[] = [];
  let registryNow = current;
  const writeRegistry = (record: RecordSet) => {
    steps.push(put(record, registryNow));
    registryNow = record;
  };
  if (creates.length > 0 && next) {
    writeRegistry(deletes.length > 0 && current ? (registryUnion(current, next, domain) ?? next) : next);
  }
  steps.push(...creates, ...updates, ...deletes);
  if (next && !(registryNow && sameRecord(registryNow, next))) writeRegistry(next);
  if (!next && registryDelete) steps.push(remove(registryNow ?? registryDelete));
  return steps;
}

function put(record: RecordSet, replaces?: RecordSet): WriteStep {
  return replaces ? { kind: 'put', record, replaces } : { kind: 'put', record };
}

function remove(record: RecordSet): WriteStep {
  return { kind: 'delete', record };
}

function describe(record: Pick<RecordSet, 'name' | 'type'>): string {
  return `${record.type} ${record.name}`;
}
