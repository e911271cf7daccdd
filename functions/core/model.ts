/**
 * The cloud-neutral values that flow through linkdns: what an endpoint looks like once observed,
 * and what a DNS record set looks like. Adapters translate to and from these; the core sees nothing else.
 */

export type Cloud = 'aws' | 'azure' | 'gcp';

/**
 * Normalised lifecycle of an endpoint. Adapters map the cloud's own states onto these
 * (AWS `pendingAcceptance`, Azure connection `Pending`, …) and keep the original in {@link ObservedEndpoint.rawState}.
 */
export type EndpointState =
  | 'available'
  | 'pending'
  | 'pendingAcceptance'
  | 'rejected'
  | 'failed'
  | 'deleting'
  | 'deleted'
  | 'expired'
  | 'unknown';

/**
 * States whose endpoint contributes records. Pending ones do: their DNS names and IPs already exist and
 * no consumer-side event fires when the provider accepts the connection, so waiting would leave clients
 * without DNS until the next scheduled run. Rejected, failed and vanishing ones do not: their records go.
 */
export const CONTRIBUTING_STATES: ReadonlySet<EndpointState> = new Set(['available', 'pending', 'pendingAcceptance']);

/** How an endpoint is reached: DNS names (AWS → CNAME records) or IP addresses (Azure, GCP → A records). */
export type TargetKind = 'name' | 'ip';

export interface ObservedEndpoint {
  readonly cloud: Cloud;
  /** Provider id: `vpce-…`, an Azure resource id, a GCP forwarding rule self link. */
  readonly id: string;
  readonly state: EndpointState;
  readonly rawState?: string;
  /** Network the endpoint lives in and whose private zone must answer: VPC id, VNet resource id, VPC network. */
  readonly scope: string;
  /** What the endpoint connects to: AWS service name, Azure Private Link service alias, GCP service attachment. */
  readonly service: string;
  readonly targetKind: TargetKind;
  /** Regional DNS name (one) or the endpoint's IPs. */
  readonly regional: readonly string[];
  /** Per-zone DNS names or IPs keyed by zone label as it appears in record names (`use1-az1`, `az2`, `us-central1-a`). */
  readonly zonal: Readonly<Record<string, readonly string[]>>;
  readonly tags: Readonly<Record<string, string>>;
  /**
   * Why the endpoint's names or IPs could not be read: a shape linkdns does not understand. Sources set it only on
   * endpoints the configuration selects (others are never read that deeply); the core then fails that endpoint's
   * (domain, scope) instead of writing records without it, and every other zone goes on.
   */
  readonly unreadable?: string;
}

export type RecordType = 'A' | 'AAAA' | 'CNAME' | 'TXT' | 'MX' | 'SRV' | 'NS' | 'SOA' | 'PTR' | 'CAA';

/** A record set: fully qualified lowercase name without trailing dot, type, TTL, sorted values. */
export interface RecordSet {
  readonly name: string;
  readonly type: RecordType;
  readonly ttl: number;
  readonly values: readonly string[];
}

/** Normalises a DNS name: lowercase, no trailing dot. */
export function canonicalName(name: string): string {
  // Not `.replace(/\.$/, '')`: a regular expression per name was a tenth of reading a 20,000-record zone.
  const lower = name.trim().toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** Builds a record set with canonical name, values sorted and de-duplicated (CNAME targets canonicalised too). */
export function recordSet(name: string, type: RecordType, ttl: number, values: Iterable<string>): RecordSet {
  // Stryker disable next-line ConditionalExpression: equivalent, spreading an array copies it; skipping that is speed
  const listed = Array.isArray(values) ? (values as readonly string[]) : [...values];
  const normalised = type === 'CNAME' ? listed.map(canonicalName) : [...listed];
  return {
    name: canonicalName(name),
    type,
    ttl,
    // Most record sets hold one value (a wildcard CNAME, one IP): nothing to de-duplicate or sort.
    // Stryker disable next-line ConditionalExpression: equivalent, one value sorts and de-duplicates to itself
    values: normalised.length < 2 ? normalised : [...new Set(normalised)].sort(),
  };
}

export type RecordKeyed = Pick<RecordSet, 'name' | 'type'>;

export function recordKey(record: RecordKeyed): string {
  return `${record.name} ${record.type}`;
}

/**
 * Values keyed by record name and type, looked up by type and then by name. Not a `Map` keyed by {@link recordKey}:
 * building and hashing a `name type` string on every look-up was most of the time of planning a 10,000-record zone
 * (`plan_10k_ms` in `npm run bench`), while a name's hash is computed once and kept by the string.
 */
export class RecordKeyMap<V> {
  readonly #byType = new Map<string, Map<string, V>>();

  get(record: RecordKeyed): V | undefined {
    return this.#byType.get(record.type)?.get(record.name);
  }

  has(record: RecordKeyed): boolean {
    return this.#byType.get(record.type)?.has(record.name) ?? false;
  }

  set(record: RecordKeyed, value: V): this {
    const byName = this.#byType.get(record.type);
    if (byName) byName.set(record.name, value);
    else this.#byType.set(record.type, new Map([[record.name, value]]));
    return this;
  }

  /** Every value, grouped by type in the order the types were first set. */
  values(): V[] {
    return [...this.#byType.values()].flatMap((byName) => [...byName.values()]);
  }
}

/** The records by name and type; of two records with the same name and type the later one is kept. */
export function indexRecords<R extends RecordKeyed>(records: Iterable<R>): RecordKeyMap<R> {
  const index = new RecordKeyMap<R>();
  for (const record of records) index.set(record, record);
  return index;
}

export function sameRecord(a: RecordSet, b: RecordSet): boolean {
  return (
    a.name === b.name &&
    a.type === b.type &&
    a.ttl === b.ttl &&
    a.values.length === b.values.length &&
    a.values.every((value, index) => value === b.values[index])
  );
}

/**
 * Sort order used everywhere output is printed: by name, then type, in code-unit order. Not `localeCompare`: its first
 * call loads ICU collation data, about 50 ms of every CLI start (`npm run bench:cli`), and DNS names need no locale.
 */
export function compareRecords(a: Pick<RecordSet, 'name' | 'type'>, b: Pick<RecordSet, 'name' | 'type'>): number {
  return a.name === b.name ? compareCodeUnits(a.type, b.type) : compareCodeUnits(a.name, b.name);
}

/** `<` on strings: UTF-16 code-unit order, the same on every machine and locale. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True when `name` is `domain` or a name below it (label boundary, not string suffix). */
export function isWithinDomain(name: string, domain: string): boolean {
  const n = canonicalName(name);
  const d = canonicalName(domain);
  return n === d || n.endsWith(`.${d}`);
}
