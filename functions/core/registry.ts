import { InvalidInputError } from './errors.ts';
import { absoluteName } from './layout.ts';
import { canonicalName, indexRecords, type RecordKeyMap, type RecordSet, type RecordType, recordSet } from './model.ts';

/**
 * The ownership registry: one TXT record set per zone, `_linkdns.<zone>`, listing the owner, the network scope,
 * the endpoints that contributed and the records linkdns wrote.
 *
 * Why one record per zone and not one TXT per record as external-dns does: a CNAME cannot share its name with any
 * other record (RFC 1034 §3.6.2), so no TXT can sit at `*.<zone>` beside the wildcard CNAME, and a prefixed TXT per
 * record doubles the writes. The registry changes in the same batch as the records it lists, so on Route 53 the
 * pair is atomic and the registry doubles as the compare-and-swap token for the whole zone.
 *
 * Each value is one logical TXT value; adapters split values longer than 255 octets into several character-strings
 * (RFC 1035 §3.3.14), which Route 53 and Azure join back on read. Azure resource ids make long values.
 * ```
 * heritage=linkdns,owner=<owner>,scope=<scope>
 * endpoint=<endpoint id>
 * record=<TYPE>:<relative name>
 * ```
 */
export interface Registry {
  readonly owner: string;
  readonly scope: string;
  readonly endpoints: readonly string[];
  readonly records: readonly { readonly name: string; readonly type: RecordType }[];
}

export const REGISTRY_LABEL = '_linkdns';
const HERITAGE = 'heritage=linkdns';
/** Generous for Azure resource ids (up to ~300 characters), small enough to keep the registry far below TXT limits. */
const MAX_REGISTRY_VALUE = 1_000;

export function registryName(domain: string): string {
  return `${REGISTRY_LABEL}.${canonicalName(domain)}`;
}

export function isRegistryRecord(record: RecordSet, domain: string): boolean {
  return record.type === 'TXT' && record.name === registryName(domain);
}

/** Reads the registry from the zone's records; `undefined` when the zone has none. */
export function readRegistry(records: readonly RecordSet[], domain: string): Registry | undefined {
  const record = records.find((candidate) => isRegistryRecord(candidate, domain));
  return record ? parseRegistry(record, domain) : undefined;
}

export function parseRegistry(record: RecordSet, domain: string): Registry | undefined {
  const header = record.values.find((value) => value.startsWith(`${HERITAGE},`));
  if (!header) return undefined;
  const fields = new Map(
    header.split(',').map((pair) => {
      const at = pair.indexOf('=');
      return [pair.slice(0, at), pair.slice(at + 1)] as const;
    }),
  );
  const endpoints: string[] = [];
  const owned: { name: string; type: RecordType }[] = [];
  for (const value of record.values) {
    if (value.startsWith('endpoint=')) endpoints.push(value.slice('endpoint='.length));
    if (value.startsWith('record=')) {
      const body = value.slice('record='.length);
      const colon = body.indexOf(':');
      owned.push({
        type: body.slice(0, colon) as RecordType,
        name: canonicalName(absoluteName(body.slice(colon + 1), domain)),
      });
    }
  }
  return { owner: fields.get('owner') ?? '', scope: fields.get('scope') ?? '', endpoints, records: owned };
}

/** Serialises a registry as the TXT record set to write; empty registries serialise to `undefined`. */
export function registryRecord(registry: Registry, domain: string, ttl: number): RecordSet | undefined {
  if (registry.records.length === 0) return undefined;
  const zone = canonicalName(domain);
  const values = [
    `${HERITAGE},owner=${registry.owner},scope=${registry.scope}`,
    ...registry.endpoints.map((id) => `endpoint=${id}`),
    ...registry.records.map((record) => `record=${record.type}:${relativeName(record.name, zone)}`),
  ];
  const tooLong = values.find((value) => value.length > MAX_REGISTRY_VALUE);
  if (tooLong) {
    throw new InvalidInputError(
      `Registry entry longer than ${MAX_REGISTRY_VALUE} characters: ${tooLong.slice(0, 80)}…`,
    );
  }
  return recordSet(registryName(zone), 'TXT', ttl, values);
}

/**
 * The registry listing everything either version lists: what is written while a change that takes more than one
 * request is half applied, so every record linkdns wrote stays listed as its own until the last request narrows it.
 * Owner and scope are the new version's. `undefined` when either is not a linkdns registry.
 */
export function registryUnion(before: RecordSet, after: RecordSet, domain: string): RecordSet | undefined {
  const old = parseRegistry(before, domain);
  const next = parseRegistry(after, domain);
  if (!old || !next) return undefined;
  return registryRecord(
    {
      owner: next.owner,
      scope: next.scope,
      endpoints: [...new Set([...old.endpoints, ...next.endpoints])],
      // registryRecord sorts the values it writes: the order of the records does not matter.
      records: indexRecords([...old.records, ...next.records]).values(),
    },
    domain,
    after.ttl,
  );
}

export function ownsRecord(
  registry: Registry | undefined,
  owner: string,
  record: Pick<RecordSet, 'name' | 'type'>,
): boolean {
  if (!registry || registry.owner !== owner) return false;
  return ownedKeys(registry).has(record);
}

/**
 * The registry's record keys as a set, built once per registry object: the planner and the adapters ask about every
 * record of a zone, and a scan of the registry per record made a 10,000-record zone quadratic (33 s to plan).
 * Registries are immutable values, so the index can never go stale.
 */
const ownedKeysByRegistry = new WeakMap<Registry, RecordKeyMap<unknown>>();

function ownedKeys(registry: Registry): RecordKeyMap<unknown> {
  let keys = ownedKeysByRegistry.get(registry);
  // Stryker disable next-line ConditionalExpression: equivalent, a cache: building the keys again gives the same set
  if (!keys) {
    keys = indexRecords(registry.records);
    // Stryker disable next-line all: equivalent, not caching only costs time
    ownedKeysByRegistry.set(registry, keys);
  }
  return keys;
}

function relativeName(name: string, zone: string): string {
  return name === zone ? '@' : name.slice(0, -(zone.length + 1));
}
