import { isIPv4, isIPv6 } from 'node:net';
import { InvalidInputError } from '../core/errors.ts';
import { DEFAULT_TTL } from '../core/layout.ts';
import { canonicalName, compareCodeUnits, isWithinDomain, type RecordSet } from '../core/model.ts';
import { quoteTxtStrings } from '../txt-strings.ts';

export interface ZoneFileOptions {
  /** The `$TTL` default. Every record line carries its own TTL anyway. @default 60 */
  readonly defaultTtl?: number;
  /** Serial of a synthesised SOA. The function is pure, so no date-based default. @default 1 */
  readonly serial?: number;
  /** Name server written when the records hold no NS at the apex. @default `ns.<domain>` (a placeholder) */
  readonly nameserver?: string;
  /**
   * When the synthesised name server lies inside the zone, also write its A record with this address.
   * BIND refuses to load a zone whose in-zone NS has no address; pass e.g. `127.0.0.1` to load the file as-is.
   * @default none: no address record is written
   */
  readonly nameserverAddress?: string;
}

/** What {@link formatZoneFile} had to invent because the records did not hold it. */
export interface ZoneFile {
  readonly text: string;
  /** `SOA`, `NS`, `A`/`AAAA` (the name server's address): records the file holds that were synthesised. */
  readonly synthesised: readonly string[];
}

/**
 * Renders record sets as a BIND master zone file (RFC 1035 §5) for `domain`.
 *
 * - `$ORIGIN <domain>.` and `$TTL`, then the SOA and NS at the apex (`@`), then every other record in DNS canonical
 *   order (RFC 4034 §6.1: by labels from the right, so `*` sorts before `*.use2-az1`).
 * - Owner names are relative to the origin; `*` stays a literal wildcard label.
 * - Names in record data (CNAME, NS, PTR, MX, SRV and SOA targets) are written fully qualified with a trailing dot,
 *   so the origin is never appended to them by mistake.
 * - TXT values are quoted with `"` and `\` escaped and non-printable octets as `\DDD`; values over 255 octets
 *   become several character-strings in one record (how SPF/DKIM keys are stored).
 * - When the records hold no SOA or NS at the apex (as `linkdns records` output never does), a placeholder is
 *   synthesised: `ns.<domain>.` and `hostmaster.<domain>.`. Replace them before serving the zone to clients.
 *
 * @throws {InvalidInputError} a record outside the domain, a CNAME beside other data or with several targets,
 *   an A/AAAA value that is not an address.
 *
 * @example
 * formatZoneFile('p8xo76.centralus.azure.confluent.cloud', records, { nameserverAddress: '127.0.0.1' }).text
 * // $ORIGIN p8xo76.centralus.azure.confluent.cloud.
 * // $TTL 60
 * // @      60  IN  SOA  ns.p8xo76.centralus.azure.confluent.cloud. hostmaster.p8xo76… 1 3600 600 604800 60
 * // …
 * // *.az1  60  IN  A    10.20.1.4
 */
export function formatZoneFile(domain: string, records: readonly RecordSet[], options: ZoneFileOptions = {}): ZoneFile {
  const origin = canonicalName(domain);
  const defaultTtl = options.defaultTtl ?? DEFAULT_TTL;
  const outside = records.filter((record) => !isWithinDomain(record.name, origin));
  if (outside.length > 0) {
    throw new InvalidInputError(
      `Records outside ${origin} cannot be written to its zone file: ${outside.map((record) => record.name).join(', ')}`,
    );
  }

  const apex = (type: string) => records.find((record) => record.name === origin && record.type === type);
  const synthesised: string[] = [];
  const nameserver = canonicalName(options.nameserver ?? `ns.${origin}`);
  const ns = apex('NS') ?? synthesise('NS', { name: origin, type: 'NS', ttl: defaultTtl, values: [nameserver] });
  const soa =
    apex('SOA') ??
    synthesise('SOA', {
      name: origin,
      type: 'SOA',
      ttl: defaultTtl,
      // MNAME RNAME SERIAL REFRESH RETRY EXPIRE MINIMUM (the negative-caching TTL, RFC 2308).
      values: [
        `${ns.values[0] ?? nameserver} hostmaster.${origin} ${options.serial ?? 1} 3600 600 604800 ${defaultTtl}`,
      ],
    });
  const glue =
    !apex('NS') && options.nameserverAddress && isWithinDomain(nameserver, origin)
      ? synthesise(isIPv6(options.nameserverAddress) ? 'AAAA' : 'A', {
          name: nameserver,
          type: isIPv6(options.nameserverAddress) ? 'AAAA' : 'A',
          ttl: defaultTtl,
          values: [options.nameserverAddress],
        })
      : undefined;

  const rest = records.filter((record) => record !== soa && record !== ns).sort(compareCanonically);
  const all = [soa, ns, ...(glue ? [glue] : []), ...rest];
  assertZoneIsLoadable(all);

  const lines = all.flatMap((record) =>
    record.values.map((value) => ({
      owner: relativeOwner(record.name, origin),
      ttl: String(record.ttl),
      type: record.type,
      data: recordData(record, value),
    })),
  );
  const ownerWidth = Math.max(...lines.map((line) => line.owner.length));
  const ttlWidth = Math.max(...lines.map((line) => line.ttl.length));
  const typeWidth = Math.max(...lines.map((line) => line.type.length));
  const header = [`; Zone ${origin}, written by linkdns export.`];
  if (synthesised.includes('NS')) {
    header.push(`; SOA/NS synthesised: ${nameserver}. is a placeholder name server; replace it before serving.`);
  }
  const body = lines.map(
    (line) =>
      `${line.owner.padEnd(ownerWidth)}  ${line.ttl.padStart(ttlWidth)}  IN  ${line.type.padEnd(typeWidth)}  ${line.data}`,
  );
  const text = `${[...header, `$ORIGIN ${origin}.`, `$TTL ${defaultTtl}`, ...body].join('\n')}\n`;
  return { text, synthesised };

  function synthesise(label: string, record: RecordSet): RecordSet {
    synthesised.push(label);
    return record;
  }
}

/** RFC 4034 §6.1 canonical order of record sets: by name ({@link compareNamesCanonically}), then type. */
export function compareCanonically(a: Pick<RecordSet, 'name' | 'type'>, b: Pick<RecordSet, 'name' | 'type'>): number {
  return compareNamesCanonically(a.name, b.name) || compareCodeUnits(a.type, b.type);
}

/** Compares names label by label from the right, octet-wise; a parent sorts before its children. */
export function compareNamesCanonically(a: string, b: string): number {
  const left = a.split('.').reverse();
  const right = b.split('.').reverse();
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const l = left[index] ?? '';
    const r = right[index] ?? '';
    if (l !== r) return Buffer.compare(Buffer.from(l), Buffer.from(r));
  }
  return left.length - right.length;
}

/** Quotes one TXT value as one or more character-strings of at most 255 octets each. */
export function quoteTxt(value: string): string {
  return quoteTxtStrings(value, 10);
}

/** A name as master-file text: labels kept as they are when they only hold `[a-z0-9_*-]`, other octets as `\DDD`. */
function escapeName(name: string): string {
  return name
    .split('.')
    .map((label) => [...Buffer.from(label, 'utf8')].map(escapeNameOctet).join(''))
    .join('.');
}

function escapeNameOctet(octet: number): string {
  const char = String.fromCharCode(octet);
  return /[A-Za-z0-9_*-]/.test(char) ? char : decimalEscape(octet);
}

function decimalEscape(octet: number): string {
  return `\\${String(octet).padStart(3, '0')}`;
}

function relativeOwner(name: string, origin: string): string {
  return name === origin ? '@' : escapeName(name.slice(0, -(origin.length + 1)));
}

/** A fully qualified name with its trailing dot, so the origin is not appended. */
function absolute(name: string): string {
  const canonical = canonicalName(name);
  return canonical === '' ? '.' : `${escapeName(canonical)}.`;
}

function recordData(record: RecordSet, value: string): string {
  const fields = value.trim().split(/\s+/);
  const withAbsolute = (positions: readonly number[]) =>
    fields.map((field, index) => (positions.includes(index) ? absolute(field) : field)).join(' ');
  switch (record.type) {
    case 'TXT':
      return quoteTxt(value);
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return absolute(value);
    case 'MX':
      return withAbsolute([1]);
    case 'SRV':
      return withAbsolute([3]);
    case 'SOA':
      return withAbsolute([0, 1]);
    default:
      return value;
  }
}

/** The mistakes BIND would refuse the zone for, reported by name rather than by a failed `named` start. */
function assertZoneIsLoadable(records: readonly RecordSet[]): void {
  const problems: string[] = [];
  const typesByName = new Map<string, string[]>();
  for (const record of records) typesByName.set(record.name, [...(typesByName.get(record.name) ?? []), record.type]);
  for (const record of records) {
    if (record.values.length === 0) problems.push(`${record.name} ${record.type} has no values`);
    if (record.type === 'CNAME' && record.values.length > 1) {
      problems.push(`${record.name} CNAME has ${record.values.length} targets; a CNAME holds one`);
    }
    // RFC 1034 §3.6.2: a CNAME owner holds no other data, so resolvers can follow it blindly.
    const others = (typesByName.get(record.name) ?? []).filter((type) => type !== 'CNAME');
    if (record.type === 'CNAME' && others.length > 0) {
      problems.push(`${record.name} has a CNAME beside other data (${others.join(', ')})`);
    }
    const isAddress = record.type === 'A' ? isIPv4 : record.type === 'AAAA' ? isIPv6 : undefined;
    const bad = isAddress ? record.values.filter((value) => !isAddress(value)) : [];
    if (bad.length > 0) problems.push(`${record.name} ${record.type} holds non-addresses: ${bad.join(', ')}`);
  }
  if (problems.length > 0) {
    throw new InvalidInputError(`Cannot write a loadable zone file:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}
