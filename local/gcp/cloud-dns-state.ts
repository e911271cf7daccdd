import { invalid, LocalGoogleError } from './google-errors.ts';

/**
 * The state of the local Cloud DNS and the rules it enforces, with the semantics linkdns depends on
 * (https://cloud.google.com/dns/docs/reference/rest/v1/changes, https://cloud.google.com/dns/docs/error-messages):
 *
 * - A change is atomic: every deletion is checked against the current record sets first, then every addition; the
 *   first failure rejects the whole change and nothing is applied.
 * - A deletion must match existing data exactly (name, type, TTL, rrdatas): a record set of that name and type that
 *   differs is 412 `conditionNotMet` ("Precondition not met for 'entity.change.deletions[i]'"); one that does not exist
 *   is 404 `notFound` (the status of that case is *unconfirmed*; the message is the one Cloud DNS sends).
 * - An addition of a name and type that exists (after the change's deletions) is 409 `alreadyExists`.
 * - A new zone gets its SOA and NS record sets at the apex; they can be replaced but not removed (reason
 *   `invalidZoneApex`). NS record sets cannot be wildcards (`wildcardNotAllowed`); a CNAME cannot share its name
 *   (`cnameResourceRecordSetConflict`) and holds exactly one rrdata (`invalidRecordCount`). Reasons as the error
 *   messages page lists them; the 400 status of these four is *unconfirmed*.
 * - A change is `pending` when created and on its first `changes.get` (by default), `done` after: a client's wait
 *   loop runs at least once, as it must on Cloud DNS, where changes take seconds.
 */

export interface StoredRecordSet {
  readonly kind: 'dns#resourceRecordSet';
  readonly name: string;
  readonly type: string;
  readonly ttl: number;
  readonly rrdatas: readonly string[];
  readonly routingPolicy?: unknown;
}

export interface StoredZone {
  readonly project: string;
  readonly name: string;
  readonly id: string;
  readonly dnsName: string;
  readonly description: string;
  readonly visibility: 'public' | 'private';
  readonly networks: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly creationTime: string;
}

export interface StoredChange {
  readonly kind: 'dns#change';
  readonly id: string;
  readonly startTime: string;
  readonly additions: readonly StoredRecordSet[];
  readonly deletions: readonly StoredRecordSet[];
  /** Epoch ms when the change counts as `done`. */
  readonly doneAt: number;
}

const ZONE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const TYPES = new Set([
  'A',
  'AAAA',
  'CAA',
  'CNAME',
  'DNSKEY',
  'DS',
  'HTTPS',
  'MX',
  'NAPTR',
  'NS',
  'PTR',
  'SOA',
  'SPF',
  'SRV',
  'SSHFP',
  'SVCB',
  'TLSA',
  'TXT',
]);

export interface CloudDnsStateOptions {
  /** How long a change stays `pending` before `changes.get` reports `done`. Default 0. */
  readonly changeDoneAfterMs?: number;
  /** How many `changes.get` reads answer `pending` before `done` (both this and the time must pass). Default 1. */
  readonly changePendingReads?: number;
}

export class CloudDnsState {
  readonly #zones = new Map<string, StoredZone>();
  readonly #records = new Map<string, Map<string, StoredRecordSet>>();
  readonly #changes = new Map<string, StoredChange[]>();
  readonly #doneAfterMs: number;
  readonly #pendingReads: number;
  readonly #reads = new Map<StoredChange, number>();
  #nextZoneId = 4_811_000_000_000_000_000n;

  constructor(options: CloudDnsStateOptions = {}) {
    this.#doneAfterMs = options.changeDoneAfterMs ?? 0;
    this.#pendingReads = options.changePendingReads ?? 1;
  }

  // ── Zones ─────────────────────────────────────────────────────────────────────────────────────

  createZone(
    project: string,
    input: {
      name?: unknown;
      dnsName?: unknown;
      description?: unknown;
      visibility?: unknown;
      networks?: readonly string[];
      labels?: unknown;
    },
  ): StoredZone {
    if (typeof input.name !== 'string' || !ZONE_NAME.test(input.name)) {
      throw invalid(`Invalid value for 'entity.managedZone.name': '${String(input.name)}'`);
    }
    if (typeof input.dnsName !== 'string' || !/^([a-z0-9_*-]+\.)+$/i.test(input.dnsName)) {
      throw invalid(`Invalid value for 'entity.managedZone.dnsName': '${String(input.dnsName)}'`);
    }
    const visibility = input.visibility === undefined ? 'public' : String(input.visibility).toLowerCase();
    if (visibility !== 'public' && visibility !== 'private') {
      throw invalid(`Invalid value for 'entity.managedZone.visibility': '${String(input.visibility)}'`);
    }
    const key = zoneKey(project, input.name);
    if (this.#zones.has(key)) {
      throw new LocalGoogleError(
        409,
        'alreadyExists',
        `The resource 'entity.managedZone' named '${input.name}' already exists`,
      );
    }
    const dnsName = input.dnsName.toLowerCase();
    const zone: StoredZone = {
      project,
      name: input.name,
      id: String(this.#nextZoneId++),
      dnsName,
      description: typeof input.description === 'string' ? input.description : '',
      visibility,
      networks: visibility === 'private' ? [...(input.networks ?? [])] : [],
      labels: (input.labels as Record<string, string> | undefined) ?? {},
      creationTime: new Date().toISOString(),
    };
    this.#zones.set(key, zone);
    const records = new Map<string, StoredRecordSet>();
    const soa = rrset(dnsName, 'SOA', 21_600, [
      'ns-gcp-private.googledomains.com. cloud-dns-hostmaster.google.com. 1 21600 3600 259200 300',
    ]);
    const ns = rrset(dnsName, 'NS', 21_600, ['ns-gcp-private.googledomains.com.']);
    records.set(recordKey(soa), soa);
    records.set(recordKey(ns), ns);
    this.#records.set(key, records);
    this.#changes.set(key, [
      { kind: 'dns#change', id: '0', startTime: zone.creationTime, additions: [soa, ns], deletions: [], doneAt: 0 },
    ]);
    return zone;
  }

  /** A zone by name or numeric id; 404 `notFound` otherwise. */
  zone(project: string, nameOrId: string): StoredZone {
    const zone =
      this.#zones.get(zoneKey(project, nameOrId)) ??
      [...this.#zones.values()].find((candidate) => candidate.project === project && candidate.id === nameOrId);
    if (!zone) {
      throw new LocalGoogleError(
        404,
        'notFound',
        `The 'parameters.managedZone' resource named '${nameOrId}' does not exist.`,
      );
    }
    return zone;
  }

  zones(project: string, dnsName?: string): StoredZone[] {
    const wanted = dnsName?.toLowerCase();
    return [...this.#zones.values()]
      .filter((zone) => zone.project === project && (wanted === undefined || zone.dnsName === wanted))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * `managedZones.delete`: only a zone holding nothing but its apex SOA and NS can go
   * (https://cloud.google.com/dns/docs/reference/rest/v1/managedZones/delete; reason `containerNotEmpty`).
   */
  deleteZone(project: string, name: string): void {
    const zone = this.zone(project, name);
    const key = zoneKey(project, zone.name);
    const others = [...(this.#records.get(key)?.values() ?? [])].filter(
      (record) => !(record.name === zone.dnsName && (record.type === 'SOA' || record.type === 'NS')),
    );
    if (others.length > 0) {
      throw new LocalGoogleError(
        400,
        'containerNotEmpty',
        `The resource named '${zone.name}' cannot be deleted because it is not empty`,
      );
    }
    this.#zones.delete(key);
    this.#records.delete(key);
    this.#changes.delete(key);
  }

  // ── Record sets ───────────────────────────────────────────────────────────────────────────────

  recordSets(project: string, zoneName: string, filter: { name?: string; type?: string } = {}): StoredRecordSet[] {
    const zone = this.zone(project, zoneName);
    if (filter.type !== undefined && filter.name === undefined) {
      throw invalid("The 'type' parameter may only be given together with 'name'.");
    }
    const name = filter.name === undefined ? undefined : absolute(filter.name);
    return [...(this.#records.get(zoneKey(project, zone.name))?.values() ?? [])]
      .filter(
        (record) =>
          (name === undefined || record.name === name) && (!filter.type || record.type === filter.type.toUpperCase()),
      )
      .sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type));
  }

  /** Writes a record set directly, as a person in the console would (no change recorded): for seeding and tampering. */
  putRecordSet(
    project: string,
    zoneName: string,
    record: { name: string; type: string; ttl: number; rrdatas: readonly string[] },
  ): void {
    const zone = this.zone(project, zoneName);
    const stored = rrset(record.name, record.type, record.ttl, record.rrdatas);
    this.#records.get(zoneKey(project, zone.name))?.set(recordKey(stored), stored);
  }

  removeRecordSet(project: string, zoneName: string, name: string, type: string): void {
    const zone = this.zone(project, zoneName);
    this.#records.get(zoneKey(project, zone.name))?.delete(`${absolute(name)} ${type.toUpperCase()}`);
  }

  // ── Changes ───────────────────────────────────────────────────────────────────────────────────

  /** Applies a change atomically, or throws the error Cloud DNS answers with and applies nothing. */
  applyChange(project: string, zoneName: string, body: { additions?: unknown; deletions?: unknown }): StoredChange {
    const zone = this.zone(project, zoneName);
    const key = zoneKey(project, zone.name);
    const additions = recordSetList(body.additions, 'additions');
    const deletions = recordSetList(body.deletions, 'deletions');
    if (additions.length === 0 && deletions.length === 0) {
      throw new LocalGoogleError(400, 'required', "The 'entity.change' parameter is required but was missing.");
    }
    const working = new Map(this.#records.get(key));
    for (const [index, wanted] of deletions.entries()) {
      const where = `entity.change.deletions[${index}]`;
      const record = validRecordSet(wanted, where, zone);
      const existing = working.get(recordKey(record));
      if (!existing) {
        throw new LocalGoogleError(
          404,
          'notFound',
          `The '${where}' resource named '${record.name} (${record.type})' does not exist.`,
        );
      }
      if (!sameData(existing, record))
        throw new LocalGoogleError(412, 'conditionNotMet', `Precondition not met for '${where}'`);
      working.delete(recordKey(record));
    }
    for (const [index, wanted] of additions.entries()) {
      const where = `entity.change.additions[${index}]`;
      const record = validRecordSet(wanted, where, zone);
      if (working.has(recordKey(record))) {
        throw new LocalGoogleError(
          409,
          'alreadyExists',
          `The resource '${where}' named '${record.name} (${record.type})' already exists`,
        );
      }
      const others = [...working.values()].filter((other) => other.name === record.name);
      if (others.length > 0 && (record.type === 'CNAME' || others.some((other) => other.type === 'CNAME'))) {
        throw new LocalGoogleError(
          400,
          'cnameResourceRecordSetConflict',
          `The resource '${where}' named '${record.name} (${record.type})' cannot be created because a CNAME resource record set cannot share its name with other resource record sets`,
        );
      }
      working.set(recordKey(record), record);
    }
    for (const type of ['SOA', 'NS']) {
      if (!working.has(`${zone.dnsName} ${type}`)) {
        throw new LocalGoogleError(
          400,
          'invalidZoneApex',
          `The ${type} resource record set at the zone apex '${zone.dnsName}' cannot be removed, only replaced`,
        );
      }
    }
    this.#records.set(key, working);
    const history = this.#changes.get(key) ?? [];
    const now = Date.now();
    const change: StoredChange = {
      kind: 'dns#change',
      id: String(history.length),
      startTime: new Date(now).toISOString(),
      additions: additions.map((wanted, index) => validRecordSet(wanted, `additions[${index}]`, zone)),
      deletions: deletions.map((wanted, index) => validRecordSet(wanted, `deletions[${index}]`, zone)),
      doneAt: now + this.#doneAfterMs,
    };
    history.push(change);
    this.#changes.set(key, history);
    return change;
  }

  /**
   * `managedZones.patch`: description, labels and the private zone's networks
   * (https://cloud.google.com/dns/docs/reference/rest/v1/managedZones/patch).
   */
  patchZone(
    project: string,
    nameOrId: string,
    patch: { description?: unknown; labels?: unknown; networks?: readonly string[] },
  ): { before: StoredZone; after: StoredZone } {
    const before = this.zone(project, nameOrId);
    if (patch.description !== undefined && typeof patch.description !== 'string') {
      throw invalid(`Invalid value for 'entity.managedZone.description': '${String(patch.description)}'`);
    }
    const after: StoredZone = {
      ...before,
      ...(typeof patch.description === 'string' ? { description: patch.description } : {}),
      ...(patch.labels !== undefined ? { labels: patch.labels as Record<string, string> } : {}),
      ...(patch.networks !== undefined && before.visibility === 'private' ? { networks: [...patch.networks] } : {}),
    };
    this.#zones.set(zoneKey(project, before.name), after);
    return { before, after };
  }

  /** One record set by name and type; 404 `notFound` otherwise. */
  recordSet(project: string, zoneName: string, name: string, type: string): StoredRecordSet {
    const zone = this.zone(project, zoneName);
    const found = this.#records.get(zoneKey(project, zone.name))?.get(`${absolute(name)} ${type.toUpperCase()}`);
    if (!found) {
      throw new LocalGoogleError(
        404,
        'notFound',
        `The 'parameters.name' resource named '${absolute(name)} (${type.toUpperCase()})' does not exist.`,
      );
    }
    return found;
  }

  /** `changes.get`: counts the read; `pending` until the configured reads and time have passed. */
  readChange(project: string, zoneName: string, id: string): { change: StoredChange; status: 'pending' | 'done' } {
    const change = this.change(project, zoneName, id);
    const reads = (this.#reads.get(change) ?? 0) + 1;
    this.#reads.set(change, reads);
    return { change, status: this.statusOf(change, reads) };
  }

  /** The status a listing shows (without counting a read). */
  statusOf(change: StoredChange, reads = this.#reads.get(change) ?? 0): 'pending' | 'done' {
    if (change.id === '0') return 'done'; // the zone's creation
    return reads > this.#pendingReads && Date.now() >= change.doneAt ? 'done' : 'pending';
  }

  change(project: string, zoneName: string, id: string): StoredChange {
    const zone = this.zone(project, zoneName);
    const change = this.#changes.get(zoneKey(project, zone.name))?.find((candidate) => candidate.id === id);
    if (!change)
      throw new LocalGoogleError(404, 'notFound', `The 'parameters.changeId' resource named '${id}' does not exist.`);
    return change;
  }

  changes(project: string, zoneName: string): StoredChange[] {
    const zone = this.zone(project, zoneName);
    return [...(this.#changes.get(zoneKey(project, zone.name)) ?? [])];
  }
}

function zoneKey(project: string, name: string): string {
  return `${project}/${name}`;
}

function absolute(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

function recordKey(record: Pick<StoredRecordSet, 'name' | 'type'>): string {
  return `${record.name} ${record.type}`;
}

function rrset(
  name: string,
  type: string,
  ttl: number,
  rrdatas: readonly string[],
  routingPolicy?: unknown,
): StoredRecordSet {
  return {
    kind: 'dns#resourceRecordSet',
    name: absolute(name),
    type: type.toUpperCase(),
    ttl,
    rrdatas: [...rrdatas],
    ...(routingPolicy === undefined ? {} : { routingPolicy }),
  };
}

/** "Must match existing data exactly": TTL, the rrdatas (as a set: Cloud DNS returns them in its own order) and routing. */
function sameData(a: StoredRecordSet, b: StoredRecordSet): boolean {
  const sorted = (values: readonly string[]) => [...values].sort().join('\n');
  return (
    a.ttl === b.ttl &&
    sorted(a.rrdatas) === sorted(b.rrdatas) &&
    JSON.stringify(a.routingPolicy ?? null) === JSON.stringify(b.routingPolicy ?? null)
  );
}

function recordSetList(value: unknown, field: string): Record<string, unknown>[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalid(`Invalid value for 'entity.change.${field}': not a list`);
  return value as Record<string, unknown>[];
}

function validRecordSet(input: Record<string, unknown>, where: string, zone: StoredZone): StoredRecordSet {
  if (typeof input.name !== 'string' || input.name === '') {
    throw new LocalGoogleError(400, 'required', `The '${where}.name' parameter is required but was missing.`);
  }
  if (typeof input.type !== 'string' || !TYPES.has(input.type.toUpperCase())) {
    throw invalid(`Invalid value for '${where}.type': '${String(input.type)}'`);
  }
  const name = absolute(input.name);
  if (name !== zone.dnsName && !name.endsWith(`.${zone.dnsName}`)) {
    throw invalid(`The resource '${where}' named '${name} (${input.type})' is not within the zone '${zone.dnsName}'`);
  }
  const ttl = input.ttl === undefined ? 0 : input.ttl;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 0)
    throw invalid(`Invalid value for '${where}.ttl': '${String(ttl)}'`);
  const rrdatas = input.rrdatas ?? [];
  if (!Array.isArray(rrdatas) || rrdatas.some((data) => typeof data !== 'string')) {
    throw invalid(`Invalid value for '${where}.rrdatas'`);
  }
  if (rrdatas.length === 0 && input.routingPolicy === undefined) {
    throw new LocalGoogleError(400, 'required', `The '${where}.rrdatas' parameter is required but was missing.`);
  }
  const type = input.type.toUpperCase();
  if (type === 'A') {
    for (const data of rrdatas as string[]) {
      if (!/^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(data)) {
        throw invalid(`Invalid value for '${where}.rrdata': '${data}'`);
      }
    }
  }
  if (type === 'CNAME' && rrdatas.length !== 1) {
    throw new LocalGoogleError(
      400,
      'invalidRecordCount',
      `Invalid record count for '${where}' named '${name} (CNAME)': a CNAME resource record set holds exactly one record`,
    );
  }
  if (type === 'NS' && name.startsWith('*.')) {
    throw new LocalGoogleError(
      400,
      'wildcardNotAllowed',
      `The resource '${where}' named '${name} (NS)' is invalid: NS resource record sets cannot be wildcards`,
    );
  }
  return rrset(name, type, ttl, rrdatas as string[], input.routingPolicy);
}
