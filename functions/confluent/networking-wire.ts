import { z } from 'zod';
import { InvalidInputError } from '../core/errors.ts';
import { parseResource, schemaProblems } from '../core/input-schema.ts';
import { type Cloud, canonicalName } from '../core/model.ts';

/**
 * Pure mapping from Confluent Cloud's networking v1 API (networks and PrivateLink attachments) to the mappings linkdns
 * needs: endpoint service name / Private Link service alias / PSC service attachment → `dns_domain`, layout, zone label.
 *
 * Shapes follow the published OpenAPI specification (`networking.v1.Network`, `networking.v1.NetworkStatus`,
 * `networking.v1.PrivateLinkAttachment`) and the bodies in the Confluent Terraform provider's test data
 * (`internal/testdata/network/…`, `internal/testdata/private_link_attachment/…`), kept under `events/confluent/`.
 * Fields linkdns does not read are allowed; the ones it reads are checked.
 */

/** A mapping derived from Confluent Cloud: what `linkdns discover --json` prints, one per service. */
export interface DiscoveredMapping {
  readonly cloud: Cloud;
  /** AWS endpoint service name, Azure Private Link service alias, or GCP service attachment as Confluent names it. */
  readonly service: string;
  readonly domain: string;
  /** `zonal` for dedicated networks, `regional` for PrivateLink attachments. */
  readonly layout: 'zonal' | 'regional';
  /** Record label of the zone this service serves (`az1`, `us-central1-a`); absent where the endpoint tells (AWS). */
  readonly zone?: string;
  /** The network (`n-…`) or attachment (`platt-…`) the mapping comes from. */
  readonly source: string;
  readonly environment: string;
  /** Dedicated networks: every zonal record label Confluent advertises for the domain (from `zonal_subdomains`). */
  readonly advertisedZones?: readonly string[];
}

/** Something the API listed that contributes no mapping, and why (not READY yet, no PrivateLink, inconsistent). */
export interface SkippedResource {
  readonly id: string;
  readonly environment: string;
  readonly reason: string;
}

export interface ResourceMappings {
  readonly mappings: DiscoveredMapping[];
  readonly skipped: SkippedResource[];
}

const stringMap = z
  .record(z.string(), z.string())
  .nullish()
  .transform((map) => map ?? {});

const networkSchema = z.looseObject({
  id: z.string().min(1),
  spec: z.looseObject({
    cloud: z.string().min(1),
    connection_types: z.array(z.string()).nullish(),
    zones: z.array(z.string()).nullish(),
  }),
  status: z
    .looseObject({
      phase: z.string().min(1),
      dns_domain: z.string().nullish(),
      zonal_subdomains: stringMap,
      cloud: z
        .looseObject({
          // OpenAPI: `AwsNetwork`, …; the provider's test data: `networking.v1.AwsNetwork`. Both are read.
          kind: z.string().nullish(),
          private_link_endpoint_service: z.string().nullish(),
          private_link_service_aliases: stringMap,
          private_service_connect_service_attachments: stringMap,
        })
        .nullish(),
    })
    .nullish(),
});

const attachmentSchema = z.looseObject({
  id: z.string().min(1),
  spec: z.looseObject({ cloud: z.string().min(1) }),
  status: z
    .looseObject({
      phase: z.string().min(1),
      dns_domain: z.string().nullish(),
      cloud: z
        .looseObject({
          kind: z.string().nullish(),
          vpc_endpoint_service: z.looseObject({ vpc_endpoint_service_name: z.string().nullish() }).nullish(),
          private_link_service: z.looseObject({ private_link_service_alias: z.string().nullish() }).nullish(),
          service_attachment: z
            .looseObject({ private_service_connect_service_attachment: z.string().nullish() })
            .nullish(),
        })
        .nullish(),
    })
    .nullish(),
});

const listSchema = z.looseObject({
  data: z.array(z.unknown()),
  metadata: z.looseObject({ next: z.string().nullish() }).nullish(),
});

const failureSchema = z.looseObject({
  errors: z
    .array(
      z.looseObject({
        status: z.string().nullish(),
        code: z.string().nullish(),
        title: z.string().nullish(),
        detail: z.string().nullish(),
      }),
    )
    .min(1),
});

export type ConfluentNetwork = z.output<typeof networkSchema>;
export type PrivateLinkAttachment = z.output<typeof attachmentSchema>;

/** One page of a list: the items (not yet parsed) and the `metadata.next` URL, when there is a further page. */
export interface ListPage {
  readonly items: readonly unknown[];
  readonly next?: string;
}

/** @throws InvalidInputError when the body is not a networking v1 list */
export function parseListPage(body: unknown, what: string): ListPage {
  const parsed = listSchema.safeParse(body);
  if (!parsed.success) throw new InvalidInputError(`${what}: not a Confluent Cloud list response (${issues(parsed)})`);
  const next = parsed.data.metadata?.next;
  // The provider's test data ends a list with `"next": ""`; the specification with no `next` at all.
  return { items: parsed.data.data, ...(next ? { next } : {}) };
}

/** The `detail` (else `title`, else `code`) of each error in Confluent's `{ "errors": [...] }` envelope. */
export function failureDetails(body: unknown): string[] {
  const parsed = failureSchema.safeParse(body);
  if (!parsed.success) return [];
  return parsed.data.errors
    .map((error) => error.detail || error.title || error.code || '')
    .filter((detail) => detail.length > 0);
}

const CLOUDS: Readonly<Record<string, Cloud>> = { AWS: 'aws', AZURE: 'azure', GCP: 'gcp' };

/** Networks carry DNS only once they are READY; before, `dns_domain` and the cloud maps are empty or missing. */
const READY_NETWORK_PHASES = new Set(['READY']);

/**
 * A PrivateLink attachment accepts endpoints from `WAITING_FOR_CONNECTIONS` on (that is when people create them), so
 * DNS is needed from then; `PROVISIONING`, `FAILED`, `EXPIRED` and `DEPROVISIONING` contribute nothing.
 */
const CONNECTABLE_ATTACHMENT_PHASES = new Set(['WAITING_FOR_CONNECTIONS', 'READY']);

/**
 * The mappings a dedicated network contributes: one per endpoint service (AWS), Private Link service alias (Azure) or
 * service attachment (GCP), all to the network's `dns_domain` with layout `zonal`. Zone labels come from the API's
 * own maps: a zone key's record label is its `zonal_subdomains` entry minus `.<dns_domain>` (`1` → `az1`), never a
 * suffix of the alias or attachment name. A network that is not READY, has no PrivateLink, or whose subdomains are
 * not single labels under its `dns_domain` contributes nothing and is returned as skipped.
 *
 * @example
 * networkMappings(readNetworks.data[1], 'env-gz903').mappings[0]
 * // → { cloud: 'azure', service: 's-nk99e-privatelink-1.…', domain: 'p8xo76.centralus.azure.confluent.cloud',
 * //     layout: 'zonal', zone: 'az1', source: 'n-p8xo76', environment: 'env-gz903', advertisedZones: ['az1', …] }
 * @throws InvalidInputError when the body is not a network
 */
export function networkMappings(body: unknown, environment: string): ResourceMappings {
  const network = parseResource(networkSchema, body, 'Confluent network');
  const skip = (reason: string): ResourceMappings => ({
    mappings: [],
    skipped: [{ id: network.id, environment, reason }],
  });
  const cloud = CLOUDS[network.spec.cloud.toUpperCase()];
  if (!cloud) return skip(`cloud ${network.spec.cloud} is not one linkdns serves`);
  const phase = network.status?.phase ?? 'UNKNOWN';
  if (!READY_NETWORK_PHASES.has(phase)) return skip(`phase ${phase}: contributes once READY`);
  const types = network.spec.connection_types ?? [];
  if (types.length > 0 && !types.includes('PRIVATELINK')) {
    return skip(`connection types ${types.join(', ')}: no PrivateLink, so no private DNS for linkdns to keep`);
  }
  const domain = canonicalName(network.status?.dns_domain ?? '');
  if (!domain) return skip('READY but no dns_domain');
  const labels = new Map<string, string>();
  for (const [zone, subdomain] of Object.entries(network.status?.zonal_subdomains ?? {})) {
    const label = relativeLabel(subdomain, domain);
    if (!label) return skip(`zonal subdomain ${zone} → ${subdomain} is not one label under dns_domain ${domain}`);
    labels.set(zone, label);
  }
  const advertisedZones = [...new Set(labels.values())].sort();
  const base = { cloud, domain, layout: 'zonal' as const, source: network.id, environment, advertisedZones };
  const status = network.status?.cloud;
  if (cloud === 'aws') {
    const service = status?.private_link_endpoint_service;
    // AWS: one endpoint service for every zone; the endpoint's subnets tell its zones (AZ ids).
    return service
      ? { mappings: [{ ...base, service }], skipped: [] }
      : skip('READY but no private_link_endpoint_service');
  }
  const services =
    cloud === 'azure'
      ? (status?.private_link_service_aliases ?? {})
      : (status?.private_service_connect_service_attachments ?? {});
  const entries = Object.entries(services).filter(([, service]) => service.length > 0);
  if (entries.length === 0) {
    return skip(
      `READY but no ${cloud === 'azure' ? 'private_link_service_aliases' : 'private_service_connect_service_attachments'}`,
    );
  }
  const mappings = entries.map(([zone, service]) => {
    const label = labels.get(zone);
    return label ? { ...base, service, zone: label } : { ...base, service };
  });
  return { mappings, skipped: [] };
}

/**
 * The mapping a PrivateLink attachment contributes: its AWS endpoint service name, Azure Private Link service alias
 * or GCP service attachment → its `dns_domain`, layout `regional` (one `*` record).
 *
 * @throws InvalidInputError when the body is not a PrivateLink attachment
 */
export function attachmentMappings(body: unknown, environment: string): ResourceMappings {
  const attachment = parseResource(attachmentSchema, body, 'Confluent PrivateLink attachment');
  const skip = (reason: string): ResourceMappings => ({
    mappings: [],
    skipped: [{ id: attachment.id, environment, reason }],
  });
  const cloud = CLOUDS[attachment.spec.cloud.toUpperCase()];
  if (!cloud) return skip(`cloud ${attachment.spec.cloud} is not one linkdns serves`);
  const phase = attachment.status?.phase ?? 'UNKNOWN';
  if (!CONNECTABLE_ATTACHMENT_PHASES.has(phase)) {
    return skip(`phase ${phase}: contributes while WAITING_FOR_CONNECTIONS or READY`);
  }
  const domain = canonicalName(attachment.status?.dns_domain ?? '');
  if (!domain) return skip(`phase ${phase} but no dns_domain yet`);
  const status = attachment.status?.cloud;
  const service =
    cloud === 'aws'
      ? status?.vpc_endpoint_service?.vpc_endpoint_service_name
      : cloud === 'azure'
        ? status?.private_link_service?.private_link_service_alias
        : status?.service_attachment?.private_service_connect_service_attachment;
  if (!service) return skip(`phase ${phase} but no ${cloud} service to connect to yet`);
  return {
    mappings: [{ cloud, service, domain, layout: 'regional', source: attachment.id, environment }],
    skipped: [],
  };
}

/** `az1.p8xo76.centralus.azure.confluent.cloud` under `p8xo76.centralus.azure.confluent.cloud` → `az1`. */
function relativeLabel(subdomain: string, domain: string): string | undefined {
  const name = canonicalName(subdomain);
  if (!name.endsWith(`.${domain}`)) return undefined;
  const label = name.slice(0, -(domain.length + 1));
  return /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label) ? label : undefined;
}

function issues(result: { error?: z.ZodError }): string {
  return result.error ? schemaProblems(result.error).join('; ') : '';
}
