import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import type { Readable } from 'node:stream';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider, HttpRequest, SourceData } from '@smithy/types';

/**
 * Route 53 Profiles, read side: the private hosted zones a VPC sees through a Profile. `ListHostedZonesByVPC` "does not
 * reflect the hosted zone associations to VPCs via Route 53 Profiles"
 * (https://docs.aws.amazon.com/Route53/latest/APIReference/API_ListHostedZonesByVPC.html), so a VPC that resolves the
 * Confluent zone through a Profile looks zone-less there — and with `zones.create` linkdns would create a second zone
 * that shadows the shared one for that VPC.
 *
 * Two sources answer "which zones does this VPC see through Profiles":
 * - {@link Route53ProfilesApi}: the Profiles API (`route53profiles`, API version 2018-05-10, REST-JSON, SigV4 signing
 *   name `route53profiles`, regional endpoint `https://route53profiles.<region>.amazonaws.com`). The SDK package
 *   `@aws-sdk/client-route53profiles` is not available to this build, so the two read calls are made here, signed with
 *   `@smithy/signature-v4` and sent through the Route 53 client's own request handler (same timeouts and credentials).
 * - {@link ConfiguredProfileZones}: zone ids per VPC from the deployment (`LINKDNS_PROFILE_ZONE_IDS`), for accounts
 *   where the functions may not call the Profiles API.
 */
export interface ProfileZoneSource {
  /** Ids (bare, `Z…`) of the hosted zones the VPC sees through the Route 53 Profile associated with it. */
  hostedZoneIdsSeenBy(vpc: { readonly region: string; readonly id: string }, signal?: AbortSignal): Promise<string[]>;
}

/** Hosted zones per VPC, from configuration: `vpc-1=Z1|Z2,vpc-2=Z3` (a VPC id or `region:vpc-id`). */
export class ConfiguredProfileZones implements ProfileZoneSource {
  readonly #zonesByVpc: ReadonlyMap<string, readonly string[]>;

  constructor(zonesByVpc: ReadonlyMap<string, readonly string[]>) {
    this.#zonesByVpc = zonesByVpc;
  }

  async hostedZoneIdsSeenBy(vpc: { readonly region: string; readonly id: string }): Promise<string[]> {
    return [...(this.#zonesByVpc.get(`${vpc.region}:${vpc.id}`) ?? this.#zonesByVpc.get(vpc.id) ?? [])];
  }
}

/** Zones from every source, each id once. */
export function combinedProfileZones(sources: readonly ProfileZoneSource[]): ProfileZoneSource {
  return {
    async hostedZoneIdsSeenBy(vpc, signal) {
      const ids = await Promise.all(sources.map((source) => source.hostedZoneIdsSeenBy(vpc, signal)));
      return [...new Set(ids.flat())];
    },
  };
}

/** What {@link Route53ProfilesApi} needs of an SDK client's resolved configuration. */
export interface ProfilesTransport {
  /** The Route 53 client's request handler (`client.config.requestHandler`): its connection and request timeouts. */
  readonly requestHandler: {
    handle(
      request: HttpRequest,
      options?: { abortSignal?: AbortSignal },
    ): Promise<{ response: { statusCode: number; headers: Record<string, string>; body?: unknown } }>;
  };
  /** The Route 53 client's credential provider (`client.config.credentials`). */
  readonly credentials: AwsCredentialIdentityProvider;
  /** Base URL instead of `https://route53profiles.<region>.amazonaws.com` (the local AWS). */
  readonly endpoint?: string;
}

/**
 * An error answered by the Profiles API. Shaped like the SDK's service exceptions (`name` = the AWS error code,
 * `$metadata.httpStatusCode`), so the Route 53 adapter's retry loop treats `ThrottlingException` and 5xx alike.
 */
export class Route53ProfilesError extends Error {
  readonly $metadata: { readonly httpStatusCode: number };

  constructor(code: string, message: string, status: number) {
    super(message);
    this.name = code;
    this.$metadata = { httpStatusCode: status };
  }
}

interface ProfileAssociation {
  readonly ProfileId?: string;
  readonly ResourceId?: string;
  readonly Status?: string;
}

interface ProfileResourceAssociation {
  readonly ResourceArn?: string;
  readonly ResourceType?: string;
  readonly Status?: string;
}

/** Associations Route 53 has not finished or is removing: `CREATING` counts (the VPC will see the zone), `DELETED` not. */
const LIVE_STATUSES = new Set(['COMPLETE', 'CREATING', 'UPDATING']);

/**
 * The two Profiles calls linkdns needs, paged (`nextToken`, up to 100 per page):
 * - `GET /profileassociations?resourceId=<vpc>` — ListProfileAssociations
 *   (https://docs.aws.amazon.com/Route53/latest/APIReference/API_route53profiles_ListProfileAssociations.html): the
 *   Profile associated with the VPC (a VPC has at most one);
 * - `GET /profileresourceassociations/profileid/<id>?resourceType=AWS::Route53::HostedZone` —
 *   ListProfileResourceAssociations
 *   (https://docs.aws.amazon.com/Route53/latest/APIReference/API_route53profiles_ListProfileResourceAssociations.html):
 *   the Profile's private hosted zones, `ResourceArn` `arn:aws:route53:::hostedzone/<id>`.
 * Errors come back as REST-JSON: the code in `x-amzn-ErrorType` (possibly `Code:…` suffixed), `{ "message" }` body.
 */
export class Route53ProfilesApi implements ProfileZoneSource {
  readonly #transport: ProfilesTransport;

  constructor(transport: ProfilesTransport) {
    this.#transport = transport;
  }

  async hostedZoneIdsSeenBy(
    vpc: { readonly region: string; readonly id: string },
    signal?: AbortSignal,
  ): Promise<string[]> {
    const associations = await this.#pages<ProfileAssociation>(
      vpc.region,
      '/profileassociations',
      { resourceId: vpc.id },
      'ProfileAssociations',
      signal,
    );
    const profiles = associations
      .filter((association) => association.ResourceId === vpc.id && LIVE_STATUSES.has(association.Status ?? ''))
      .flatMap((association) => (association.ProfileId ? [association.ProfileId] : []));
    const zoneIds: string[] = [];
    for (const profile of new Set(profiles)) {
      const resources = await this.#pages<ProfileResourceAssociation>(
        vpc.region,
        `/profileresourceassociations/profileid/${encodeURIComponent(profile)}`,
        { resourceType: 'AWS::Route53::HostedZone' },
        'ProfileResourceAssociations',
        signal,
      );
      for (const resource of resources) {
        const id = /:hostedzone\/(Z[0-9A-Z]+)$/.exec(resource.ResourceArn ?? '')?.[1];
        if (id && resource.ResourceType === 'AWS::Route53::HostedZone' && LIVE_STATUSES.has(resource.Status ?? '')) {
          zoneIds.push(id);
        }
      }
    }
    return [...new Set(zoneIds)];
  }

  async #pages<T>(
    region: string,
    path: string,
    query: Record<string, string>,
    listKey: string,
    signal: AbortSignal | undefined,
  ): Promise<T[]> {
    const items: T[] = [];
    let token: string | undefined;
    do {
      const page = await this.#get(region, path, { ...query, ...(token ? { nextToken: token } : {}) }, signal);
      const list = page[listKey];
      if (Array.isArray(list)) items.push(...(list as T[]));
      token = typeof page.NextToken === 'string' && page.NextToken !== '' ? page.NextToken : undefined;
    } while (token);
    return items;
  }

  async #get(
    region: string,
    path: string,
    query: Record<string, string>,
    signal: AbortSignal | undefined,
  ): Promise<Record<string, unknown>> {
    const base = new URL(this.#transport.endpoint ?? `https://route53profiles.${region}.amazonaws.com`);
    const request: HttpRequest = {
      method: 'GET',
      protocol: base.protocol,
      hostname: base.hostname,
      ...(base.port ? { port: Number(base.port) } : {}),
      path,
      query,
      headers: { host: base.host, accept: 'application/json' },
    };
    const signer = new SignatureV4({
      service: 'route53profiles',
      region,
      credentials: this.#transport.credentials,
      sha256: NodeSha256,
    });
    const signed = (await signer.sign(request)) as HttpRequest;
    const { response } = await this.#transport.requestHandler.handle(signed, signal ? { abortSignal: signal } : {});
    const text = await readBody(response.body);
    if (response.statusCode >= 300) {
      const header = Object.entries(response.headers).find(([name]) => name.toLowerCase() === 'x-amzn-errortype')?.[1];
      const parsed = parseJson(text);
      const code = (header ?? String(parsed?.__type ?? parsed?.code ?? 'UnknownError')).split(':')[0]?.split('#').pop();
      const message = String(parsed?.message ?? parsed?.Message ?? text);
      throw new Route53ProfilesError(code || 'UnknownError', message, response.statusCode);
    }
    const body = parseJson(text);
    if (!body) throw new Route53ProfilesError('InternalServiceErrorException', `Unreadable answer to GET ${path}`, 500);
    return body;
  }
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

async function readBody(body: unknown): Promise<string> {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of body as Readable) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

function bytesOf(data: SourceData): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/** The SHA-256 / HMAC-SHA256 `Checksum` SigV4 asks for, on node:crypto. */
class NodeSha256 {
  readonly #hash: Hash | Hmac;

  constructor(secret?: SourceData) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(secret));
  }

  update(data: SourceData): void {
    this.#hash.update(bytesOf(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }

  reset(): void {
    throw new Error('not supported: SigV4 creates a new checksum per use');
  }
}
