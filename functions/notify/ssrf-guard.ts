import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { NotificationNetworkError, UnsafeDestinationError } from './errors.ts';

/**
 * The SSRF guard. A webhook URL comes from configuration that more people can edit than the function's code, and the
 * function runs inside a VPC or VNet: without a guard, a URL pointing at `169.254.169.254` (the instance metadata
 * service), a database on `10.0.0.12` or `localhost` turns "send a notification" into "send a request from inside
 * the network". So: https only, and every address the host resolves to must be public unless the host is
 * allowlisted for that destination.
 *
 * DNS rebinding: checking a name and then letting the HTTP client resolve it again would let a hostile DNS server
 * answer "public" to the check and "169.254.169.254" to the connect. The guard therefore returns the address it
 * checked and the transport connects to exactly that address (`http-post.ts` pins it through the socket's `lookup`),
 * while TLS still verifies the certificate against the hostname. Redirects are never followed for the same reason.
 */

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Resolves a hostname to every address it has. Injectable so tests decide what a name resolves to. */
export type HostLookup = (hostname: string, signal?: AbortSignal) => Promise<readonly ResolvedAddress[]>;

/** The system resolver (`getaddrinfo`, honouring /etc/hosts), all addresses, in resolver order. */
export const systemLookup: HostLookup = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

export interface DestinationPolicy {
  readonly allowHttp: boolean;
  /** Hostnames or IP literals that may resolve to non-public addresses (case-insensitive, exact match). */
  readonly allowPrivateHosts: readonly string[];
}

/** A URL that passed the guard, with the address the request must connect to. */
export interface PinnedDestination {
  readonly url: URL;
  /** Hostname without IPv6 brackets, for TLS server name and the Host header. */
  readonly hostname: string;
  readonly address: string;
  readonly family: 4 | 6;
}

const RANGES: readonly (readonly [string, number, 'ipv4' | 'ipv6', string])[] = [
  ['0.0.0.0', 8, 'ipv4', 'unspecified'],
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['169.254.0.0', 16, 'ipv4', 'link-local'],
  ['10.0.0.0', 8, 'ipv4', 'private'],
  ['172.16.0.0', 12, 'ipv4', 'private'],
  ['192.168.0.0', 16, 'ipv4', 'private'],
  ['100.64.0.0', 10, 'ipv4', 'shared address space (CGNAT)'],
  ['192.0.0.0', 24, 'ipv4', 'IETF protocol assignments'],
  ['198.18.0.0', 15, 'ipv4', 'benchmarking'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'reserved'],
  ['::', 128, 'ipv6', 'unspecified'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['fec0::', 10, 'ipv6', 'private (site-local)'],
  ['fc00::', 7, 'ipv6', 'private (unique local)'],
  ['ff00::', 8, 'ipv6', 'multicast'],
];

const BLOCKS = RANGES.map(([network, prefix, type, label]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, type);
  return { list, label };
});

const NAT64 = new BlockList();
NAT64.addSubnet('64:ff9b::', 96, 'ipv6');

/**
 * Why an address may not be called (`loopback`, `link-local`, `private`, …), or `undefined` for a public address.
 * IPv4-mapped IPv6 (`::ffff:10.0.0.1`) and NAT64 (`64:ff9b::a9fe:a9fe`) addresses are judged by the IPv4 inside.
 */
export function nonPublicRange(address: string): string | undefined {
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  // Stryker disable next-line ConditionalExpression: equivalent, NAT64.check(ipv4, 'ipv6') is false for every IPv4 address
  const embedded = family === 6 && NAT64.check(address, 'ipv6') ? embeddedIpv4(address) : undefined;
  if (embedded) return nonPublicRange(embedded);
  return BLOCKS.find(({ list }) => list.check(address, type))?.label;
}

function embeddedIpv4(address: string): string | undefined {
  const groups = expandIpv6(address);
  // Stryker disable next-line ConditionalExpression: unreachable, isIP() accepted the address, so expandIpv6 parses it
  if (!groups) return undefined;
  const high = groups[6] ?? 0;
  const low = groups[7] ?? 0;
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

function expandIpv6(written: string): number[] | undefined {
  // A trailing dotted quad (`64:ff9b::10.0.0.1`) is two 16-bit groups.
  const dotted = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(written);
  const address = dotted
    ? `${dotted[1]}${((Number(dotted[2]) << 8) | Number(dotted[3])).toString(16)}:${((Number(dotted[4]) << 8) | Number(dotted[5])).toString(16)}`
    : written;
  const [head = '', tail = ''] = address.includes('::') ? address.split('::') : [address, ''];
  // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent for NAT64 addresses, the only input: an
  // empty part is the tail of `64:ff9b::`, and its NaN group becomes 0 in embeddedIpv4's shifts and masks
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16)));
  const left = parse(head);
  const right = parse(tail);
  // Stryker disable next-line ConditionalExpression,StringLiteral,EqualityOperator,LogicalOperator: unreachable for an
  // address isIP() accepted (without `::` it has 8 groups); kept so a future caller cannot index past the groups
  if (!address.includes('::') && left.length !== 8) return undefined;
  return [...left, ...Array(8 - left.length - right.length).fill(0), ...right];
}

/**
 * Checks a destination URL and resolves the address to connect to.
 *
 * @param name the destination's name, used in error messages instead of the (secret) URL
 * @throws UnsafeDestinationError when the URL is not https (plain http passes only with `allowHttp` and an allowlisted
 *   host), or any address the host
 *   resolves to is not public and the host is not in `allowPrivateHosts`
 */
export async function resolveSafeDestination(
  rawUrl: string,
  name: string,
  policy: DestinationPolicy,
  lookup: HostLookup = systemLookup,
  signal?: AbortSignal,
): Promise<PinnedDestination> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new UnsafeDestinationError(`URL of destination "${name}" is not a valid URL`);
  }
  // Stryker disable next-line Regex: equivalent, URL.hostname brackets an IPv6 literal whole, so the anchors change nothing
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const allowlisted = policy.allowPrivateHosts.some((host) => host.toLowerCase() === hostname);
  // Plain http only to an allowlisted private receiver: elsewhere it would put the URL and body on the wire in clear.
  const httpAllowed = policy.allowHttp && allowlisted;
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && httpAllowed)) {
    throw new UnsafeDestinationError(
      `URL of destination "${name}" uses ${url.protocol} — only https is allowed` +
        (url.protocol === 'http:' ? ' (plain http needs allowHttp and the host in allowPrivateHosts)' : ''),
    );
  }
  const literal = isIP(hostname);
  const addresses: readonly ResolvedAddress[] =
    literal === 0
      ? await lookupWithoutNaming(hostname, name, lookup, signal)
      : [{ address: hostname, family: literal === 6 ? 6 : 4 }];
  const [first] = addresses;
  // Messages never name the host: some receivers carry the secret in it (a per-tenant hostname).
  if (!first) throw new UnsafeDestinationError(`The host of destination "${name}" resolves to no address`);
  if (!allowlisted) {
    for (const { address } of addresses) {
      const range = nonPublicRange(address);
      if (range !== undefined) {
        throw new UnsafeDestinationError(
          `The host of destination "${name}" resolves to ${address} (${range}); refused — ` +
            'list the host in allowPrivateHosts if this receiver is meant to be private',
        );
      }
    }
  }
  return { url, hostname, address: first.address, family: first.family };
}

/**
 * Resolves the host, and on failure says so by the destination's name and the resolver's code only: the resolver's
 * own message (`getaddrinfo ENOTFOUND <host>`) names the host, which is treated as secret.
 */
async function lookupWithoutNaming(
  hostname: string,
  name: string,
  lookup: HostLookup,
  signal: AbortSignal | undefined,
): Promise<readonly ResolvedAddress[]> {
  try {
    return await lookup(hostname, signal);
  } catch (error) {
    if (signal?.aborted) throw error;
    const code = (error as { code?: unknown }).code;
    const reason = typeof code === 'string' && /^[A-Z_]+$/.test(code) ? code : 'lookup failed';
    throw new NotificationNetworkError(name, `the host could not be resolved (${reason})`, {
      retryable: reason !== 'ENOTFOUND',
    });
  }
}
