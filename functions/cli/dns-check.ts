import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { InvalidInputError } from '../core/errors.ts';
import { canonicalName, isWithinDomain, type RecordSet } from '../core/model.ts';
import { compareNamesCanonically } from './zone-file.ts';

/** The record types `verify` resolves; the others (TXT registry, SOA, NS) are not what clients look up. */
export type CheckedType = 'A' | 'AAAA' | 'CNAME';
const CHECKED_TYPES: ReadonlySet<string> = new Set<CheckedType>(['A', 'AAAA', 'CNAME']);

/** Label of a bootstrap-like sample name (Confluent: `lkc-<id>.<dns_domain>`). */
export const BOOTSTRAP_SAMPLE_LABEL = 'lkc-abc12';
/** Label of a broker-like sample name (Confluent: `lkc-<id>-<n>.<az>.<dns_domain>`). */
export const BROKER_SAMPLE_LABEL = 'lkc-abc12-00aa';

/** Longest CNAME chain followed; real chains here are one hop, a loop must still end. */
const MAX_CNAME_HOPS = 8;

/** One name to resolve, and what the records say it must resolve to. */
export interface NameExpectation {
  readonly name: string;
  readonly type: CheckedType;
  /** Owner of the record that answers `name` under RFC 4592 (`*.use2-az1.<zone>`), from the expected records. */
  readonly record: string;
  readonly expected: readonly string[];
}

export interface NameCheck extends NameExpectation {
  /** Addresses for A/AAAA; for CNAME the chain followed from `name` (or addresses, see `matchedBy`). */
  readonly got: readonly string[];
  readonly ok: boolean;
  /** Why nothing usable came back: `NXDOMAIN`, `NODATA`, `REFUSED`, `SERVFAIL`, `timeout`, … */
  readonly error?: string;
  /**
   * How a CNAME expectation was met: `cname` — the CNAME chain from the name reaches the expected target;
   * `addresses` — the resolver returned no CNAME for the name (it flattens chains) and the name's IPv4 addresses
   * equal the expected target's.
   */
  readonly matchedBy?: 'cname' | 'addresses';
}

/** The slice of node:dns `Resolver` that checks use, so a check can run against any server. */
export type DnsQueries = Pick<Resolver, 'resolveCname' | 'resolve4' | 'resolve6' | 'cancel' | 'getServers'>;

export interface ResolverOptions {
  /** `IP`, `IP:port` or `[IPv6]:port`; the system resolver (resolv.conf) when absent. */
  readonly server?: string;
  /** Per-try timeout in milliseconds (c-ares doubles it on each retry). @default 1000 */
  readonly timeoutMs?: number;
  /** Tries per server. @default 2 */
  readonly tries?: number;
}

/** A node:dns resolver with its own server and timeouts (it never touches the process-wide default). */
export function createResolver(options: ResolverOptions = {}): Resolver {
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 1000, tries: options.tries ?? 2 });
  if (options.server) resolver.setServers([resolverAddress(options.server)]);
  return resolver;
}

/** Validates `IP`, `IPv4:port`, `[IPv6]:port` or a bare IPv6 address and returns it in node:dns server form. */
export function resolverAddress(text: string): string {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const ipv4WithPort = /^([^:]+):(\d+)$/.exec(text);
  const [host, port] = bracketed
    ? [bracketed[1] ?? '', bracketed[2]]
    : ipv4WithPort
      ? [ipv4WithPort[1] ?? '', ipv4WithPort[2]]
      : [text, undefined];
  const version = isIP(host);
  const portNumber = port === undefined ? 53 : Number(port);
  if (version === 0 || !Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65_535) {
    throw new InvalidInputError(`resolver must be IP, IP:port or [IPv6]:port, not "${text}"`);
  }
  return version === 6 ? `[${host}]:${portNumber}` : `${host}:${portNumber}`;
}

/**
 * Broker-like names to resolve for every wildcard: `lkc-abc12-00aa.<parent>` under each wildcard `*.<parent>`,
 * plus a bootstrap-like `lkc-abc12.<parent>` under the topmost ones (`*.<zone>`). With zonal records this yields
 * `lkc-abc12.<zone>`, `lkc-abc12-00aa.<zone>` and `lkc-abc12-00aa.use2-az1.<zone>`, … — the names clients look up.
 */
export function sampleNames(records: readonly RecordSet[]): string[] {
  const parents = [
    ...new Set(
      records
        .filter((record) => CHECKED_TYPES.has(record.type) && record.name.startsWith('*.'))
        .map((record) => record.name.slice(2)),
    ),
  ];
  const topmost = (parent: string) => !parents.some((other) => other !== parent && isWithinDomain(parent, other));
  return parents
    .sort(compareNamesCanonically)
    .flatMap((parent) => [
      ...(topmost(parent) ? [`${BOOTSTRAP_SAMPLE_LABEL}.${parent}`] : []),
      `${BROKER_SAMPLE_LABEL}.${parent}`,
    ]);
}

/**
 * The record sets that answer a query for `name` in a zone holding `records`, by RFC 4592: an existing name answers
 * for itself (an empty non-terminal with no data); otherwise the wildcard child of the closest encloser answers,
 * if there is one. So `*.<zone>` answers `lkc-x.<zone>` and `b1.use1-az9.<zone>`, but not `b1.use1-az1.<zone>`
 * once `*.use1-az1.<zone>` makes `use1-az1.<zone>` exist.
 */
export function answeringRecords(name: string, records: readonly RecordSet[]): RecordSet[] {
  const query = canonicalName(name);
  const owners = new Set(records.map((record) => record.name));
  const exists = (node: string) =>
    node !== '' && (owners.has(node) || [...owners].some((owner) => owner.endsWith(`.${node}`)));
  if (owners.has(query)) return records.filter((record) => record.name === query);
  if (exists(query)) return [];
  let encloser = parentName(query);
  while (encloser !== '' && !exists(encloser)) encloser = parentName(encloser);
  if (encloser === '') return [];
  return records.filter((record) => record.name === `*.${encloser}`);
}

/**
 * What each name must resolve to, from the records that answer it.
 * @throws {InvalidInputError} when no A, AAAA or CNAME record answers a name.
 */
export function expectationsFor(names: readonly string[], records: readonly RecordSet[]): NameExpectation[] {
  return names.flatMap((name) => {
    const answering = answeringRecords(name, records).filter((record) => CHECKED_TYPES.has(record.type));
    if (answering.length === 0) {
      throw new InvalidInputError(`${canonicalName(name)}: no A, AAAA or CNAME record in the records answers it`);
    }
    return answering.map((record) => ({
      name: canonicalName(name),
      type: record.type as CheckedType,
      record: record.name,
      expected: record.values,
    }));
  });
}

/**
 * Resolves every expectation through `resolver`, concurrently.
 * Aborting `signal` cancels the outstanding queries and rejects with the signal's reason.
 */
export async function checkNames(
  expectations: readonly NameExpectation[],
  resolver: DnsQueries,
  signal?: AbortSignal,
): Promise<NameCheck[]> {
  signal?.throwIfAborted();
  const cancel = () => resolver.cancel();
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    const checks = await Promise.all(expectations.map((expectation) => checkName(expectation, resolver)));
    signal?.throwIfAborted();
    return checks;
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
}

async function checkName(expectation: NameExpectation, resolver: DnsQueries): Promise<NameCheck> {
  if (expectation.type === 'CNAME') return checkCname(expectation, resolver);
  const query = expectation.type === 'A' ? resolver.resolve4(expectation.name) : resolver.resolve6(expectation.name);
  try {
    const got = normaliseAddresses(await query);
    return { ...expectation, got, ok: sameSet(got, normaliseAddresses(expectation.expected)) };
  } catch (error) {
    return { ...expectation, got: [], ok: false, error: describeDnsError(error) };
  }
}

/**
 * Follows the CNAME chain hop by hop (type CNAME queries: resolvers return the CNAME itself, not what it points at)
 * and accepts it when it reaches the expected target. A resolver that answers a CNAME query with no data for a
 * name we expect to be a CNAME may be flattening chains; then the name's addresses must equal the target's.
 */
async function checkCname(expectation: NameExpectation, resolver: DnsQueries): Promise<NameCheck> {
  const expected = expectation.expected[0] ?? '';
  const chain: string[] = [];
  let firstError: unknown;
  for (let current = expectation.name; chain.length < MAX_CNAME_HOPS && current !== expected; ) {
    try {
      const [target] = await resolver.resolveCname(current);
      if (target === undefined) break;
      current = canonicalName(target);
      chain.push(current);
    } catch (error) {
      if (chain.length === 0) firstError = error;
      break;
    }
  }
  if (chain.includes(expected)) return { ...expectation, got: chain, ok: true, matchedBy: 'cname' };
  if (chain.length > 0) return { ...expectation, got: chain, ok: false };
  if (errorCode(firstError) !== 'ENODATA') {
    return { ...expectation, got: [], ok: false, error: describeDnsError(firstError) };
  }
  try {
    const [got, want] = await Promise.all([resolver.resolve4(expectation.name), resolver.resolve4(expected)]);
    const addresses = normaliseAddresses(got);
    const ok = addresses.length > 0 && sameSet(addresses, normaliseAddresses(want));
    return { ...expectation, got: addresses, ok, matchedBy: 'addresses', ...(ok ? {} : { error: 'no CNAME' }) };
  } catch (error) {
    return { ...expectation, got: [], ok: false, error: `no CNAME; addresses: ${describeDnsError(error)}` };
  }
}

/** node:dns error codes in the words `dig` uses. */
export function describeDnsError(error: unknown): string {
  const code = errorCode(error);
  const words: Record<string, string> = {
    ENOTFOUND: 'NXDOMAIN',
    ENODATA: 'NODATA',
    EREFUSED: 'REFUSED',
    ESERVFAIL: 'SERVFAIL',
    ENOTIMP: 'NOTIMP',
    EFORMERR: 'FORMERR',
    ETIMEOUT: 'timeout',
    ECONNREFUSED: 'connection refused',
    ECANCELLED: 'cancelled',
  };
  return (code && words[code]) ?? code ?? (error instanceof Error ? error.message : String(error));
}

function errorCode(error: unknown): string | undefined {
  return (error as { code?: string } | undefined)?.code;
}

function parentName(name: string): string {
  const dot = name.indexOf('.');
  return dot === -1 ? '' : name.slice(dot + 1);
}

/** IPv6 has many spellings of one address; the URL parser writes the canonical one. */
function normaliseAddresses(addresses: readonly string[]): string[] {
  const canonical = addresses.map((address) =>
    isIP(address) === 6 ? new URL(`http://[${address}]`).hostname.slice(1, -1) : address,
  );
  return [...new Set(canonical)].sort();
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
