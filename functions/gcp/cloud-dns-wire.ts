import { InvalidInputError } from '../core/errors.ts';
import {
  canonicalName,
  compareRecords,
  RecordKeyMap,
  type RecordSet,
  type RecordType,
  recordSet,
  sameRecord,
} from '../core/model.ts';
import type { Changes } from '../core/plan.ts';
import { isOnePlainQuotedString, quoteTxtStrings } from '../txt-strings.ts';

/**
 * Cloud DNS's JSON wire format ↔ the core's record sets, and change bodies. Pure: no I/O.
 *
 * Reading: names come back fully qualified with a trailing dot and `*` as a literal label (no `\052` escape as on
 * Route 53); TXT data comes back in zone-file presentation form, quoted and split into character-strings of at most
 * 255 octets; CNAME, NS and PTR targets carry a trailing dot. The core wants `*.example.com`, the plain TXT text and
 * targets without the dot. Record sets with a `routingPolicy` (geo, weighted round robin, failover) have no place in
 * the core's model: they are read as placeholders whose values start with `clouddns:`, so the planner sees a foreign
 * record at that name and reports a conflict, and the adapter refuses to change them.
 *
 * Writing: one `changes.create` body holds every change of a plan. Cloud DNS applies a change atomically and
 * requires each deletion to "match existing data exactly" (https://cloud.google.com/dns/docs/reference/rest/v1/changes),
 * else it answers 412 `conditionNotMet`; an addition of an existing name and type is 409 `alreadyExists`
 * (https://cloud.google.com/dns/docs/error-messages). So an update is the deletion of the exact record set read plus
 * the addition of the new one, and the whole change is a compare-and-swap. Deletions are sent as the raw record set
 * that was read whenever it is still the record planned against, so no re-encoding can make them differ.
 *
 * @see https://cloud.google.com/dns/docs/reference/rest/v1/resourceRecordSets
 */

/** A ResourceRecordSet as `rrsets.list` returns it and `changes.create` accepts it. */
export interface CloudDnsRecordSet {
  readonly kind?: string;
  /** Fully qualified, with a trailing dot: `*.6ky22p.us-central1.gcp.confluent.cloud.` */
  readonly name: string;
  readonly type: string;
  readonly ttl?: number;
  readonly rrdatas?: readonly string[];
  readonly signatureRrdatas?: readonly string[];
  /** Geo, weighted round robin or failover routing: linkdns never writes these. */
  readonly routingPolicy?: unknown;
}

/** The body of `changes.create`: applied atomically, deletions before additions. */
export interface CloudDnsChange {
  readonly kind: 'dns#change';
  readonly additions: CloudDnsRecordSet[];
  readonly deletions: CloudDnsRecordSet[];
}

const CLOUD_DNS_ONLY_PREFIX = 'clouddns:';
/** Longest character-string in TXT data (RFC 1035 §3.3). */
/** Types whose data is one domain name: canonical in the core, with a trailing dot on the wire. */
const NAME_TYPES: ReadonlySet<string> = new Set(['CNAME', 'NS', 'PTR']);
const TEXT_TYPES: ReadonlySet<string> = new Set(['TXT', 'SPF']);

/** `*.Example.com` → `*.example.com.` (Cloud DNS names are absolute; `*` stays literal). */
export function toCloudDnsName(name: string): string {
  return `${canonicalName(name)}.`;
}

/**
 * TXT text as Cloud DNS presentation data: quoted, `"` and `\` escaped, octets outside printable ASCII as `\DDD`
 * (decimal, RFC 1035 §5.1), and split into character-strings of at most 255 octets (`"…255…" "…rest…"`).
 */
export function encodeTxtData(text: string): string {
  return quoteTxtStrings(text, 10);
}

const PLAIN_QUOTED_STRINGS = /^[ \t]*"[^"]*"(?:[ \t]*"[^"]*")*[ \t]*$/;

/**
 * The text of TXT presentation data: its character-strings unescaped and joined. Unquoted words (the console accepts
 * them) are taken as they are; several are joined without the blanks between them, as quoted strings are.
 */
export function decodeTxtData(data: string): string {
  if (isOnePlainQuotedString(data)) return data.slice(1, -1);
  // Plain quoted strings (no escapes), the usual case: join their contents without walking octet by octet.
  if (!data.includes('\\') && PLAIN_QUOTED_STRINGS.test(data)) return data.replace(/^[ \t]*"|"[ \t]*"|"[ \t]*$/g, '');
  const bytes: number[] = [];
  const push = (text: string) => bytes.push(...Buffer.from(text, 'utf8'));
  let index = 0;
  while (index < data.length) {
    const char = data[index] as string;
    if (char === ' ' || char === '\t') {
      index += 1;
      continue;
    }
    const quoted = char === '"';
    if (quoted) index += 1;
    while (index < data.length) {
      const current = data[index] as string;
      if (quoted ? current === '"' : current === ' ' || current === '\t') break;
      if (current === '\\' && /^\d{3}$/.test(data.slice(index + 1, index + 4))) {
        bytes.push(Number.parseInt(data.slice(index + 1, index + 4), 10));
        index += 4;
      } else if (current === '\\' && index + 1 < data.length) {
        push(data[index + 1] as string);
        index += 2;
      } else {
        push(current);
        index += 1;
      }
    }
    if (quoted) index += 1;
  }
  return Buffer.from(bytes).toString('utf8');
}

/** True for the placeholders that stand for routing-policy record sets, which linkdns never changes. */
export function isCloudDnsOnlyRecord(record: RecordSet): boolean {
  return record.values.some((value) => value.startsWith(CLOUD_DNS_ONLY_PREFIX));
}

/**
 * A record set as listed → the core's record set. Types outside the core's list (DS, HTTPS, SVCB, …) still flow
 * through, so the planner sees them as foreign records.
 *
 * @throws InvalidInputError when `name` or `type` is missing
 */
export function fromCloudDnsRecordSet(rrset: CloudDnsRecordSet): RecordSet {
  if (!rrset.name || !rrset.type) throw new InvalidInputError('Cloud DNS returned a record set without name or type');
  const type = rrset.type.toUpperCase() as RecordType;
  if (rrset.routingPolicy !== undefined) {
    return recordSet(rrset.name, type, rrset.ttl ?? 0, [`${CLOUD_DNS_ONLY_PREFIX}routing-policy`]);
  }
  return recordSet(
    rrset.name,
    type,
    rrset.ttl ?? 0,
    (rrset.rrdatas ?? []).map((data) => decodeData(type, data)),
  );
}

function decodeData(type: string, data: string): string {
  if (TEXT_TYPES.has(type)) return decodeTxtData(data);
  if (NAME_TYPES.has(type)) return canonicalName(data);
  return data;
}

/**
 * The core's record set → the record set to send.
 *
 * @throws InvalidInputError for a routing-policy placeholder
 */
export function toCloudDnsRecordSet(record: RecordSet): CloudDnsRecordSet {
  if (isCloudDnsOnlyRecord(record)) {
    throw new InvalidInputError(`${record.name} ${record.type} is a routing-policy record set: not writable`);
  }
  return {
    kind: 'dns#resourceRecordSet',
    name: toCloudDnsName(record.name),
    type: record.type,
    ttl: record.ttl,
    rrdatas: record.values.map((value) => encodeData(record.type, value)),
  };
}

function encodeData(type: string, value: string): string {
  if (TEXT_TYPES.has(type)) return encodeTxtData(value);
  if (NAME_TYPES.has(type)) return toCloudDnsName(value);
  return value;
}

/** A zone's record sets as listed: the core's view, and the raw sets by record key for exact deletions. */
export interface ReadRecordSets {
  readonly records: RecordSet[];
  readonly raw: RecordKeyMap<CloudDnsRecordSet>;
}

/** Turns the listed record sets of a zone into the core's record sets (Cloud DNS holds one set per name and type). */
export function readRecordSets(rrsets: readonly CloudDnsRecordSet[]): ReadRecordSets {
  const raw = new RecordKeyMap<CloudDnsRecordSet>();
  const records: RecordSet[] = [];
  for (const rrset of rrsets) {
    const record = fromCloudDnsRecordSet(rrset);
    raw.set(record, rrset);
    records.push(record);
  }
  return { records: records.sort(compareRecords), raw };
}

/**
 * The single `changes.create` body for a plan: deletions are `delete` and every update's `old`, additions are
 * `create` and every update's `new`. A deletion is sent as the raw record set in `current` when that still decodes to
 * the record planned against, so it matches what Cloud DNS holds byte for byte.
 */
export function changeBody(
  changes: Changes,
  current: Pick<RecordKeyMap<CloudDnsRecordSet>, 'get'> = new RecordKeyMap(),
): CloudDnsChange {
  const deleted = [...changes.delete, ...changes.update.map((change) => change.old)].sort(compareRecords);
  const added = [...changes.create, ...changes.update.map((change) => change.new)].sort(compareRecords);
  return {
    kind: 'dns#change',
    deletions: deleted.map((record) => {
      const raw = current.get(record);
      return raw && sameRecord(fromCloudDnsRecordSet(raw), record) ? raw : toCloudDnsRecordSet(record);
    }),
    additions: added.map(toCloudDnsRecordSet),
  };
}
